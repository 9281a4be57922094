"""Built-in reports. Circuits and drivers: the F1 history (when imported) and the user's sessions together
(app/services/history/summaries.py); device reports: a bundled saved query run on the archive."""

import time

import duckdb
import pyarrow as pa

from app.errors import Cancelled, PitwallError
from app.services.analytics.archive import Archive
from app.services.analytics.console import QueryResult, run_query
from app.services.analytics.queries import BUNDLED_DIR, expand
from app.services.history import summaries

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
    """'drivers' or 'circuits' over the history and the user's sessions, as a table of fixed columns."""
    start = time.perf_counter()
    rows = guarded(lambda: summaries.drivers(archive.conn) if name == "drivers" else summaries.circuits(archive.conn))
    types = _TYPES[name]
    table = pa.table({k: pa.array([r.get(k) for r in rows], type=t) for k, t in types.items()})
    return QueryResult(table, False, time.perf_counter() - start)


def guarded(work):
    """Run a history query on the archive's connection: cancel and DuckDB errors as one clear line."""
    try:
        return work()
    except duckdb.InterruptException as exc:
        raise Cancelled("Report cancelled.") from exc
    except duckdb.Error as exc:
        text = str(exc).strip()
        raise PitwallError(text.splitlines()[0] if text else type(exc).__name__) from exc


def page_report(archive: Archive, kind: str, ref: str) -> QueryResult:
    """One driver's seasons ('drivers', a driverRef) or one circuit's races ('circuits', a circuitRef)."""
    start = time.perf_counter()
    known = guarded(lambda: summaries.known_ref(archive.conn, kind, ref))
    if not known:
        what = "driver (driverRef)" if kind == "drivers" else "circuit (circuitRef)"
        hint = "" if summaries.has_history(archive.conn) else "; no F1 history is imported (pitwall import ergast)"
        raise PitwallError(f"No {what} {ref!r} in the F1 history{hint}.")
    rows = guarded(lambda: summaries.driver_seasons(archive.conn, ref) if kind == "drivers"
                   else summaries.circuit_races(archive.conn, ref))
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    return QueryResult(table, False, time.perf_counter() - start)
