"""Camera fixtures: one real GStreamer RTSP camera for the whole session, serving a known still image."""

from pathlib import Path

import pytest

from tests.servers.rtsp import HungServer, RtspServer

CAMERA_DATA = Path(__file__).resolve().parent.parent / "data" / "camera"
BEFORE = CAMERA_DATA / "pit_before.jpg"
AFTER = CAMERA_DATA / "pit_after.jpg"
SERVER_FPS = 10


@pytest.fixture(scope="session")
def rtsp_server():
    server = RtspServer(BEFORE, fps=SERVER_FPS).start()
    yield server
    server.stop()


@pytest.fixture
def hung_server():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def camera_settings(home):
    """Short timeouts so failure tests stay fast (the defaults are 5 s)."""
    from app.config import load_settings

    return load_settings(home=home, camera_open_timeout=2.0, camera_read_timeout=2.0, camera_queue_timeout=10.0)
