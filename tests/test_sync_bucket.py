"""A missing bucket, against real SeaweedFS: push creates it and says so; keys that may not create buckets get an
error saying what to do; the settings dialog's Create bucket (see test_gui_sync.py) uses create_and_probe."""

import itertools
import json
import os

import pytest

from app.cli import main
from app.services.sync import SyncError
from app.services.sync.config import create_and_probe, create_bucket, probe
from app.services.sync.push import _open_bucket, push
from tests.conftest import SHORT_RACE
from tests.s3_helpers import keys, settings_for, synthetic_race, target_for
from tests.servers.seaweedfs import LIMITED_ACCESS_KEY, LIMITED_SECRET_KEY

_names = itertools.count()


def missing_bucket(server) -> str:
    name = f"pitwall-new-{os.getpid()}-{next(_names)}"
    assert name not in {b["Name"] for b in server.client().list_buckets()["Buckets"]}
    return name


def bucket_exists(server, name: str) -> bool:
    return name in {b["Name"] for b in server.client().list_buckets()["Buckets"]}


@pytest.fixture
def s3_env(s3_server, monkeypatch, home):
    bucket = missing_bucket(s3_server)
    for name, value in (("ENDPOINT", s3_server.endpoint), ("BUCKET", bucket), ("ACCESS_KEY", s3_server.access_key),
                        ("SECRET_KEY", s3_server.secret_key), ("MAX_ATTEMPTS", "2")):
        monkeypatch.setenv(f"PITWALL_S3_{name}", value)
    return bucket


def test_cli_push_creates_a_missing_bucket_and_says_so(s3_server, s3_env, capsys):
    assert main(["ingest", str(SHORT_RACE), "--json"]) == 0
    race_id = json.loads(capsys.readouterr().out)["race_id"]
    assert main(["sync", "push", "--json"]) == 0
    pushed = json.loads(capsys.readouterr().out)
    assert pushed["bucket_created"] is True and pushed["races_complete"] == [race_id]
    assert bucket_exists(s3_server, s3_env)
    assert f"races/{race_id}/manifest.json" in keys(s3_server, s3_env)

    assert main(["sync", "push", "--json"]) == 0  # the second time it is simply there
    assert json.loads(capsys.readouterr().out)["bucket_created"] is False


def test_cli_push_text_names_the_created_bucket(s3_server, s3_env, capsys):
    assert main(["ingest", str(SHORT_RACE)]) == 0
    capsys.readouterr()
    assert main(["sync", "push"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"created bucket {s3_env!r} at {s3_server.endpoint}"
    assert "1 races complete in the bucket" in lines[1]


def test_keys_that_may_not_create_buckets_are_told_what_to_do(s3_server, s3_env, monkeypatch, capsys):
    monkeypatch.setenv("PITWALL_S3_ACCESS_KEY", LIMITED_ACCESS_KEY)
    monkeypatch.setenv("PITWALL_S3_SECRET_KEY", LIMITED_SECRET_KEY)
    assert main(["ingest", str(SHORT_RACE)]) == 0
    capsys.readouterr()
    assert main(["sync", "push", "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1
    assert f"Bucket {s3_env!r} does not exist" in out.err and "may not create it (AccessDenied)" in out.err
    assert "administrator" in out.err and "s3:CreateBucket" in out.err
    assert LIMITED_SECRET_KEY not in out.err
    assert not bucket_exists(s3_server, s3_env)

    s3_server.client().create_bucket(Bucket=s3_env)  # what the message asks an administrator to do
    assert main(["sync", "push", "--json"]) == 0  # these keys may write objects
    assert json.loads(capsys.readouterr().out)["bucket_created"] is False


def test_push_creates_the_bucket_with_either_client(s3_server, store, tmp_path):
    """The lean PUT checks the bucket in a push; boto3 does where the lean PUT is off (behind a proxy)."""
    race_id = synthetic_race(store, tmp_path, laps=2)
    target = target_for(s3_server, missing_bucket(s3_server), store.paths.home)
    report = push(store, target)
    assert report.bucket_created and report.races == [race_id]
    assert report.as_dict()["bucket_created"] is True

    other = target_for(s3_server, missing_bucket(s3_server), store.paths.home)
    assert _open_bucket(other, other.client(), None) is True and bucket_exists(s3_server, other.bucket)
    assert _open_bucket(other, other.client(), None) is False


def test_create_and_probe_for_the_settings_dialog(s3_server, home):
    bucket = missing_bucket(s3_server)
    settings = settings_for(s3_server, bucket, home)
    verdict, message = probe(settings)
    assert verdict == "bucket" and "Create bucket" in message
    verdict, message = create_and_probe(settings)
    assert verdict == "ok" and message.startswith(f"Created bucket {bucket!r}.") and "Connected" in message
    assert create_and_probe(settings)[0] == "ok"  # already there: fine, nothing to say about creating
    assert create_bucket(target_for(s3_server, bucket, home)) is False

    limited = settings_for(s3_server, missing_bucket(s3_server), home, s3_access_key=LIMITED_ACCESS_KEY,
                           s3_secret_key=LIMITED_SECRET_KEY)
    verdict, message = create_and_probe(limited)
    assert verdict == "not_created" and "AccessDenied" in message and LIMITED_SECRET_KEY not in message


def test_invalid_bucket_name_is_explained(s3_server, home):
    with pytest.raises(SyncError, match="not a valid bucket name"):
        create_bucket(target_for(s3_server, "Bad_Name", home))
