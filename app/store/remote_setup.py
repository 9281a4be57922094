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
    if archive is None or isinstance(archive, str):
        if archive_mode(archive) == "local":
            return None
        from app.archive.s3 import RemoteArchive
        from app.config import load_settings
        from app.services.sync.saved import with_saved

        archive = RemoteArchive.from_settings(with_saved(load_settings(home=paths.home)))
    from app.store.remote import ArchiveFiles

    return ArchiveFiles(archive, paths)
