"""`pitwall sync push|pull|status|test|login` and `pitwall export` (laps to CSV/Parquet, local or s3://)."""

import getpass
import sys

from app.cli.common import open_store, print_json, settings_from, stderr_progress, table
from app.errors import PitwallError

# app.services.export.FORMATS (a test keeps them equal); importing it would load pyarrow just to register.
EXPORT_FORMATS = ("csv", "parquet")


def register(sub) -> None:
    p = sub.add_parser("sync", help="share the cache through an S3 / MinIO bucket (PITWALL_S3_* settings)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = actions.add_parser("push", help="upload races, laps and stills that are not in the bucket yet")
    a.add_argument("--race", action="append", metavar="ID", help="only this race (repeatable)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=cmd_push)

    a = actions.add_parser("pull", help="bring races that are complete in the bucket into this cache")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=cmd_pull)

    a = actions.add_parser("status", help="which races are local-only, synced, failed or only in the bucket")
    a.add_argument("--local", action="store_true", help="catalog only, do not ask the bucket")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=cmd_status)

    a = actions.add_parser("test", help="check the endpoint, credentials and bucket")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=cmd_test)

    a = actions.add_parser("login", help="save the secret key in the OS keyring (read from stdin or a prompt)")
    a.set_defaults(run=cmd_login)

    p = sub.add_parser("export", help="write selected laps to CSV or Parquet, locally or to s3://bucket/key")
    p.add_argument("--laps", required=True, help="lap uuids, comma-separated")
    p.add_argument("--format", choices=(*EXPORT_FORMATS, "motec"), default="csv",
                   help="motec: a MoTeC i2 .ld file and its .ldx (lap markers) beside it")
    p.add_argument("-o", "--output", required=True, help="a file path or s3://bucket/key")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export)


def _target(args):
    from app.services.sync import target_from

    return target_from(settings_from(args))


def cmd_push(args) -> int:
    from app.services.sync.push import push

    store = open_store(args)
    target = _target(args)
    report = push(store, target, race_ids=args.race, progress=stderr_progress("push"))
    if args.json:
        print_json(report.as_dict())
    else:
        if report.bucket_created:
            print(f"created bucket {target.bucket!r} at {target.endpoint or 'AWS S3'}")
        print(f"{len(report.uploaded)} uploaded, {report.already} already in the bucket, {len(report.failed)} failed; "
              f"{len(report.races)} races complete in the bucket")
        for key, error in report.failed.items():
            print(f"failed: {key}: {error}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_pull(args) -> int:
    from app.services.sync.pull import pull

    store = open_store(args)
    report = pull(store, _target(args), progress=stderr_progress("pull"))
    if args.json:
        print_json(report.as_dict())
    else:
        print(f"{len(report.races)} races pulled, {len(report.already)} already here, {len(report.skipped)} skipped")
        for race_id, why in report.skipped.items():
            print(f"skipped: {race_id}: {why}", file=sys.stderr)
    return 0


def cmd_status(args) -> int:
    from app.services.sync.status import status

    store = open_store(args)
    out = status(store, _target(args), remote=not args.local)
    if args.json:
        print_json(out)
    else:
        rows = [[r["race_id"], r["name"] or "", r["state"], r["error"] or ""] for r in out["races"]]
        print(table(rows, ["race id", "name", "sync", "error"]))
    return 0


def cmd_test(args) -> int:
    from app.services.sync import check_connection

    message = check_connection(_target(args))
    if args.json:
        print_json({"ok": True, "message": message})
    else:
        print(message)
    return 0


def cmd_login(args) -> int:
    from app.services.sync import secrets

    settings = settings_from(args)
    if not settings.s3_access_key:
        raise PitwallError("Set PITWALL_S3_ACCESS_KEY first; the secret is stored for that access key.")
    secret = sys.stdin.readline().strip() if not sys.stdin.isatty() else getpass.getpass("S3 secret key: ")
    if not secret:
        raise PitwallError("No secret given.")
    if not secrets.save_secret(settings.s3_endpoint, settings.s3_access_key, secret):
        raise PitwallError("No OS keyring is available here; set PITWALL_S3_SECRET_KEY in the environment instead.")
    print("Secret saved in the OS keyring.", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from app.services.lap_export import export_laps
    from app.services.sync.objects import deliver

    store = open_store(args)
    lap_ids = [x.strip() for x in args.laps.split(",") if x.strip()]
    if args.format == "motec":
        return _export_motec(args, store, lap_ids)
    where = deliver(settings_from(args), args.output, lambda path: export_laps(store, lap_ids, path, args.format))
    if args.json:
        print_json({"output": where, "laps": lap_ids, "format": args.format})
    else:
        print(where, file=sys.stderr)
    return 0


def _export_motec(args, store, lap_ids: list[str]) -> int:
    from app.services.motec.export import export_motec
    from app.services.sync.names import is_s3_url
    from app.sources.motec.ldx import ldx_path

    if is_s3_url(args.output):
        raise PitwallError("MoTeC export writes two files (.ld and .ldx): give a local path, then sync or upload them")
    path = export_motec(store, lap_ids, args.output)
    if args.json:
        print_json({"output": str(path), "ldx": str(ldx_path(path)), "laps": lap_ids, "format": "motec"})
    else:
        print(path, file=sys.stderr)
    return 0
