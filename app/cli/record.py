"""`pitwall record`: record live AMS2 telemetry over UDP into a race file, then (optionally) ingest it."""

import sys
import time
from pathlib import Path

from app.cli.common import open_store, print_json, settings_from
from app.services.laps import lap_dict, race_dict
from app.store.paths import DataPaths


def register(sub) -> None:
    p = sub.add_parser("record", help="record live AMS2 UDP telemetry into a race file (Ctrl+C stops)")
    p.add_argument("-o", "--output", type=Path,
                   help="race file to write (default: recordings/ams2-DATE-TIME.ams2 in the data directory)")
    p.add_argument("--port", type=int, help="UDP port (default: $PITWALL_AMS2_UDP_PORT or 5606)")
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--seconds", type=float, help="stop after this long")
    p.add_argument("--idle", type=float, default=None, help="stop when no packet arrives for this many seconds")
    p.add_argument("--ingest", action="store_true", help="open the recording into the cache when done")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_record)


def cmd_record(args) -> int:
    # Here, not at the top: the decoder and the store load numpy and SQLAlchemy, and registering must stay cheap.
    from app.services.ingest import ingest_file
    from app.sources.ams2.live import record

    settings = settings_from(args)
    port = args.port if args.port is not None else settings.ams2_udp_port
    recordings = DataPaths(settings.home).recordings_dir
    output = args.output or recordings / f"ams2-{time.strftime('%Y%m%d-%H%M%S')}.ams2"
    deadline = time.monotonic() + args.seconds if args.seconds else None

    def keep_going(stats) -> bool:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rrecording: {stats.packets} packets, {stats.seconds:.0f} s")
        return deadline is None or time.monotonic() < deadline

    def on_ready(port: int) -> None:
        print(f"listening on UDP {args.host}:{port}", file=sys.stderr, flush=True)

    stats = record(output, port, args.host, keep_going, idle_timeout=args.idle, on_ready=on_ready)
    out = {"file": str(output), "packets": stats.packets, "telemetry": stats.telemetry,
           "timings": stats.timings, "seconds": round(stats.seconds, 1)}
    if args.ingest:
        result = ingest_file(open_store(args), output)
        out["race"] = {**race_dict(result.race, len(result.laps)), "laps": [lap_dict(lap) for lap in result.laps]}
    if args.json:
        print_json(out)
    else:
        print(f"{output}: {stats.packets} packets in {stats.seconds:.0f} s")
    return 0
