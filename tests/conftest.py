import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO_RACE = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
SHORT_RACE = DATA / "montreal_short.ams2"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh data directory; PITWALL_HOME points at it so nothing touches the real one."""
    path = tmp_path / "pitwall-home"
    monkeypatch.setenv("PITWALL_HOME", str(path))
    return path


@pytest.fixture
def store(home):
    from app.store import Store

    s = Store(home)
    yield s
    s.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real SeaweedFS S3 server with authentication on, shared by the session's tests."""
    from tests.servers.seaweedfs import SeaweedFS

    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)
