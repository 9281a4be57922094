"""The window as a user sees it: open a real race file, compare two laps, move the cursor, see failures."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent, QImage  # noqa: E402

from app.services.laps import lap_label  # noqa: E402
from app.views.app import build_window  # noqa: E402
from app.views.plot_config import DELTA, default_channels  # noqa: E402

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
SHORT = ROOT / "tests" / "data" / "montreal_short.ams2"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("PITWALL_HOME", str(home))
    return home


@pytest.fixture
def window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.ctx.store.close()


def race_row(window, status: str) -> int:
    model = window.dock("dock_browser").races
    return next((i for i, r in enumerate(model.races) if r.status == status), -1)


def wait_for_race(qtbot, window, status: str) -> int:
    qtbot.waitUntil(lambda: race_row(window, status) >= 0, timeout=20000)
    return race_row(window, status)


def select_laps(window, rows: list[int]) -> None:
    """Select lap rows the way a ctrl-click does, through the table's selection model."""
    browser = window.dock("dock_browser")
    selection = browser.lap_view.selectionModel()
    selection.clear()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(browser.laps.index(row, 0), flags)


def full_lap_rows(window) -> list[int]:
    laps = window.dock("dock_browser").laps.laps
    return sorted((i for i, lap in enumerate(laps) if lap.lap_time and not lap.flag_list),
                  key=lambda i: laps[i].lap_time)


def test_open_compare_two_laps_and_follow_the_cursor(qtbot, window):
    window.open_file(DEMO)  # what File → Open calls with the chosen path
    row = wait_for_race(qtbot, window, "Ready")
    browser = window.dock("dock_browser")
    assert browser.races.index(row, browser.races.STATUS_COL).data() == "Ready"
    qtbot.waitUntil(lambda: len(browser.laps.laps) > 0)
    assert browser.laps.index(full_lap_rows(window)[0], 2).data() == "best"

    rows = full_lap_rows(window)[:2]
    select_laps(window, rows)
    state = window.ctx.state
    fastest, second = (browser.laps.laps[r] for r in rows)
    assert set(state.selection) == {fastest.id, second.id}
    assert state.reference == fastest.id

    overlay = window.dock("dock_overlay")
    keys = default_channels()
    qtbot.waitUntil(lambda: all(len(overlay.curves_of(k)) == 2 for k in keys), timeout=10000)
    assert all(overlay.plots[k].isVisible() for k in keys), "AMS2 laps have every channel"
    colours = {c.opts["pen"].color().name() for c in overlay.plots["speed"].listDataItems()}
    assert colours == {state.colour(fastest.id), state.colour(second.id)} and len(colours) == 2

    # The cursor moves the marker on the map to where the reference lap was at that distance.
    trackmap = window.dock("dock_trackmap")
    qtbot.waitUntil(lambda: trackmap._xz is not None, timeout=10000)
    channels = window.ctx.store.lap_channels(fastest, ["distance", "x", "z"])
    positions = []
    for distance in (800.0, 2500.0):
        state.set_cursor(distance)
        pos = trackmap.marker_position(fastest.id)
        i = int(np.searchsorted(channels["distance"], distance))
        # Within one sample of travel (the car does < 1.5 m per sample) of the recorded point.
        assert np.hypot(pos[0] - channels["x"][i], pos[1] - channels["z"][i]) < 1.5
        positions.append(pos)
    assert np.hypot(*np.subtract(positions[0], positions[1])) > 100  # it really moved
    assert all(line.isVisible() and line.value() == 2500.0 for line in overlay.cursor_lines)


def test_mouse_over_the_plots_moves_the_shared_cursor(qtbot, window):
    window.open_file(SHORT)
    wait_for_race(qtbot, window, "Ready")
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: len(browser.laps.laps) > 0)
    select_laps(window, [0])
    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.plots["speed"].listDataItems()) == 1, timeout=10000)
    plot = overlay.plots["speed"]
    lo, hi = plot.getViewBox().viewRange()[0]
    target = lo + 0.3 * (hi - lo)
    scene_pos = plot.getViewBox().mapViewToScene(QPointF(target, 100.0))
    overlay.glw.scene().sigMouseMoved.emit(scene_pos)  # what a mouse move over the plot emits
    qtbot.waitUntil(lambda: abs(window.ctx.state.cursor - target) < (hi - lo) / 200, timeout=3000)


def test_a_bad_file_shows_failed_with_the_reason(qtbot, window, tmp_path):
    bad = tmp_path / "broken.ams2"
    bad.write_bytes(b"this is not a race file" * 100)
    job = window.open_file(bad)
    row = wait_for_race(qtbot, window, "Failed")
    model = window.dock("dock_browser").races
    reason = model.index(row, model.STATUS_COL).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, model.STATUS_COL).data() == "Failed"
    assert reason and reason == model.races[row].error
    qtbot.waitUntil(lambda: job.is_finished)
    assert job.status == "Failed" and job.message == reason  # the jobs panel shows the same one line
    jobs = window.dock("dock_jobs").model
    assert jobs.index(jobs.jobs.index(job), 1).data() == "Failed"
    assert reason in window.status_label.text()


def test_dropping_a_file_opens_it(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SHORT))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_for_race(qtbot, window, "Ready")
    assert window.recent[0] == str(SHORT.resolve())


