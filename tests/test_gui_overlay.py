"""The worksheet as a person uses it, on the real AMS2 demo race: the empty window says what to do, plots of any
channel (a tyre temperature), x in time, an A/B range with its statistics checked against numpy over the same
samples, the plot menu, map colouring by any channel with a labelled scale, out-laps and partial laps drawn only
where they have data, and distinct colours for many laps."""

import re

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtWidgets import QDialog  # noqa: E402

from app.views.app import build_window  # noqa: E402
from app.views.plot_config import DELTA, default_plots  # noqa: E402
from app.views.state import SharedState  # noqa: E402
from tests.test_gui_analysis import DEMO, analysed, clean_by_time, click_laps, shot  # noqa: E402


@pytest.fixture
def window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    win.resize(1600, 1000)
    yield win
    win.close()
    win.ctx.store.close()


def open_demo(qtbot, window):
    window.open_file(DEMO)
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: any(r.status == "Ready" for r in browser.races.races), timeout=30000)
    qtbot.waitUntil(lambda: bool(browser.laps.laps), timeout=10000)
    return browser.laps.laps


def test_the_empty_window_says_what_to_do(qtbot, window, tmp_path):
    overlay, trackmap = window.dock("dock_overlay"), window.dock("dock_trackmap")
    assert overlay.pages.currentWidget() is overlay.empty and overlay.empty.isVisible()
    text = overlay.empty.text()
    assert "Open race file" in text and "drag" in text and "F1 session" in text and "demo" in text
    bottom = overlay.stack.plots[-1].getAxis("bottom")
    assert bottom.labelString().count("(m)") == 1 and "mm" not in bottom.labelString()
    assert not trackmap.start_label.isVisible() and not trackmap.bar_shown()
    assert trackmap.empty.isVisible() and "Select laps" in trackmap.empty.toPlainText()
    shot(window, "empty_window.png", tmp_path)


def test_one_lap_selected_is_not_asked_to_select_laps(qtbot, window):
    laps = open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:1])
    analysed(qtbot, window, 1)
    overlay = window.dock("dock_overlay")
    assert overlay.pages.currentWidget() is overlay.splitter
    assert "Select laps in the browser" not in overlay.readout.text()
    assert "on its own" in overlay.readout.text() and laps


def test_default_plots_units_and_delta_in_seconds(qtbot, window):
    open_demo(qtbot, window)
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    assert state.plots == default_plots()
    titles = [t.toPlainText() for t in overlay.stack.titles]
    assert titles[0] == "Speed (km/h)" and "Throttle (%)" in titles[1] and "Brake (%)" in titles[1]
    delta_plot = overlay.plots[DELTA]
    left = delta_plot.getAxis("left")
    assert re.sub("<[^>]+>", "", left.labelString()).strip() == "s"
    assert left.autoSIPrefix is False  # never switches to ms when zoomed in
    state.set_cursor(1500.0)
    row = overlay.values.laps.index(second.id)
    value = overlay.values.text_at(row, "Δ s")
    assert float(value.split()[0]) == pytest.approx(float(a.series[second.id].delta.at(1500.0)), abs=0.0006)
    assert overlay.values.text_at(overlay.values.laps.index(best.id), "Δ s") == "ref"


def test_add_a_tyre_temperature_plot_from_the_picker(qtbot, window):
    open_demo(qtbot, window)
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    picker = overlay.choose_channels(None)
    picker.search.setText("tyre fl inner")
    shown = [i for i in picker.items() if not i.isHidden()]
    assert [i.data(256) for i in shown] == ["tyre_temp_fl_inner"]
    assert "(°C)" in shown[0].text()  # units in the list
    picker.set_checked("tyre_temp_fl_inner")
    picker.done(QDialog.DialogCode.Accepted)
    assert state.plots[-1]["channels"] == ["tyre_temp_fl_inner"] and len(state.plots) == len(default_plots()) + 1
    qtbot.waitUntil(lambda: len(overlay.curves_of("tyre_temp_fl_inner")) == 2, timeout=5000)
    assert overlay.stack.titles[-1].toPlainText() == "Tyre temperature FL inner (°C)"
    raw = window.ctx.store.lap_channels(second)
    aligned = a.series[second.id].delta.lap
    expected = np.asarray(raw["tyre_temp_fl_inner"], dtype=np.float64)[aligned.clock.index]
    (curve,) = [c for c in overlay.curves_of("tyre_temp_fl_inner")
                if c.opts["pen"].color().name() == state.colour(second.id)]
    x, y = curve.getOriginalDataset()
    assert np.allclose(y[np.isfinite(x)], expected) and np.array_equal(x[np.isfinite(x)], aligned.distance)


