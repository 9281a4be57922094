"""Lap analysis in the window, as a user sees it: laps pinned from two sessions at Montreal in one overlay,
labelled with their sessions; the corners table, whose rows zoom the plots; sector lines and mini-sector colours
on the map (checked in the pixels); the delta's band and readout from the service's own series."""

import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402

from app.services.laps import lap_label  # noqa: E402
from app.store.schema import Lap  # noqa: E402
from app.views.app import build_window  # noqa: E402
from app.views.plot_config import DELTA, default_channels  # noqa: E402
from app.views.trackmap import MINISECTORS  # noqa: E402
from app.views.trackmap_marks import SECTOR_COLOUR  # noqa: E402

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
SHORT = ROOT / "tests" / "data" / "montreal_short.ams2"


@pytest.fixture
def window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    win.resize(1600, 1000)
    yield win
    win.close()
    win.ctx.store.close()


def shot(widget, name: str, tmp_path: Path) -> Path:
    """Save a grab for a person to look at (also into $PITWALL_SCREENSHOTS when set)."""
    image = widget.grab()
    path = tmp_path / name
    image.save(str(path), "PNG")
    if os.environ.get("PITWALL_SCREENSHOTS"):
        Path(os.environ["PITWALL_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(os.environ["PITWALL_SCREENSHOTS"]) / name), "PNG")
    return path


def open_both(qtbot, window) -> dict[str, str]:
    """Both Montreal recordings, processed: race name → race id."""
    window.open_file(DEMO)
    window.open_file(SHORT)
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: sum(r.status == "Ready" for r in browser.races.races) == 2, timeout=30000)
    return {r.name: r.id for r in browser.races.races}


def show_race(qtbot, window, race_id: str) -> None:
    """Click the race in the races table."""
    browser = window.dock("dock_browser")
    browser.race_view.selectRow(browser.races.row_of(race_id))
    qtbot.waitUntil(lambda: bool(browser.laps.laps) and browser.laps.laps[0].race_id == race_id)


def click_laps(window, laps: list[Lap]) -> None:
    """Select lap rows of the race shown, the way a ctrl-click does."""
    browser = window.dock("dock_browser")
    selection = browser.lap_view.selectionModel()
    selection.clear()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for lap in laps:
        selection.select(browser.laps.index(browser.laps.laps.index(lap), 0), flags)


def analysed(qtbot, window, count: int):
    """Wait until the overlay has drawn the comparison of the `count` selected laps."""
    state, overlay = window.ctx.state, window.dock("dock_overlay")

    def ready() -> bool:
        a = state.analysis
        return (a is not None and len(state.selection) == count and a.selection == state.selection
                and overlay.analysis is a and window.dock("dock_trackmap").analysis is a)

    qtbot.waitUntil(ready, timeout=20000)
    qtbot.wait(50)  # the coalesced redraws have run; let them paint
    return state.analysis


def clean_by_time(window) -> list[Lap]:
    laps = window.dock("dock_browser").laps.laps
    return sorted((lap for lap in laps if lap.lap_time and not lap.flag_list), key=lambda lap: lap.lap_time)


def pixel_at(widget, view_box, x: float, y: float, image=None) -> QColor:
    """The colour a person sees at map/plot coordinates (x, y) of a pyqtgraph view in `widget`."""
    image = image if image is not None else widget.grab().toImage()
    scene = view_box.mapViewToScene(QPointF(x, y))
    p = widget.mapFromScene(scene) + widget.viewport().pos()
    return image.pixelColor(QPoint(p.x(), p.y()))


def near(a: QColor, b: QColor, tolerance: int = 60) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


def test_laps_from_two_sessions_in_one_analysis(qtbot, window, tmp_path):
    races = open_both(qtbot, window)
    state, browser = window.ctx.state, window.dock("dock_browser")
    show_race(qtbot, window, races["montreal_4laps"])
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    analysed(qtbot, window, 2)

    # Another session: its lap is added to the two, which stay pinned (listed under the lap table).
    show_race(qtbot, window, races["montreal_short"])
    assert browser.pinned.isVisible() and browser.pinned.list.count() == 2
    assert "montreal_4laps" in browser.pinned.list.item(0).text()
    short = max(browser.laps.laps, key=lambda lap: lap.sample_count)  # the long partial lap
    click_laps(window, [short])
    a = analysed(qtbot, window, 3)
    assert set(state.selection[:2]) == {best.id, second.id} and state.selection[2] == short.id
    assert state.reference == a.reference_id == best.id  # the fastest clean lap, from the other session

    overlay = window.dock("dock_overlay")
    keys = default_channels()
    assert all(len(overlay.curves_of(k)) == 3 for k in keys)
    legend = [label.text for _, label in overlay.legend.items]
    assert any(t.startswith(f"{lap_label(best)} ") and "montreal_4laps" in t and "(ref)" in t for t in legend)
    assert any("montreal_short" in t for t in legend) and len(legend) == 3
    # Every lap drawn on the reference lap's distance axis: the curve's x is the aligned distance.
    for lap_id in state.selection:
        (curve,) = [c for c in overlay.plots["speed"].listDataItems()
                    if c.opts["pen"].color().name() == state.colour(lap_id)]
        aligned = a.series[lap_id].delta.lap  # a partial lap sits at the game's lap distance where it was driven
        x, y = curve.getOriginalDataset()
        assert np.array_equal(x[np.isfinite(x)], aligned.distance)
        assert np.allclose(y[np.isfinite(x)], aligned.channel("speed"))
    # Sector lines and corner names on the plots.
    assert overlay.marks.labels()[:2] == ["S2", "S3"] and "T1" in overlay.marks.labels()

    # The delta: the service's series with its uncertainty band; the readout reads the same series.
    delta = a.comparison.deltas[second.id]
    band = overlay.bands[second.id]
    assert band in overlay.plots[DELTA].items and band.brush().color().alpha() < 255
    lo_curve, hi_curve = band.curves
    assert np.allclose(hi_curve.getData()[1] - lo_curve.getData()[1], 2 * delta.uncertainty)
    state.set_cursor(1500.0)
    labels = a.labels
    for lap_id in (second.id, short.id):
        row = overlay.values.laps.index(lap_id)
        assert overlay.values.item_text(row, 0) == f"■ {labels[lap_id]}"
        shown = re.fullmatch(r"\(?([+-]\d+\.\d{3}) ±(\d+\.\d{3})\)?", overlay.values.text_at(row, "Δ s"))
        assert shown, overlay.readout_text()
        d = a.series[lap_id].delta
        assert float(shown.group(1)) == pytest.approx(float(d.at(1500.0)), abs=0.0006)
        assert float(shown.group(2)) == pytest.approx(float(d.uncertainty_at(1500.0)), abs=0.0006)
    assert "montreal_short" in overlay.readout_text() and "montreal_4laps" in overlay.readout_text()

    # The corners table: each compared lap's segments against the reference, biggest loss first.
    corners = window.dock("dock_corners")
    model, proxy = corners.segments, corners.segment_proxy
    assert model.rowCount() == len(a.segments[second.id]) + len(a.segments[short.id]) > 10
    shown_deltas = [float(proxy.index(r, 3).data()) for r in range(proxy.rowCount())]
    assert shown_deltas == sorted(shown_deltas, reverse=True)
    top = proxy.index(0, 0).data(Qt.ItemDataRole.UserRole + 3)
    assert top["time_delta"] == max(r["time_delta"] for rows in a.segments.values() for r in rows
                                    if rows is not a.segments[best.id])

    # Clicking a corner zooms every plot to it and puts the cursor on its apex.
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 2).data() == "corner")
    index = proxy.index(row, 1)
    segment = proxy.data(index, Qt.ItemDataRole.UserRole + 3)
    view = corners.segment_view
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert state.cursor == segment["apex"]
    qtbot.waitUntil(lambda: all(
        abs(overlay.plots[k].getViewBox().viewRange()[0][0] - segment["start"]) < 1.0
        and abs(overlay.plots[k].getViewBox().viewRange()[0][1] - segment["end"]) < 1.0 for k in keys), timeout=3000)
    assert all(line.isVisible() and line.value() == segment["apex"] for line in overlay.cursor_lines)
    shot(window, "analysis_two_sessions.png", tmp_path)

    # The theoretical best of the race shown, with the laps it came from.
    qtbot.waitUntil(lambda: state.best is not None and state.best["race_id"] == races["montreal_short"])
    show_race(qtbot, window, races["montreal_4laps"])
    qtbot.waitUntil(lambda: state.best["race_id"] == races["montreal_4laps"], timeout=10000)
    report = state.best["session"]
    assert report["theoretical_best"] == pytest.approx(sum(s["time"] for s in report["sectors"]), abs=0.001)
    text = corners.best.text()
    assert "1:37.317" in text and all(f"({s['label']})" in text for s in report["sectors"])


