"""Issue 13, what a newcomer sees in the window: the jobs panel, the race browser, the empty window, lap labels.
Each test checks what is on screen (button enabled, text not cut, tooltip), not internals."""

import ast
import json
import sqlite3
import threading
import traceback
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import event

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QFontMetrics  # noqa: E402
from PySide6.QtWidgets import QApplication, QMenu  # noqa: E402

from app.errors import PitwallError  # noqa: E402
from app.services.laps import lap_labels  # noqa: E402
from app.views.app import build_window  # noqa: E402
from app.views.theme import WARN  # noqa: E402
from tests.conftest import DEMO_RACE, SHORT_RACE  # noqa: E402


@pytest.fixture
def window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    win.resize(1600, 1000)
    yield win
    win.close()
    win.ctx.runner.wait_all(10000)
    win.ctx.store.close()


def fits(view, index) -> bool:
    """The cell shows all of its text on one line: nothing cut or elided (cells have ~6 px of padding)."""
    return QFontMetrics(view.font()).horizontalAdvance(str(index.data())) + 6 <= view.visualRect(index).width()


# ---- jobs panel
def test_cancel_is_disabled_without_a_job_and_follows_the_running_one(qtbot, window):
    jobs = window.dock("dock_jobs")
    assert not jobs.cancel_button.isEnabled()
    assert "Nothing to cancel" in jobs.cancel_button.toolTip()

    release = threading.Event()

    def waits(_progress):
        release.wait(10)

    def until_cancelled(progress):
        from app.errors import check

        while True:
            check(progress, 0, 1)
            release.wait(0.02)

    job = window.ctx.runner.submit("Waits for the test", until_cancelled)
    qtbot.waitUntil(lambda: job.status == "Running", timeout=5000)
    assert jobs.cancel_button.isEnabled() and jobs.cancel_button.toolTip() == "Cancel Waits for the test"
    qtbot.mouseClick(jobs.cancel_button, Qt.MouseButton.LeftButton)
    assert not jobs.cancel_button.isEnabled()  # asked already: nothing more to cancel
    qtbot.waitUntil(lambda: job.status == "Cancelled", timeout=5000)
    assert jobs.model.index(0, 1).data() == "Cancelled"
    assert not jobs.cancel_button.isEnabled()

    # A finished job selected, a running one not: Cancel is for running jobs only.
    other = window.ctx.runner.submit("Another", waits)
    qtbot.waitUntil(lambda: other.status == "Running", timeout=5000)
    jobs.view.selectRow(jobs.model.jobs.index(job))
    assert not jobs.cancel_button.isEnabled()
    jobs.view.clearSelection()
    assert jobs.cancel_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: other.status == "Done", timeout=5000)
    assert not jobs.cancel_button.isEnabled()


def test_a_long_job_message_wraps_instead_of_being_cut(qtbot, window):
    jobs = window.dock("dock_jobs")
    message = ("Could not write to the cache: No space left on device while writing lap 14 of "
               "endurance_24h_spa.ams2 (the race stays Failed; free some space and open it again)")

    def fails(_progress):
        raise PitwallError(message)

    job = window.ctx.runner.submit("Open endurance_24h_spa.ams2", fails)
    qtbot.waitUntil(lambda: job.status == "Failed", timeout=5000)
    index = jobs.model.index(0, 3)
    assert index.data() == message and index.data(Qt.ItemDataRole.ToolTipRole) == message
    # The cell has one line; the detail line under the table shows the whole message, wrapped.
    detail = jobs.detail
    qtbot.waitUntil(lambda: detail.isVisible())
    assert detail.text() == f"Open endurance_24h_spa.ams2: {message}"
    assert detail.heightForWidth(detail.width()) <= detail.height()
    assert detail.height() > QFontMetrics(detail.font()).height() * 1.5  # wrapped onto lines, not cut
    assert fits(jobs.view, jobs.model.index(0, 0))  # the title is not cut
    body = jobs.widget()
    assert body.minimumWidth() >= 300 and body.minimumHeight() >= 100


# ---- race browser
def open_and_wait(qtbot, window, path, status="Ready"):
    browser = window.dock("dock_browser")
    job = window.open_file(path)
    qtbot.waitUntil(lambda: job.is_finished, timeout=30000)
    qtbot.waitUntil(lambda: any(r.status == status and r.name == path.stem for r in browser.races.races),
                    timeout=10000)
    return next(r for r in browser.races.races if r.name == path.stem)


