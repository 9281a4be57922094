"""What the summaries read, each the quick way: the history's precomputed summaries and small lookup tables
through pyarrow, the user's sessions straight from the SQLite catalog (read-only). No DuckDB connection and no
catalog copy, so a report answers in milliseconds; the pages (one driver, one circuit) query DuckDB."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import PitwallError
from app.services.history.store import summary_files, table_files
from app.services.history.summary_sql import SUMMARIES
from app.services.history.venues import Circuit

if TYPE_CHECKING:
    import duckdb


@dataclass
class History:
    """The current import's summaries and lookups (all empty before any import)."""

    drivers: list[dict] = field(default_factory=list)
    circuits: list[dict] = field(default_factory=list)
    circuit_list: list[Circuit] = field(default_factory=list)
    rounds: dict[tuple[int, int], int] = field(default_factory=dict)  # (year, round) → circuitId
    sprint_rounds: set[tuple[int, int]] = field(default_factory=set)


def read_history(home: Path, drivers: bool = True, circuits: bool = True) -> History:
    """The summaries asked for, and the rounds (each report reads two small files, nothing else)."""
    import pyarrow.parquet as pq

    if not table_files(home):
        return History()
    files = summary_files(home)
    if set(SUMMARIES) <= set(files):
        def read(name: str) -> list[dict]:
            return pq.read_table(files[name]).to_pylist()
    else:  # an import made before the summaries were stored: compute them now
        conn = history_connection(home)

        def read(name: str) -> list[dict]:
            return _records(conn, f"SELECT * FROM ergast.{name}")
    try:
        history = History(drivers=read("driver_summary") if drivers else [],
                          circuits=read("circuit_summary") if circuits else [])
        rounds = read("race_rounds")
    finally:
        if not set(SUMMARIES) <= set(files):
            conn.close()
    history.circuit_list = [Circuit(r["circuitId"], r["circuit_ref"], r["circuit"] or "", r["location"] or "",
                                    r["country"] or "") for r in history.circuits]
    history.rounds = {(r["year"], r["round"]): r["circuitId"] for r in rounds}
    history.sprint_rounds = {(r["year"], r["round"]) for r in rounds if r["sprint"]}
    return history


def history_connection(home: Path) -> duckdb.DuckDBPyConnection:
    """A private DuckDB connection over the history's views only (our own queries, not the user's)."""
    import duckdb

    from app.services.history.views import register_history

    conn = duckdb.connect(":memory:", config={"autoinstall_known_extensions": "false",
                                              "autoload_known_extensions": "false", "threads": "2"})
    register_history(conn, home)
    return conn


def _records(conn: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> list[dict]:
    cur = conn.execute(query, params) if params else conn.execute(query)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# One row per session of the user's (FastF1, AMS2, …): what the merge needs to place it and to avoid counting a
# race twice. Laps as in the bundled circuits report: timed, not invalid; an F1 driver's best from results too.
OWN_SESSIONS = """
WITH ready AS (
    SELECT id, track, name, source, meta, coalesce(json_extract(meta, '$.session'), 'Race') AS session,
           coalesce(date(json_extract(meta, '$.date')), date(created_at)) AS race_date
    FROM races WHERE status = 'Ready' AND track IS NOT NULL
),
timed AS (
    SELECT race_id, coalesce(driver, 'You') AS driver, lap_time FROM laps
    WHERE lap_time IS NOT NULL AND (',' || coalesce(flags, '') || ',') NOT LIKE '%,invalid,%'
    UNION ALL
    SELECT race_id, coalesce(driver, abbreviation) AS driver, best_lap_time FROM results
    WHERE best_lap_time IS NOT NULL
),
best AS (
    SELECT race_id, lap_time, driver, row_number() OVER (PARTITION BY race_id ORDER BY lap_time, driver) AS n
    FROM timed
)
SELECT ready.id, ready.track, ready.name, ready.source, ready.session, ready.race_date,
       json_extract(ready.meta, '$.year') AS year, json_extract(ready.meta, '$.round') AS round,
       json_extract(ready.meta, '$.location') AS location, json_extract(ready.meta, '$.event') AS event,
       best.lap_time, best.driver
FROM ready LEFT JOIN best ON best.race_id = ready.id AND best.n = 1
"""

# One row per driver and session of the user's: classified results where there are any (F1), else one entry
# for whoever drove the session's laps (AMS2: "You"), as in the bundled drivers report.
OWN_ENTRIES = """
WITH ready AS (
    SELECT id, coalesce(json_extract(meta, '$.session'), 'Race') AS session,
           json_extract(meta, '$.year') AS year, json_extract(meta, '$.round') AS round
    FROM races WHERE status = 'Ready'
)
SELECT ra.id, ra.session, ra.year, ra.round, coalesce(r.driver, r.abbreviation) AS driver, r.position, r.grid,
       r.points
FROM results r JOIN ready ra ON ra.id = r.race_id
UNION ALL
SELECT DISTINCT ra.id, ra.session, ra.year, ra.round, coalesce(l.driver, 'You') AS driver, NULL, NULL, NULL
FROM laps l JOIN ready ra ON ra.id = l.race_id
WHERE l.race_id NOT IN (SELECT race_id FROM results)
"""


def own_rows(home: Path, query: str) -> list[dict]:
    """The user's sessions from the catalog; none when there is no catalog yet."""
    catalog = Path(home) / "catalog.sqlite"
    if not catalog.exists():
        return []
    try:
        conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise PitwallError(f"Could not read the catalog: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(query)]
    except sqlite3.Error as exc:
        raise PitwallError(f"Could not read the catalog: {exc}") from exc
    finally:
        conn.close()
    for row in rows:
        if isinstance(row.get("race_date"), str):
            row["race_date"] = _date(row["race_date"])
    return rows


def _date(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None