def test_plot_menu_moves_resizes_and_removes(qtbot, window):
    open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:2])
    analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    before = [p["channels"] for p in state.plots]

    def act(i: int, text: str) -> None:
        (action,) = [a for a in overlay.plot_menu(i).actions() if a.text() == text]
        action.trigger()

    act(0, "Move down")
    assert [p["channels"] for p in state.plots][:2] == [before[1], before[0]]
    height = state.plots[2]["height"]
    act(2, "Taller")
    assert state.plots[2]["height"] == pytest.approx(height * 1.25)
    act(1, "Remove plot")
    assert [p["channels"] for p in state.plots] == [before[1]] + before[2:]
    qtbot.waitUntil(lambda: len(overlay.stack.plots) == len(before) - 1 and not overlay.curves_of("speed"))
    assert "Speed (km/h)" not in [t.toPlainText() for t in overlay.stack.titles]


def test_x_axis_in_time(qtbot, window):
    open_demo(qtbot, window)
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    overlay.x_actions["time"].trigger()
    assert state.x_mode == "time"
    qtbot.waitUntil(lambda: "Time" in overlay.stack.plots[-1].getAxis("bottom").labelString())
    (curve,) = [c for c in overlay.curves_of("speed") if c.opts["pen"].color().name() == state.colour(second.id)]
    x, _ = curve.getOriginalDataset()
    assert np.allclose(x[np.isfinite(x)], a.series[second.id].delta.lap.time)
    assert x[np.isfinite(x)][-1] == pytest.approx(second.lap_time, abs=0.05)
    state.set_cursor(1500.0)  # the cursor stays a distance; drawn where the reference lap was then
    ref = a.series[best.id]
    assert overlay.cursor_lines[0].value() == pytest.approx(np.interp(1500.0, ref.distance, ref.time))


def test_ab_range_statistics_match_numpy(qtbot, window, tmp_path):
    open_demo(qtbot, window)
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    stats = window.dock("dock_range_stats")
    # A drag on the speed plot with the range tool, as the view box reports it (start and end in plot x).
    overlay.range_tool.setChecked(True)
    overlay._dragged_range(1003.0, 1607.0, False)
    assert overlay.stack.regions[0].isVisible()
    overlay._dragged_range(1003.0, 1607.0, True)
    lo, hi = state.ab_range
    assert 990 <= lo <= 1016 and 1590 <= hi <= 1620
    qtbot.waitUntil(lambda: len(stats.rows) == 2, timeout=3000)
    for lap in (best, second):
        row = [r.lap_id for r in stats.rows].index(lap.id)
        assert stats.cell(stats.ranges, row, "Lap") == f"■ {a.labels[lap.id]}"
        s = a.series[lap.id]
        mask = (s.distance >= lo) & (s.distance <= hi)
        speed = s.channels["speed"][mask]
        line = next(r for r in range(stats.channels.rowCount())
                    if stats.cell(stats.channels, r, "Channel") == "Speed (km/h)"
                    and stats.cell(stats.channels, r, "Lap").endswith(a.labels[lap.id]))
        assert float(stats.cell(stats.channels, line, "Min")) == pytest.approx(speed.min(), abs=0.006)
        assert float(stats.cell(stats.channels, line, "Max")) == pytest.approx(speed.max(), abs=0.006)
        assert float(stats.cell(stats.channels, line, "Mean")) == pytest.approx(speed.mean(), abs=0.006)
        taken = np.interp(hi, s.distance, s.time) - np.interp(lo, s.distance, s.time)
        assert float(stats.cell(stats.ranges, row, "Time (s)")) == pytest.approx(taken, abs=0.0006)
    ref, other = a.series[best.id], a.series[second.id]
    dt = (np.interp(hi, other.distance, other.time) - np.interp(lo, other.distance, other.time)) \
        - (np.interp(hi, ref.distance, ref.time) - np.interp(lo, ref.distance, ref.time))
    rows = [r.lap_id for r in stats.rows]
    assert float(stats.cell(stats.ranges, rows.index(second.id), "Δ to ref (s)")) == pytest.approx(dt, abs=0.0006)
    assert stats.cell(stats.ranges, rows.index(best.id), "Δ to ref (s)") == "ref"
    # Snapped to a corner of the analysis: the range is exactly that segment.
    corner = next(s for s in a.comparison.segments if s.kind == "corner")
    stats.snap_to(corner.name)
    assert state.ab_range == (corner.start, corner.end)
    assert all(r.isVisible() and r.getRegion() == pytest.approx((corner.start, corner.end))
               for r in overlay.stack.regions)
    shot(window, "ab_range_stats.png", tmp_path)