def shows_whole_text(view, row, col) -> bool:
    index = view.model().index(row, col)
    text = str(index.data() or "")
    icon = 18 if index.data(Qt.ItemDataRole.DecorationRole) is not None else 0
    return QFontMetrics(view.font()).horizontalAdvance(text) + icon + 6 <= view.columnWidth(col)


def test_race_columns_fit_their_content_and_the_date_is_whole(qtbot, window):
    race = open_and_wait(qtbot, window, DEMO_RACE)
    browser = window.dock("dock_browser")
    view, model = browser.race_view, browser.races
    row = model.row_of(race.id)
    date = model.index(row, model.DATE_COL).data()
    local = race.created_at.replace(tzinfo=UTC).astimezone()
    assert date == local.strftime("%Y-%m-%d %H:%M")
    qtbot.waitUntil(lambda: shows_whole_text(view, row, model.DATE_COL))
    for col in range(1, model.columnCount()):  # all but the name, which takes what is left
        assert shows_whole_text(view, row, col), model.headerData(col, Qt.Orientation.Horizontal)
        header = model.headerData(col, Qt.Orientation.Horizontal)
        assert QFontMetrics(view.font()).horizontalAdvance(header) <= view.columnWidth(col)


def test_forget_from_the_browsers_menu(qtbot, window):
    race = open_and_wait(qtbot, window, DEMO_RACE)
    browser, state, store = window.dock("dock_browser"), window.ctx.state, window.ctx.store
    qtbot.waitUntil(lambda: len(browser.laps.laps) == 9)
    lap_ids = [lap.id for lap in browser.laps.laps[4:6]]
    browser.select(lap_ids)
    raw = store.paths.raw_dir / race.id
    assert raw.exists()

    menu_texts = []
    row = browser.races.row_of(race.id)
    point = browser.race_view.visualRect(browser.races.index(row, 0)).center()

    def read_menu():
        menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
        menu_texts.extend(a.text() for a in menu.actions())
        menu.close()

    QTimer.singleShot(200, read_menu)
    browser._race_menu(point)  # what a right-click on the race row opens
    assert "Forget this race…" in menu_texts

    job = browser.forget(race.id, confirm=False)  # the menu's action, after the user said yes
    assert state.selection == []  # its laps left the comparison at once
    qtbot.waitUntil(lambda: job.is_finished, timeout=10000)
    assert job.status == "Done"
    qtbot.waitUntil(lambda: browser.races.rowCount() == 0, timeout=5000)
    assert store.race(race.id) is None and not raw.exists()
    assert state.race is None and browser.laps.rowCount() == 0


