"""`pitwall query` and `pitwall report` as a user runs them: output shapes and exit codes."""

import csv
import io
import json

from app.cli import main
from tests.conftest import SHORT_RACE


def test_query_json_csv_and_text(home, capsys):
    assert main(["ingest", str(SHORT_RACE), "--json"]) == 0
    laps = json.loads(capsys.readouterr().out)["laps"]

    assert main(["query", "SELECT number, sample_count FROM laps ORDER BY sample_count", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == sorted(({"number": lap["number"], "sample_count": lap["samples"]} for lap in laps),
                          key=lambda r: r["sample_count"])

    assert main(["query", "SELECT lap_id, count(*) AS n FROM {{SAMPLES}} GROUP BY lap_id", "--csv"]) == 0
    got = {r["lap_id"]: int(r["n"]) for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert got == {lap["lap_uuid"]: lap["samples"] for lap in laps}

    assert main(["query", "SELECT 'x' AS a, 'nan'::DOUBLE AS b"]) == 0
    out = capsys.readouterr()
    assert out.out.split() == ["a", "b", "x"] and "(1 rows" in out.err


def test_query_refusals_exit_non_zero_with_one_line(home, capsys):
    for sql in ("COPY laps TO '/tmp/pitwall-should-not-exist.csv'", "SELECT * FROM read_csv('/etc/passwd')",
                "ATTACH ':memory:' AS m", "DROP TABLE laps", "SELECT FROM WHERE"):
        assert main(["query", sql]) == 1
        err = capsys.readouterr().err
        assert err.startswith("pitwall: ") and err.count("\n") == 1, err


def test_report_json_and_usage_errors(home, capsys):
    assert main(["ingest", str(SHORT_RACE)]) == 0
    capsys.readouterr()
    assert main(["report", "drivers", "--json"]) == 0
    (driver,) = json.loads(capsys.readouterr().out)
    old = {"driver": "You", "races_entered": 1, "podiums": 0, "wins": 0, "points": None}
    assert {k: driver[k] for k in old} == old  # the archive-only keys, as before the F1 history
    assert driver["driver_ref"] is None and driver["races"] == 1 and driver["own_races"] == 1
    assert main(["report", "circuits", "--json"]) == 0
    (circuit,) = json.loads(capsys.readouterr().out)
    assert circuit["circuit"] == "Montreal Grand Prix" and circuit["races"] == 1
    assert circuit["fastest_lap"] is None  # the short file has no lap timed to the line
    assert main(["report", "devices", "daily"]) == 1
    assert "--source" in capsys.readouterr().err


def test_device_report_names_match_the_service():
    from app.cli.query import DEVICE_REPORTS
    from app.services.analytics.reports import DEVICE_REPORTS as SERVICE

    assert DEVICE_REPORTS == SERVICE