def test_map_sector_lines_corner_gains_and_minisector_colours(qtbot, window, tmp_path):
    races = open_both(qtbot, window)
    state = window.ctx.state
    show_race(qtbot, window, races["montreal_4laps"])
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    trackmap = window.dock("dock_trackmap")
    vb = trackmap.plot.getViewBox()
    state.set_cursor(math.nan)  # no lap markers over the line

    # Sector lines: white ticks across the track, named; corners named with Lap 1's gain or loss there.
    assert len(trackmap.marks.tick_ends) == len(a.comparison.sector_lines) == 2
    labels = trackmap.marks.labels()
    assert labels[:2] == ["S2", "S3"]
    gains = {r["name"]: r["time_delta"] for r in a.segments[second.id] if r["kind"] == "corner"}
    assert any(re.fullmatch(r"T\d+ [+-]\d\.\d\d", t) for t in labels)
    t8 = next(t for t in labels if t.startswith("T8 "))
    assert float(t8.split()[1]) == pytest.approx(gains["T8"], abs=0.006)
    image = trackmap.glw.grab().toImage()
    white = QColor(SECTOR_COLOUR)
    for a_end, b_end in trackmap.marks.tick_ends:
        middle = (a_end + b_end) / 2
        for end in (a_end, b_end):
            x, y = middle + 0.75 * (end - middle)  # off the racing line, on the tick
            assert near(pixel_at(trackmap.glw, vb, x, y, image), white), (x, y)

    # Mini-sector mode: the line takes the colour of the lap fastest in each mini-sector.
    trackmap.channel.setCurrentText(MINISECTORS)
    qtbot.waitUntil(lambda: not trackmap.bar.isVisible() and "■" in trackmap.legend.text())
    qtbot.wait(50)
    image = trackmap.glw.grab().toImage()
    mini = a.comparison.minisectors
    ref = a.series[a.reference_id]
    colours = {state.colour(best.id), state.colour(second.id)}
    assert {a.minisector_laps[r] for r in mini.fastest} == {best.id, second.id}  # both win some
    hits, seen = 0, set()
    for k, winner in enumerate(mini.fastest):
        x, y = ref.position(float(mini.edges[k] + mini.edges[k + 1]) / 2)
        colour = pixel_at(trackmap.glw, vb, x, y, image)
        expected = QColor(state.colour(a.minisector_laps[winner]))
        if near(colour, expected):
            hits += 1
            seen.add(expected.name())
    assert hits >= 0.8 * len(mini.fastest) and seen == colours  # a few may sit under a corner's name
    assert all(f"{a.labels[i]} (" in trackmap.legend.text() for i in (best.id, second.id))
    shot(trackmap, "map_minisectors.png", tmp_path)

    # The mini-sector table: one row per timed lap and the best, fastest marked.
    corners = window.dock("dock_corners")
    assert corners.minisectors.rowCount() == 3 and corners.minisectors.columnCount() == len(mini.fastest) + 2
    total = corners.minisectors.index(2, len(mini.fastest) + 1).data()
    assert float(total) == pytest.approx(mini.best_total, abs=0.0006)