def test_map_coloured_by_any_channel_with_a_labelled_scale(qtbot, window):
    open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:2])
    analysed(qtbot, window, 2)
    trackmap, state = window.dock("dock_trackmap"), window.ctx.state
    assert trackmap.bar_shown() and "Speed (km/h)" in trackmap.bar.axis.labelString()
    index = trackmap.channel.findData("accel_x")
    assert index >= 0 and "(m/s²)" in trackmap.channel.itemText(index)
    trackmap.channel.setCurrentIndex(index)
    assert state.map_channel == "accel_x"
    qtbot.waitUntil(lambda: "Lateral acceleration (m/s²)" in trackmap.bar.axis.labelString(), timeout=3000)
    ref = trackmap.reference_series()
    lo, hi = trackmap.bar.levels()
    assert lo == pytest.approx(float(np.nanmin(ref.channels["accel_x"])))
    assert hi == pytest.approx(float(np.nanmax(ref.channels["accel_x"])))


def test_partial_and_out_laps_draw_only_where_they_have_data(qtbot, window):
    laps = open_demo(qtbot, window)
    click_laps(window, laps)  # every lap: out-laps, partial laps, the in-lap and the timed ones
    a = analysed(qtbot, window, len(laps))
    overlay, store = window.dock("dock_overlay"), window.ctx.store
    for lap in laps:
        s = a.series.get(lap.id)
        if s is None or len(s.distance) < 2 or s.comparable:
            continue
        raw = np.asarray(store.lap_channels(lap)["distance"], dtype=np.float64)
        # Where it was driven on the track (the game's lap distance), not from 0 m.
        assert s.distance[0] == pytest.approx(raw[s.delta.lap.clock.index[0]], abs=1.0)
        assert s.distance[-1] <= raw.max() + 1.0
    # The delta scale is the timed laps' (an out-lap's delta would squash them flat).
    timed = [s for s in a.series.values() if s.comparable]
    top = max(float(np.max(s.delta.delta + s.delta.uncertainty)) for s in timed)
    bottom = min(float(np.min(s.delta.delta - s.delta.uncertainty)) for s in timed)
    y0, y1 = overlay.plots[DELTA].getViewBox().viewRange()[1]
    assert y0 <= bottom and y1 >= top and (y1 - y0) < 1.5 * (top - bottom) + 0.1
    # A lap with no lap distance (standing in the pit lane) is listed, with why, not drawn.
    window.ctx.state.set_cursor(800.0)
    if any(len(s.distance) < 2 for s in a.series.values()):
        assert "no lap distance (in the pits)" in overlay.readout_text()


