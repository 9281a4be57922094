"""`pitwall import ergast` on the real Ergast dump: typed tables, the same dump in any packaging, a newer dump
replacing an older one, and bad dumps refused with one line while the archive stays as it was."""

import datetime as dt
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from app.cli import main
from app.errors import Cancelled, PitwallError
from app.services.history.importer import import_ergast
from app.services.history.schema import TABLES
from app.services.history.store import HistoryPaths, current
from tests.history_support import DUMP, csv_rows, cut_to, gz_copy, lap_seconds, plain_copy, write_table, zipped


def snapshot(home) -> dict:
    """Every file under history/ with its bytes: what 'the archive did not change' compares."""
    root = HistoryPaths(home).root
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read(home, table: str) -> list[dict]:
    return pq.read_table(f"{current(home)['dir']}/{table}.parquet").to_pylist()


def test_import_counts_types_and_seasons(home):
    result = import_ergast(home, DUMP)
    assert result.changed
    counts = {t["name"]: t["rows"] for t in result.tables}
    assert counts == {t.name: len(csv_rows(t.name)) for t in TABLES if (DUMP / f"{t.name}.csv.gz").exists()}
    years = {int(r["year"]) for r in csv_rows("races")}
    assert result.seasons == {"first": min(years), "last": max(years), "count": len(years)}
    assert result.seasons["first"] == 1950 and result.seasons["last"] == 2023

    con = duckdb.connect()
    folder = current(home)["dir"]
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                             f"read_parquet('{folder}/races.parquet'))").fetchall())
    assert types["date"] == "DATE" and types["time"] == "TIME" and types["year"] == "BIGINT"
    # Every value against the CSV: `\N` → NULL, lap times in seconds, dates as dates
    raw = {r["resultId"]: r for r in csv_rows("results")}
    for row in read(home, "results"):
        text = raw[str(row["resultId"])]
        if text["position"] == "\\N":
            assert row["position"] is None
        else:
            assert row["position"] == int(text["position"])
        if text["fastestLapTime"] == "\\N":
            assert row["fastestLapTime"] is None
        else:
            assert row["fastestLapTime"] == pytest.approx(lap_seconds(text["fastestLapTime"]), abs=1e-9)
    races = {r["raceId"]: r for r in csv_rows("races")}
    for row in read(home, "races"):
        assert row["date"] == dt.date.fromisoformat(races[str(row["raceId"])]["date"])
    stops = csv_rows("pit_stops")
    durations = sorted(r["duration"] for r in read(home, "pit_stops"))
    assert durations == pytest.approx(sorted(lap_seconds(r["duration"]) for r in stops), abs=1e-9)
    assert max(durations) > 600  # a red-flag stop written "16:44.718" is 1004.718 s, not 16 s


def test_same_dump_in_any_packaging_changes_nothing(home, tmp_path):
    first = import_ergast(home, DUMP)
    before = snapshot(home)
    for source in (DUMP, plain_copy(tmp_path / "plain"), zipped(tmp_path / "f1db_csv.zip")):
        again = import_ergast(home, source)
        assert not again.changed and again.version == first.version
        assert snapshot(home) == before  # not even the pointer is rewritten


def test_newer_dump_replaces_the_older_one(home, tmp_path):
    older = import_ergast(home, cut_to(gz_copy(tmp_path / "2022"), 2022))
    assert older.seasons["last"] == 2022
    newer = import_ergast(home, zipped(tmp_path / "newer.zip"))
    assert newer.changed and newer.version != older.version and newer.seasons["last"] == 2023
    assert current(home)["version"] == newer.version
    assert {r["year"] for r in read(home, "races")} == {int(r["year"]) for r in csv_rows("races")}
    # and back to the older one: its copy is kept until the next import, then replaced whole
    back = import_ergast(home, tmp_path / "2022")
    assert back.changed and current(home)["version"] == older.version
    assert max(r["year"] for r in read(home, "races")) == 2022
    folders = sorted(p.name for p in HistoryPaths(home).versions.iterdir())
    assert folders == sorted({Path(back.path).name, Path(newer.path).name})  # no staging folder left