def test_layout_and_recent_files_survive_a_restart(qtbot, home):
    first = build_window(home)
    qtbot.addWidget(first)
    first.show()
    first.open_file(SHORT)
    first.ctx.runner.wait_all(20000)
    first.dock("dock_trackmap").hide()
    first.close()
    first.ctx.store.close()
    assert (home / "gui-state.json").is_file()

    second = build_window(home)
    qtbot.addWidget(second)
    second.show()
    try:
        assert second.dock("dock_trackmap").isHidden()
        assert not second.dock("dock_overlay").isHidden()
        assert second.recent == [str(SHORT.resolve())]
        assert [a.text() for a in second.recent_menu.actions()] == [str(SHORT.resolve())]
    finally:
        second.close()
        second.ctx.store.close()


def run_screenshot(home: Path, file: Path, png: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PITWALL_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app.cli", "gui", str(file), "--screenshot", str(png)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_screenshot_of_the_demo_is_a_real_picture(tmp_path):
    png = tmp_path / "gui.png"
    proc = run_screenshot(tmp_path / "home", DEMO, png)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(png))
    assert image.width() >= 1200 and image.height() >= 800
    small = image.scaled(400, 250)  # sample the picture; a blank or single-colour window has a handful
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    assert len(colours) > 500


def test_screenshot_of_a_bad_file_exits_non_zero(tmp_path):
    bad = tmp_path / "broken.ams2"
    bad.write_bytes(b"\x00" * 5000)
    proc = run_screenshot(tmp_path / "home", bad, tmp_path / "bad.png")
    assert proc.returncode != 0
    assert (tmp_path / "bad.png").is_file()  # the picture shows the Failed race


def test_repainting_does_not_leak_references_to_none(qtbot, window):
    """PySide6 6.12.0 under Python 3.11 lost a reference to None per paint override, aborting the app after a
    few thousand repaints; the pin in pyproject.toml keeps it out. (None is immortal from Python 3.12 on.)"""
    window.open_file(SHORT)
    wait_for_race(qtbot, window, "Ready")
    select_laps(window, [0])
    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.plots["speed"].listDataItems()) == 1, timeout=10000)
    views = [overlay.glw.viewport(), window.dock("dock_trackmap").glw.viewport()]
    before = sys.getrefcount(None)
    for _ in range(20):
        for view in views:
            view.repaint()
    assert before - sys.getrefcount(None) < 20


def test_choose_another_reference_lap(qtbot, window):
    """Delta time is against the fastest selected lap until the user picks another one (lap table's menu)."""
    window.open_file(DEMO)
    wait_for_race(qtbot, window, "Ready")
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: len(browser.laps.laps) > 0)
    rows = full_lap_rows(window)[:2]
    select_laps(window, rows)
    fastest, second = (browser.laps.laps[r] for r in rows)
    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.plots[DELTA].listDataItems()) == 2, timeout=10000)

    def delta_of(lap) -> np.ndarray:
        colour = window.ctx.state.colour(lap.id)
        (item,) = [c for c in overlay.plots[DELTA].listDataItems() if c.opts["pen"].color().name() == colour]
        return item.getData()[1]

    gap = second.lap_time - fastest.lap_time  # 0.567 s
    assert np.allclose(delta_of(fastest), 0) and delta_of(second)[-1] == pytest.approx(gap, abs=0.05)
    browser.use_as_reference(second.id)
    assert window.ctx.state.reference == second.id
    qtbot.waitUntil(lambda: np.allclose(delta_of(second), 0), timeout=10000)
    assert delta_of(fastest)[-1] == pytest.approx(-gap, abs=0.05)  # now the faster lap gains on the reference
    (ref_label,) = [label.text for _, label in overlay.legend.items if "(ref)" in label.text]
    assert ref_label.startswith(f"{lap_label(second)} ")


def test_record_live_udp_then_open_it(qtbot, window):
    """File → Record live AMS2: real datagrams over a real socket; Cancel stops and the recording opens."""
    import re
    import threading

    from app.sources.ams2.container import decompress, index_packets
    from tests.test_live_record import replay

    raw = decompress(SHORT.read_bytes())
    idx = index_packets(raw)
    datagrams = [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]
    ready, ports = threading.Event(), []
    job = window.record_live(0, on_ready=lambda port: (ports.append(port), ready.set()))
    assert ready.wait(10)
    replay(ports[0], datagrams)
    qtbot.waitUntil(lambda: job.done >= len(datagrams), timeout=10000)  # progress counts packets received
    jobs = window.dock("dock_jobs").model
    message = jobs.index(jobs.jobs.index(job), 3)
    qtbot.waitUntil(lambda: f"{len(datagrams)} packets" in message.data(), timeout=5000)
    assert re.fullmatch(rf"{len(datagrams)} packets, \d+/s, 0 dropped", message.data())  # live, while recording
    job.cancel()  # "stop recording"
    qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
    assert job.status == "Done", job.message
    race = job.value.race
    assert race.status == "Ready" and race.track == "Montreal Grand Prix"
    assert sum(lap.sample_count for lap in job.value.laps) == 5083
    assert (window.ctx.store.paths.home / race.raw_path).is_file()
    assert list((window.ctx.store.paths.recordings_dir).glob("ams2-*.ams2"))
    assert message.data() == f"{len(datagrams)} packets recorded, 0 dropped"
    qtbot.waitUntil(lambda: window.ctx.state.race == race.id)
