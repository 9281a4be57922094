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


# ---- FastF1 on recorded responses (see tests/f1_support.py)
@pytest.fixture(scope="session")
def f1_recorded(tmp_path_factory) -> Path:
    """The recorded FastF1 responses, unpacked once per test session (the archive is never written to)."""
    from tests.f1_support import unpack_recorded

    return unpack_recorded(tmp_path_factory.mktemp("f1-recorded"))


@pytest.fixture
def no_network():
    """Any HTTP request is a test failure: a response missing from the recording must not go to the network."""
    from tests.f1_support import block_network

    with block_network() as attempts:
        yield attempts
    assert not attempts, f"network access attempted during the test: {attempts}"


@pytest.fixture(scope="session")
def f1_loaded(tmp_path_factory, f1_recorded):
    """Every recorded session loaded once into one store (FastF1 parsing is slow; tests share the result)."""
    from tests.f1_support import block_network, load_all

    with block_network() as attempts:
        loaded = load_all(tmp_path_factory.mktemp("f1-home"), f1_recorded)
    assert not attempts, f"network access attempted while loading: {attempts}"
    yield loaded
    loaded.store.close()


@pytest.fixture
def memory_keyring():
    """A real keyring backend in memory, set explicitly (keyring picks any backend class it has seen)."""
    import keyring

    from tests.s3_helpers import MemoryKeyring

    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server (Debian's binaries, a throwaway cluster), shared by the session's tests."""
    from tests.servers.postgres import Postgres

    server = Postgres().start()
    yield server
    server.remove()
