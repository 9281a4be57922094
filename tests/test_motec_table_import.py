"""Generic telemetry import (`pitwall ingest FILE.csv|.parquet [--map CHANNEL=COLUMN]`), on real F1 telemetry
(tests/data/f1_real_telemetry: three qualifying laps, irregular sampling) written out as another logger would."""

import csv
import gzip
import json
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.cli import main
from tests.conftest import DATA

TEL = DATA / "f1_real_telemetry"
FILES = ("VER_lap11_tel.json.gz", "LEC_lap11_tel.json.gz", "NOR_lap15_tel.json.gz")


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def real_laps() -> list[dict]:
    return [json.load(gzip.open(TEL / f))["tel"] for f in FILES]


def logger_rows() -> tuple[list[dict], list[float]]:
    """The three laps on one clock with a lap counter, in another logger's column names; lap start times."""
    rows, starts, offset = [], [], 0.0
    for n, tel in enumerate(real_laps(), start=1):
        starts.append(offset)
        for i, t in enumerate(tel["time"]):
            rows.append({"Time_s": offset + t, "LapNo": n, "Speed_kmh": tel["speed"][i], "nGear": tel["gear"][i],
                         "Throttle": tel["throttle"][i], "EngineRPM": tel["rpm"][i], "Comment": "x"})
        offset += tel["time"][-1] + 0.05
    return rows, starts


def test_csv_with_a_mapping_becomes_laps(home, capsys, tmp_path):
    rows, starts = logger_rows()
    path = tmp_path / "logger.csv"
    with path.open("w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    race = run_json(capsys, "ingest", str(path), "--map", "time=Time_s,lap=LapNo", "--map", "speed=Speed_kmh",
                    "--map", "gear=nGear", "--map", "rpm=EngineRPM")
    assert race["status"] == "Ready" and race["source"] == "table" and len(race["laps"]) == 3
    # laps where the counter steps; the last one never reached a next step, so it is partial
    assert [lap["flags"] for lap in race["laps"]] == [[], [], ["partial"]]
    for lap, start, end in zip(race["laps"][:2], starts, starts[1:], strict=False):
        assert lap["lap_time"] == pytest.approx(end - start, abs=1e-6)

    from app.store import Store

    store = Store(home)
    tel = real_laps()
    for lap, real in zip(race["laps"], tel, strict=True):
        ch = store.lap_channels(store.lap(lap["lap_uuid"]))
        assert lap["samples"] == len(real["time"])
        assert np.allclose(ch["speed"], real["speed"]) and np.allclose(ch["gear"], real["gear"])
        assert np.allclose(ch["rpm"], real["rpm"]) and np.allclose(ch["throttle"], real["throttle"])
        assert np.allclose(ch["time"], np.asarray(real["time"]) - real["time"][0])
        # distance integrated from speed: within 1 % of FastF1's own distance for the lap
        assert ch["distance"][-1] == pytest.approx(real["distance"][-1] - real["distance"][0], rel=0.01)
    store.close()


def test_parquet_with_timestamps_and_names_found_without_a_mapping(home, capsys, tmp_path):
    rows, _ = logger_rows()
    t0 = datetime(2024, 12, 7, 14, 0, 0)
    table = pa.table({
        "timestamp": pa.array([t0 + timedelta(seconds=r["Time_s"]) for r in rows], pa.timestamp("ms")),
        "lap": [r["LapNo"] for r in rows], "Speed": [float(r["Speed_kmh"]) for r in rows],
        "Brake Pressure": [0.0] * len(rows)})
    path = tmp_path / "logger.parquet"
    pq.write_table(table, path)
    race = run_json(capsys, "ingest", str(path))
    assert len(race["laps"]) == 3
    from app.store import Store

    store = Store(home)
    ch = store.lap_channels(store.lap(race["laps"][0]["lap_uuid"]))
    assert {"speed", "brake_pressure", "distance", "time"} <= set(ch)
    assert np.allclose(ch["speed"], real_laps()[0]["speed"])
    assert ch["time"][-1] == pytest.approx(real_laps()[0]["time"][-1], abs=0.001)  # ms timestamps
    store.close()


@pytest.mark.parametrize("content, args, message", [
    ("a,b\n1,2\n3,4\n", [], "no time column"),
    ("t,speed\n0,1\n1,2\n", ["--map", "speed=Speed"], "no column 'Speed'"),
    ("t,speed\n0,1\n1,2\n", ["--map", "speed"], "--map wants CHANNEL=COLUMN"),
    ("time,speed\nnoon,1\nlater,2\n", [], "not numeric seconds"),
    ("time,speed\n0,1\n", [], "fewer than two samples"),
])
def test_bad_tables_are_one_clear_line(home, capsys, tmp_path, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["ingest", str(path), *args]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and err.count("\n") == 0


def test_map_is_refused_for_other_files(home, capsys, tmp_path):
    assert main(["ingest", str(tmp_path / "x.ld"), "--map", "speed=S"]) == 1
    assert "--map is for CSV and Parquet" in capsys.readouterr().err
