"""Workspace files: save/load/rename round trips, bad entries dropped with a note, old and newer formats."""

import json
import shutil
from pathlib import Path

import pytest

from app.errors import PitwallError
from app.services import workspaces as ws
from app.services.workspaces import Workspace

FIXTURES = Path(__file__).parent / "data" / "workspaces"


def test_save_load_rename_delete(tmp_path):
    folder = tmp_path / "workspaces"
    made = Workspace("Braking zones", plots=[{"channels": ["speed", "brake"], "height": 2.0}], x_mode="time",
                     math_channels={"bs": "brake * speed"}, map_channel="brake", race="r1",
                     selection=["a", "b"], reference="b", pinned=["b"], layout={"dock_state": "AAAA"},
                     views={"dock_scatter": {"x": "rpm", "y": "speed"}})
    ws.save(folder, made)
    back = ws.load(folder, "Braking zones")
    assert ws.to_dict(back) == ws.to_dict(made) and back.warnings == []
    assert ws.list_workspaces(folder) == ["Braking zones"]
    ws.rename(folder, "Braking zones", "Brakes")
    assert ws.list_workspaces(folder) == ["Brakes"]
    assert ws.load(folder, "Brakes").math_channels == {"bs": "brake * speed"}
    with pytest.raises(PitwallError, match="No workspace named 'Braking zones'; saved: Brakes"):
        ws.load(folder, "Braking zones")
    ws.save(folder, Workspace("Other"))
    with pytest.raises(PitwallError, match="already a workspace named 'Other'"):
        ws.rename(folder, "Brakes", "Other")
    ws.delete(folder, "Other")
    assert ws.list_workspaces(folder) == ["Brakes"]


def test_names_that_are_no_file_names_do_not_collide(tmp_path):
    ws.save(tmp_path, Workspace("a b"))
    ws.save(tmp_path, Workspace("a_b"))
    ws.save(tmp_path, Workspace("../../etc"))
    assert ws.list_workspaces(tmp_path) == ["../../etc", "a b", "a_b"]
    assert all(p.parent == tmp_path for p in tmp_path.iterdir())  # nothing written outside the folder
    with pytest.raises(PitwallError, match="needs a name"):
        ws.save(tmp_path, Workspace("  "))


def test_bad_entries_are_dropped_with_a_note():
    data = {"format": ws.FORMAT, "version": 1, "name": "x", "plots": [{"channels": "speed"}, {"channels": ["rpm"]}],
            "x_mode": "sideways", "math_channels": {"a": 3}, "selection": ["l1", "l1", "l2"]}
    got = ws.from_dict(data)
    assert got.plots == [{"channels": ["rpm"], "height": 1.0}]
    assert got.x_mode == "distance" and got.math_channels == {} and got.selection == ["l1", "l2"]
    assert len(got.warnings) == 3


def test_every_version_fixture_loads():
    v1 = ws.load_file(FIXTURES / "v1.json")
    assert v1.name == "Braking study" and v1.x_mode == "time"
    assert v1.math_channels == {"brake_speed": "brake * speed"}
    assert any("tyre_temp_fl_centre" in p["channels"] for p in v1.plots)
    assert v1.layout["dock_state"] and v1.views["dock_scatter"]["x"] == "rpm"
    # Before workspaces, the window kept only its layout (gui-state.json): that loads as a workspace.
    legacy = ws.load_file(FIXTURES / "v0-gui-state.json")
    raw = json.loads((FIXTURES / "v0-gui-state.json").read_text())
    assert legacy.layout == {"dock_state": raw["dock_state"], "geometry": raw["geometry"]}
    assert legacy.plots == [] and legacy.math_channels == {}


def test_a_newer_or_foreign_file_is_refused_clearly(tmp_path):
    newer = json.loads((FIXTURES / "v1.json").read_text())
    newer["version"] = ws.VERSION + 1
    (tmp_path / "new.json").write_text(json.dumps(newer))
    with pytest.raises(PitwallError, match="newer Pitwall"):
        ws.load_file(tmp_path / "new.json")
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(PitwallError, match="Cannot read workspace junk.json"):
        ws.load_file(tmp_path / "junk.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(PitwallError, match="not a workspace"):
        ws.load_file(tmp_path / "list.json")
    shutil.copy(FIXTURES / "v1.json", tmp_path / "ok.json")
    assert ws.list_workspaces(tmp_path) == ["Braking study"]  # unreadable files are skipped in the list


def _gui(home: Path, *args: str):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PITWALL_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app.cli", "gui", *args], capture_output=True, text=True,
                          env=env, timeout=240)


def test_gui_workspace_option(tmp_path):
    home = tmp_path / "home"
    proc = _gui(home, "--demo", "--workspace", "Nope", "--screenshot", str(tmp_path / "x.png"))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == "pitwall: No workspace named 'Nope'."
    assert not (tmp_path / "x.png").exists()

    folder = ws.workspaces_dir(home)
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "v1.json", folder / "braking.json")
    proc = _gui(home, "--demo", "--workspace", "Braking study", "--screenshot", str(tmp_path / "shot.png"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "shot.png").stat().st_size > 10000
    assert (folder / "current.txt").read_text() == "Braking study"
    saved = ws.load(folder, "Braking study")  # saved again on close, in the workspace it was opened in
    assert saved.x_mode == "time" and saved.math_channels == {"brake_speed": "brake * speed"}
    assert len(saved.selection) == 2  # the screenshot's two laps, the workspace's old ones gone
