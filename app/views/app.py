"""`run_gui(args)`: build the application and its window; optionally open a file, screenshot it and exit."""

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmapCache
from PySide6.QtWidgets import QApplication

from app import __version__
from app.config import load_settings
from app.errors import PitwallError
from app.services.sync.saved import with_saved
from app.store import Store
from app.views.context import AppContext
from app.views.main_window import DEMO_F1_RECORDING, DEMO_FILE, MainWindow
from app.views.state import SharedState
from app.views.team_poll import watch_shared_catalog
from app.views.theme import apply_theme
from app.workers.runner import Job, JobRunner

log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT_MS = 120_000
APP_ICON = DEMO_FILE.parent.parent / "pitwall.png"  # resources/pitwall.png, also the bundle's icon


def build_window(home: str | Path | None = None) -> MainWindow:
    """The window with its context (settings, store, runner, state); used by run_gui and the tests."""
    # Plot curves repaint from cached pixmaps while the cursor moves; Qt's default 10 MB holds only ~3 laps.
    QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 128 * 1024))
    settings = with_saved(load_settings(**({"home": home} if home else {})))
    ctx = AppContext(settings, Store(settings.home), JobRunner(settings.worker_threads), SharedState())
    window = MainWindow(ctx)
    watch_shared_catalog(ctx, window)  # a team catalog: races other machines write appear (owned by the window)
    return window


def has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    path = args.file or (DEMO_FILE if getattr(args, "demo", False) else None)
    if path is not None and not Path(path).is_file():
        raise PitwallError(f"No such file: {path}")
    if args.screenshot and path is None:
        raise PitwallError("--screenshot needs a FILE or --demo")
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    elif not has_display():
        raise PitwallError("No screen to show the window on (no DISPLAY or WAYLAND_DISPLAY). Run it in a desktop "
                           "session, under `xvfb-run`, or render a picture with --screenshot out.png.")
    if getattr(args, "demo", False) and DEMO_F1_RECORDING.is_file():
        # The demo works with no network: the F1 browser replays the bundled recording unless told otherwise.
        os.environ.setdefault("PITWALL_F1_RECORDED", str(DEMO_F1_RECORDING))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # a GUI application, never a bare QCoreApplication
    app.setApplicationName("Pitwall")
    app.setApplicationVersion(__version__)
    if APP_ICON.is_file():
        app.setWindowIcon(QIcon(str(APP_ICON)))
    apply_theme(app)
    window = build_window(getattr(args, "home", None))
    window.workspaces.use_at_start(getattr(args, "workspace", None))  # an unknown name fails here, clearly
    exit_code = [0]
    window.show()  # lays the docks out and restores the saved layout
    if args.screenshot:
        window.resize(1600, 1000)  # a fixed size, so screenshots compare across runs
    if path is not None:
        job = window.open_file(Path(path))
        if args.screenshot:
            Screenshot(window, job, Path(args.screenshot), exit_code)
    code = app.exec()
    window.ctx.store.close()
    return exit_code[0] or code


class Screenshot:
    """Waits for the file to be processed, compares the fastest two full laps, saves the window and quits."""

    def __init__(self, window: MainWindow, job: Job, target: Path, exit_code: list[int]) -> None:
        self.window, self.target, self.exit_code = window, target, exit_code
        self.ctx = window.ctx
        window._screenshot = self  # keep alive with the window
        job.finished.connect(lambda: self._processed(job))
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, lambda: self._finish(2, "timed out"))

    def _processed(self, job: Job) -> None:
        if job.status != "Done":
            self._finish(1, job.message)
            return
        # The ingest's result holds the race's laps: the GUI thread does not read the catalog for them.
        laps = sorted((lap for lap in job.value.laps if lap.lap_time and not lap.flag_list),
                      key=lambda lap: lap.lap_time or 0.0)[:2]  # all timed: see the filter
        ids = [lap.id for lap in laps]
        self._ids = ids
        self.ctx.state.analysis_changed.connect(lambda _: self._maybe_ready())
        self.ctx.state.best_changed.connect(lambda _: self._maybe_ready())
        self.ctx.state.set_selection(ids, reference=ids[0] if ids else None)
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        """Shoot once the laps' comparison and the race's bests have landed (both come from workers)."""
        state = self.ctx.state
        if getattr(self, "_ready", False) or state.best is None:
            return
        analysis = state.analysis
        if self._ids and (analysis is None or analysis.selection != self._ids):
            return
        self._ready = True
        ref = analysis.series.get(analysis.reference_id or "") if analysis is not None else None
        if ref is not None:
            # Put the cursor into the first long braking zone, where the laps differ and the map marker shows.
            state.set_cursor(float(ref.distance[-1]) * 0.42)
        QTimer.singleShot(300, lambda: self._finish(0, ""))  # let the coalesced redraws run and paint

    def _finish(self, code: int, reason: str) -> None:
        if self.exit_code[0] or getattr(self, "_done", False):
            return
        self._done = True
        self.exit_code[0] = code
        if reason:
            print(f"pitwall: {reason}", file=sys.stderr)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.window.grab().save(str(self.target), "PNG")
        self.window.close()
        app = QApplication.instance()
        assert app is not None
        app.quit()

