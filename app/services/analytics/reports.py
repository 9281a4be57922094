"""Built-in reports. Circuits and drivers: the F1 history (when imported) and the user's sessions together
(app/services/history/summaries.py); device reports: a bundled saved query run on the archive."""

import time
from pathlib import Path

import duckdb
import pyarrow as pa

from app.errors import PitwallError
from app.services.analytics.archive import Archive
from app.services.analytics.console import QueryResult, run_query
from app.services.analytics.queries import BUNDLED_DIR, expand
from app.services.history import summaries
from app.services.history.store import current

ARCHIVE_REPORTS = ("circuits", "drivers")
DEVICE_REPORTS = ("overview", "daily", "list", "latest")

_I, _F, _S, _D = pa.int64(), pa.float64(), pa.string(), pa.date32()
_TYPES = {
    "drivers": dict(zip(summaries.DRIVER_KEYS, (_S, _S, _I, _I, _I, _I, _I, _F, _I, _I, _I, _I, _I, _F, _I, _I,
                                                 _S, _S), strict=True)),
    "circuits": dict(zip(summaries.CIRCUIT_KEYS, (_S, _S, _S, _S, _I, _F, _S, _I, _S, _D, _S, _I, _I, _I, _I, _S,
                                                   _F, _S, _D, _S, _F), strict=True)),
}


def report_sql(name: str) -> str:
    """The SQL of a report: 'circuits', 'drivers' (the archive-only saved query) or 'devices <which>'."""
    if name in ARCHIVE_REPORTS:
        file = f"{name}.sql"
    elif name.startswith("devices ") and name.split(" ", 1)[1] in DEVICE_REPORTS:
        file = f"devices_{name.split(' ', 1)[1]}.sql"
    else:
        known = [*ARCHIVE_REPORTS, *(f"devices {r}" for r in DEVICE_REPORTS)]
        raise PitwallError(f"Unknown report {name!r}; known: {', '.join(known)}")
    return (BUNDLED_DIR / file).read_text(encoding="utf-8")


def run_report(archive: Archive, name: str) -> QueryResult:
    if name in ARCHIVE_REPORTS:
        return history_report(archive, name)
    if name.startswith("devices ") and archive.devices is None:
        raise PitwallError("Device reports need a source: a Parquet folder or an s3:// prefix.")
    return run_query(archive, expand(report_sql(name), has_devices=archive.devices is not None))


def history_report(archive: Archive, name: str) -> QueryResult:
    """'drivers' or 'circuits' over the history and the user's sessions (see summaries.py)."""
    if archive.home is None:
        raise PitwallError("This archive has no data directory to read the F1 history from.")
    return summary_report(archive.home, name)


def summary_report(home: Path, name: str) -> QueryResult:
    """The drivers or circuits report straight from the data directory, as a table of fixed columns."""
    start = time.perf_counter()
    rows = summaries.drivers(home) if name == "drivers" else summaries.circuits(home)
    table = pa.table({k: pa.array([r.get(k) for r in rows], type=t) for k, t in _TYPES[name].items()})
    return QueryResult(table, False, time.perf_counter() - start)


def page_report(home: Path, kind: str, ref: str) -> QueryResult:
    """One driver's seasons ('drivers', a driverRef) or one circuit's races ('circuits', a circuitRef)."""
    start = time.perf_counter()
    if not summaries.known_ref(home, kind, ref):
        what = "driver (driverRef)" if kind == "drivers" else "circuit (circuitRef)"
        hint = "" if current(home) else "; no F1 history is imported (pitwall import ergast PATH)"
        raise PitwallError(f"No {what} {ref!r} in the F1 history{hint}.")
    try:
        rows = summaries.driver_seasons(home, ref) if kind == "drivers" else summaries.circuit_races(home, ref)
    except duckdb.Error as exc:
        text = str(exc).strip()
        raise PitwallError(text.splitlines()[0] if text else type(exc).__name__) from exc
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    return QueryResult(table, False, time.perf_counter() - start)
