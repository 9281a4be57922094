"""The per-race manifest: the catalog rows of a race and the list of its objects with checksums.

It is uploaded after every object it lists, so a race is complete in the bucket exactly when its manifest
exists; a pull rebuilds the catalog from it. Rows are copied column by column (schema-tolerant: columns this
Pitwall does not know are ignored, missing ones take their defaults).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import Connection, inspect, text

from app.services.sync import layout
from app.services.sync.state import Item
from app.store import Store

FORMAT = "pitwall-race-manifest"
VERSION = 1
# Tables that hold a race's rows, in insert order, and the column that links them to the race.
RACE_TABLES = (("races", "id"), ("laps", "race_id"), ("results", "race_id"), ("frames", "race_id"))


@dataclass
class Manifest:
    race_id: str
    rows: dict[str, list[dict]]
    objects: list[dict]  # kind, key (relative to the prefix), ref (row id), sha256, size

    def to_bytes(self) -> bytes:
        doc = {"format": FORMAT, "version": VERSION, "race_id": self.race_id, "rows": self.rows,
               "objects": self.objects}
        return json.dumps(doc, sort_keys=True, indent=1, default=str).encode()

    @property
    def bytes_total(self) -> int:
        return sum(int(o["size"]) for o in self.objects)


def tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def race_rows(store: Store, race_id: str) -> dict[str, list[dict]]:
    """Every catalog row of one race, as plain JSON-able dicts (SQLite values as stored)."""
    out: dict[str, list[dict]] = {}
    with store.engine.connect() as conn:
        present = tables(conn)
        for table, column in RACE_TABLES:
            if table in present:
                result = conn.execute(text(f"SELECT * FROM {table} WHERE {column} = :r"), {"r": race_id})
                rows = [dict(r._mapping) for r in result]
                if table == "results":  # local autoincrement ids mean nothing on another machine
                    rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
                out[table] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


def build(store: Store, race_id: str, items: list[Item]) -> Manifest:
    objects = [{"kind": i.kind, "key": i.key, "ref": i.ref, "sha256": i.sha256, "size": i.size}
               for i in sorted(items, key=lambda i: i.key)]
    return Manifest(race_id, race_rows(store, race_id), objects)


def parse(data: bytes, race_id: str) -> Manifest:
    """Read a manifest from the bucket, refusing anything that is not one or names unsafe keys."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"manifest is not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("race_id") != race_id:
        raise ValueError("not a Pitwall race manifest")
    if int(doc.get("version", 0)) > VERSION:
        raise ValueError(f"manifest version {doc.get('version')} is newer than this Pitwall understands")
    rows = doc.get("rows") or {}
    if len(rows.get("races") or []) != 1:
        raise ValueError("manifest has no race row")
    objects = doc.get("objects") or []
    for obj in objects:
        local_path(obj["key"])  # raises on keys outside the layout
        if not isinstance(obj.get("sha256"), str) or len(obj["sha256"]) != 64:
            raise ValueError(f"object {obj['key']} has no sha256")
    return Manifest(race_id, rows, objects)


def local_path(key: str) -> str:
    """Where an object of the layout lives under the data directory (relative path, never outside it)."""
    parts = PurePosixPath(key).parts
    if len(parts) == 3 and parts[0] == "races" and parts[2].startswith("raw_data"):
        return f"raw/{layout.safe_id(parts[1])}/{layout.safe_id(parts[2])}"
    if len(parts) == 4 and parts[0] == "races" and parts[2] == "laps" and parts[3].endswith(".parquet"):
        return f"laps/{layout.safe_id(parts[1])}/{layout.safe_id(parts[3])}"
    if len(parts) == 3 and parts[0] == "frames":
        return f"frames/{layout.safe_id(parts[1])}/{layout.safe_id(parts[2])}"
    raise ValueError(f"unexpected object key {key!r}")


# table -> (path column, object kind whose `ref` is the row id)
PATH_COLUMNS = {"races": ("raw_path", "raw"), "laps": ("path", "lap"), "frames": ("path", "frame")}


def apply(conn: Connection, manifest: Manifest) -> None:
    """Insert a pulled race's rows (inside the caller's transaction). Paths point at the pulled files."""
    present = tables(conn)
    files = {(o["kind"], o.get("ref")): local_path(o["key"]) for o in manifest.objects}
    for table, _column in RACE_TABLES:
        rows = manifest.rows.get(table) or []
        if not rows or table not in present:
            continue
        known = {c["name"] for c in inspect(conn).get_columns(table)}
        for row in rows:
            row = {k: v for k, v in row.items() if k in known and not (table == "results" and k == "id")}
            if table in PATH_COLUMNS:
                # Re-derive the path from our own layout; never trust a path written by another machine.
                column, kind = PATH_COLUMNS[table]
                if row.get(column):
                    row[column] = files.get((kind, str(row.get("id"))))
            cols = sorted(row)
            conn.execute(text(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"),
                         row)
