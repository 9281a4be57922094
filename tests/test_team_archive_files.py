"""The team archive's other files: camera stills and session tables written to the bucket and read by another
machine; forgetting a race removes its objects for everyone; sync push/pull say the files are there already."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from app.archive import NO_SYNC
from app.config import load_settings
from app.errors import PitwallError
from app.services.capture import import_images
from app.services.forget import forget_race
from app.services.frames import LinkRequest, ensure_thumbnail, list_frames
from app.services.ingest import ingest_file
from app.services.sync import target_from
from app.services.sync.pull import pull
from app.services.sync.push import push
from tests.conftest import DATA, SHORT_RACE
from tests.s3_helpers import settings_for
from tests.team_support import new_team, object_keys

STILL = DATA / "camera" / "pit_before.jpg"


@pytest.fixture
def team(pg_server, s3_server):
    return new_team(pg_server, s3_server)


def test_stills_and_session_tables_reach_the_other_machine(team, tmp_path):
    a, b = team.store(tmp_path / "a"), team.store(tmp_path / "b")
    race = ingest_file(a, SHORT_RACE).race
    [item] = import_images(a, load_settings(home=tmp_path / "a"), [STILL], "pit-cam",
                           link=LinkRequest(race_id=race.id, auto=False),
                           captured_at=datetime(2026, 5, 1, 12, tzinfo=UTC))
    assert item.error is None and item.frame is not None
    frame = item.frame
    keys = object_keys(team, "frames/")
    assert keys == sorted([frame.path, frame.thumb_path])  # in the bucket before the row listed them

    [seen] = list_frames(b, race_id=race.id)  # B lists it from the shared catalog...
    assert seen.id == frame.id and not (tmp_path / "b" / frame.thumb_path).exists()
    thumb = ensure_thumbnail(b, seen)  # ...and shows its thumbnail, fetched from the bucket
    assert thumb.read_bytes() == (tmp_path / "a" / frame.thumb_path).read_bytes()
    original = b.local_file(seen.path)
    assert hashlib.sha256(original.read_bytes()).hexdigest() == frame.sha256

    table = pa.table({"time": [0.0, 60.0], "air_temp": [21.5, 22.0]})
    a.save_session_table(race.id, "weather", table)
    assert b.session_table(race.id, "weather").equals(table)
    assert b.session_table(race.id, "race_control") is None


def test_forgetting_a_race_removes_it_for_everyone(team, tmp_path):
    a, b = team.store(tmp_path / "a"), team.store(tmp_path / "b")
    race = ingest_file(a, SHORT_RACE).race
    [item] = import_images(a, load_settings(home=tmp_path / "a"), [STILL], "pit-cam",
                           link=LinkRequest(race_id=race.id, auto=False))
    assert object_keys(team, "samples/") and object_keys(team, "races/")
    forget_race(b, race.id)
    assert a.races() == [] and a.race(race.id) is None
    assert object_keys(team, "samples/") == [] and object_keys(team, "races/") == []
    assert object_keys(team, "catalog/") == []
    assert len(object_keys(team, "frames/")) == 2  # stills belong to their camera: kept, unlinked
    assert list_frames(a, camera_id="pit-cam")[0].race_id is None


def test_sync_push_and_pull_say_the_files_are_in_the_bucket_already(team, tmp_path, s3_server):
    a = team.store(tmp_path / "a")
    target = target_from(settings_for(s3_server, team.bucket, tmp_path / "a"))
    for action in (push, pull):
        with pytest.raises(PitwallError) as err:
            action(a, target)
        assert str(err.value) == NO_SYNC
