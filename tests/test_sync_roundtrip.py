"""Push a race to a real SeaweedFS bucket (auth on), pull it into an empty second cache, compare."""

import hashlib
import json

import pytest
from sqlalchemy import text

from app.services.ingest import ingest_file
from app.services.sync import race_states
from app.services.sync.pull import pull
from app.services.sync.push import push
from app.services.sync.status import status
from app.store import Store
from tests.conftest import SHORT_RACE
from tests.s3_helpers import catalog_dump, file_hashes, keys, new_bucket, synthetic_race, target_for


@pytest.fixture
def two_homes(tmp_path):
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    yield a, b
    a.close()
    b.close()


def test_push_then_pull_rebuilds_the_same_catalog_and_files(s3_server, two_homes, tmp_path):
    a, b = two_homes
    race = ingest_file(a, SHORT_RACE).race
    bucket = new_bucket(s3_server)
    target = target_for(s3_server, bucket, a.paths.home)
    seen = []

    report = push(a, target, progress=lambda done, total: seen.append((done, total)) or True)

    laps = a.laps(race.id)
    expected = {f"races/{race.id}/raw_data.ams2", f"races/{race.id}/manifest.json",
                *(f"races/{race.id}/laps/{lap.id}.parquet" for lap in laps)}
    assert set(keys(s3_server, bucket)) == expected
    assert report.races == [race.id] and not report.failed
    assert seen[-1][0] == seen[-1][1] > 300_000  # bytes: the raw file alone is 300 kB
    assert race_states(a, target.id)[race.id][0] == "synced"
    head = s3_server.client().head_object(Bucket=bucket, Key=f"races/{race.id}/raw_data.ams2")
    assert head["Metadata"]["sha256"] == hashlib.sha256(SHORT_RACE.read_bytes()).hexdigest()

    pulled = pull(b, target_for(s3_server, bucket, b.paths.home))

    assert pulled.races == [race.id]
    assert catalog_dump(b) == catalog_dump(a)
    assert file_hashes(b.paths.home) == file_hashes(a.paths.home)
    assert b.lap_channels(b.laps(race.id)[1])["speed"].tolist() == a.lap_channels(laps[1])["speed"].tolist()
    # Nothing to do a second time, in either direction.
    assert push(a, target).uploaded == []
    assert push(b, target_for(s3_server, bucket, b.paths.home)).uploaded == []
    assert pull(b, target).races == []


def test_manifest_lists_catalog_rows_and_checksums(s3_server, store, tmp_path):
    race_id = synthetic_race(store, tmp_path, laps=3)
    bucket = new_bucket(s3_server)
    push(store, target_for(s3_server, bucket, store.paths.home))
    doc = json.loads(s3_server.client().get_object(Bucket=bucket, Key=f"races/{race_id}/manifest.json")["Body"].read())
    assert doc["rows"]["races"][0]["id"] == race_id
    assert sorted(r["number"] for r in doc["rows"]["laps"]) == [1, 2, 3]
    for obj in doc["objects"]:
        body = s3_server.client().get_object(Bucket=bucket, Key=obj["key"])["Body"].read()
        assert hashlib.sha256(body).hexdigest() == obj["sha256"] and len(body) == obj["size"]


def test_prefix_keeps_teams_apart(s3_server, two_homes, tmp_path):
    a, b = two_homes
    race_id = synthetic_race(a, tmp_path, laps=2)
    bucket = new_bucket(s3_server)
    push(a, target_for(s3_server, bucket, a.paths.home, s3_prefix="/team-a/"))
    assert all(k.startswith("team-a/races/") for k in keys(s3_server, bucket))
    assert pull(b, target_for(s3_server, bucket, b.paths.home, s3_prefix="team-b")).races == []
    assert pull(b, target_for(s3_server, bucket, b.paths.home, s3_prefix="team-a")).races == [race_id]


def test_status_tells_local_only_synced_and_remote_only(s3_server, two_homes, tmp_path):
    a, b = two_homes
    first = synthetic_race(a, tmp_path, laps=2, name="first")
    bucket = new_bucket(s3_server)
    target = target_for(s3_server, bucket, a.paths.home)
    assert status(a, target)["races"][0]["state"] == "local-only"
    push(a, target)
    second = synthetic_race(a, tmp_path, laps=2, name="second")
    states = {r["race_id"]: r["state"] for r in status(a, target)["races"]}
    assert states == {first: "synced", second: "local-only"}
    assert {r["race_id"]: r["state"] for r in status(b, target)["races"]} == {first: "remote-only"}


def test_frames_listed_in_the_catalog_are_pushed_and_pulled(s3_server, two_homes, tmp_path):
    """Camera stills linked to a race (the real `frames` table, filled by a real import) travel with it."""
    from app.config import load_settings
    from app.services.capture import import_images
    from app.services.frames import LinkRequest, ensure_thumbnail
    from tests.camera.conftest import BEFORE

    a, b = two_homes
    race_id = synthetic_race(a, tmp_path, laps=1)
    (item,) = import_images(a, load_settings(home=a.paths.home), [BEFORE], "pit-cam", link=LinkRequest(race_id))
    frame = item.frame
    bucket = new_bucket(s3_server)
    push(a, target_for(s3_server, bucket, a.paths.home))
    assert f"frames/pit-cam/{frame.id}.jpg" in keys(s3_server, bucket)

    pull(b, target_for(s3_server, bucket, b.paths.home))
    with b.engine.connect() as conn:
        assert conn.execute(text("SELECT id, camera_id, path, race_id FROM frames")).all() == [
            (frame.id, "pit-cam", frame.path, race_id)]
    assert (b.paths.absolute(frame.path)).read_bytes() == BEFORE.read_bytes()
    assert ensure_thumbnail(b, frame).is_file()  # thumbnails are not synced; the gallery rebuilds them
