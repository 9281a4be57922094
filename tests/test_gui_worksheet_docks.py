"""The worksheet docks in the window, on the real Montreal recording: XY scatter, histogram, tyres, math
channels and workspaces — checked against numpy over the same samples and as a person sees them."""

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from app.services import workspaces as ws_files  # noqa: E402
from app.views.app import build_window  # noqa: E402

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
SHORT = Path(__file__).parent / "data" / "montreal_short.ams2"
FIXTURES = Path(__file__).parent / "data" / "workspaces"
NOTES = Path(os.environ.get("PITWALL_SCREENSHOTS", "")) if os.environ.get("PITWALL_SCREENSHOTS") else None


def make(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    win.resize(1600, 1000)
    qtbot.waitUntil(lambda: win.workspaces.current is not None, timeout=5000)  # the workspace is applied
    return win


def close(win) -> None:
    win.close()
    win.ctx.store.close()


@pytest.fixture
def window(qtbot, home):
    win = make(qtbot, home)
    yield win
    close(win)


def shot(widget, name: str) -> None:
    if NOTES is not None:
        NOTES.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(NOTES / name), "PNG")


def select_best(qtbot, window, count: int = 2) -> list[str]:
    job = window.open_file(DEMO)
    qtbot.waitUntil(lambda: job.status in ("Done", "Failed"), timeout=60000)
    assert job.status == "Done", job.message
    laps = sorted((lap for lap in window.ctx.store.laps(job.value.race.id) if lap.lap_time and not lap.flag_list),
                  key=lambda lap: lap.lap_time)[:count]
    ids = [lap.id for lap in laps]
    state = window.ctx.state
    state.set_selection(ids, reference=ids[0])
    qtbot.waitUntil(lambda: state.analysis is not None and state.analysis.selection == ids, timeout=30000)
    return ids


def show_dock(qtbot, window, name: str):
    dock = window.dock(name)
    dock.show()
    dock.raise_()
    qtbot.wait(120)  # coalesced redraws
    return dock


def test_scatter_draws_one_point_set_per_lap_within_the_range(qtbot, window):
    ids = select_best(qtbot, window)
    state = window.ctx.state
    hidden = window.dock("dock_scatter")
    qtbot.wait(150)
    assert hidden.visibleRegion().isEmpty() and hidden.clouds == {}  # behind the corners tab: not drawn
    dock = show_dock(qtbot, window, "dock_scatter")
    qtbot.waitUntil(lambda: set(dock.clouds) == set(ids))  # drawn once shown: one point set per lap
    for lap_id, item in dock.clouds.items():
        series = state.analysis.series[lap_id]
        ax, az = np.asarray(series.channels["accel_x"]), np.asarray(series.channels["accel_z"])
        np.testing.assert_allclose(np.sort(item.x), np.sort(ax[np.isfinite(ax) & np.isfinite(az)]))
        assert item.colour.name() == state.colour(lap_id)
    assert dock.preset.currentText() == "g-g diagram"
    assert "Lateral acceleration [m/s²]" in dock.plot.getAxis("bottom").labelText

    assert "whole lap" in dock.status.text()  # the plots show every metre: nothing to limit to
    state.set_range(2000.0, 3000.0)  # zoomed in the plots: the scatter follows
    qtbot.waitUntil(lambda: "zoomed range 2000–3000 m" in dock.status.text())
    for lap_id, item in dock.clouds.items():
        d = state.analysis.series[lap_id].distance
        assert len(item.x) == np.count_nonzero((d >= 2000) & (d <= 3000))
    state.set_ab_range((1000.0, 1400.0))  # an A/B range wins over the zoom
    qtbot.wait(120)
    for lap_id, item in dock.clouds.items():
        d = state.analysis.series[lap_id].distance
        assert len(item.x) == np.count_nonzero((d >= 1000) & (d <= 1400))
    assert "A/B range 1000–1400 m" in dock.status.text()
    state.set_cursor(1200.0)
    spots = dock.cursor_dots.data
    assert len(spots) == 2
    ref = state.analysis.series[ids[0]]
    assert spots["x"][0] == pytest.approx(np.interp(1200.0, ref.distance, ref.channels["accel_x"]))

    dock.preset.setCurrentText("Speed vs rpm")
    dock._preset_chosen()
    assert (dock.x_combo.current_name(), dock.y_combo.current_name()) == ("rpm", "speed")
    shot(window, "worksheet-scatter.png")


