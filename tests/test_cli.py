"""The `pitwall` command line: stable subcommands, --json shapes, exit codes."""

import csv
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from app.cli import main
from tests.conftest import DEMO_RACE, ROOT


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ingest_races_laps_json(home, capsys):
    out = run_json(capsys, "ingest", str(DEMO_RACE))
    assert out["status"] == "Ready" and out["track"] == "Montreal Grand Prix"
    assert len(out["laps"]) == 9
    timed = [lap for lap in out["laps"] if lap["lap_time"] is not None and not lap["flags"]]
    assert [round(lap["lap_time"], 1) for lap in timed] == [98.1, 99.6, 99.0, 97.5]
    assert all({"number", "lap_time", "flags", "samples", "lap_uuid"} <= set(lap) for lap in out["laps"])

    races = run_json(capsys, "races")
    assert [r["race_id"] for r in races] == [out["race_id"]] and races[0]["lap_count"] == 9
    laps = run_json(capsys, "laps", out["race_id"])
    assert [lap["lap_uuid"] for lap in laps] == [lap["lap_uuid"] for lap in out["laps"]]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_lap(home, capsys, tmp_path, fmt):
    out = run_json(capsys, "ingest", str(DEMO_RACE))
    lap = next(lap for lap in out["laps"] if not lap["flags"])
    dest = tmp_path / f"lap.{fmt}"
    assert main(["export-lap", lap["lap_uuid"], "--format", fmt, "-o", str(dest)]) == 0
    if fmt == "csv":
        with open(dest) as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == lap["samples"]
        assert float(rows[-1]["distance"]) > 4300
    else:
        table = pq.read_table(dest)
        assert table.num_rows == lap["samples"] and "speed" in table.column_names


def test_failure_exits_nonzero_with_one_line(home, tmp_path):
    bad = tmp_path / "random.ams2"
    bad.write_bytes(os.urandom(2048))
    env = {**os.environ, "PITWALL_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "app.cli", "ingest", str(bad), "--json"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "Not an AMS2 race file" in proc.stderr
    races = json.loads(subprocess.run([sys.executable, "-m", "app.cli", "races", "--json"], capture_output=True,
                                      text=True, env=env, cwd=ROOT, timeout=60).stdout)
    assert races[0]["status"] == "Failed" and "Not an AMS2 race file" in races[0]["error"]


def test_unknown_ids(home, capsys):
    assert main(["laps", "nope"]) == 1
    assert "No race" in capsys.readouterr().err
