"""Where the imported history lives in the data directory, and which import is the current one.

    history/ergast.json            the current import: its folder, the dump's hash, tables, row counts, seasons
    history/ergast/<hash>-s<n>/*.parquet one folder per import (dump hash, summary version), never changed once
                                         the pointer names it

An import writes a new folder, then replaces the pointer in one rename: a reader sees the old dump or the new
one, never a mix. The folder before stays until the next import (a console opened on it keeps working).
"""

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from app.fileio import write_atomic


@dataclass(frozen=True)
class HistoryPaths:
    home: Path

    @property
    def root(self) -> Path:
        """What the restricted SQL console may read for the history: Parquet tables and their manifests."""
        return self.home / "history"

    @property
    def pointer(self) -> Path:
        return self.root / "ergast.json"

    @property
    def versions(self) -> Path:
        return self.root / "ergast"

    @property
    def lock(self) -> Path:
        return self.home / "locks" / "history.lock"


def current(home: Path) -> dict | None:
    """The manifest of the current import (with `dir`, its absolute folder), or None when nothing is imported."""
    paths = HistoryPaths(Path(home))
    try:
        manifest = json.loads(paths.pointer.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = str(manifest.get("folder") or manifest.get("version") or "")
    folder = paths.versions / name
    if not name or not folder.is_dir():
        return None
    manifest["dir"] = str(folder)
    return manifest


def table_files(home: Path) -> dict[str, Path]:
    """The current import's Parquet file per table (only the tables the dump had)."""
    manifest = current(home)
    if manifest is None:
        return {}
    folder = Path(manifest["dir"])
    return {t["name"]: folder / f"{t['name']}.parquet" for t in manifest["tables"]
            if (folder / f"{t['name']}.parquet").is_file()}


def summary_files(home: Path) -> dict[str, Path]:
    """The summaries computed at import (driver_summary, circuit_summary), by name; none for older imports."""
    from app.services.history.summary_sql import SUMMARY_VERSION

    manifest = current(home)
    if manifest is None or manifest.get("summary_version") != SUMMARY_VERSION:
        return {}  # none stored, or by a Pitwall that defined them differently: the live queries answer
    folder = Path(manifest["dir"])
    return {name: folder / f"{name}.parquet" for name in manifest.get("summaries", [])
            if (folder / f"{name}.parquet").is_file()}


def publish(home: Path, staging: Path, manifest: dict) -> Path:
    """Move a finished staging folder into place and point at it; older imports but the one before go."""
    paths = HistoryPaths(Path(home))
    previous = current(home)
    target = paths.versions / manifest["folder"]
    if target.exists():  # this dump's folder is still there (kept, or even current): never touch it, take another
        manifest["folder"] = f"{manifest['folder']}-{secrets.token_hex(3)}"
        target = paths.versions / manifest["folder"]
    staging.rename(target)
    text = json.dumps(manifest, indent=1)
    write_atomic(paths.pointer, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    keep = {manifest["folder"], Path(previous["dir"]).name if previous else None}
    for folder in paths.versions.iterdir():
        if folder.is_dir() and folder.name not in keep and not folder.name.startswith(".staging"):
            shutil.rmtree(folder, ignore_errors=True)
    return target