def test_histogram_is_time_spent_per_bin(qtbot, window):
    ids = select_best(qtbot, window)
    state = window.ctx.state
    dock = show_dock(qtbot, window, "dock_histogram")
    dock.channel.set_current("speed")
    dock.redraw()
    assert set(dock.result) == set(ids)
    for lap_id, pct in dock.result.items():
        series = state.analysis.series[lap_id]
        t, v = np.asarray(series.channels["time"]), np.asarray(series.channels["speed"])
        # Independently: resample the lap every millisecond of its time and count samples per bin.
        grid = np.arange(t[0], t[-1], 0.001)
        counts, _ = np.histogram(np.interp(grid, t, v), bins=dock.edges)
        np.testing.assert_allclose(pct, 100 * counts / counts.sum(), atol=0.6)
        assert pct.sum() == pytest.approx(100.0)
    state.set_ab_range((1000.0, 1400.0))
    qtbot.wait(120)
    assert "A/B range 1000–1400 m" in dock.status.text()
    series = state.analysis.series[ids[0]]
    d, v = series.distance, np.asarray(series.channels["speed"])
    inside = v[(d >= 1000) & (d <= 1400)]
    filled = np.flatnonzero(dock.result[ids[0]] > 0)
    assert dock.edges[filled[0]] <= inside.min() and dock.edges[filled[-1] + 1] >= inside.max()
    shot(window, "worksheet-histogram.png")


def test_math_channel_is_the_product_and_a_bad_one_changes_nothing(qtbot, window):
    ids = select_best(qtbot, window)
    state = window.ctx.state
    dock = show_dock(qtbot, window, "dock_math")
    dock.name.setText("brake_speed")
    dock.expression.setText("brake * speed")
    assert dock.apply()
    assert state.math_channels == {"brake_speed": "brake * speed"}
    assert dock.table.item(0, 0).text() == "brake_speed" and dock.table.item(0, 2).text() == "✓"

    scatter = show_dock(qtbot, window, "dock_scatter")
    scatter.x_combo.set_current("brake_speed")
    scatter.y_combo.set_current("speed")
    scatter.redraw()
    for lap_id, item in scatter.clouds.items():
        series = state.analysis.series[lap_id]
        product = np.asarray(series.channels["brake"], dtype=float) * np.asarray(series.channels["speed"])
        np.testing.assert_allclose(np.sort(item.x), np.sort(product[np.isfinite(product)]), rtol=1e-9)
        assert product.max() > 0

    dock = show_dock(qtbot, window, "dock_math")
    dock.table.selectRow(0)  # edit it: every view follows the new definition, whoever computed it first
    assert dock.name.text() == "brake_speed" and dock.apply_button.text() == "Update"
    dock.expression.setText("brake * 2")
    assert dock.apply()
    scatter = show_dock(qtbot, window, "dock_scatter")
    scatter.redraw()
    for lap_id, item in scatter.clouds.items():
        brake = np.asarray(state.analysis.series[lap_id].channels["brake"], dtype=float)
        np.testing.assert_allclose(np.sort(item.x), np.sort(brake[np.isfinite(brake)] * 2), rtol=1e-9)
    dock = show_dock(qtbot, window, "dock_math")
    dock.new()
    dock.name.setText("broken")
    dock.expression.setText("brake * (speed + ")
    assert not dock.apply()
    assert state.math_channels == {"brake_speed": "brake * 2"}  # nothing changed
    assert dock.table.rowCount() == 1
    text = dock.error.text()
    assert "never closed" in text and "column 9" in text and "^" in text
    dock.expression.setText("brake * sped")
    assert "did you mean &#x27;speed&#x27;" in dock.error.text() or "did you mean 'speed'" in dock.error.text()
    shot(window, "worksheet-math.png")
    assert len(ids) == 2


