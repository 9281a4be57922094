"""Command-line details from issue 13: F1 drivers in `laps`, a bad --home, ingesting a folder, failed races and
`forget`."""

import base64
import json
import os
import shutil
import subprocess
import sys

import pytest

from app.cli import main
from tests.conftest import DATA, DEMO_RACE, ROOT, SHORT_RACE


@pytest.fixture
def cli(home, capsys):
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def run_json(cli, *argv: str, code: int = 0):
    got, out, err = cli(*argv, "--json")
    assert got == code, err
    return json.loads(out)


@pytest.fixture(scope="module")
def f1_home(tmp_path_factory, f1_recorded):
    home = tmp_path_factory.mktemp("f1-laps-home")
    assert main(["--home", str(home), "f1", "load", "2025", "Australia", "FP1", "--f1-recorded", str(f1_recorded)]) == 0
    return home


def test_f1_laps_show_driver_and_team(f1_home, capsys):
    capsys.readouterr()
    assert main(["--home", str(f1_home), "races", "--json"]) == 0
    session_id = json.loads(capsys.readouterr().out)[0]["race_id"]
    assert main(["--home", str(f1_home), "laps", session_id, "--json"]) == 0
    laps = json.loads(capsys.readouterr().out)
    assert len(laps) == 421
    assert {"lap_uuid", "number", "driver", "team", "lap_time", "flags", "samples"} <= set(laps[0])
    norris = [lap for lap in laps if lap["driver"] == "NOR"]
    assert norris and {lap["team"] for lap in norris} == {"McLaren"}

    assert main(["--home", str(f1_home), "laps", session_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == ["label", "lap", "driver", "team", "time"]
    assert len(lines) == 1 + len(laps)
    # "NOR lap 7   7  NOR  McLaren  1:18.3…": the label names the driver, and the driver and team columns follow
    rows = [line.split() for line in lines[1:]]
    assert any(row[0] == "NOR" and row[4:6] == ["NOR", "McLaren"] for row in rows)


def test_ams2_laps_table_has_no_empty_driver_columns(cli):
    race = run_json(cli, "ingest", str(SHORT_RACE))
    code, out, _ = cli("laps", race["race_id"])
    assert code == 0 and out.splitlines()[0].split()[:3] == ["label", "lap", "time"]
    assert all(lap["team"] is None for lap in race["laps"])


@pytest.mark.parametrize("how", ["--home", "PITWALL_HOME", "under a file"])
def test_home_that_is_a_file_is_one_line(tmp_path, how):
    regular = tmp_path / "not-a-folder"
    regular.write_text("x")
    env = {k: v for k, v in os.environ.items() if k.upper() != "PITWALL_HOME"}
    target = regular / "sub" if how == "under a file" else regular
    args = ["--home", str(target)] if how != "PITWALL_HOME" else []
    if how == "PITWALL_HOME":
        env["PITWALL_HOME"] = str(target)
    for command in (["races", "--json"], ["ingest", str(SHORT_RACE)], ["query", "SELECT 1"]):
        proc = subprocess.run([sys.executable, "-m", "app.cli", *args, *command], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
        assert "Traceback" not in proc.stderr and "is a file" in proc.stderr and str(regular) in proc.stderr


def test_ingest_a_folder(cli, tmp_path):
    folder = tmp_path / "races"
    folder.mkdir()
    shutil.copy(SHORT_RACE, folder / "a_short.ams2")
    (folder / "b_demo.b64").write_bytes(base64.b64encode(DEMO_RACE.read_bytes()))  # the old upload API's text
    (folder / "c_broken.ams2").write_bytes(os.urandom(1024))
    (folder / "notes.txt").write_text("not a race")
    (folder / "sub").mkdir()
    shutil.copy(SHORT_RACE, folder / "sub" / "inner.ams2")  # sub-folders are not walked

    items = run_json(cli, "ingest", str(folder), code=2)  # 2: some files were refused
    assert [os.path.basename(i["file"]) for i in items] == ["a_short.ams2", "b_demo.b64", "c_broken.ams2"]
    ok = {os.path.basename(i["file"]): i for i in items if i["ok"]}
    assert ok["b_demo.b64"]["status"] == "Ready" and len(ok["b_demo.b64"]["laps"]) == 9
    assert ok["a_short.ams2"]["track"] == "Montreal Grand Prix" and ok["a_short.ams2"]["laps"]
    broken = items[2]
    assert not broken["ok"] and "Not an AMS2 race file" in broken["error"]

    code, out, err = cli("ingest", str(folder))  # again: the good ones come from the cache
    assert code == 2
    assert "already cached" in out and "3 files: 0 ingested, 2 already cached, 1 failed" in err

    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli("ingest", str(empty))
    assert code == 1 and "No race files" in err and err.count("\n") == 1


def test_races_failed(cli, tmp_path):
    good = run_json(cli, "ingest", str(SHORT_RACE))
    bad = tmp_path / "bad.ams2"
    bad.write_bytes(os.urandom(1024))
    assert cli("ingest", str(bad))[0] == 1
    everything = run_json(cli, "races")
    failed = run_json(cli, "races", "--failed")
    assert len(everything) == 2 and good["race_id"] in {r["race_id"] for r in everything}
    assert [r["status"] for r in failed] == ["Failed"] and "Not an AMS2 race file" in failed[0]["error"]
    code, out, _ = cli("races", "--failed")
    assert code == 0 and len(out.splitlines()) == 2 and good["race_id"] not in out


def test_forget_removes_the_race_and_its_files_but_keeps_stills(cli, home):
    keep = run_json(cli, "ingest", str(SHORT_RACE))
    race = run_json(cli, "ingest", str(DEMO_RACE))
    race_id = race["race_id"]
    imported = run_json(cli, "camera", "import", str(DATA / "camera" / "pit_before.jpg"), "--camera-id", "pit",
                        "--race", race_id, "--session-time", "100")
    frame = imported["files"][0]["frame"]
    assert frame["race_id"] == race_id and frame["lap_id"]
    folders = [home / "raw" / race_id, home / "laps" / race_id]
    assert all(f.is_dir() and any(f.iterdir()) for f in folders)
    lock = home / "locks" / f"{race_id}.lock"
    assert lock.is_file()  # the ingest's lock file, left free for recovery

    assert run_json(cli, "forget", race_id) == {"race_id": race_id, "removed": True}
    assert [r["race_id"] for r in run_json(cli, "races")] == [keep["race_id"]]
    assert not any(f.exists() for f in folders) and not lock.exists()
    assert (home / "laps" / keep["race_id"]).is_dir() and (home / "locks" / f"{keep['race_id']}.lock").is_file()
    frames = run_json(cli, "camera", "frames")
    assert [f["id"] for f in frames] == [frame["id"]]
    assert frames[0]["race_id"] is None and frames[0]["lap_id"] is None
    assert (home / frames[0]["path"]).is_file()

    code, _, err = cli("forget", race_id)
    assert code == 1 and "No race with id" in err
    assert run_json(cli, "ingest", str(DEMO_RACE))["already_cached"] is False  # it can come back


def test_forget_an_f1_session_drops_its_tables(cli, home, f1_home):
    shutil.copytree(f1_home, home)
    session_id = run_json(cli, "races")[0]["race_id"]
    assert (home / "sessions" / session_id).is_dir()
    assert run_json(cli, "forget", session_id)["removed"] is True
    assert not (home / "sessions" / session_id).exists() and not (home / "laps" / session_id).exists()
    assert run_json(cli, "races") == []
    code, out, _ = cli("query", "SELECT count(*) AS n FROM results", "--json")
    assert code == 0 and json.loads(out) == [{"n": 0}]


def test_output_cut_short_by_a_pipe_is_not_a_traceback(tmp_path):
    """`pitwall laps RACE | head -1`: the reader closes the pipe early; the command ends quietly."""
    home = tmp_path / "home"
    ingest = subprocess.run([sys.executable, "-m", "app.cli", "--home", str(home), "ingest", str(DEMO_RACE), "--json"],
                            capture_output=True, text=True, check=True)
    race_id = json.loads(ingest.stdout)["race_id"]
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--home", str(home), "laps", race_id],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # nobody reads: the first write fails with EPIPE
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141 and "Traceback" not in err and err == ""
