"""`pitwall archive test|status`: the team archive from the command line (docs/team-archive.md).

`test` checks the catalog server and the bucket, as the settings dialog's Test connection does; `status` says
which catalog and file store this data directory uses, and how full its local cache is. Passwords and keys are
never printed.
"""

from __future__ import annotations

from app.cli.common import home_from, print_json, settings_from

OK_VERDICTS = ("ok", "local")


def register(sub) -> None:
    parser = sub.add_parser("archive", help="team archive: test the catalog server and the bucket, show status")
    actions = parser.add_subparsers(dest="archive_command", required=True, metavar="ACTION")
    test = actions.add_parser("test", help="check the catalog (PITWALL_CATALOG_URL) and the bucket (S3 settings)")
    test.add_argument("--json", action="store_true")
    test.set_defaults(run=cmd_test)
    status = actions.add_parser("status", help="the catalog and lap files in use, races, local cache")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=cmd_status)


def cmd_test(args) -> int:
    from app.archive import archive_mode
    from app.services.sync.config import probe
    from app.store.engine import catalog_url, check_catalog, mask_url
    from app.store.paths import DataPaths

    settings = settings_from(args)
    url = catalog_url(DataPaths(settings.home))
    catalog = check_catalog(url)
    mode = archive_mode(settings.archive)
    if mode == "s3" or settings.s3_bucket:
        bucket = probe(settings)
    else:
        bucket = ("local", "Lap files in the data directory (PITWALL_ARCHIVE=local, no S3 bucket set).")
    out = {"catalog": {"verdict": catalog[0], "message": catalog[1], "url": mask_url(url)},
           "archive": {"mode": mode, "verdict": bucket[0], "message": bucket[1]}}
    if args.json:
        print_json(out)
    else:
        print(f"catalog: {catalog[0]} — {catalog[1]}")
        print(f"bucket:  {bucket[0]} — {bucket[1]}")
    return 0 if catalog[0] in OK_VERDICTS and bucket[0] in OK_VERDICTS else 2


def cmd_status(args) -> int:
    from app.store import Store

    store = Store(home_from(args))
    try:
        races, _latest = store.catalog_stamp()
        files = store.archive_files
        out = {"catalog": store.location, "shared": store.shared, "races": races,
               "archive": "s3" if files is not None else "local",
               "archive_url": files.url if files is not None else str(store.paths.laps_dir)}
        if files is not None:
            cache = files.remote.cache
            out |= {"cache_dir": str(cache.root), "cache_bytes": cache.size(), "cache_limit_bytes": cache.limit}
    finally:
        store.close()
    if args.json:
        print_json(out)
    else:
        for key, value in out.items():
            print(f"{key}: {value}")
    return 0