@pytest.mark.parametrize("damage, message", [
    ("missing", "missing results.csv"),
    ("renamed", "results.csv.gz: column fastestLapTime missing"),
    ("malformed", "races.csv.gz: column date has a value that is not a date (YYYY-MM-DD): '2023-13-05'"),
    ("bad_time", "qualifying.csv.gz: column q1 has a value that is not a time (m:ss.sss): '1:2x.5'"),
])
def test_bad_dump_is_refused_and_the_archive_is_unchanged(home, tmp_path, damage, message):
    import_ergast(home, DUMP)
    before = snapshot(home)
    bad = gz_copy(tmp_path / "bad")
    if damage == "missing":
        (bad / "results.csv.gz").unlink()
    elif damage == "renamed":
        rows = csv_rows("results")
        header = ["fastest_lap_time" if c == "fastestLapTime" else c for c in rows[0]]
        write_table(bad, "results", [{("fastest_lap_time" if k == "fastestLapTime" else k): v
                                      for k, v in r.items()} for r in rows], header)
    elif damage == "malformed":
        rows = csv_rows("races")
        rows[-3]["date"] = "2023-13-05"
        write_table(bad, "races", rows)
    else:
        rows = csv_rows("qualifying")
        rows[100]["q1"] = "1:2x.5"
        write_table(bad, "qualifying", rows)
    with pytest.raises(PitwallError) as err:
        import_ergast(home, bad)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert snapshot(home) == before
    assert main(["import", "ergast", str(bad)]) == 1  # the command says the same on one line


def test_progress_and_cancel(home):
    seen = []

    def stop_halfway(done, total):
        seen.append((done, total))
        return done < total / 2

    with pytest.raises(Cancelled):
        import_ergast(home, DUMP, stop_halfway)
    assert current(home) is None and not list(HistoryPaths(home).versions.iterdir())
    assert len(seen) > 2 and seen[0][0] == 0

    steps = []
    import_ergast(home, DUMP, lambda d, t: steps.append((d, t)) or True)
    assert steps[-1][0] == steps[-1][1] and [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_cli_json(home, capsys, tmp_path):
    assert main(["import", "ergast", str(zipped(tmp_path / "dump.zip")), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["changed"] is True
    assert {t["name"]: t["rows"] for t in out["tables"]}["results"] == len(csv_rows("results"))
    assert out["seasons"] == {"first": 1950, "last": 2023, "count": 74}
    assert out["rows"] == sum(t["rows"] for t in out["tables"])
    assert main(["import", "ergast", str(DUMP), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False
    assert main(["import", "ergast", str(tmp_path / "nowhere")]) == 1
    assert "No such file or folder" in capsys.readouterr().err


def test_an_old_dump_without_the_session_columns(home, tmp_path):
    """Dumps before 2022 have no fp1_date … sprint_time in races.csv: imported, those columns NULL."""
    old = cut_to(gz_copy(tmp_path / "2017"), 2017)
    rows = csv_rows("races", old)
    keep = ["raceId", "year", "round", "circuitId", "name", "date", "time", "url"]
    write_table(old, "races", [{k: r[k] for k in keep} for r in rows], keep)
    result = import_ergast(home, old)
    assert result.seasons == {"first": 1950, "last": 2017, "count": 68}
    races = read(home, "races")
    assert len(races) == len(rows) and all(r["fp1_date"] is None and r["sprint_time"] is None for r in races)
    assert {r["raceId"]: r["time"] for r in races}[1] == dt.time(6, 0)


def test_a_second_import_at_the_same_time_and_a_file_that_is_no_dump(home, tmp_path):
    from app.store.locks import try_lock

    lock = try_lock(HistoryPaths(home).lock)
    try:
        with pytest.raises(PitwallError, match="Another Ergast import is running"):
            import_ergast(home, DUMP)
    finally:
        lock.release()
    junk = tmp_path / "results.csv.gz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(PitwallError, match="neither a folder of Ergast CSV files nor a zip"):
        import_ergast(home, junk)
    broken = gz_copy(tmp_path / "broken")
    (broken / "status.csv.gz").write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(PitwallError, match="status.csv.gz: cannot be read"):
        import_ergast(home, broken)
    assert current(home) is None


def test_summaries_of_an_older_pitwall_are_recomputed(home):
    """An import whose stored summaries an older Pitwall defined differently: reports use the live queries, and
    importing the same dump again stores them anew (atomically: a new folder, then the pointer)."""
    from app.services.analytics.reports import summary_report

    first = import_ergast(home, DUMP)
    want = summary_report(home, "drivers").records()
    pointer = HistoryPaths(home).pointer
    manifest = json.loads(pointer.read_text())
    manifest["summary_version"] = 1
    pointer.write_text(json.dumps(manifest))
    assert summary_report(home, "drivers").records() == want  # live, the same answer
    again = import_ergast(home, DUMP)
    assert again.changed and again.version == first.version and current(home)["summary_version"] > 1
    assert summary_report(home, "drivers").records() == want
