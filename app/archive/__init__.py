"""The team archive: lap files, session tables, raw files and stills in an S3 bucket, read through a local LRU
cache, laid out as an open Hive-partitioned Parquet dataset (see docs/team-archive.md).

`PITWALL_ARCHIVE=s3` turns it on (with the S3 settings of the sync); the default `local` keeps everything in
the data directory. Nothing here is imported in local mode.
"""

from app.home import env_setting

MODES = ("local", "s3")
NO_SYNC = ("This data directory works on the team archive (PITWALL_ARCHIVE=s3): its files are in the bucket "
           "already, and every machine of the team reads them there; sync push and pull are for a local archive.")


def archive_mode(override: str | None = None) -> str:
    """`override`, else $PITWALL_ARCHIVE, else "local"; anything else is refused with a clear message."""
    from app.errors import PitwallError

    mode = (override or env_setting("archive") or "local").strip().lower()
    if mode not in MODES:
        raise PitwallError(f"PITWALL_ARCHIVE must be one of {', '.join(MODES)}, not {mode!r}.")
    return mode
