"""Saved queries: `.sql` files with placeholders, bundled with Pitwall or kept in the user's queries folder.

Placeholders name relations: {{LAPS}} and {{SAMPLES}} (the lap catalog and all lap samples) and {{S3_PATH}}
(the device telemetry source, S3 or local). `read_parquet({{S3_PATH}})`, the form used by the seed's query files,
means the same relation.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from app.errors import PitwallError
from app.services.analytics.archive import DEVICES_VIEW
from app.store.lapfiles import write_atomic

BUNDLED_DIR = Path(__file__).resolve().parents[3] / "resources" / "queries"
DEFAULTS = {"LAPS": "laps", "SAMPLES": "samples", "S3_PATH": DEVICES_VIEW}
_READ_PARQUET = re.compile(r"read_parquet\(\s*'?\{\{\s*S3_PATH\s*\}\}'?\s*\)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_ -]{0,80}$")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    bundled: bool

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def placeholders(self) -> set[str]:
        return {m.group(1).upper() for m in _PLACEHOLDER.finditer(self.text)}


def list_queries(user_dir: Path) -> list[SavedQuery]:
    """Bundled queries, then the user's; a user query with a bundled query's name replaces it."""
    found: dict[str, SavedQuery] = {}
    for folder, bundled in ((BUNDLED_DIR, True), (Path(user_dir), False)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.sql")):
                found[path.stem] = SavedQuery(path.stem, path, bundled)
    return list(found.values())


def find_query(user_dir: Path, name: str) -> SavedQuery:
    for query in list_queries(user_dir):
        if query.name == name:
            return query
    raise PitwallError(f"No saved query named {name!r}")


def save_query(user_dir: Path, name: str, text: str) -> SavedQuery:
    """Save (or overwrite) a user query. Editing a bundled query saves the user's own copy."""
    name = name.strip()
    if not _NAME.match(name):
        raise PitwallError("A query name uses letters, digits, spaces, '-' and '_' only.")
    path = Path(user_dir) / f"{name}.sql"
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return SavedQuery(name, path, bundled=False)


def delete_query(user_dir: Path, name: str) -> None:
    path = Path(user_dir) / f"{name}.sql"
    if not path.is_file():
        raise PitwallError(f"No user query named {name!r} (bundled queries cannot be deleted)")
    path.unlink()


def expand(sql: str, values: dict[str, str] | None = None, has_devices: bool = True) -> str:
    """Replace placeholders by relation names; an unknown placeholder is an error, not silent text."""
    mapping = {**DEFAULTS, **{k.upper(): v for k, v in (values or {}).items()}}
    if not has_devices and "S3_PATH" in _names(sql):
        raise PitwallError("This query reads device telemetry: give a source (a Parquet folder or s3:// prefix).")
    sql = _READ_PARQUET.sub(mapping["S3_PATH"], sql)

    def replace(match: re.Match) -> str:
        key = match.group(1).upper()
        if key not in mapping:
            raise PitwallError(f"Unknown placeholder {{{{{match.group(1)}}}}}; known: {', '.join(sorted(mapping))}")
        return mapping[key]

    return _PLACEHOLDER.sub(replace, sql)


def _names(sql: str) -> set[str]:
    return {m.group(1).upper() for m in _PLACEHOLDER.finditer(sql)}
