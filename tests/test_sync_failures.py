"""Sync under failure, against real SeaweedFS servers: bad settings, cancel, damaged objects, crashes."""

import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest
from pydantic import SecretStr

from app.errors import Cancelled
from app.services.sync import SyncError, check_connection, race_states
from app.services.sync import state as sync_state
from app.services.sync.pull import pull
from app.services.sync.push import push
from app.services.sync.status import status
from app.store import Store
from tests.conftest import ROOT
from tests.s3_helpers import catalog_dump, file_hashes, keys, new_bucket, synthetic_race, target_for
from tests.servers.seaweedfs import SeaweedFS, free_port


def test_wrong_secret_is_a_clear_error_and_changes_nothing(s3_server, store, tmp_path):
    synthetic_race(store, tmp_path, laps=2)
    bucket = new_bucket(s3_server)
    target = target_for(s3_server, bucket, store.paths.home, s3_secret_key="not-the-secret-1234")
    before = file_hashes(store.paths.home)
    for action in (lambda: push(store, target), lambda: pull(store, target), lambda: check_connection(target)):
        with pytest.raises(SyncError, match="refused the credentials") as err:
            action()
        assert "not-the-secret-1234" not in str(err.value)
    assert "not-the-secret-1234" not in repr(target)
    assert keys(s3_server, bucket) == []
    assert race_states(store, target.id) == {}
    assert file_hashes(store.paths.home) == before


def test_missing_bucket_and_unreachable_server(s3_server, store, tmp_path):
    synthetic_race(store, tmp_path, laps=1)
    with pytest.raises(SyncError, match="Bucket 'no-such-bucket-here' does not exist"):
        pull(store, target_for(s3_server, "no-such-bucket-here", store.paths.home))  # push would create it
    dead = target_for(s3_server, "any-bucket", store.paths.home, s3_endpoint=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(SyncError, match="Cannot reach the S3 server"):
        push(store, dead)
    assert "Connected" in check_connection(target_for(s3_server, new_bucket(s3_server), store.paths.home))


def test_cancel_keeps_what_was_sent_and_the_next_push_finishes(s3_server, store, tmp_path):
    race_id = synthetic_race(store, tmp_path, laps=40)
    bucket = new_bucket(s3_server)
    target = dataclasses.replace(target_for(s3_server, bucket, store.paths.home), concurrency=2)
    with pytest.raises(Cancelled):
        push(store, target, progress=lambda done, total: done < total // 4)
    assert f"races/{race_id}/manifest.json" not in keys(s3_server, bucket)  # not complete in the bucket
    sent = set(keys(s3_server, bucket))
    assert sent
    report = push(store, target)
    assert report.races == [race_id]
    assert not sent & set(report.uploaded)


def test_damaged_object_is_not_pulled(s3_server, tmp_path):
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    race_id = synthetic_race(a, tmp_path, laps=3)
    bucket = new_bucket(s3_server)
    push(a, target_for(s3_server, bucket, a.paths.home))
    lap_key = next(k for k in keys(s3_server, bucket) if "/laps/" in k)
    s3_server.client().put_object(Bucket=bucket, Key=lap_key, Body=b"tampered")

    report = pull(b, target_for(s3_server, bucket, b.paths.home))

    assert report.races == [] and "does not match its checksum" in report.skipped[race_id]
    assert catalog_dump(b)["races"] == [] and file_hashes(b.paths.home) == {}


def test_pull_refuses_to_fill_the_disk(s3_server, tmp_path):
    """A real 20 MB tmpfs as the data directory (needs root to mount; skipped otherwise)."""
    a = Store(tmp_path / "a")
    synthetic_race(a, tmp_path, laps=2)
    bucket = new_bucket(s3_server)
    push(a, target_for(s3_server, bucket, a.paths.home))
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        b = Store(small)
        with pytest.raises(SyncError, match="Not enough free disk space"):
            pull(b, target_for(s3_server, bucket, b.paths.home))
        assert catalog_dump(b)["races"] == []
        b.close()
    finally:
        subprocess.run(["umount", str(small)], check=True)


@pytest.fixture
def own_server(tmp_path):
    """A server this test may kill and restart (same data and port)."""
    server = SeaweedFS(tmp_path / "seaweedfs").start()
    yield server
    server.kill()  # disposable; a restarted weed can take 10 s to stop politely


def test_server_killed_mid_push_then_resume_uploads_nothing_twice(own_server, tmp_path):
    a = Store(tmp_path / "a")
    race_id = synthetic_race(a, tmp_path, laps=120, raw_bytes=11 * 1024 * 1024)  # raw file goes up in parts
    bucket = new_bucket(own_server)
    target = dataclasses.replace(target_for(own_server, bucket, a.paths.home), concurrency=4,
                                 multipart_threshold=5 * 1024 * 1024)
    killed = []

    def kill_after_40_items(done: int, total: int) -> None:
        if not killed and done >= 40:
            own_server.kill()
            killed.append(done)

    with pytest.raises(SyncError, match="Cannot reach the S3 server.*push again to resume"):
        push(a, target, on_item=kill_after_40_items)
    confirmed = {k for k, row in sync_state.rows(a, target.id).items() if row.state == "synced"}
    assert 0 < len(confirmed) < 122
    assert status(a, target, remote=False)["races"][0]["state"] == "failed"

    own_server.start()
    in_bucket = set(keys(own_server, bucket))
    assert f"races/{race_id}/manifest.json" not in in_bucket  # the race is not visible as complete
    assert confirmed <= in_bucket

    report = push(a, target)

    assert report.races == [race_id] and not report.failed
    assert not in_bucket & set(report.uploaded)  # nothing that had arrived was sent again
    assert own_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    b = Store(tmp_path / "b")
    assert pull(b, target_for(own_server, bucket, b.paths.home)).races == [race_id]
    assert file_hashes(b.paths.home) == file_hashes(a.paths.home)


def test_app_killed_mid_push_then_resume_uploads_nothing_twice(s3_server, tmp_path):
    a = Store(tmp_path / "a")
    race_id = synthetic_race(a, tmp_path, laps=300, samples=100)
    bucket = new_bucket(s3_server)
    env = {**os.environ, "PITWALL_HOME": str(a.paths.home), "PITWALL_S3_ENDPOINT": s3_server.endpoint,
           "PITWALL_S3_BUCKET": bucket, "PITWALL_S3_ACCESS_KEY": s3_server.access_key,
           "PITWALL_S3_SECRET_KEY": s3_server.secret_key, "PITWALL_S3_CONCURRENCY": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "sync", "push"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(keys(s3_server, bucket)) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    in_bucket = set(keys(s3_server, bucket))
    assert 20 <= len(in_bucket) < 301, "the push should have been killed half-way"
    assert f"races/{race_id}/manifest.json" not in in_bucket

    target = target_for(s3_server, bucket, a.paths.home)
    report = push(a, target)

    assert report.races == [race_id]
    assert not in_bucket & set(report.uploaded)
    assert len(report.uploaded) + report.already == 302  # raw + 300 laps + manifest, each exactly once


def test_secret_never_in_settings_repr_or_dump(s3_server, tmp_path):
    target = target_for(s3_server, "b-bucket", tmp_path)
    assert s3_server.secret_key not in repr(target)
    from tests.s3_helpers import settings_for

    settings = settings_for(s3_server, "b-bucket", tmp_path)
    assert isinstance(settings.s3_secret_key, SecretStr)
    assert s3_server.secret_key not in repr(settings) and s3_server.secret_key not in settings.model_dump_json()