def test_tyre_temperatures_are_channels_of_every_picker(qtbot, window):
    select_best(qtbot, window)
    dock = show_dock(qtbot, window, "dock_histogram")
    items = [dock.channel.itemText(i) for i in range(dock.channel.count())]
    for wheel in ("FL", "FR", "RL", "RR"):
        for part in ("inner", "centre", "outer"):
            assert f"Tyre temperature {wheel} {part} [°C]" in items
    dock.channel.set_current("tyre_temp_fl_centre")
    dock.redraw()
    assert dock.plot.getAxis("bottom").labelText == "Tyre temperature FL centre [°C]"
    # The recording's tyre channels are all zero: one bin holds all the time, and the status says why.
    for pct in dock.result.values():
        assert pct.max() == pytest.approx(100.0)
    assert "all zero (no data)" in dock.status.text()
    scatter = show_dock(qtbot, window, "dock_scatter")
    assert "Brake temperature RR [°C]" in [scatter.y_combo.itemText(i) for i in range(scatter.y_combo.count())]


def test_tyres_say_when_a_lap_has_no_tyre_data(qtbot, window):
    ids = select_best(qtbot, window)
    state = window.ctx.state
    dock = show_dock(qtbot, window, "dock_tyres")
    state.set_cursor(1500.0)
    dock.refresh()
    assert dock.lap_combo.count() == 2 and dock.lap_combo.currentData() == ids[0]
    # The bundled recording carries no tyre readings (all zero): the dock says so instead of showing 0 °C.
    assert dock.notice.isVisible() and "has no tyre data" in dock.notice.text()
    assert dock.shown == {}
    shot(window, "worksheet-tyres.png")


def test_workspace_comes_back_after_a_restart(qtbot, home):
    win = make(qtbot, home)
    assert ws_files.list_workspaces(ws_files.workspaces_dir(home)) == ["Default"]  # made on first start
    state = win.ctx.state
    default_plots = [dict(p) for p in state.plots]  # the overlay's default plots, as the Default saved them
    ids = select_best(qtbot, win)
    job = win.open_file(SHORT)  # a second session: its lap joins, the first session's laps are pinned
    qtbot.waitUntil(lambda: job.status == "Done" and state.race == job.value.race.id, timeout=60000)
    short = max(win.ctx.store.laps(state.race), key=lambda lap: lap.sample_count)
    ids = ids + [short.id]
    state.set_selection(ids, reference=ids[0])
    plots = [{"channels": ["speed"], "height": 2.0}, {"channels": ["tyre_temp_fl_centre"], "height": 1.0}]
    state.set_plots(plots)
    state.set_x_mode("time")
    state.set_math_channels({"brake_speed": "brake * speed"})
    state.set_map_channel("brake")
    win.dock("dock_scatter").apply_view_settings({"x": "rpm", "y": "speed"})
    win.dock("dock_histogram").apply_view_settings({"channel": "brake_speed", "bins": 40})
    win.dock("dock_tyres").hide()
    win.workspaces.save_as("Braking study")
    saved = ws_files.load(ws_files.workspaces_dir(home), "Braking study")
    assert saved.pinned == ids[:2] and saved.race == job.value.race.id
    state.set_x_mode("distance")  # changed after saving, in the same workspace: the close saves it too
    close(win)

    again = make(qtbot, home)
    try:
        state = again.ctx.state
        assert again.workspaces.current == "Braking study"
        assert state.plots == plots and state.x_mode == "distance"
        assert state.math_channels == {"brake_speed": "brake * speed"} and state.map_channel == "brake"
        assert state.selection == ids and state.reference == ids[0] and state.race == job.value.race.id
        pinned = again.dock("dock_browser").pinned
        qtbot.waitUntil(lambda: pinned.list.count() == 2)  # the other session's laps, listed as pinned
        # ... by their names, as a person reads them, not by their ids (the browser never listed that session)
        qtbot.waitUntil(lambda: all(pinned.list.item(i).text().startswith(("Run", "Lap", "Out"))
                                    for i in range(2)), timeout=10000)
        assert not any(i in pinned.list.item(r).text() for r in range(2) for i in ids)
        scatter = again.dock("dock_scatter")
        assert (scatter.x_combo.current_name(), scatter.y_combo.current_name()) == ("rpm", "speed")
        histogram = again.dock("dock_histogram")
        assert histogram.channel.current_name() == "brake_speed" and histogram.bins.value() == 40
        assert not again.dock("dock_tyres").isVisible()
        assert sorted(ws_files.list_workspaces(ws_files.workspaces_dir(home))) == ["Braking study", "Default"]
        assert again.workspaces.rename("Braking study", "Brakes") and again.workspaces.current == "Brakes"
        assert again.workspaces.load("Default")
        assert state.plots == default_plots and state.math_channels == {}
    finally:
        close(again)


