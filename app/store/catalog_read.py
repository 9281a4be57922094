"""The catalog read through sqlite3 alone, for the commands that should answer at once.

Importing SQLAlchemy takes longer (~0.3 s) than `pitwall races` needs to answer, so listings read here. The
schema is still the one in migrations.py: this reads only a catalog already at its latest version (anything
else goes to the full Store, which creates or migrates it), and the row classes carry the same attribute names
as the ORM classes in schema.py (a test keeps them equal), so code written against Store reads either.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.home import env_setting
from app.store.migrations import LATEST
from app.store.paths import DataPaths

if TYPE_CHECKING:
    from app.store.store import Store


@dataclass(frozen=True)
class RaceRow:
    id: str
    source: str
    name: str
    track: str | None
    track_length: float | None
    car: str | None
    car_class: str | None
    status: str
    error: str | None
    raw_path: str | None
    content_hash: str | None
    meta: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class LapRow:
    id: str
    race_id: str
    number: int
    driver: str | None
    team: str | None
    team_color: str | None
    lap_time: float | None
    sector1: float | None
    sector2: float | None
    sector3: float | None
    flags: str
    sample_count: int
    start_time: float
    path: str | None
    meta: str

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


def _columns(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def _race(row: tuple) -> RaceRow:
    *head, created, updated = row
    # SQLAlchemy stores DATETIME as ISO text ("YYYY-MM-DD HH:MM:SS.ffffff"); fromisoformat reads it back.
    return RaceRow(*head, *(datetime.fromisoformat(v) if v else None for v in (created, updated)))


class CatalogReader:
    """A read-only catalog with Store's read methods: races, lap_counts, race, laps."""

    def __init__(self, home: Path, conn: sqlite3.Connection) -> None:
        self.paths = DataPaths(Path(home))
        self._conn = conn

    def close(self) -> None:
        self._conn.close()

    def races(self) -> list[RaceRow]:
        cur = self._conn.execute(f"SELECT {_columns(RaceRow)} FROM races ORDER BY created_at DESC")
        return [_race(r) for r in cur]

    def lap_counts(self) -> dict[str, int]:
        return dict(self._conn.execute("SELECT race_id, count(*) FROM laps GROUP BY race_id").fetchall())

    def race(self, race_id: str) -> RaceRow | None:
        row = self._conn.execute(f"SELECT {_columns(RaceRow)} FROM races WHERE id = ?", (race_id,)).fetchone()
        return _race(row) if row else None

    def laps(self, race_id: str) -> list[LapRow]:
        cur = self._conn.execute(
            f"SELECT {_columns(LapRow)} FROM laps WHERE race_id = ? ORDER BY start_time", (race_id,))
        return [LapRow(*r) for r in cur]


def open_catalog(home: Path) -> CatalogReader | Store:
    """The quick reader when the catalog is there at the latest schema; otherwise the full Store (always for a
    shared catalog, PITWALL_CATALOG_URL, which also runs its recovery: sqlite3 cannot read a server)."""
    path = DataPaths(Path(home)).catalog
    if env_setting("catalog_url"):
        from app.store.store import Store

        store = Store(home)
        store.recover()
        return store
    if path.is_file():
        conn = None
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
            if conn.execute("PRAGMA user_version").fetchone()[0] == LATEST:
                return CatalogReader(home, conn)
        except sqlite3.Error:
            pass  # unreadable here: the Store below opens it properly or says why
        if conn is not None:
            conn.close()
    from app.store.store import Store

    return Store(home)
