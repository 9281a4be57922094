"""Where the files of an Ergast dump are: a folder of `name.csv` / `name.csv.gz`, or the dataset's zip.

A zip's members are found at any depth (the dumps put them at the root or in one folder) and extracted into the
staging folder, so the rest of the import reads plain files either way.
"""

import gzip
import hashlib
import shutil
import zipfile
from pathlib import Path

from app.errors import PitwallError
from app.services.history.schema import TABLES

SUFFIXES = (".csv", ".csv.gz")


def table_name(filename: str) -> str | None:
    """'results.csv.gz' → 'results'; None for a file that is not one of the tables."""
    lower = filename.lower()
    for suffix in (".csv.gz", ".csv"):
        if lower.endswith(suffix):
            name = lower[: -len(suffix)]
            return name if any(t.name == name for t in TABLES) else None
    return None


def locate(source: Path, staging: Path) -> dict[str, Path]:
    """The dump's table files by table name; a zip is extracted into `staging` first."""
    source = Path(source)
    if not source.exists():
        raise PitwallError(f"No such file or folder: {source}")
    if source.is_dir():
        found = _pick({p.name: p for p in sorted(source.iterdir()) if p.is_file()}, source)
    elif zipfile.is_zipfile(source):
        found = _extract(source, staging)
    else:
        raise PitwallError(f"{source} is neither a folder of Ergast CSV files nor a zip of them.")
    missing = [t.name for t in TABLES if t.required and t.name not in found]
    if missing:
        names = ", ".join(f"{m}.csv" for m in missing)
        raise PitwallError(f"The Ergast dump at {source} is missing {names} (plain or .csv.gz).")
    return found


def _pick(files: dict[str, Path], where: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for filename, path in files.items():
        name = table_name(filename)
        if name is None:
            continue
        if name in found:
            raise PitwallError(f"{where} has the {name} table twice ({found[name].name} and {filename}); keep one.")
        found[name] = path
    return found


def _extract(archive: Path, staging: Path) -> dict[str, Path]:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = {Path(m.filename).name: m for m in zf.infolist()
                       if not m.is_dir() and table_name(Path(m.filename).name) and "__MACOSX" not in m.filename}
            dest = staging / "input"
            dest.mkdir(parents=True, exist_ok=True)
            files = {}
            for filename, member in members.items():
                path = dest / filename
                with zf.open(member) as src, open(path, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                files[filename] = path
    except (zipfile.BadZipFile, OSError) as exc:
        raise PitwallError(f"Could not read the zip {archive}: {exc}") from exc
    return _pick(files, archive)


def dump_hash(files: dict[str, Path]) -> str:
    """One hash of the tables' contents (decompressed), so the same dump as folder, .gz or zip is the same dump."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"\0{name}\0".encode())
        path = files[name]
        try:
            with (gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")) as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise PitwallError(f"{path.name}: cannot be read ({exc}).") from exc
    return digest.hexdigest()
