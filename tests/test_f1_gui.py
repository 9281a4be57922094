"""The window with F1 sessions on recorded responses: browse a season, load a session in the background,
overlay two drivers' fastest laps in team colours, see purple/green bests, weather and race control.

(The 2025 Australia FP1 telemetry in the recording was rebuilt from real per-lap data at 4 Hz.)
"""

import colorsys
import json
import threading
import traceback

import pytest
from sqlalchemy import event

pytest.importorskip("pytestqt")
from PySide6.QtCore import QItemSelectionModel, Qt  # noqa: E402

from app.views.app import build_window  # noqa: E402
from app.views.models import GREEN, PURPLE  # noqa: E402
from app.views.theme import ALT_BASE, BACKGROUND, BASE  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def window(qtbot, home, monkeypatch, f1_loaded):
    monkeypatch.setenv("PITWALL_F1_RECORDED", str(f1_loaded.settings.f1_recorded))
    monkeypatch.setenv("PITWALL_F1_CACHE", str(f1_loaded.store.paths.fastf1_cache))  # FastF1's warm cache
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.runner.wait_all(30000)
    win.close()
    win.ctx.store.close()


SURFACES = (BACKGROUND, BASE, ALT_BASE)  # what lines and text are drawn on: plots, tables, alternate rows


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance, from the definition."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


LIGHTEST_SURFACE = max(SURFACES, key=luminance)


def hls(colour: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hls(*(int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)))


def same_hue(a: str, b: str) -> bool:
    return abs(hls(a)[0] - hls(b)[0]) < 0.01 and abs(hls(a)[2] - hls(b)[2]) < 0.03


def lightened(colour: str, by: float) -> str:
    h, light, s = hls(colour)
    return "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, light + by, s))


def session_item(dock, event_name: str, session: str):
    for i in range(dock.tree.topLevelItemCount()):
        event = dock.tree.topLevelItem(i)
        if event_name in event.text(0):
            return next(event.child(j) for j in range(event.childCount()) if event.child(j).text(0) == session)
    raise AssertionError(f"{event_name} not in the schedule")


def show_and_pick(qtbot, dock, year: int, event: str, session: str):
    dock.year.setValue(year)
    dock.show_season()
    qtbot.waitUntil(lambda: dock.tree.topLevelItemCount() > 0 and dock._shown_year == year, timeout=20000)
    item = session_item(dock, event, session)
    dock.tree.setCurrentItem(item)
    # Event and session names and the dates show whole (the country column gives way first).
    tree, fm = dock.tree, dock.tree.fontMetrics()
    header = tree.header()
    for i in range(tree.topLevelItemCount()):
        event_item = tree.topLevelItem(i)
        rows = [(event_item, 1)] + [(event_item.child(j), 2) for j in range(event_item.childCount())]
        for row, depth in rows:
            assert fm.horizontalAdvance(row.text(0)) + depth * tree.indentation() <= header.sectionSize(0)
            assert fm.horizontalAdvance(row.text(2)) + 6 <= header.sectionSize(2)
    assert dock.load_button.isEnabled()
    return item


def views_querying_on_the_gui_thread(store) -> tuple[list[str], object]:
    """Catalog SQL that a view (app/views) runs on the GUI thread, recorded until the returned stop() is called."""
    gui, found = threading.get_ident(), []

    def seen(_conn, _cursor, statement, *_args):
        frames = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack() if "/app/views/" in f.filename]
        if threading.get_ident() == gui and frames:
            found.append(" <- ".join(reversed(frames)) + ": " + statement.split("\n")[0])

    event.listen(store.engine, "before_cursor_execute", seen)
    return found, lambda: event.remove(store.engine, "before_cursor_execute", seen)


