"""The main window: docks from app.views.docks, menus, drag & drop, status bar, remembered layout."""

import base64
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
)

from app import __version__
from app.services.ui_state import add_recent, load_ui_state, save_ui_state
from app.views.context import AppContext
from app.views.docks import DOCKS
from app.views.export_dialog import ExportDialog
from app.views.sync_menu import SyncMenu
from app.views.theme import ERROR, MUTED
from app.views.workspace_menu import WorkspaceMenu
from app.workers.ingest import start_ingest, start_recording
from app.workers.runner import Job

if TYPE_CHECKING:
    from app.views.overlay import LapOverlayDock

log = logging.getLogger(__name__)
DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "demo"
DEMO_FILE = DEMO_DIR / "montreal_4laps.ams2"
DEMO_F1_RECORDING = DEMO_DIR / "f1-recorded.tar.xz"  # recorded FastF1 responses: F1 sessions with no network
RACE_FILTER = ("Race files and logs (*.ams2 *.deflate *.b64 *.ld *.csv *.parquet);;AMS2 race files (*.ams2);;"
               "MoTeC i2 logs (*.ld);;CSV / Parquet telemetry (*.csv *.parquet);;All files (*)")


class MainWindow(QMainWindow):
    _screenshot: object  # set by app.views.app.Screenshot: keeps it alive with the window

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Pitwall")
        self.setObjectName("pitwall_main")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowNestedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        recovered = ctx.store.recover()  # races left Processing by a crash become Failed, retryable
        if recovered:
            log.info("Marked %d interrupted race(s) as Failed", recovered)
        self.docks: dict[str, QDockWidget] = {}
        self._build_menus()
        self._build_status_bar()
        for dock_cls, area in DOCKS:
            self.add_dock(dock_cls(ctx), area)
        self._ui = load_ui_state(ctx.store.paths.gui_state)
        self.recent: list[str] = list(self._ui.get("recent", []))
        self._layout_pending = True  # laid out on first show: tabifying before it leaves stray tab bars on screen
        self._update_recent_menu()
        ctx.runner.job_added.connect(self._watch_job)
        self.workspaces = WorkspaceMenu(self, self.file_menu)  # File → Workspaces; applies one on first show

    # ---- docks
    def add_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        if not dock.objectName():
            raise ValueError(f"{type(dock).__name__} needs an objectName so its place can be saved")
        self.addDockWidget(area, dock)
        self.docks[dock.objectName()] = dock
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def dock(self, object_name: str) -> QDockWidget:
        return self.docks[object_name]

    def showEvent(self, event) -> None:
        if self._layout_pending:
            self._layout_pending = False
            self._default_layout()
            self._restore_layout()
        super().showEvent(event)

    def _default_layout(self) -> None:
        """First start: a left column (browser, map, jobs) beside the lap overlay, the corners table under it.

        Docks are tabbed first and sized last: untabbed, the fifteen right-hand docks stand in one column whose
        minimum heights add up to ~3600 px, and the window would grow to hold them."""
        # F1 docks share places with the others as tabs: sessions beside races, session info beside jobs.
        for first, second in (("dock_browser", "dock_f1_browser"), ("dock_jobs", "dock_f1_info")):
            if first in self.docks and second in self.docks:
                self.tabifyDockWidget(self.docks[first], self.docks[second])
                self.docks[first].raise_()
        if "dock_overlay" in self.docks and "dock_corners" in self.docks:  # wide rows: under the plots
            self.splitDockWidget(self.docks["dock_overlay"], self.docks["dock_corners"], Qt.Orientation.Vertical)
            self.resizeDocks([self.docks["dock_overlay"], self.docks["dock_corners"]], [700, 270],
                             Qt.Orientation.Vertical)
        for name in ("dock_range_stats", "dock_scatter", "dock_histogram", "dock_tyres", "dock_math",  # worksheet
                     "dock_f1_compare"):
            if "dock_corners" in self.docks and name in self.docks:
                self.tabifyDockWidget(self.docks["dock_corners"], self.docks[name])
        if "dock_corners" in self.docks:
            self.docks["dock_corners"].raise_()
        # SQL console, reports and cameras are tabs behind the overlay.
        if "dock_overlay" in self.docks:
            for name in ("dock_sql_console", "dock_reports", "dock_history", "dock_camera",
                         "dock_f1_overview", "dock_f1_strategy", "dock_f1_race"):  # F1 session analysis
                if name in self.docks:
                    self.tabifyDockWidget(self.docks["dock_overlay"], self.docks[name])
            self.docks["dock_overlay"].raise_()
        layout = self.layout()
        if layout is not None:  # the minimum size of the tabbed layout, not of the column it replaced
            layout.activate()
        self.resize(1600, 1000)
        left = [self.docks[d] for d in ("dock_browser", "dock_trackmap", "dock_jobs") if d in self.docks]
        if "dock_overlay" in self.docks and left:
            self.resizeDocks([left[0], self.docks["dock_overlay"]], [540, 1060], Qt.Orientation.Horizontal)
        self.resizeDocks(left, [380, 440, 130][: len(left)], Qt.Orientation.Vertical)

    def _restore_layout(self) -> None:
        geometry, docks = self._ui.get("geometry"), self._ui.get("dock_state")
        if geometry:
            self.restoreGeometry(QByteArray(base64.b64decode(geometry)))
        if docks:
            self.restoreState(QByteArray(base64.b64decode(docks)))

    def save_layout(self) -> None:
        data = {
            "geometry": base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii"),
            "dock_state": base64.b64encode(bytes(self.saveState().data())).decode("ascii"),
            "recent": self.recent,
        }
        try:
            save_ui_state(self.ctx.store.paths.gui_state, data)
        except OSError as exc:
            log.warning("Could not save the window layout: %s", exc)

    # ---- menus and status bar
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_menu = file_menu
        open_action = QAction("&Open race file…", self, shortcut=QKeySequence(QKeySequence.StandardKey.Open))
        open_action.triggered.connect(self.open_dialog)
        file_menu.addAction(open_action)
        f1_action = QAction("Load &F1 session…", self)
        f1_action.setStatusTip("Pick a season, an event and a session in the F1 sessions tab")
        f1_action.triggered.connect(self.show_f1_sessions)
        file_menu.addAction(f1_action)
        demo_action = QAction("Open the &demo race", self)
        demo_action.triggered.connect(lambda: self.open_file(DEMO_FILE))
        file_menu.addAction(demo_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        record_action = QAction("Record &live AMS2…", self)
        record_action.triggered.connect(self.record_dialog)
        file_menu.addAction(record_action)
        file_menu.addSeparator()
        export_action = QAction("&Export laps or plot…", self, shortcut=QKeySequence("Ctrl+E"))
        export_action.triggered.connect(self.open_export)
        file_menu.addAction(export_action)
        report_action = QAction("&Report…", self)  # the session report, PDF or HTML (in the Export dialog)
        report_action.triggered.connect(self.open_report)
        file_menu.addAction(report_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Pitwall", self)
        about.triggered.connect(lambda: QMessageBox.about(
            self, "About Pitwall", f"Pitwall {__version__}\nA desktop workbench for motorsport telemetry."))
        help_menu.addAction(about)
        self.sync_menu = SyncMenu(self, self.ctx, help_menu.menuAction())

    def show_f1_sessions(self) -> None:
        """File → Load F1 session: bring the F1 sessions dock to the front (it loads on the job runner)."""
        dock = self.docks.get("dock_f1_browser")
        if dock is not None:
            dock.show()
            dock.raise_()
            dock.widget().setFocus()

    def open_export(self) -> ExportDialog:
        overlay = cast("LapOverlayDock", self.dock("dock_overlay"))
        self.export_dialog = ExportDialog(self.ctx, overlay.glw.ci, self)
        self.export_dialog.open()
        return self.export_dialog

    def open_report(self) -> ExportDialog:
        """File → Report…: the Export dialog, set to the session report of the race in the browser."""
        dialog = self.open_export()
        dialog.set_choice("report", "pdf")
        return dialog

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent))

    def _build_status_bar(self) -> None:
        self.status_label = QLabel("Ready. Open a race file (Ctrl+O) or drop one on the window.")
        self.status_label.setStyleSheet(f"color: {MUTED}; padding-left: 6px;")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(220)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

    def _watch_job(self, job: Job) -> None:
        job.progress.connect(lambda *_: self._update_progress())
        job.finished.connect(lambda: self._job_finished(job))
        self._update_progress()

    def _update_progress(self) -> None:
        active = [j for j in self.ctx.runner.active() if not j.quiet]
        self.progress.setVisible(bool(active))
        if active:
            done = sum(j.done / j.total if j.total else 0.0 for j in active)
            self.progress.setValue(int(100 * done / len(active)))
            self.progress.setFormat(f"{active[0].title} %p%" if len(active) == 1 else f"{len(active)} jobs %p%")

    def _job_finished(self, job: Job) -> None:
        self._update_progress()
        if job.status == "Failed":
            self.show_message(f"{job.title}: {job.message}", error=True)
        elif not job.quiet:
            self.show_message(f"{job.title}: {job.status.lower()}")

    def show_message(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet(f"color: {ERROR if error else MUTED}; padding-left: 6px;")
        self.status_label.setText(text)

    # ---- opening files
    def open_dialog(self) -> None:
        start = str(Path(self.recent[0]).parent) if self.recent else ""
        paths, _ = QFileDialog.getOpenFileNames(self, "Open race files", start, RACE_FILTER)
        for path in paths:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> Job:
        """Ingest a race file on the job runner; the race shows in the browser and is selected when Ready."""
        path = Path(path).resolve()
        self.recent = add_recent(self.recent, str(path))
        self._update_recent_menu()
        self.show_message(f"Opening {path.name}…")
        job = start_ingest(self.ctx.runner, self.ctx.store, path)
        job.result.connect(lambda result: self.ctx.state.set_race(result.race.id))
        return job

    def record_dialog(self) -> None:
        port, ok = QInputDialog.getInt(
            self, "Record live AMS2",
            "UDP port (in game: Options → System → UDP Protocol Version = Project CARS 2).\n"
            "Recording runs until you press Cancel in the Jobs panel; then it opens like a race file.",
            self.ctx.settings.ams2_udp_port, 1, 65535)
        if ok:
            self.record_live(port)

    def record_live(self, port: int, on_ready=None) -> Job:
        """Record the live UDP stream as a job; stopping it (Cancel) saves the recording and opens it."""
        self.show_message(f"Recording AMS2 telemetry on UDP port {port}: Cancel in the Jobs panel stops it")
        job = start_recording(self.ctx.runner, self.ctx.store, port, on_ready=on_ready)
        job.result.connect(lambda result: self.ctx.state.set_race(result.race.id))
        return job

    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.open_file(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def closeEvent(self, event) -> None:
        self.save_layout()
        for dock in self.docks.values():  # docks holding connections (SQL) stop their queries and close them
            shutdown = getattr(dock, "shutdown", None)
            if shutdown is not None:
                shutdown()
        self.ctx.runner.cancel_all()
        self.ctx.runner.wait_all(10000)
        super().closeEvent(event)