def test_a_damaged_file_is_marked_with_its_warnings(qtbot, window, tmp_path):
    blob = SHORT_RACE.read_bytes()
    cut = tmp_path / "cut_short.ams2"
    cut.write_bytes(blob[: len(blob) * 2 // 3])  # a copy interrupted two thirds in
    race = open_and_wait(qtbot, window, cut)
    browser = window.dock("dock_browser")
    model = browser.races
    row = model.row_of(race.id)
    warnings = json.loads(race.meta)["warnings"]
    assert warnings and any("truncated" in w for w in warnings)
    status = model.index(row, model.STATUS_COL)
    assert status.data() == "Ready"
    assert status.data(Qt.ItemDataRole.DecorationRole) is not None  # the mark
    assert status.data(Qt.ItemDataRole.ForegroundRole).name() == WARN
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Damaged file") and all(w in tip for w in warnings)
    # The race on show says it under the table too, whole.
    window.ctx.state.set_race(race.id)
    note = browser.race_note
    qtbot.waitUntil(note.isVisible)
    assert all(w in note.text() for w in warnings) and "damaged" in note.text()
    qtbot.waitUntil(lambda: note.heightForWidth(note.width()) <= note.height(), timeout=2000)  # not cut
    # An intact race has no mark and no note.
    intact = open_and_wait(qtbot, window, SHORT_RACE)
    assert model.index(model.row_of(intact.id), model.STATUS_COL).data(Qt.ItemDataRole.DecorationRole) is None
    window.ctx.state.set_race(intact.id)
    qtbot.waitUntil(lambda: not note.isVisible())


# ---- through the shared state, off the GUI thread
def gui_thread_queries(qtbot, window) -> list[str]:
    """Open two races, switch between them, say the catalog changed; every catalog SQL statement the GUI thread
    ran meanwhile, with the app frames that ran it (a SQLAlchemy event listener on the real engine)."""
    gui = threading.get_ident()
    on_gui: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if threading.get_ident() == gui:
            ours = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack() if "/app/" in f.filename]
            on_gui.append(" <- ".join(reversed(ours)) + ": " + statement.split("\n")[0])

    event.listen(window.ctx.store.engine, "before_cursor_execute", count)
    try:
        race = open_and_wait(qtbot, window, DEMO_RACE)
        browser, state = window.dock("dock_browser"), window.ctx.state
        qtbot.waitUntil(lambda: len(browser.laps.laps) == 9)
        other = open_and_wait(qtbot, window, SHORT_RACE)
        qtbot.waitUntil(lambda: {lap.race_id for lap in browser.laps.laps} == {other.id})
        browser.race_view.selectRow(browser.races.row_of(race.id))  # the user picks the first race again
        qtbot.waitUntil(lambda: {lap.race_id for lap in browser.laps.laps} == {race.id})
        assert browser.laps.rowCount() == 9
        state.notify_catalog_changed()  # what saving the S3 settings says
        window.ctx.runner.wait_all(10000)
        qtbot.wait(100)
    finally:
        event.remove(window.ctx.store.engine, "before_cursor_execute", count)
    return on_gui


def test_no_dock_reads_the_catalog_on_the_gui_thread(qtbot, window):
    """After jobs, race switches and a catalog notice: not one catalog query ran on the GUI thread (Session info
    included: it decides "a Ready F1 session" with its read, on the runner)."""
    on_gui = gui_thread_queries(qtbot, window)
    assert not on_gui, "\n".join(sorted(set(on_gui)))


def test_views_do_not_import_each_other():
    """Docks and menus meet only in the shared state: none imports another (docks.py and the main window list
    them; sql_shared, models, table_model and the like are helpers, not views)."""
    views = Path(__file__).resolve().parent.parent / "app" / "views"
    docks = {"browser", "camera_dock", "corners_dock", "f1_browser", "f1_info", "history_dock", "jobs_panel", "overlay",
             "reports_dock", "sql_console", "trackmap", "sync_menu"}
    found = []
    for name in docks:
        tree = ast.parse((views / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.views."):
                other = node.module.rsplit(".", 1)[1]
                if other in docks and other != name:
                    found.append(f"{name} imports {other}")
    assert not found


def test_only_jobs_of_catalog_kinds_say_the_catalog_changed(qtbot, window, tmp_path):
    state, told = window.ctx.state, []
    state.catalog_changed.connect(told.append)
    export = window.ctx.runner.submit("Export something", lambda _p: None, kind="export")
    report = window.ctx.runner.submit("Report", lambda _p: None, quiet=True, kind="report")
    qtbot.waitUntil(lambda: export.is_finished and report.is_finished)
    qtbot.wait(50)
    assert told == []
    job = window.open_file(SHORT_RACE)
    assert job.kind == "ingest"
    qtbot.waitUntil(lambda: job.is_finished, timeout=30000)
    assert told and told[-1] is True  # settled once it ended


# ---- lap labels
def test_every_lap_has_its_own_label_in_the_table_and_the_legend(qtbot, window):
    race = open_and_wait(qtbot, window, DEMO_RACE)
    browser, state = window.dock("dock_browser"), window.ctx.state
    state.set_race(race.id)
    qtbot.waitUntil(lambda: browser.laps.rowCount() == 9)
    model, view = browser.laps, browser.lap_view
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert len({lap.number for lap in model.laps}) < 9  # the game's counter repeats…
    assert len(set(shown)) == 9  # …the labels do not
    assert shown == [lap_labels(model.laps)[lap.id] for lap in model.laps]
    timed = [lap for lap in model.laps if lap.lap_time and not lap.flag_list]
    assert [model.index(model.laps.index(lap), 0).data() for lap in timed] == \
        [f"Run 3 · lap {lap.number}" for lap in timed]
    qtbot.waitUntil(lambda: all(shows_whole_text(view, r, 0) for r in range(model.rowCount())))

    # The overlay's legend names the selected laps the same way.
    fastest, second = sorted(timed, key=lambda lap: lap.lap_time)[:2]
    browser.select([fastest.id, second.id])
    qtbot.waitUntil(lambda: state.analysis is not None and set(state.analysis.selection) == {fastest.id, second.id},
                    timeout=20000)
    assert state.analysis.labels == {fastest.id: f"Run 3 · lap {fastest.number}",
                                     second.id: f"Run 3 · lap {second.number}"}
    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.legend.items) == 2, timeout=10000)
    legend = " ".join(label.text for _, label in overlay.legend.items)
    assert f"Run 3 · lap {fastest.number}" in legend and f"Run 3 · lap {second.number}" in legend


# ---- the empty window
def test_the_empty_browser_says_how_to_get_a_race(qtbot, window):
    browser = window.dock("dock_browser")
    note = browser.race_note
    qtbot.waitUntil(lambda: browser.listed and note.isVisible())
    text = note.text()
    assert "Open race file" in text and "drop" in text and "Load F1 session" in text and "demo" in text
    qtbot.waitUntil(lambda: note.heightForWidth(note.width()) <= note.height(), timeout=2000)  # not cut
    race = open_and_wait(qtbot, window, SHORT_RACE)
    qtbot.waitUntil(lambda: not note.isVisible())
    browser.forget(race.id, confirm=False)
    qtbot.waitUntil(lambda: note.isVisible() and "No races yet" in note.text(), timeout=10000)


# ---- the File menu
def test_the_file_menu_offers_open_f1_and_the_demo(qtbot, window):
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text().replace("&", "") for a in file_menu.actions()]
    assert "Open race file…" in texts and "Load F1 session…" in texts and "Open the demo race" in texts
    assert window.acceptDrops()
    f1 = window.dock("dock_f1_browser")
    browser = window.dock("dock_browser")
    browser.raise_()
    next(a for a in file_menu.actions() if a.text().replace("&", "") == "Load F1 session…").trigger()
    qtbot.waitUntil(lambda: not f1.visibleRegion().isEmpty())
    assert f1.isVisible() and browser.visibleRegion().isEmpty()  # the F1 tab is in front
    demo = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Open the demo race")
    demo.trigger()
    qtbot.waitUntil(lambda: any(r.name == DEMO_RACE.stem and r.status == "Ready"
                                for r in browser.races.races), timeout=30000)


