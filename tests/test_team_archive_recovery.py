"""Faults in a team archive: the catalog server killed in the middle of an ingest, a writer that dies after its
uploads. The race is Failed and retryable from any machine, with no orphan rows and no orphan objects."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.domain.models import RaceStatus
from app.errors import PitwallError
from app.services.ingest import ingest_file
from app.store.recovery import INTERRUPTED
from app.store.schema import Lap
from tests.conftest import DEMO_RACE, ROOT, SHORT_RACE
from tests.team_support import new_team, object_keys
from tests.test_ingest_recovery import PAUSED_INGEST  # an ingest paused halfway until a gate file exists


@pytest.fixture
def team(pg_server, s3_server):
    return new_team(pg_server, s3_server)


def lap_rows(store, race_id: str) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Lap).where(Lap.race_id == race_id)) or 0


def test_catalog_server_killed_mid_ingest_leaves_a_failed_retryable_race(team, tmp_path):
    gate = tmp_path / "gate"
    proc = subprocess.Popen([sys.executable, "-c", PAUSED_INGEST, str(tmp_path / "a"), str(DEMO_RACE), str(gate)],
                            cwd=ROOT, env=team.env(tmp_path / "a"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while not gate.with_suffix(".paused").exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the ingest never reached its halfway point"
        time.sleep(0.05)

    b = team.store(tmp_path / "b")
    [race] = b.races()
    assert race.status == RaceStatus.PROCESSING
    assert b.recover() == 0  # someone is writing it (its lock is held on the server): left alone

    team.pg.kill()  # the catalog server dies; every connection with it
    try:
        gate.touch()
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode != 0  # the ingest could not commit, and says why in one line, no password
        assert "CatalogUnavailable: The catalog at postgresql+psycopg://pitwall:***@" in err.strip().splitlines()[-1]
        assert team.pg.password not in err and team.s3.secret_key not in err
    finally:
        team.pg.start()
        team.pg.wait_ready()

    # Another engineer's Pitwall, at its next start: the race is Failed with the reason, retryable; no lap rows,
    # and nothing of it in the bucket but the raw file it will retry from.
    assert b.recover() == 1
    failed = b.race(race.id)
    assert failed.status == RaceStatus.FAILED and failed.error == INTERRUPTED
    assert lap_rows(b, race.id) == 0
    assert object_keys(team, "samples/") == [] and object_keys(team, "catalog/") == []

    again = ingest_file(b, DEMO_RACE)  # the retry, from the other machine: the same race, now Ready
    assert again.race.id == race.id and again.race.status == RaceStatus.READY
    assert lap_rows(b, race.id) == len(again.laps)
    assert set(object_keys(team, "samples/")) == {lap.path for lap in again.laps if lap.path}


def test_a_writer_dying_after_its_uploads_leaves_no_orphan_objects(team, tmp_path):
    """The objects are uploaded, the server goes before the commit: after recovery neither rows nor objects."""
    a = team.store(tmp_path / "a")
    original_commit = a.commit_laps

    def die_before_commit(race_id, sink, data, results=None):
        a.upload_laps(race_id, sink, data.track)  # what commit_laps does first: record the track, upload
        assert object_keys(team, "samples/")  # the uploads happened
        team.pg.kill()  # and the catalog went before the commit
        return original_commit(race_id, sink, data, results)

    a.commit_laps = die_before_commit  # type: ignore[method-assign]
    try:
        with pytest.raises(Exception):  # noqa: B017  (the driver's own error: the server is gone)
            ingest_file(a, SHORT_RACE)
    finally:
        team.pg.start()
        team.pg.wait_ready()
    a.engine.dispose()  # the dead process's connections (and its race lock) are gone with it

    b = team.store(tmp_path / "b")
    [race] = b.races()
    assert race.status == RaceStatus.PROCESSING
    assert b.recover() == 1
    assert b.race(race.id).status == RaceStatus.FAILED
    assert lap_rows(b, race.id) == 0
    assert object_keys(team, "samples/") == []


def test_a_wrong_password_is_one_clear_line_without_the_password(team, tmp_path):
    from app.store import Store

    wrong = team.url.replace(team.pg.password, "not-the-password")
    with pytest.raises(PitwallError) as err:
        Store(tmp_path / "x", catalog=wrong, archive="local")
    text = str(err.value)
    assert "Cannot open the catalog at" in text and "\n" not in text
    assert "not-the-password" not in text and team.pg.password not in text and "***" in text


def test_an_sqlite_catalog_with_the_archive_in_s3_recovers_the_same_way(team, tmp_path, s3_server):
    """One engineer, SQLite catalog, files in the bucket: a writer that dies after uploading leaves, after the
    next start, a Failed race and no object of it."""
    import numpy as np

    from app.archive.s3 import RemoteArchive
    from app.domain.models import LapData
    from app.store import Store
    from tests.s3_helpers import settings_for

    def open_store() -> Store:
        settings = settings_for(s3_server, team.bucket, tmp_path / "solo", s3_prefix="team-a/")
        return Store(tmp_path / "solo", archive=RemoteArchive.from_settings(settings))

    a = open_store()
    race = a.begin_race("ams2", "solo", content_hash="ab" * 32)
    sink = a.lap_sink(race.id)
    for n in range(3):
        sink.add(LapData(number=n + 1, lap_time=80.0, channels={"time": np.linspace(0, 80, 50),
                                                                "speed": np.full(50, 200.0)}))
    sink.finish()
    a.upload_laps(race.id, sink, "Test Track")  # what commit_laps does first
    assert len(object_keys(team, "samples/")) == 3
    a.close()  # the process dies here: its race lock goes, the race stays Processing

    b = open_store()
    assert b.recover() == 1
    assert b.race(race.id).status == RaceStatus.FAILED and lap_rows(b, race.id) == 0
    assert object_keys(team, "samples/") == []
    assert not (tmp_path / "solo" / "laps" / race.id).exists() or not any((tmp_path / "solo" / "laps" / race.id)
                                                                           .iterdir())


def test_a_writer_that_lost_its_lock_cannot_commit_over_a_recovery(team, tmp_path):
    """The writer's lock connection is cut (a network drop ends its server session): another machine recovers
    the race; the writer's commit then refuses instead of marking Ready a race whose objects were cleaned."""
    import numpy as np

    from app.domain.models import LapData, SessionData

    a, b = team.store(tmp_path / "a"), team.store(tmp_path / "b")
    race = a.begin_race("ams2", "cut", content_hash="cd" * 32)
    data = SessionData("ams2", "cut", [LapData(number=1, lap_time=80.0, channels={
        "time": np.linspace(0, 80, 40), "speed": np.full(40, 150.0)})], track="Test Track")
    sink = a.lap_sink(race.id)
    for lap in data.laps:
        sink.add(lap)
    sink.finish()
    held = a._locks[race.id]  # the connection that holds the race's lock on the server
    pid = held._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    team.pg.psql(f"SELECT pg_terminate_backend({pid})")
    assert b.recover() == 1 and b.race(race.id).status == RaceStatus.FAILED

    with pytest.raises(PitwallError, match="marked Failed meanwhile"):
        a.commit_laps(race.id, sink, data)
    a.fail_race(race.id, "cut")  # what the ingest does on an error
    assert lap_rows(b, race.id) == 0 and object_keys(team, "samples/") == []
