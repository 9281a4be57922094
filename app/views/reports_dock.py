"""Reports dock: the built-in reports (circuits, drivers, device telemetry) as a table, run on the job runner."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
)

from app.errors import Cancelled, PitwallError
from app.services.analytics import Archive, DeviceSource, open_archive, run_report
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.sql_model import ResultTableModel
from app.views.sql_shared import Outcome, fit_columns
from app.views.theme import ERROR, MUTED
from app.workers.runner import Job

REPORTS = (
    ("Circuits — fastest lap and races", "circuits"),
    ("Drivers — races, podiums, wins", "drivers"),
    ("Devices — overview", "devices overview"),
    ("Devices — daily", "devices daily"),
    ("Devices — list", "devices list"),
    ("Devices — latest reading", "devices latest"),
)
# Seconds shown as the lap table shows them (m:ss.sss); differences of lap times as signed seconds.
LAP_TIME_COLUMNS = ("fastest_lap", "own_fastest_lap", "lap_time", "best_lap_time")
LAP_DELTA_COLUMNS = ("own_delta",)


class ReportsDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Reports")
        self.setObjectName("dock_reports")
        self.ctx = ctx
        self.job: Job | None = None
        self._archive: Archive | None = None  # the archive of the running report, to interrupt it
        self._again = False  # the archive changed while a report ran: run it again after
        self.picker = QComboBox()
        for label, name in REPORTS:
            self.picker.addItem(label, name)
        self.picker.currentIndexChanged.connect(lambda _: self.refresh())
        self.source = QLineEdit(ctx.state.devices)
        self.source.setPlaceholderText("Device telemetry: a Parquet folder or s3://bucket/prefix")
        self.source.setClearButtonEnabled(True)
        self.source.editingFinished.connect(self._source_edited)
        self.browse = QPushButton("Folder…")
        self.browse.clicked.connect(self._browse)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.model = ResultTableModel(self)
        for column in LAP_TIME_COLUMNS:
            self.model.formatters[column] = format_lap_time
        for column in LAP_DELTA_COLUMNS:
            self.model.formatters[column] = "{:+.3f} s".format
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setResizeContentsPrecision(100)  # fit widths to the first rows only
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        # A long error clips (full text in the tooltip) instead of widening the dock.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.picker)
        bar.addWidget(self.source, 1)
        bar.addWidget(self.browse)
        bar.addWidget(self.refresh_button)
        self.setWidget(dock_body(bar, self.table, self.status))
        ctx.state.catalog_changed.connect(self._catalog_changed)
        ctx.state.devices_changed.connect(self._devices_changed)
        self._update_source()
        self.refresh()

    @property
    def report(self) -> str:
        return self.picker.currentData()

    def choose(self, name: str) -> None:
        self.picker.setCurrentIndex(self.picker.findData(name))

    def refresh(self) -> Job | None:
        """Run the picked report (again); if one is running it is stopped and this one follows."""
        self._update_source()
        if self.job is not None:
            self._again = True
            self._interrupt()
            return None
        name, store, location = self.report, self.ctx.store, self.ctx.state.devices

        def work(progress) -> Outcome:
            out = Outcome()
            try:
                devices = DeviceSource.parse(location) if location and name.startswith("devices") else None
                archive = open_archive(store, devices)
                self._archive = archive
                try:
                    out.result = run_report(archive, name)
                finally:
                    self._archive = None
                    archive.close()
            except Cancelled:
                out.cancelled = True
            except PitwallError as exc:
                out.error = str(exc)
            return out

        self._say("Running…")
        self.job = self.ctx.runner.submit(f"Report: {name}", work, quiet=True, kind="report")
        self.job.result.connect(self._finished)
        self.job.error.connect(lambda message: self._done(message))
        return self.job

    def _finished(self, out: Outcome) -> None:
        if self._again:
            self._done(None)
            return
        if out.result is not None:
            self.model.set_result(out.result)
            fit_columns(self.table, padding=16)
            rows = out.result.row_count
            self._done(f"{rows:,} row{'s' if rows != 1 else ''} · {out.result.elapsed:.3f} s", error=False)
        else:
            self.model.set_result(None)
            self._done("Cancelled" if out.cancelled else out.error)

    def _done(self, message: str | None, error: bool = True) -> None:
        self.job = None
        if message is not None:
            self._say(message, error)
        if self._again:
            self._again = False
            self.refresh()

    def _interrupt(self) -> None:
        archive = self._archive
        if archive is not None:
            archive.interrupt()

    def shutdown(self) -> None:
        self._again = False
        self._interrupt()

    def _catalog_changed(self, settled: bool) -> None:
        if settled:  # an ingest (or sync) ended: the archive may hold more
            self.refresh()

    def _source_edited(self) -> None:
        self.ctx.state.set_devices(self.source.text())

    def _devices_changed(self, location: str) -> None:
        if self.source.text().strip() != location:
            self.source.setText(location)
        if self.report.startswith("devices"):
            self.refresh()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Device telemetry folder", self.source.text())
        if folder:
            self.source.setText(folder)
            self._source_edited()

    def _update_source(self) -> None:
        devices = bool(self.report and self.report.startswith("devices"))
        self.source.setEnabled(devices)
        self.browse.setEnabled(devices)

    def _say(self, text: str, error: bool = False) -> None:
        line = text.strip().splitlines()[0] if text.strip() else ""
        self.status.setStyleSheet(f"color: {ERROR if error else MUTED};")
        self.status.setText(line)
        self.status.setToolTip(text if error else "")
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
