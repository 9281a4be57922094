"""The bundled Ergast dump (1950–2023, tests/data/ergast/csv) and independent readings of it with csv and pandas."""

import csv
import functools
import gzip
import io
import shutil
import zipfile
from pathlib import Path

DUMP = Path(__file__).resolve().parent / "data" / "ergast" / "csv"


def csv_rows(name: str, folder: Path = DUMP) -> list[dict]:
    """A table's rows as the csv module reads them (strings, `\\N` kept as is); a fresh copy each call."""
    return [dict(r) for r in _read_rows(name, folder)]


@functools.lru_cache(maxsize=32)
def _read_rows(name: str, folder: Path) -> tuple[dict, ...]:
    path = folder / f"{name}.csv.gz"
    if not path.exists():
        path = folder / f"{name}.csv"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def frame(name: str):
    """A table as pandas reads it, `\\N` as missing."""
    import pandas as pd

    return pd.read_csv(DUMP / f"{name}.csv.gz", na_values=["\\N"], keep_default_na=False)


def lap_seconds(text: str) -> float:
    parts = [float(p) for p in text.split(":")]
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


def plain_copy(dest: Path) -> Path:
    """The dump as plain .csv files."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in DUMP.glob("*.csv.gz"):
        (dest / path.name[:-3]).write_bytes(gzip.decompress(path.read_bytes()))
    return dest


def zipped(dest: Path, inner: str = "f1db_csv/") -> Path:
    """The dump as the dataset's zip (plain CSV members in a folder)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(DUMP.glob("*.csv.gz")):
            zf.writestr(inner + path.name[:-3], gzip.decompress(path.read_bytes()))
    return dest


def gz_copy(dest: Path) -> Path:
    shutil.copytree(DUMP, dest)
    return dest


def write_table(folder: Path, name: str, rows: list[dict], header: list[str] | None = None) -> None:
    """Replace one table of a (copied) dump, gzip-compressed like the bundled one."""
    header = header or list(rows[0])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    for old in (folder / f"{name}.csv", folder / f"{name}.csv.gz"):
        old.unlink(missing_ok=True)
    (folder / f"{name}.csv.gz").write_bytes(gzip.compress(buf.getvalue().encode(), compresslevel=1))


def cut_to(folder: Path, last_year: int) -> Path:
    """The dump as it was after `last_year` (an older release): later races and their rows removed."""
    races = [r for r in csv_rows("races") if int(r["year"]) <= last_year]
    keep = {r["raceId"] for r in races}
    write_table(folder, "races", races)
    write_table(folder, "seasons", [r for r in csv_rows("seasons") if int(r["year"]) <= last_year])
    for name in ("results", "qualifying", "sprint_results", "pit_stops", "driver_standings",
                 "constructor_standings", "constructor_results"):
        rows = csv_rows(name)
        write_table(folder, name, [r for r in rows if r["raceId"] in keep], list(rows[0]))
    return folder
