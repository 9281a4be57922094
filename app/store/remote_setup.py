"""Whether a Store works on the team archive (PITWALL_ARCHIVE=s3), decided without loading boto3 when not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.archive import archive_mode
from app.store.paths import DataPaths

if TYPE_CHECKING:
    from app.archive.s3 import RemoteArchive
    from app.store.remote import ArchiveFiles


def archive_files_for(paths: DataPaths, archive: RemoteArchive | str | None) -> ArchiveFiles | None:
    """`archive`: a RemoteArchive, "local"/"s3", or None for $PITWALL_ARCHIVE. None in local mode; in S3 mode
    the bucket of the S3 settings (environment, then the saved settings and the keyring)."""
    from app.store.remote import ArchiveFiles

    if archive is None or isinstance(archive, str):
        if archive_mode(archive) == "local":
            return None
        from app.config import load_settings
        from app.services.sync.saved import with_saved

        settings = with_saved(load_settings(home=paths.home))
        if not settings.s3_bucket:  # said now, in one line, rather than at the first lap (keys: at first use)
            from app.errors import PitwallError

            raise PitwallError("PITWALL_ARCHIVE=s3 needs a bucket: set PITWALL_S3_BUCKET (and the other S3 "
                               "settings) or fill in Sync → S3 settings.")

        def connect() -> RemoteArchive:
            from app.archive.s3 import RemoteArchive

            return RemoteArchive.from_settings(settings)

        prefix = settings.s3_prefix.strip().strip("/")
        return ArchiveFiles(connect, paths, url=f"s3://{settings.s3_bucket}/{prefix + '/' if prefix else ''}")
    return ArchiveFiles(archive, paths)
