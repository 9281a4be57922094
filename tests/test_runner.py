"""JobRunner: progress, result, error and cancel arrive on the GUI thread as signals."""

import threading
import time

import pytest

from app.errors import PitwallError, check

pytest.importorskip("pytestqt")
from app.workers.runner import JobRunner  # noqa: E402


@pytest.fixture
def runner(qtbot):
    r = JobRunner(threads=2)
    yield r
    r.cancel_all()
    r.wait_all(5000)


def test_result_and_progress_arrive_on_the_gui_thread(qtbot, runner):
    gui_thread = threading.get_ident()
    seen: list[tuple[int, int]] = []
    threads: list[int] = []

    def work(progress):
        threads.append(threading.get_ident())
        for i in range(5):
            check(progress, i, 5)
            time.sleep(0.06)
        check(progress, 5, 5)
        return "answer"

    job = runner.submit("work", work)
    job.progress.connect(lambda d, t: (seen.append((d, t)), threads.append(threading.get_ident())))
    with qtbot.waitSignal(job.result, timeout=5000) as blocker:
        pass
    assert blocker.args == ["answer"]
    assert job.status == "Done"
    assert threads[0] != gui_thread  # the work ran on a pool thread
    assert all(t == gui_thread for t in threads[1:])  # progress was delivered on the GUI thread
    assert seen[-1] == (5, 5) and len(seen) >= 3


def test_pitwall_error_becomes_its_message(qtbot, runner):
    def work(progress):
        raise PitwallError("The file is damaged at byte 12.")

    job = runner.submit("bad", work)
    with qtbot.waitSignal(job.error, timeout=5000) as blocker:
        pass
    assert blocker.args == ["The file is damaged at byte 12."]
    assert job.status == "Failed" and job.message == "The file is damaged at byte 12."


def test_unexpected_error_is_logged_with_traceback_and_shown_short(qtbot, runner, caplog):
    def work(progress):
        return {}["missing"]

    job = runner.submit("bug", work)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert job.status == "Failed"
    assert job.message.startswith("Unexpected error: KeyError")
    assert any(r.exc_info for r in caplog.records)  # the traceback is in the log


def test_cancel_stops_a_running_job_and_a_queued_one_never_starts(qtbot):
    runner = JobRunner(threads=1)
    started = threading.Event()
    calls: list[str] = []

    def slow(progress):
        started.set()
        for i in range(200):
            check(progress, i, 200)
            time.sleep(0.01)
        return "finished anyway"

    running = runner.submit("slow", slow)
    queued = runner.submit("second", lambda p: calls.append("ran"))
    assert started.wait(5)
    queued.cancel()
    running.cancel()
    assert runner.wait_all(5000)
    assert running.status == "Cancelled"
    assert queued.status == "Cancelled" and calls == []
