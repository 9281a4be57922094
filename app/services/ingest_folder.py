"""Ingest every race file in a folder: one result or one error per file, so a bad file does not stop the rest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import Cancelled, PitwallError, Progress, no_progress

if TYPE_CHECKING:
    from app.services.ingest import IngestResult
    from app.store import Store

# The forms a race file comes in: the binary file, the upload format as stored (raw_data.deflate), and the
# old upload API's base64 text. The reader tells them apart by content; the suffix only picks the files.
RACE_SUFFIXES = (".ams2", ".deflate", ".b64")


@dataclass
class FolderItem:
    file: Path
    result: IngestResult | None = None
    error: str | None = None


def race_files(folder: Path) -> list[Path]:
    """The race files directly in `folder` (not its sub-folders), by name."""
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in RACE_SUFFIXES)


def ingest_folder(store: Store, folder: Path, progress: Progress = no_progress) -> list[FolderItem]:
    """Ingest each race file in `folder`; a file that fails is reported (and its race marked Failed), not raised.

    Cancelling stops the folder; the files done so far stay in the cache.
    """
    from app.services.ingest import ingest_file

    files = race_files(folder)
    if not files:
        kinds = ", ".join(f"*{s}" for s in RACE_SUFFIXES)
        raise PitwallError(f"No race files ({kinds}) in {folder}")
    items: list[FolderItem] = []
    for i, path in enumerate(files):
        def step(done: int, total: int, i: int = i) -> bool:
            return progress(i * 100 + 100 * done // max(total, 1), 100 * len(files))

        try:
            items.append(FolderItem(path, result=ingest_file(store, path, progress=step)))
        except Cancelled:
            raise
        except PitwallError as exc:
            items.append(FolderItem(path, error=str(exc)))
    return items