def test_many_laps_have_distinct_colours():
    state = SharedState()
    ids = [f"lap{i}" for i in range(40)]
    state.set_selection(ids)
    colours = [state.colour(i) for i in ids]
    assert len(set(colours)) == 40
    for c in colours:  # light enough to read on the dark background
        rgb = [int(c[k:k + 2], 16) / 255 for k in (1, 3, 5)]
        lum = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        bg = 0.0116  # the plots' background #181b20 is about this relative luminance
        contrast = (0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] + 0.05) / (bg + 0.05)
        assert contrast >= 4.5, (c, contrast)
    assert re.fullmatch(r"#[0-9a-f]{6}", colours[-1])


def test_a_math_channel_in_a_plot_and_on_the_map(qtbot, window):
    open_demo(qtbot, window)
    best, second = clean_by_time(window)[:2]
    click_laps(window, [best, second])
    a = analysed(qtbot, window, 2)
    overlay, trackmap, state = window.dock("dock_overlay"), window.dock("dock_trackmap"), window.ctx.state
    state.set_math_channels({"brake_speed": "brake * speed"})
    picker = overlay.choose_channels(None)
    picker.search.setText("brake_speed")
    assert [i.data(256) for i in picker.items() if not i.isHidden()] == ["brake_speed"]
    picker.set_checked("brake_speed")
    picker.done(QDialog.DialogCode.Accepted)
    qtbot.waitUntil(lambda: len(overlay.curves_of("brake_speed")) == 2, timeout=5000)
    raw = window.ctx.store.lap_channels(second)
    idx = a.series[second.id].delta.lap.clock.index
    product = np.asarray(raw["brake"], dtype=np.float64)[idx] * np.asarray(raw["speed"], dtype=np.float64)[idx]
    (curve,) = [c for c in overlay.curves_of("brake_speed") if c.opts["pen"].color().name() == state.colour(second.id)]
    x, y = curve.getOriginalDataset()
    assert np.allclose(y[np.isfinite(x)], product)
    state.set_map_channel("brake_speed")  # the map coloured by it, its scale named after it
    qtbot.waitUntil(lambda: "Brake speed" in trackmap.bar.axis.labelString(), timeout=3000)
    ref = a.series[best.id]
    assert trackmap.bar.levels()[1] == pytest.approx(float(np.nanmax(ref.channels["brake"] * ref.channels["speed"])))
    # Edited: the plots follow; removed: the plot is left with nothing to draw, and says so by its title.
    state.set_math_channels({"brake_speed": "brake * 2"})
    qtbot.waitUntil(lambda: bool(overlay.curves_of("brake_speed")) and np.nanmax(
        overlay.curves_of("brake_speed")[0].getOriginalDataset()[1]) <= 200.0, timeout=3000)
    state.set_math_channels({})
    qtbot.waitUntil(lambda: not overlay.curves_of("brake_speed"), timeout=3000)


def _mouse(widget, kind, pos, buttons, modifiers):
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    types = {"press": QEvent.Type.MouseButtonPress, "move": QEvent.Type.MouseMove,
             "release": QEvent.Type.MouseButtonRelease}
    button = Qt.MouseButton.LeftButton if kind != "move" else Qt.MouseButton.NoButton
    point = QPointF(pos)
    event = QMouseEvent(types[kind], point, widget.mapToGlobal(point), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def test_shift_drag_on_a_plot_sets_the_ab_range(qtbot, window):
    from PySide6.QtCore import QPointF, Qt

    open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:2])
    a = analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    plot = overlay.plots["rpm"]
    vb = plot.getViewBox()
    y = float(np.mean(vb.viewRange()[1]))
    glw = overlay.glw
    start, end = (glw.mapFromScene(vb.mapViewToScene(QPointF(x, y))) for x in (2000.0, 2400.0))
    shift, left = Qt.KeyboardModifier.ShiftModifier, Qt.MouseButton.LeftButton
    _mouse(glw.viewport(), "press", start, left, shift)
    for k in range(1, 11):
        _mouse(glw.viewport(), "move", start + (end - start) * (k / 10), left, shift)
        qtbot.wait(5)
    _mouse(glw.viewport(), "release", end, Qt.MouseButton.NoButton, shift)
    qtbot.waitUntil(lambda: state.ab_range is not None, timeout=3000)
    lo, hi = state.ab_range
    # Where the mouse went down and came up (one pixel is a few metres), or the segment edges it snapped to.
    edges = {round(e) for s in a.comparison.segments for e in (s.start, s.end)}
    px = (vb.viewRange()[0][1] - vb.viewRange()[0][0]) / vb.width()
    assert abs(lo - 2000.0) < 3 * px or round(lo) in edges
    assert abs(hi - 2400.0) < 3 * px or round(hi) in edges
    assert vb.viewRange()[0][0] < 1000  # the drag did not pan the plots
    assert all(r.isVisible() for r in overlay.stack.regions)


