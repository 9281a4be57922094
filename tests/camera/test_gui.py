"""The camera dock as a user sees it: import a before/after pair, compare, preview and grab, the strip."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402

from app.services.cameras import add_camera  # noqa: E402
from app.services.capture import import_images  # noqa: E402
from app.services.frames import LinkRequest  # noqa: E402
from app.services.ingest import ingest_file  # noqa: E402
from app.views.app import build_window  # noqa: E402
from app.views.camera_widgets import distance_at  # noqa: E402
from tests.camera.conftest import AFTER, BEFORE  # noqa: E402
from tests.conftest import SHORT_RACE  # noqa: E402
from tests.servers.rtsp import refused_url  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, home, monkeypatch):
    monkeypatch.setenv("PITWALL_CAMERA_OPEN_TIMEOUT", "2")
    monkeypatch.setenv("PITWALL_CAMERA_READ_TIMEOUT", "2")
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.ctx.store.close()


def camera_dock(window):
    return window.dock("dock_camera")


def qimage_array(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB888)
    ptr = image.constBits()
    rows = np.frombuffer(ptr, np.uint8, count=image.bytesPerLine() * image.height())
    return rows.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3)


def finish(qtbot, job, timeout=15000):
    qtbot.waitUntil(lambda: job.is_finished, timeout=timeout)
    return job


def test_drop_a_before_after_pair_and_compare(qtbot, window):
    dock = camera_dock(window)
    dock.camera.setEditText("Haas_Pit_1")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(BEFORE)), QUrl.fromLocalFile(str(AFTER))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    dock.dropEvent(drop)
    job = finish(qtbot, dock.jobs[-1])
    assert job.status == "Done" and "Imported 2 of 2" in dock.status.text()
    assert job in window.ctx.runner.jobs  # the import is a job in the jobs panel
    qtbot.waitUntil(lambda: dock.gallery.count() == 2, timeout=10000)

    dock.gallery.selectAll()
    assert dock.compare_button.isEnabled()
    finish(qtbot, dock.compare_selected())
    assert dock.tabs.currentWidget() is dock.compare
    assert "2 changed area(s)" in dock.compare.tabText(1)
    diff = qimage_array(dock.compare.diff.image)
    red = (diff[:, :, 0] > 150) & (diff[:, :, 1] < 120) & (diff[:, :, 2] < 120)
    assert 200 < red.sum() < diff.shape[0] * diff.shape[1] * 0.1  # changes painted, the rest is not
    dock.compare.setCurrentIndex(1)
    shot = qimage_array(dock.compare.diff.grab().toImage())
    assert shot.std() > 10  # the difference view on screen is not blank


def test_preview_and_grab_from_a_real_camera(qtbot, window, rtsp_server):
    add_camera(window.ctx.store, "Haas_Pit_1", rtsp_server.url("still_mjpeg", "crew:TopSecret99"))
    dock = camera_dock(window)
    dock.refresh_cameras(select="Haas_Pit_1")
    qtbot.waitUntil(lambda: dock.camera.count() == 1, timeout=5000)
    assert "TopSecret99" not in dock.camera.itemData(0, Qt.ItemDataRole.ToolTipRole)

    dock.preview_button.setChecked(True)
    qtbot.waitUntil(lambda: dock.live.image is not None, timeout=10000)
    assert dock.live.image.width() == 640 and "Live" in dock.status.text()
    dock.preview_button.setChecked(False)

    job = finish(qtbot, dock.capture())
    assert job.status == "Done" and len(job.value.frames) == 1
    qtbot.waitUntil(lambda: dock.gallery.count() == 1, timeout=10000)
    assert "TopSecret99" not in dock.status.text()

    # Closing the window while a preview runs stops its thread cleanly.
    dock.preview_button.setChecked(True)
    worker = dock.preview
    qtbot.waitUntil(lambda: worker.isRunning(), timeout=5000)
    window.close()
    assert worker.isFinished()


def test_camera_that_is_down_fails_as_a_job_and_the_window_stays_responsive(qtbot, window):
    dock = camera_dock(window)
    dock.camera.setEditText(refused_url().replace("rtsp://", "rtsp://crew:TopSecret99@"))
    job = dock.capture()
    clicks = []
    dock.gallery_race.currentIndexChanged.connect(clicks.append)
    dock.gallery_race.setCurrentIndex(1)  # the GUI thread is free while the grab retries
    assert clicks == [1]
    finish(qtbot, job)
    assert job.status == "Failed" and "connection refused" in job.message
    assert "TopSecret99" not in job.message + job.title + dock.status.text()


def test_stills_on_the_lap_strip_move_the_shared_cursor(qtbot, window):
    ctx = window.ctx
    race = ingest_file(ctx.store, SHORT_RACE).race
    lap = ctx.store.laps(race.id)[1]
    moment = lap.start_time + 12.0
    import_images(ctx.store, ctx.settings, [BEFORE], "Haas_Pit_1", link=LinkRequest(race.id, moment))
    dock = camera_dock(window)
    ctx.state.set_race(race.id)
    ctx.state.set_selection([lap.id])
    qtbot.waitUntil(lambda: len(dock.strip.markers) == 1, timeout=10000)
    expected = distance_at(ctx.store.lap_channels(lap), moment)
    assert expected and expected > 0
    dock.strip.click_marker(0)
    assert ctx.state.cursor == pytest.approx(expected)
    assert len(dock.gallery.selectedItems()) <= 1