def test_the_workspace_named_at_start_and_old_fixtures_load(qtbot, home):
    folder = ws_files.workspaces_dir(home)
    folder.mkdir(parents=True)
    (folder / "Braking_study.json").write_text((FIXTURES / "v1.json").read_text())
    win = build_window(home)
    qtbot.addWidget(win)
    with pytest.raises(Exception, match="No workspace named 'Nope'; saved: Braking study"):
        win.workspaces.use_at_start("Nope")
    win.workspaces.use_at_start("Braking study")
    win.show()
    try:
        qtbot.waitUntil(lambda: win.workspaces.current == "Braking study", timeout=5000)
        state = win.ctx.state
        assert state.x_mode == "time" and state.math_channels == {"brake_speed": "brake * speed"}
        assert any("tyre_temp_fl_centre" in p["channels"] for p in state.plots)
        assert state.selection == []  # its laps are not in this archive: said in the status bar
        assert "no longer in the archive" in win.status_label.text()
        # The window state saved before workspaces existed loads as one (its layout).
        legacy = ws_files.load_file(FIXTURES / "v0-gui-state.json")
        win.workspaces.apply(legacy)
        assert win.workspaces.current == "Default"
    finally:
        close(win)


def test_the_workspaces_menu_as_a_person_sees_it(qtbot, window):
    file_menu = window.file_menu
    titles = [a.text() for a in file_menu.actions()]
    assert "&Workspaces" in titles and titles.index("&Workspaces") < next(
        i for i, t in enumerate(titles) if t.startswith("&Export"))
    menu = window.workspaces.menu
    menu.aboutToShow.emit()  # what opening the menu does
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == ["&Save “Default”", "Save workspace &as…", "&Rename “Default”…", "&Delete “Default”…"]
    listed = [a for a in menu.actions() if a.isCheckable()]
    assert [a.text() for a in listed] == ["Default"] and listed[0].isChecked()
    window.workspaces.save_as("Race engineer")
    menu.aboutToShow.emit()
    listed = {a.text(): a.isChecked() for a in menu.actions() if a.isCheckable()}
    assert listed == {"Default": False, "Race engineer": True}
    assert window.status_label.text() == "Saved workspace Race engineer"
    next(a for a in menu.actions() if a.text() == "Default").trigger()
    assert window.workspaces.current == "Default"
    window.workspaces.save_as("  ")  # a blank name: said, nothing saved
    assert "needs a name" in window.status_label.text()
    assert ws_files.list_workspaces(window.workspaces.folder) == ["Default", "Race engineer"]
    window.workspaces.delete("Default")  # the one in use: the window stays, in no workspace
    assert window.workspaces.current is None and ws_files.list_workspaces(window.workspaces.folder) == [
        "Race engineer"]
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions() if not a.isSeparator()][0] == "&Save workspace"