def test_the_cursor_moves_over_the_cached_layer(qtbot, window):
    from PySide6.QtGui import QColor

    open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:2])
    analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    glw, vb = overlay.glw, overlay.plots["speed"].getViewBox()
    for d in (900.0, 950.0, 1000.0):  # the first moves after drawing capture the layer (items settle once)
        state.set_cursor(d)
        qtbot.wait(30)
    qtbot.waitUntil(lambda: glw.captures >= 1 and not glw._stale(), timeout=3000)
    captured = glw.captures
    for d in np.linspace(500.0, 3500.0, 25):
        state.set_cursor(float(d))
        qtbot.wait(2)
    assert glw.captures == captured  # the scene was not painted again for the cursor
    state.set_cursor(2222.0)
    qtbot.wait(20)
    image = glw.grab().toImage()
    box = glw.box_of(vb)
    x = round(glw.to_viewport(vb, 2222.0, 0.0).x())
    column = [QColor(image.pixel(x, y)) for y in range(box.top() + 2, box.bottom() - 2)]
    cursor = sum(abs(c.red() - 0xff) + abs(c.green() - 0xff) + abs(c.blue() - 0xff) < 40 for c in column)
    assert cursor > len(column) // 2  # a line down the plot
    old = round(glw.to_viewport(vb, 1000.0, 0.0).x())
    assert old != x and not any(abs(c.red() - 0xff) + abs(c.green() - 0xff) + abs(c.blue() - 0xff) < 40
                                for c in [QColor(image.pixel(old, y)) for y in range(box.top() + 2, box.top() + 30)])


def test_drag_a_plot_border_to_resize(qtbot, window):
    from PySide6.QtCore import QPoint, Qt

    open_demo(qtbot, window)
    click_laps(window, clean_by_time(window)[:2])
    analysed(qtbot, window, 2)
    overlay, state = window.dock("dock_overlay"), window.ctx.state
    before = [dict(p) for p in state.plots]
    curves = overlay.curves_of("speed")
    vb = overlay.plots["speed"].getViewBox()
    glw = overlay.glw
    box = glw.box_of(vb)
    start = QPoint(box.center().x(), box.bottom() - 2)  # on the speed plot's bottom edge
    end = start + QPoint(0, 24)  # into the throttle/brake plot below, not past it
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    height_px = box.height()
    _mouse(glw.viewport(), "press", start, left, none)
    for k in range(1, 11):
        _mouse(glw.viewport(), "move", start + (end - start) * (k / 10), left, none)
        qtbot.wait(5)
    _mouse(glw.viewport(), "release", end, Qt.MouseButton.NoButton, none)
    qtbot.waitUntil(lambda: state.plots[0]["height"] > before[0]["height"], timeout=3000)
    assert state.plots[1]["height"] < before[1]["height"]
    assert state.plots[0]["height"] + state.plots[1]["height"] == pytest.approx(
        before[0]["height"] + before[1]["height"], abs=0.02)
    assert state.plots[2:] == before[2:]
    qtbot.waitUntil(lambda: glw.box_of(vb).height() > height_px + 10, timeout=3000)
    assert overlay.curves_of("speed") == curves  # resized, not drawn again
