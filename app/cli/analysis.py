"""`pitwall compare`, `corners`, `best`: where the time is won and lost."""

from app.cli.common import open_store, print_json, table


def register(sub) -> None:
    p = sub.add_parser("compare", help="a lap against a reference: delta at the sectors and line, per segment")
    p.add_argument("lap_uuid")
    p.add_argument("reference_uuid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_compare)

    for name, help_text, run in (("corners", "the corners of a track (start, apex, end)", cmd_corners),
                                 ("best", "theoretical best lap: best sectors and mini-sectors", cmd_best)):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("race_id", nargs="?")
        p.add_argument("--track", help="every race at this track instead of one race")
        p.add_argument("--json", action="store_true")
        if name == "best":
            p.add_argument("--minisectors", type=int, default=25, help="mini-sectors per lap (default 25)")
        else:
            for op, form in (("rename", "T3=Hairpin"), ("merge", "T1,T2"), ("split", "T5@1250"),
                             ("move", "T3:apex=700")):
                p.add_argument(f"--{op}", action="append", default=[], metavar=form,
                               help=f"{op} corners, e.g. --{op} {form} (kept per track)")
            p.add_argument("--redetect", action="store_true", help="forget the saved corners and detect again")
        p.set_defaults(run=run)


def _target(args) -> dict:
    from app.errors import PitwallError

    if bool(args.race_id) == bool(args.track):
        raise PitwallError("Give a RACE_ID or --track NAME (one of the two).")
    return {"race_id": args.race_id, "track": args.track}


def _s(x: float | None, signed: bool = True) -> str:
    return "—" if x is None else (f"{x:+.3f}" if signed else f"{x:.3f}")


def cmd_compare(args) -> int:
    from app.services.analysis.archive import compare_laps

    out = compare_laps(open_store(args), args.lap_uuid, args.reference_uuid)
    if args.json:
        print_json(out)
        return 0
    print(f"{out['lap_label']} vs {out['reference_label']}: lap time {_s(out['lap_time_delta'])} s, "
          f"delta at the line {_s(out['delta_at_line'])} ± {out['uncertainty']:.3f} s ({out['alignment']} alignment)")
    for s in out["sectors"]:
        print(f"  sector {s['sector']}: {_s(s['delta'])} s")
    rows = [[s["name"], s["kind"], f"{s['start']:.0f}–{s['end']:.0f}", _s(s["time_delta"]),
             s["lap"]["min_speed"], s["reference"]["min_speed"], s["lap"]["brake_point"], s["reference"]["brake_point"]]
            for s in out["segments"]]
    print(table(rows, ["segment", "kind", "m", "Δ s", "min km/h", "ref min", "brake at", "ref brake"]))
    for note in out["notes"]:
        print(f"note: {note}")
    return 0


def cmd_corners(args) -> int:
    from app.services.analysis.archive import corners_report

    edits = [(op, arg) for op in ("rename", "merge", "split", "move") for arg in getattr(args, op)]
    out = corners_report(open_store(args), edits=edits, redetect=args.redetect, **_target(args))
    if args.json:
        print_json(out)
        return 0
    print(f"{out['track']}: {len(out['corners'])} corners, {out['length']:.0f} m")
    print(table([[c["name"], c["start"], c["apex"], c["end"]] for c in out["corners"]],
                ["corner", "start m", "apex m", "end m"]))
    return 0


def cmd_best(args) -> int:
    from app.services.analysis.archive import best_report
    from app.services.laps import format_lap_time

    out = best_report(open_store(args), minisector_count=args.minisectors, **_target(args))
    if args.json:
        print_json(out)
        return 0
    print(f"theoretical best {format_lap_time(out['theoretical_best'])} (best sectors), "
          f"{format_lap_time(out['minisectors_best'])} (best of {out['minisectors']} mini-sectors)")
    if out["fastest_lap"]:
        print(f"fastest lap {format_lap_time(out['fastest_lap']['lap_time'])} ({out['fastest_lap']['label']})")
    print(table([[s["sector"], f"{s['time']:.3f}", s["label"], s["lap"]] for s in out["sectors"]],
                ["sector", "time", "lap", "lap uuid"]))
    return 0
