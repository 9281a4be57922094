"""What the SQL console dock holds: one archive connection, the history, run and cancel from any thread.

Qt-free so the dock stays thin: the dock submits `session.run(sql)` to the job runner and wires its Cancel button
to `session.cancel()`, which interrupts DuckDB mid-query.
"""

import threading

from app.config import Settings
from app.errors import PitwallError
from app.services.analytics.archive import Archive, open_archive
from app.services.analytics.console import MAX_ROWS, QueryResult, run_query
from app.services.analytics.devices import DeviceSource
from app.services.analytics.history import History
from app.services.analytics.queries import expand
from app.store import Store


class ConsoleSession:
    def __init__(self, store: Store, settings: Settings, devices: DeviceSource | None = None) -> None:
        self.store = store
        self.unrestricted = settings.sql_unrestricted
        self.devices = devices
        self.history = History(store.paths.sql_history)
        self._archive: Archive | None = None
        self._lock = threading.Lock()  # one query at a time on the connection
        self._running: Archive | None = None

    def set_devices(self, devices: DeviceSource | None) -> None:
        """Point {{S3_PATH}} / device_telemetry at another source; takes effect on the next query."""
        self.devices = devices
        self.refresh()

    def refresh(self) -> None:
        """Re-read the catalog on the next query (after an ingest, a delete, a sync)."""
        with self._lock:
            if self._archive is not None:
                self._archive.close()
                self._archive = None

    def run(self, sql: str, max_rows: int = MAX_ROWS) -> QueryResult:
        """Run one statement (placeholders expanded); called on a worker thread, never the GUI thread."""
        if not sql.strip():
            raise PitwallError("Nothing to run: the query is empty.")
        self.history.add(sql)
        if not self._lock.acquire(blocking=False):
            raise PitwallError("A query is already running; cancel it or wait for it to finish.")
        try:
            if self._archive is None:
                self._archive = open_archive(self.store, self.devices, unrestricted=self.unrestricted)
            self._running = self._archive
            return run_query(self._archive, expand(sql, has_devices=self.devices is not None), max_rows)
        finally:
            self._running = None
            self._lock.release()

    def schema(self) -> dict[str, list[tuple[str, str]]]:
        """Every relation the console can query, with its columns and types (for the table browser)."""
        with self._lock:
            if self._archive is None:
                self._archive = open_archive(self.store, self.devices, unrestricted=self.unrestricted)
            rows = self._archive.conn.execute(  # the archive's own tables, then the F1 history's (ergast.*)
                "SELECT CASE WHEN table_schema = 'main' THEN table_name ELSE table_schema || '.' || table_name END, "
                "column_name, data_type FROM information_schema.columns WHERE table_schema IN ('main', 'ergast') "
                "ORDER BY table_schema <> 'main', table_name, ordinal_position").fetchall()
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, kind in rows:
            tables.setdefault(table, []).append((column, kind))
        return tables

    def cancel(self) -> None:
        running = self._running
        if running is not None:
            running.interrupt()

    def close(self) -> None:
        self.cancel()
        self.refresh()