def test_compare_with_my_best_here_from_another_session(qtbot, window):
    races = open_both(qtbot, window)
    state, browser = window.ctx.state, window.dock("dock_browser")
    show_race(qtbot, window, races["montreal_4laps"])
    best = clean_by_time(window)[0]
    show_race(qtbot, window, races["montreal_short"])
    lap = max(browser.laps.laps, key=lambda lap: lap.sample_count)
    job = browser.compare_with_best(lap)  # the lap menu's "Compare with my best here"
    qtbot.waitUntil(lambda: job.is_finished, timeout=10000)
    assert job.status == "Done"
    a = analysed(qtbot, window, 2)
    assert state.selection == [lap.id, best.id] and a.reference_id == best.id
    assert a.labels[best.id] == f"{lap_label(best)} · montreal_4laps" and "montreal_short" in a.labels[lap.id]
    assert [browser.laps.laps[i.row()].id for i in browser.lap_view.selectionModel().selectedRows()] == [lap.id]
    assert browser.pinned.lap_ids() == [best.id]
    browser.unpin([best.id])
    analysed(qtbot, window, 1)
    assert not browser.pinned.isVisible()


def test_no_telemetry_invalid_laps_and_big_selections(qtbot, window, tmp_path):
    races = open_both(qtbot, window)
    store, state = window.ctx.store, window.ctx.state
    show_race(qtbot, window, races["montreal_4laps"])
    best, second = clean_by_time(window)[:2]
    missing = next(lap for lap in window.dock("dock_browser").laps.laps if "out-lap" in lap.flag_list)
    with store.session() as s:  # the fastest lap invalidated, an out-lap whose telemetry was never kept
        s.get(Lap, best.id).flags = "invalid"
        s.get(Lap, missing.id).path = None
        s.commit()
    show_race(qtbot, window, races["montreal_short"])  # and back: the browser reads the laps again
    show_race(qtbot, window, races["montreal_4laps"])
    laps = {lap.id: lap for lap in window.dock("dock_browser").laps.laps}
    assert laps[best.id].flag_list == ["invalid"]
    click_laps(window, [laps[best.id], laps[second.id], laps[missing.id]])
    a = analysed(qtbot, window, 3)
    assert state.reference == a.reference_id == second.id  # never the invalid lap, though it is faster
    overlay = window.dock("dock_overlay")
    assert missing.id in a.missing and missing.id not in a.series
    assert len(overlay.plots["speed"].listDataItems()) == 2
    legend = [label.text for _, label in overlay.legend.items]
    assert sum("no telemetry" in t for t in legend) == 1 and len(legend) == 3
    state.set_cursor(800.0)
    assert "no telemetry" in overlay.readout_text()

    # More laps than the lap cache holds: the selection is kept whole and every lap with telemetry drawn.
    window.ctx.laps.capacity = 4
    every = list(window.dock("dock_browser").laps.laps)
    click_laps(window, every)
    show_race(qtbot, window, races["montreal_short"])
    click_laps(window, list(window.dock("dock_browser").laps.laps))
    total = len(every) + len(window.dock("dock_browser").laps.laps)
    a = analysed(qtbot, window, total)
    assert len(a.series) == total - 1 and len(overlay.plots["speed"].listDataItems()) == total - 1
    assert window.ctx.laps.has_all([i for i in state.selection])
    shot(overlay, "overlay_many_laps.png", tmp_path)
