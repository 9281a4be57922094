"""`pitwall f1 schedule` and `pitwall f1 load` on the recorded responses: JSON shapes a script can rely on."""

import json

import pytest

from app.cli import main
from tests.f1_support import SESSIONS

pytestmark = pytest.mark.usefixtures("no_network")


def run_json(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    out = capsys.readouterr().out
    return json.loads(out)  # stdout holds the JSON and nothing else (FastF1's logging stays out)


def test_schedule_json(capsys, f1_loaded, home):
    data = run_json(capsys, "f1", "schedule", "2024", "--json", "--f1-recorded", str(f1_loaded.settings.f1_recorded))
    assert data["year"] == 2024
    british = next(e for e in data["events"] if e["name"] == "British Grand Prix")
    assert set(british) >= {"round", "name", "country", "location", "date", "sessions"}
    assert british["country"] == "United Kingdom" and british["round"] == 12
    assert british["sessions"][0]["name"] == "Practice 1"


def test_load_json_per_driver(capsys, f1_loaded, home, monkeypatch):
    monkeypatch.setenv("PITWALL_F1_RECORDED", str(f1_loaded.settings.f1_recorded))
    monkeypatch.setenv("PITWALL_F1_CACHE", str(f1_loaded.store.paths.fastf1_cache))
    data = run_json(capsys, "f1", "load", "2024", "British", "FP1", "--drivers", "VER,HAM", "--json")
    assert data["status"] == "Ready" and not data["already_cached"]
    assert data["lap_count"] == SESSIONS[(2024, "British", "FP1")]
    assert {d["driver"] for d in data["drivers"]} == {"VER", "HAM"}
    ours = f1_loaded.results[(2024, "British", "FP1")].laps
    for d in data["drivers"]:
        assert d["laps"] == sum(1 for lap in ours if lap.driver == d["driver"])
        mine = [lap for lap in ours if lap.driver == d["driver"]]
        timed = [lap.lap_time for lap in mine if lap.lap_time and "invalid" not in lap.flags]
        assert d["fastest_lap_time"] == min(timed)
    again = run_json(capsys, "f1", "load", "2024", "Silverstone", "fp1", "--json")
    assert again["already_cached"] and again["session_id"] == data["session_id"]
    assert len(again["drivers"]) == 20


def test_load_errors_are_one_line(capsys, f1_loaded, home, monkeypatch):
    monkeypatch.setenv("PITWALL_F1_CACHE", str(f1_loaded.store.paths.fastf1_cache))
    rc = main(["f1", "load", "2025", "Australia", "R", "--f1-recorded", str(f1_loaded.settings.f1_recorded)])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and err.startswith("pitwall: ") and "\n" not in err
    assert "hold no lap timing" in err
    rc = main(["f1", "load", "2019", "Monza", "Q", "--drivers", "XXX",
               "--f1-recorded", str(f1_loaded.settings.f1_recorded)])
    assert rc == 1 and "No laps for driver(s) XXX" in capsys.readouterr().err


def test_the_bundled_archive_is_a_recording_too(capsys, home):
    """`--f1-recorded` takes the .tar.xz the demo ships, unpacked once under the data directory."""
    from tests.f1_support import ARCHIVE

    data = run_json(capsys, "f1", "schedule", "2019", "--json", "--f1-recorded", str(ARCHIVE))
    assert any(e["name"] == "Italian Grand Prix" for e in data["events"])
    assert list((home / "fastf1-cache" / "recorded").glob("*/.complete")), "unpacked under the data directory"


def test_a_broken_archive_is_a_clear_error(capsys, home, tmp_path):
    broken = tmp_path / "rec.tar.xz"
    broken.write_bytes(b"\xfd7zXZ\x00 not really")
    assert main(["f1", "schedule", "2019", "--f1-recorded", str(broken)]) == 1
    assert "Cannot unpack the recorded FastF1 responses rec.tar.xz" in capsys.readouterr().err
