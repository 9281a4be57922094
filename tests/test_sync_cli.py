"""`pitwall sync ...` and `pitwall export` end to end against the test SeaweedFS server."""

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from app.cli import main
from app.config import load_settings
from app.services.sync import SyncError, target_from
from tests.conftest import SHORT_RACE
from tests.s3_helpers import new_bucket


@pytest.fixture
def s3_env(s3_server, monkeypatch, home):
    bucket = new_bucket(s3_server)
    for name, value in (("ENDPOINT", s3_server.endpoint), ("BUCKET", bucket), ("ACCESS_KEY", s3_server.access_key),
                        ("SECRET_KEY", s3_server.secret_key), ("MAX_ATTEMPTS", "2")):
        monkeypatch.setenv(f"PITWALL_S3_{name}", value)
    return bucket


def run_json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_push_status_pull_from_the_command_line(s3_env, capsys, tmp_path, monkeypatch):
    race = run_json(capsys, "ingest", str(SHORT_RACE))
    assert run_json(capsys, "sync", "status")["races"][0]["state"] == "local-only"

    pushed = run_json(capsys, "sync", "push", "--race", race["race_id"])
    assert pushed["races_complete"] == [race["race_id"]]
    assert pushed["uploaded"] == 1 + race["lap_count"] + 1  # raw file, laps, manifest
    assert pushed["bytes_done"] == pushed["bytes_total"] > 0 and pushed["failed"] == []
    synced = run_json(capsys, "sync", "status")
    assert synced["races"][0]["state"] == "synced" and synced["totals"]["synced"] == 1

    monkeypatch.setenv("PITWALL_HOME", str(tmp_path / "second"))
    pulled = run_json(capsys, "sync", "pull")
    assert pulled["races_pulled"] == [race["race_id"]]
    assert [r["race_id"] for r in run_json(capsys, "races")] == [race["race_id"]]
    assert run_json(capsys, "sync", "test")["ok"] is True


def test_wrong_secret_exits_with_one_clear_line(s3_env, capsys, monkeypatch):
    monkeypatch.setenv("PITWALL_S3_SECRET_KEY", "wrong-secret-xyz")
    assert main(["sync", "push"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refused the credentials" in err and "wrong-secret-xyz" not in err


def test_export_selected_laps_to_csv_and_to_s3_parquet(s3_env, s3_server, capsys, tmp_path):
    race = run_json(capsys, "ingest", str(SHORT_RACE))
    laps = race["laps"][:2]
    ids = ",".join(lap["lap_uuid"] for lap in laps)

    out = run_json(capsys, "export", "--laps", ids, "--format", "csv", "-o", str(tmp_path / "laps.csv"))
    rows = list(csv.DictReader(open(out["output"])))
    assert len(rows) == sum(lap["samples"] for lap in laps)
    assert {r["lap_uuid"] for r in rows} == {lap["lap_uuid"] for lap in laps}
    assert "speed" in rows[0] and float(rows[0]["speed"]) >= 0

    url = f"s3://{s3_env}/exports/laps.parquet"
    assert run_json(capsys, "export", "--laps", ids, "--format", "parquet", "-o", url)["output"] == url
    body = s3_server.client().get_object(Bucket=s3_env, Key="exports/laps.parquet")["Body"].read()
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == len(rows) and table.column("lap_number").to_pylist()[0] == laps[0]["number"]

    assert main(["export", "--laps", "no-such-lap", "-o", str(tmp_path / "x.csv")]) == 1
    assert "No lap with uuid no-such-lap" in capsys.readouterr().err





def test_secret_saved_in_the_keyring_is_used_and_never_in_settings(s3_env, s3_server, memory_keyring, monkeypatch,
                                                                  capsys, home):
    monkeypatch.delenv("PITWALL_S3_SECRET_KEY")
    with pytest.raises(SyncError, match="No S3 credentials"):
        target_from(load_settings())
    monkeypatch.setattr("sys.stdin", io.StringIO(s3_server.secret_key + "\n"))
    assert main(["sync", "login"]) == 0
    assert s3_server.secret_key in memory_keyring.store.values()

    assert run_json(capsys, "sync", "test")["ok"] is True
    assert s3_server.secret_key not in repr(load_settings())
    assert all(s3_server.secret_key.encode() not in p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_export_format_names_match_the_service():
    from app.cli.sync import EXPORT_FORMATS
    from app.services.export import FORMATS

    assert EXPORT_FORMATS == FORMATS
