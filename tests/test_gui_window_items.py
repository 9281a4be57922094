"""Issue 13, what a newcomer sees in the window: the jobs panel, the race browser, the empty window, lap labels.
Each test checks what is on screen (button enabled, text not cut, tooltip), not internals."""

import threading

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFontMetrics  # noqa: E402

from app.errors import PitwallError  # noqa: E402
from app.views.app import build_window  # noqa: E402


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