def test_choose_load_and_overlay_two_drivers(qtbot, window):
    ctx = window.ctx
    dock = window.dock("dock_f1_browser")
    on_gui, stop = views_querying_on_the_gui_thread(ctx.store)
    show_and_pick(qtbot, dock, 2025, "Australian Grand Prix", "Practice 1")
    assert not session_item(dock, "Australian Grand Prix", "Practice 1").text(3)  # not in the cache yet
    job = dock.load_selected()
    jobs = window.dock("dock_jobs").model
    qtbot.waitUntil(lambda: job.is_finished, timeout=60000)
    assert job.status == "Done", job.message
    assert job.kind == "f1-load" and job.changes_catalog  # the docks that list races react to its kind
    row = jobs.jobs.index(job)
    assert jobs.index(row, 1).data() == "Done" and job.done == job.total == 100  # the jobs panel reached 100 %
    race = ctx.store.race(ctx.state.race)  # the loaded session is the current race
    assert race.source == "f1" and race.name == "2025 Australian Grand Prix — Practice 1" and race.status == "Ready"
    qtbot.waitUntil(lambda: session_item(dock, "Australian Grand Prix", "Practice 1").text(3) == "cached")
    tree = dock.tree
    marked = [tree.topLevelItem(i).child(j).text(0) for i in range(tree.topLevelItemCount())
              for j in range(tree.topLevelItem(i).childCount()) if tree.topLevelItem(i).child(j).text(3) == "cached"]
    assert marked == ["Practice 1"]  # only the one loaded

    # The overlay is not left empty: the three quickest drivers' fastest laps are selected, fastest the reference.
    qtbot.waitUntil(lambda: len(ctx.state.selection) == 3, timeout=10000)
    with_data = [lap for lap in ctx.store.laps(race.id) if lap.path and lap.lap_time and not lap.flag_list]
    best: dict = {}
    for lap in sorted(with_data, key=lambda lap: lap.lap_time):
        best.setdefault(lap.driver, lap)
    assert ctx.state.selection == [lap.id for lap in list(best.values())[:3]]
    assert ctx.state.reference == ctx.state.selection[0]
    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.plots["speed"].listDataItems()) == 3, timeout=10000)

    # The lap table: F1 columns, purple for the session best, green for each driver's own best.
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: len(browser.laps.laps) == 421, timeout=10000)
    laps = browser.laps
    assert laps.headerData(0, Qt.Orientation.Horizontal) == "Driver"
    # Every column fits the dock: no horizontal scrolling, and the Flags column shows its words whole.
    view, header = browser.lap_view, browser.lap_view.horizontalHeader()
    flags = laps.F1_HEADERS.index("Flags")
    widest = max(view.fontMetrics().horizontalAdvance(laps.index(r, flags).data()) for r in range(laps.rowCount()))
    assert sum(header.sectionSize(c) for c in range(header.count())) <= view.viewport().width()
    assert header.sectionSize(flags) >= widest + 6
    time_col = laps.F1_HEADERS.index("Time")
    colour = {lap.id: laps.index(r, time_col).data(Qt.ItemDataRole.ForegroundRole) for r, lap in enumerate(laps.laps)}
    purple = [lap for lap in laps.laps if colour[lap.id] is not None and colour[lap.id].name() == PURPLE]
    assert [(lap.driver, lap.lap_time) for lap in purple] == [("NOR", 77.252)]
    greens = {lap.driver for lap in laps.laps if colour[lap.id] is not None and colour[lap.id].name() == GREEN}
    assert len(greens) == 19

    # Sorting by S1 puts the fastest first sector on top (blank sectors last).
    s1 = laps.F1_HEADERS.index("S1")
    browser.lap_view.sortByColumn(s1, Qt.SortOrder.AscendingOrder)
    sectors = [lap.sector1 for lap in laps.laps if lap.sector1 is not None]
    assert sectors == sorted(sectors) and laps.laps[-1].sector1 is None

    # Overlay VER's and LEC's fastest laps: two curves per channel, in their team colours.
    def fastest(driver):
        mine = [lap for lap in laps.laps if lap.driver == driver and lap.lap_time and json.loads(lap.meta)["accurate"]]
        return min(mine, key=lambda lap: lap.lap_time)

    ver, lec = fastest("VER"), fastest("LEC")
    selection = browser.lap_view.selectionModel()
    selection.clear()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for lap in (ver, lec):
        selection.select(laps.index(laps.laps.index(lap), 0), flags)
    qtbot.waitUntil(lambda: len(overlay.plots["speed"].listDataItems()) == 2, timeout=10000)
    # F1 cars send no steering: that plot steps aside, the ones with data stay.
    assert not overlay.plots["steering"].isVisible()
    assert overlay.plots["speed"].isVisible() and overlay.plots["rpm"].isVisible()
    pens = {c.opts["pen"].color().name().lower() for c in overlay.plots["speed"].listDataItems()}
    assert len(pens) == 2
    assert {ver.team_color.lower(), lec.team_color.lower()} == {"#3671c6", "#e80020"}  # both too dark as they are
    for team in (ver.team_color, lec.team_color):  # each drawn in its team's hue, lifted just enough to read
        assert contrast(team, LIGHTEST_SURFACE) < 4.5
        pen = next(p for p in pens if same_hue(p, team))
        assert all(contrast(pen, surface) >= 4.5 for surface in SURFACES)
        assert contrast(lightened(pen, -0.01), LIGHTEST_SURFACE) < 4.5  # no more than needed
    assert ctx.state.reference == min((ver, lec), key=lambda lap: lap.lap_time).id  # the faster of the two

    # The track map draws F1's x/y plane and the cursor moves the markers along it.
    trackmap = window.dock("dock_trackmap")
    qtbot.waitUntil(lambda: trackmap._xz is not None, timeout=10000)
    ctx.state.set_cursor(1000.0)
    a = trackmap.marker_position(ver.id)
    ctx.state.set_cursor(3000.0)
    b = trackmap.marker_position(ver.id)
    assert a and b and abs(a[0] - b[0]) + abs(a[1] - b[1]) > 200
    assert "VER lap" in overlay.readout_text() and "LEC lap" in overlay.readout_text()

    # Session info: weather summary and the race control messages.
    info = window.dock("dock_f1_info")
    qtbot.waitUntil(lambda: info.info is not None, timeout=10000)
    assert "Air" in info.weather.text() and "Track" in info.weather.text()
    assert info.messages.rowCount() == 29 and info.results.item(0, 1).text() == "NOR"
    info.raise_()  # a tab beside Jobs: it still shows at least six result rows whole
    table = info.results
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().height() > 0, timeout=5000)
    whole = [r for r in range(table.rowCount())
             if 0 <= table.rowViewportPosition(r) and table.rowViewportPosition(r) + table.rowHeight(r)
             <= table.viewport().height()]
    assert len(whole) >= 6

    # All along (season, load, marks, selection, session info), no view read the catalog on the GUI thread.
    ctx.runner.wait_all(10000)
    stop()
    assert not on_gui, "\n".join(sorted(set(on_gui)))


def test_cancel_a_load_from_the_jobs_panel(qtbot, window):
    dock = window.dock("dock_f1_browser")
    show_and_pick(qtbot, dock, 2018, "Azerbaijan Grand Prix", "Race")
    job = dock.load_selected()
    job.cancel()  # what the jobs panel's Cancel does
    qtbot.waitUntil(lambda: job.is_finished, timeout=60000)
    assert job.status == "Cancelled"
    assert not [r for r in window.ctx.store.races() if r.status == "Ready"]
    assert not any(window.ctx.store.paths.laps_dir.rglob("*.parquet"))
