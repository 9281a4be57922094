"""RTSP grabs against a real GStreamer camera: content, bursts, transports, failures and the stream cap."""

import threading
import time

import numpy as np
import pytest

from app.errors import PitwallError
from app.sources.camera import CameraError, GrabOptions, StreamLimiter, grab
from app.sources.camera._cv import cv2
from tests.camera.conftest import AFTER, BEFORE, SERVER_FPS
from tests.servers.rtsp import RtspServer, refused_url

FAST = GrabOptions(open_timeout=2.0, read_timeout=2.0, reconnects=2, queue_timeout=10.0)


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.mark.parametrize("mount", ["still_h264", "still_mjpeg"])
def test_grabbed_still_is_the_served_image(rtsp_server, mount):
    result = grab(rtsp_server.url(mount), opts=FAST)
    (still,) = result.stills
    source, other = cv2.imread(str(BEFORE)), cv2.imread(str(AFTER))
    assert still.image.shape == source.shape
    # Lossy codecs: close to the served picture overall, and where the "after" shot differs (new tyre,
    # missing wing) the still matches the served picture, not the other one.
    assert mean_diff(still.image, source) < 4.0
    changed = np.abs(source.astype(np.int16) - other.astype(np.int16)).max(axis=2) > 60
    assert changed.sum() > 1000
    assert mean_diff(still.image[changed], source[changed]) < 15
    assert mean_diff(still.image[changed], other[changed]) > 60
    assert not result.partial and result.error is None


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_burst_at_chosen_rate_over_each_transport(rtsp_server, transport):
    opts = GrabOptions(transport=transport, open_timeout=2.0, read_timeout=2.0)
    result = grab(rtsp_server.url("h264"), frames=4, fps=5, opts=opts)
    assert len(result.stills) == 4 and not result.partial
    times = np.array([s.captured_at.timestamp() for s in result.stills])
    # 5 fps asked, the server sends 10: four stills span about 0.6 s (at the server's rate it would be 0.3 s).
    # A late frame does not shift the schedule, so one gap may be short; never two of the same moment.
    assert np.all(np.diff(times) > 0.05), times
    assert 0.45 <= times[-1] - times[0] <= 0.95, times - times[0]
    # The moving test pattern: consecutive stills are different pictures.
    assert mean_diff(result.stills[0].image, result.stills[-1].image) > 0.5


def test_transport_option_is_honoured(rtsp_server):
    url = rtsp_server.url("tcp_only")
    assert len(grab(url, opts=FAST).stills) == 1
    with pytest.raises(CameraError, match="refused the stream"):
        grab(url, opts=GrabOptions(transport="udp", open_timeout=2.0, read_timeout=2.0, reconnects=0))


def test_refused_connection_fails_fast_and_clearly():
    t0 = time.monotonic()
    with pytest.raises(CameraError, match="connection refused"):
        grab(refused_url(), opts=FAST)
    assert time.monotonic() - t0 < 2.5  # retried with backoff, within the open timeout


def test_hung_server_fails_within_the_open_timeout(hung_server):
    t0 = time.monotonic()
    with pytest.raises(CameraError, match="sent no video within 2 s"):
        grab(hung_server.url(), opts=FAST)
    assert 1.5 < time.monotonic() - t0 < 3.5


def test_unknown_path_is_a_clear_error(rtsp_server):
    with pytest.raises(CameraError, match="refused the stream"):
        grab(rtsp_server.url("no_such_stream"), opts=GrabOptions(open_timeout=2.0, reconnects=0))


def test_credentials_never_appear_in_errors():
    with pytest.raises(CameraError) as info:
        grab(refused_url().replace("rtsp://", "rtsp://pitcrew:Hunter2secret@"), opts=FAST)
    assert "Hunter2secret" not in str(info.value) and "pitcrew" not in str(info.value)
    assert "***:***@" in str(info.value)


def test_server_killed_mid_burst_keeps_the_partial_burst(tmp_path):
    server = RtspServer(BEFORE, fps=SERVER_FPS).start()
    threading.Timer(1.2, server.kill).start()
    t0 = time.monotonic()
    try:
        result = grab(server.url("mjpeg"), frames=40, fps=SERVER_FPS, opts=FAST)
    finally:
        server.kill()
    elapsed = time.monotonic() - t0
    assert result.partial and 0 < len(result.stills) < 40
    assert "stream stopped after" in result.error and "reconnect failed" in result.error
    assert elapsed < 1.2 + 2.0 + 2.0  # kill + read timeout + reconnect window


def test_twelve_grabs_against_a_cap_of_ten(rtsp_server):
    limiter = StreamLimiter(10)
    results, errors = [], []

    def one() -> None:
        try:
            results.append(grab(rtsp_server.url("still_mjpeg"), frames=3, fps=SERVER_FPS, opts=FAST, limiter=limiter))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(results) == 12
    assert limiter.peak == 10 and limiter.waited == 2 and limiter.active == 0


def test_busy_cap_gives_a_clear_error_after_the_queue_timeout(rtsp_server):
    limiter = StreamLimiter(1)
    holder = threading.Thread(target=grab, args=(rtsp_server.url("mjpeg"),),
                              kwargs={"frames": 15, "fps": SERVER_FPS, "opts": FAST, "limiter": limiter})
    holder.start()
    time.sleep(0.3)
    with pytest.raises(PitwallError, match="All 1 camera streams are busy"):
        grab(rtsp_server.url("mjpeg"), opts=GrabOptions(queue_timeout=0.2), limiter=limiter)
    holder.join(10)


def test_cancel_mid_burst_keeps_what_was_read(rtsp_server):
    stop_after = 2
    result = grab(rtsp_server.url("mjpeg"), frames=10, opts=FAST,
                  progress=lambda done, total: done < stop_after)
    assert result.cancelled and result.partial and len(result.stills) == stop_after


def test_camera_restarting_mid_burst_is_reconnected(tmp_path):
    server = RtspServer(BEFORE, fps=SERVER_FPS).start()
    replacement = RtspServer(BEFORE, fps=SERVER_FPS, port=server.port)

    def restart() -> None:
        server.kill()
        replacement.start()  # same port, like a camera rebooting

    threading.Timer(0.8, restart).start()
    try:
        result = grab(server.url("still_mjpeg"), frames=20, fps=SERVER_FPS,
                      opts=GrabOptions(open_timeout=4.0, read_timeout=2.0, reconnects=2))
    finally:
        server.kill()
        replacement.kill()
    assert result.reconnects == 1
    assert len(result.stills) == 20 and not result.partial and result.error is None