def test_a_cache_from_before_labels_gets_them_when_its_race_is_shown(qtbot, home):
    from app.services.ingest import ingest_file
    from app.store import Store

    store = Store(home)
    race = ingest_file(store, DEMO_RACE).race
    store.close()
    with sqlite3.connect(home / "catalog.sqlite") as conn:  # laps as an older Pitwall stored them
        conn.execute("UPDATE laps SET meta = '{}'")
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    try:
        browser = win.dock("dock_browser")
        qtbot.waitUntil(lambda: win.ctx.state.race == race.id and browser.laps.rowCount() == 9, timeout=10000)
        expected = lap_labels(browser.laps.laps)
        assert [browser.laps.index(r, 0).data() for r in range(9)] == [expected[lap.id] for lap in browser.laps.laps]
        # Stored now: a lap read on its own (what the legend and exports get) carries the same label.
        timed = next(lap for lap in browser.laps.laps if lap.lap_time and not lap.flag_list)
        assert json.loads(win.ctx.store.lap(timed.id).meta)["label"] == expected[timed.id] == "Run 3 · lap 1"
    finally:
        win.close()
        win.ctx.runner.wait_all(10000)
        win.ctx.store.close()


def test_the_first_window_fits_a_laptop_screen_with_every_dock_on_a_tab(qtbot, home):
    """Twenty docks: the first layout tabs them, so the window opens at its default size, not as tall as
    every dock's minimum height stacked in one column."""
    window = build_window(home)
    qtbot.addWidget(window)
    window.show()  # no resize here: the size is the window's own first layout
    assert window.width() <= 1600 and window.height() <= 1000
    right = [d for d in window.docks.values() if window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea]
    tabbed = {d.objectName() for d in right if window.tabifiedDockWidgets(d)}
    assert {"dock_overlay", "dock_corners", "dock_scatter", "dock_sql_console"} <= tabbed
    overlay = window.docks["dock_overlay"]
    assert overlay.height() >= 0.5 * window.height()  # the plots get the room, not the tables under them
