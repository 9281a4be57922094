"""SQL console dock: write SQL over the archive, run it on the job runner, page through, plot or export the result.

The dock holds one ConsoleSession. Queries, table lists and exports run on the runner; the Cancel button
interrupts DuckDB. SQL errors are the console's answer (shown inline), not failed jobs.
"""

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
)

from app.errors import Cancelled, PitwallError
from app.services.analytics import DeviceSource, QueryResult, export_result
from app.services.analytics.session import ConsoleSession
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.sql_editor import SqlEditor
from app.views.sql_library import SqlLibrary
from app.views.sql_model import ResultTableModel
from app.views.sql_plot import ResultPlot
from app.views.sql_shared import Outcome, fit_columns
from app.views.theme import ACCENT, ERROR, MUTED
from app.workers.runner import Job

EXPORT_FILTERS = "CSV (*.csv);;Parquet (*.parquet)"


def button(text: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    return b


class SqlConsoleDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("SQL console")
        self.setObjectName("dock_sql_console")
        self.ctx = ctx
        self.session = ConsoleSession(ctx.store, ctx.settings)
        self.job: Job | None = None  # the console job running, if any (a query, or reading the table list)
        self.query_running = False
        self._pending: str | None = None  # a query asked for while the table list was being read
        self.result: QueryResult | None = None
        self._stale = True  # the table list and snapshot need re-reading (start, ingest finished)
        self._devices: str | None = None  # device telemetry location, parsed on the worker
        self._devices_changed = False

        self.editor = SqlEditor()
        self.editor.run_requested.connect(self.run_or_cancel)
        self.run_button = button("Run", "Run the query (Ctrl+Enter)")
        self.run_button.setMinimumWidth(86)
        self.run_button.clicked.connect(self.run_or_cancel)
        self._style_run(running=False)
        self.history = QComboBox()
        self.history.setToolTip("Recent queries; pick one to put it in the editor")
        self.history.setMinimumContentsLength(30)
        self.history.setMaximumWidth(520)
        self.history.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.history.activated.connect(self._history_picked)
        self.plot_button = button("Plot", "Plot two columns of the result")
        self.plot_button.clicked.connect(self.show_plot)
        self.export_button = button("Export…", "Write the whole result to CSV or Parquet")
        self.export_button.clicked.connect(self.export_dialog)
        self.status = QLabel()
        # A long error clips (full text in the tooltip) instead of widening the dock.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.library = SqlLibrary(ctx.store.paths.queries_dir)
        self.library.open_requested.connect(self.editor.set_sql)
        self.library.save_requested.connect(self.save_dialog)
        self.library.message.connect(lambda text, error: self._say(text, error))

        self.model = ResultTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().setDefaultSectionSize(21)
        self.table.horizontalHeader().setResizeContentsPrecision(100)  # fit widths to the first rows only
        self.table.verticalHeader().setStyleSheet(f"color: {MUTED}")
        self.plot = ResultPlot()
        self.results = QTabWidget()
        self.results.setDocumentMode(True)
        self.results.addTab(self.table, "Results")
        self.results.addTab(self.plot, "Plot")
        self._build_layout()

        self._cancel_timer = QTimer(self, interval=100)  # repeat: the query may not have reached DuckDB yet
        self._cancel_timer.timeout.connect(self.session.cancel)
        # An ingest (or sync) that ended may have changed the archive's tables.
        ctx.state.catalog_changed.connect(self._catalog_changed)
        ctx.state.devices_changed.connect(self._set_devices)
        self._update_buttons()
        self._refresh_history()
        self.editor.set_sql("SELECT * FROM laps ORDER BY lap_time LIMIT 100")
        QTimer.singleShot(0, self.load_tables)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.run_button)
        bar.addWidget(self.history, 1)
        bar.addStretch(1)
        bar.addWidget(self.plot_button)
        bar.addWidget(self.export_button)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.editor)
        right.addWidget(self.results)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 3)
        right.setSizes([120, 360])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.library)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([230, 1000])
        self.setWidget(dock_body(bar, main, self.status))

    # ---- running
    @property
    def running(self) -> bool:
        return self.job is not None

    def run_or_cancel(self) -> None:
        if self.query_running:
            self.cancel()
        else:
            self.run(self.editor.sql())

    def run(self, sql: str) -> Job | None:
        """Run SQL on the runner; returns its job (None if it waits for the table list or was refused)."""
        if self.query_running:
            self._say("A query is already running; cancel it or wait for it to finish.", error=True)
            return None
        if self.running:  # reading the table list takes a moment: run right after it
            self._pending = sql
            self._say("Running…")
            return None
        self._say("Running…")
        self.query_running = True
        return self._start(f"SQL: {' '.join(sql.split())[:60]}", sql=sql, schema=self._stale)

    def cancel(self) -> None:
        if self.query_running:
            self._say("Cancelling…")
            self.session.cancel()
            self._cancel_timer.start()

    def load_tables(self) -> None:
        """Re-read the archive's tables (after an ingest), unless a query is running: then it follows it."""
        self._stale = True
        if not self.running:
            self._start("SQL: read the archive's tables", schema=True, quiet=True)

    def _start(self, title: str, sql: str | None = None, schema: bool = False, quiet: bool = True) -> Job:
        session, stale, devices = self.session, self._stale, self._take_devices()
        self._stale = False

        def work(progress) -> Outcome:
            start = time.perf_counter()
            out = Outcome()
            try:
                if devices is not None:
                    session.set_devices(DeviceSource.parse(devices[0]) if devices[0] else None)
                elif stale:
                    session.refresh()
                if sql is not None:
                    out.result = session.run(sql)
                if schema:
                    out.schema = session.schema()
            except Cancelled:
                out.cancelled = True
            except PitwallError as exc:
                out.error = str(exc)
            out.seconds = time.perf_counter() - start
            return out

        self.job = self.ctx.runner.submit(title, work, quiet=quiet, kind="query")
        self.job.result.connect(self._finished)
        self.job.error.connect(lambda message: self._failed(message))
        self._update_buttons()
        return self.job

    def _finished(self, out: Outcome) -> None:
        self._job_over()
        if out.schema is not None:
            self.library.set_tables(out.schema)
        if out.cancelled:
            self._say("Cancelled", error=True)
        elif out.error:
            self._say(out.error, error=True)
        elif out.result is not None:
            self.show_result(out.result)
        self._refresh_history()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.run(pending)
        elif self._stale or self._devices_changed:
            self.load_tables()

    def _failed(self, message: str) -> None:  # a bug in the console itself; the runner has logged it
        self._job_over()
        self._say(message, error=True)

    def _job_over(self) -> None:
        self.job = None
        self.query_running = False
        self._cancel_timer.stop()
        self._update_buttons()

    def show_result(self, result: QueryResult) -> None:
        self.result = result
        self.model.set_result(result)
        self.table.scrollToTop()
        fit_columns(self.table)
        self.plot.set_result(result)
        kept = " (first rows only: the result was larger)" if result.truncated else ""
        rows = "row" if result.row_count == 1 else "rows"
        self._say(f"{result.row_count:,} {rows} · {len(result.columns)} columns · {result.elapsed:.3f} s{kept}")
        self._update_buttons()

    # ---- plot and export
    def show_plot(self) -> None:
        self.results.setCurrentWidget(self.plot)

    def export_dialog(self) -> None:
        if self.result is None:
            return
        path, chosen = QFileDialog.getSaveFileName(self, "Export the result", "result.csv", EXPORT_FILTERS)
        if path:
            suffix = ".parquet" if "parquet" in chosen.lower() else ".csv"
            self.export_to(Path(path) if Path(path).suffix else Path(path + suffix))

    def export_to(self, path: Path) -> Job | None:
        result = self.result
        if result is None:
            return None
        job = self.ctx.runner.submit(f"Export {result.row_count:,} rows to {path.name}",
                                     lambda progress: export_result(result, path), kind="export")
        self._say(f"Exporting to {path}…")
        job.result.connect(lambda written: self._say(f"Exported {result.row_count:,} rows to {written}"))
        job.error.connect(lambda message: self._say(message, error=True))
        return job

    # ---- saved queries and history
    def save_dialog(self, suggested: str) -> None:
        name, ok = QInputDialog.getText(self, "Save query", "Name:", text=suggested)
        if ok and name.strip():
            self.library.save(name, self.editor.toPlainText())

    def _history_picked(self, index: int) -> None:
        text = self.history.itemData(index)
        if text:
            self.editor.set_sql(text)

    def _refresh_history(self) -> None:
        items = list(self.session.history.items)
        self.editor.history = items
        self.history.clear()
        self.history.setPlaceholderText("History" if items else "No history yet")
        for sql in reversed(items):
            self.history.addItem(" ".join(sql.split())[:120], sql)
        self.history.setCurrentIndex(-1)

    # ---- archive changes
    def _catalog_changed(self, settled: bool) -> None:
        if settled:
            self.load_tables()

    def _set_devices(self, location: str) -> None:
        self._devices, self._devices_changed = location or None, True
        if not self.running:
            self.load_tables()

    def _take_devices(self) -> tuple[str | None] | None:
        if not self._devices_changed:
            return None
        self._devices_changed = False
        return (self._devices,)

    # ---- looks
    def _say(self, text: str, error: bool = False) -> None:
        line = text.strip().splitlines()[0] if text.strip() else ""
        self.status.setStyleSheet(f"color: {ERROR if error else MUTED};")
        self.status.setText(line)
        self.status.setToolTip(text if error else "")

    def _style_run(self, running: bool) -> None:
        colour = ERROR if running else ACCENT
        self.run_button.setText("Cancel" if running else "Run")
        self.run_button.setToolTip("Stop the running query" if running else "Run the query (Ctrl+Enter)")
        self.run_button.setStyleSheet(f"QPushButton {{ background: {colour}; color: #111111; font-weight: 700;"
                                      f" border-radius: 3px; padding: 4px 14px; }}")

    def _update_buttons(self) -> None:
        self._style_run(self.query_running)
        result = self.result
        has = result is not None and result.row_count > 0
        self.plot_button.setEnabled(has and result is not None and bool(result.numeric_columns()))
        self.export_button.setEnabled(has)

    def shutdown(self) -> None:
        """The window closes: stop the query and close the connection (waits for the interrupted query)."""
        self._cancel_timer.stop()
        self.session.close()
