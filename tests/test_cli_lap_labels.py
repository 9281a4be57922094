"""Lap labels (issue 13): AMS2's lap counter restarts at 1 on every run, so every lap gets a unique, readable
label, the same in `pitwall laps` (table and --json), `pitwall ingest --json` and exports."""

import csv
import json
import sqlite3

from app.cli import main
from app.services.laps import lap_label, lap_labels
from app.store.catalog_read import LapRow
from tests.conftest import DEMO_RACE


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def expected_labels(laps: list[dict]) -> list[str]:
    """The rule, restated from the flags alone: a run starts at every out-lap (and at the first lap)."""
    run, out = 0, []
    for i, lap in enumerate(sorted(laps, key=lambda x: x["start_time"])):
        flags = lap["flags"]
        run += i == 0 or "out-lap" in flags
        kind = ("out-lap" if "out-lap" in flags else "in-lap" if "in-lap" in flags
                else f"lap {lap['number']} (partial)" if "partial" in flags else f"lap {lap['number']}")
        out.append(f"Run {run} · {kind}")
    return out


def test_demo_laps_have_unique_labels_in_ingest_and_laps(home, capsys):
    ingested = run_json(capsys, "ingest", str(DEMO_RACE))
    numbers = [lap["number"] for lap in ingested["laps"]]
    assert len(set(numbers)) < len(numbers)  # the game's counter repeats: the reason for labels
    labels = [lap["label"] for lap in ingested["laps"]]
    assert len(set(labels)) == len(labels) == 9
    assert labels == expected_labels(ingested["laps"])
    assert labels[4:8] == ["Run 3 · lap 1", "Run 3 · lap 2", "Run 3 · lap 3", "Run 3 · lap 4"]

    listed = run_json(capsys, "laps", ingested["race_id"])
    assert [lap["label"] for lap in listed] == labels
    # The existing keys stay.
    assert all({"lap_uuid", "race_id", "number", "lap_time", "sectors", "flags", "samples", "start_time"}
               <= set(lap) for lap in listed)

    assert main(["laps", ingested["race_id"]]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "label"
    for lap, line in zip(listed, lines[1:], strict=True):
        assert line.startswith(lap["label"] + " ") and lap["lap_uuid"] in line


def test_laps_ingested_before_labels_were_stored_get_the_same_labels(home, capsys):
    ingested = run_json(capsys, "ingest", str(DEMO_RACE))
    with sqlite3.connect(home / "catalog.sqlite") as conn:  # a cache from before labels: meta without one
        conn.execute("UPDATE laps SET meta = '{}'")
    listed = run_json(capsys, "laps", ingested["race_id"])
    assert all("meta" not in lap for lap in listed)
    assert [lap["label"] for lap in listed] == [lap["label"] for lap in ingested["laps"]]


def test_export_carries_the_label(home, capsys, tmp_path):
    ingested = run_json(capsys, "ingest", str(DEMO_RACE))
    chosen = [lap for lap in ingested["laps"] if lap["samples"] > 1000][:3]
    dest = tmp_path / "laps.csv"
    assert main(["export", "--laps", ",".join(lap["lap_uuid"] for lap in chosen), "--format", "csv",
                 "-o", str(dest)]) == 0
    capsys.readouterr()
    with open(dest) as fh:
        rows = list(csv.DictReader(fh))
    by_lap = {row["lap_uuid"]: row["lap_label"] for row in rows}
    assert by_lap == {lap["lap_uuid"]: lap["label"] for lap in chosen}
    assert sum(1 for _ in rows) == sum(lap["samples"] for lap in chosen)


def _row(lap_id, number, flags="", start=0.0, driver=None):
    return LapRow(lap_id, "r", number, driver, None, None, None, None, None, None, flags, 10, start, None, "{}")


def test_label_rules_one_run_f1_and_repeats():
    one_run = [_row("a", 1, "out-lap", 0), _row("b", 1, "", 60), _row("c", 2, "invalid", 120),
               _row("d", 3, "in-lap", 180)]
    assert list(lap_labels(one_run).values()) == ["Out-lap", "Lap 1", "Lap 2", "In-lap"]
    f1 = [_row("v1", 1, "out-lap", 0, "VER"), _row("h1", 1, "out-lap", 1, "HAM"), _row("v2", 2, "", 90, "VER")]
    assert lap_labels(f1) == {"v1": "VER lap 1", "h1": "HAM lap 1", "v2": "VER lap 2"}
    stuck = [_row("x", 1, "", 0), _row("y", 1, "", 60), _row("z", 1, "", 120)]  # a counter that never moved
    assert list(lap_labels(stuck).values()) == ["Lap 1", "Lap 1 #2", "Lap 1 #3"]
    # Alone (no race at hand), a lap still says what it is; a stored label wins.
    assert lap_label(_row("a", 1, "out-lap")) == "Out-lap"
    stored = LapRow("s", "r", 1, None, None, None, None, None, None, None, "", 10, 0.0, None,
                    json.dumps({"label": "Run 2 · lap 1"}))
    assert lap_label(stored, one_run) == "Run 2 · lap 1"
