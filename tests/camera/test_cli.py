"""`pitwall camera ...`: the command line as a script would use it, and secrets that never leak."""

import json
import os
import stat

import pytest

from app.cli import main
from tests.camera.conftest import AFTER, BEFORE
from tests.servers.rtsp import refused_url

PASSWORD = "Sup3rSecretPw"


@pytest.fixture
def cli(home, monkeypatch, capsys):
    monkeypatch.setenv("PITWALL_CAMERA_OPEN_TIMEOUT", "2")
    monkeypatch.setenv("PITWALL_CAMERA_READ_TIMEOUT", "2")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def every_file_text(home) -> str:
    """All bytes Pitwall wrote outside the secrets file (catalog, WAL, frames), as text."""
    chunks = []
    for root, _dirs, files in os.walk(home):
        if os.path.basename(root) == "secrets":
            continue
        for name in files:
            with open(os.path.join(root, name), "rb") as fh:
                chunks.append(fh.read().decode("latin-1"))
    return "\n".join(chunks)


def test_add_list_grab_with_credentials_never_shown(cli, home, rtsp_server):
    url = rtsp_server.url("still_mjpeg", credentials=f"pitcrew:{PASSWORD}")
    code, out, err = cli("camera", "add", "Haas_Pit_1", url, "--json")
    assert code == 0
    added = json.loads(out)
    assert added["url"] == f"rtsp://***:***@127.0.0.1:{rtsp_server.port}/still_mjpeg"
    assert added["has_credentials"] is True

    code, out, _ = cli("camera", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == ["Haas_Pit_1"]

    code, out, err = cli("camera", "grab", "Haas_Pit_1", "--frames", "3", "--fps", "5", "--json",
                         "--meta", "session=FP1", "--meta", "location=Pit Lane")
    assert code == 0, err
    grabbed = json.loads(out)
    assert grabbed["stored"] == 3 and grabbed["requested"] == 3 and grabbed["partial"] is False
    assert {f["burst_id"] for f in grabbed["frames"]} == {grabbed["burst_id"]}
    assert grabbed["frames"][0]["meta"]["location"] == "Pit Lane"
    assert all(os.path.isfile(f["path"]) for f in grabbed["frames"])

    secrets = home / "secrets" / "cameras.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600 and PASSWORD in secrets.read_text()
    assert PASSWORD not in every_file_text(home) and "pitcrew" not in every_file_text(home)
    code, out, err = cli("camera", "list")
    assert PASSWORD not in out + err and "***:***@" in out


def test_grab_failure_is_one_line_without_the_password(cli):
    url = refused_url().replace("rtsp://", f"rtsp://pitcrew:{PASSWORD}@")
    code, out, err = cli("camera", "grab", url, "--camera-id", "Cam_X", "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "connection refused" in err
    assert PASSWORD not in err and "pitcrew" not in err


def test_grab_unknown_camera(cli):
    code, _, err = cli("camera", "grab", "Nope_1")
    assert code == 1 and "No camera with id 'Nope_1'" in err


def test_import_reports_each_file(cli, tmp_path):
    junk = tmp_path / "after.jpg"
    junk.write_bytes(b"not an image at all" * 20)
    code, out, err = cli("camera", "import", str(BEFORE), str(junk), str(AFTER), "--camera-id", "Haas_Pit_1",
                         "--meta", "session=FP1", "--json")
    assert code == 2  # partly done
    report = json.loads(out)
    assert (report["imported"], report["failed"], report["duplicates"]) == (2, 1, 0)
    assert [f["ok"] for f in report["files"]] == [True, False, True]
    assert report["files"][1]["frame"] is None and "not a JPEG, PNG or WebP" in report["files"][1]["error"]
    assert report["files"][0]["frame"]["meta"]["session"] == "FP1"
    assert "after.jpg: not a JPEG" in err

    code, out, _ = cli("camera", "frames", "--camera-id", "Haas_Pit_1", "--json")
    assert len(json.loads(out)) == 2


def test_import_batch_limit(cli, tmp_path):
    files = [str(BEFORE)] * 11
    code, out, err = cli("camera", "import", *files, "--camera-id", "Cam")
    assert code == 1 and "limit is 10 per batch" in err


def test_bad_meta_argument(cli):
    code, _, err = cli("camera", "import", str(BEFORE), "--camera-id", "Cam", "--meta", "novalue")
    assert code == 1 and "key=value" in err
