"""The S3 parts of the window against a real SeaweedFS server (auth on): settings dialog, Sync menu, sync state
in the browser, Export dialog (laps to CSV / Parquet, the overlay plot to PNG / SVG; locally and to s3://)."""

import csv
import io
import json
import logging
import xml.etree.ElementTree as ET

import keyring
import numpy as np
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit  # noqa: E402

from app.views.app import build_window  # noqa: E402
from tests.conftest import SHORT_RACE  # noqa: E402
from tests.s3_helpers import new_bucket  # noqa: E402

WRONG = "wrong-secret-do-not-show-42"


@pytest.fixture
def bucket(s3_server, monkeypatch):
    monkeypatch.setenv("PITWALL_S3_MAX_ATTEMPTS", "1")  # failures answer at once
    for name in ("ENDPOINT", "BUCKET", "ACCESS_KEY", "SECRET_KEY", "REGION", "PREFIX", "PATH_STYLE"):
        monkeypatch.delenv(f"PITWALL_S3_{name}", raising=False)
    return new_bucket(s3_server)


@pytest.fixture
def s3_env(s3_server, bucket, monkeypatch):
    """The whole configuration in PITWALL_S3_* variables, as a script or a shell would set it."""
    for name, value in (("ENDPOINT", s3_server.endpoint), ("BUCKET", bucket), ("ACCESS_KEY", s3_server.access_key),
                        ("SECRET_KEY", s3_server.secret_key)):
        monkeypatch.setenv(f"PITWALL_S3_{name}", value)
    return bucket


@pytest.fixture
def no_keyring():
    """A machine without an OS keyring (set explicitly: keyring picks any backend class it has seen)."""
    from keyring.backends.fail import Keyring

    before = keyring.get_keyring()
    keyring.set_keyring(Keyring())
    yield
    keyring.set_keyring(before)



@pytest.fixture
def make_window(qtbot, home):
    windows = []

    def make():
        win = build_window(home)
        qtbot.addWidget(win)
        win.show()
        windows.append(win)
        return win

    yield make
    for win in windows:
        win.close()
        win.ctx.store.close()


def colours_of(image: QImage) -> set[str]:
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(rgb.constBits(), np.uint32).reshape(rgb.height(), rgb.bytesPerLine() // 4)
    return {f"#{int(p) & 0xFFFFFF:06x}" for p in np.unique(pixels[:, : rgb.width()])}


def visible_text(widget) -> str:
    """Everything the dialog shows: labels, fields as displayed (bullets for passwords), buttons, tooltips."""
    parts = [widget.windowTitle()]
    parts += [w.text() + w.toolTip() for w in widget.findChildren(QLabel)]
    parts += [w.displayText() + w.placeholderText() + w.toolTip() for w in widget.findChildren(QLineEdit)]
    parts += [w.text() + w.toolTip() for w in widget.findChildren(QAbstractButton)]
    return "\n".join(parts)


def test_test_connection_names_the_problem_and_never_shows_the_secret(qtbot, make_window, s3_server, bucket,
                                                                     home, caplog, no_keyring):
    caplog.set_level(logging.DEBUG)
    window = make_window()
    window.sync_menu.settings_action.trigger()
    dialog = window.sync_menu.dialog
    assert dialog.isVisible() and "session only" in dialog.secret_note.text()  # no keyring on this machine
    dialog.endpoint.setText(s3_server.endpoint)
    dialog.bucket.setText(bucket)
    dialog.access_key.setText(s3_server.access_key)
    qtbot.keyClicks(dialog.secret_key, WRONG)

    def answer() -> str:
        dialog.test_button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
        return dialog.result_label.text()

    assert answer().startswith("<b>Wrong credentials</b>") and "refused the credentials" in dialog.result_label.text()
    assert WRONG not in visible_text(dialog) and WRONG not in window.status_label.text()
    assert dialog.secret_key.displayText() != WRONG  # bullets

    dialog.secret_key.clear()
    qtbot.keyClicks(dialog.secret_key, s3_server.secret_key)
    assert answer().startswith("<b>OK</b>") and bucket in dialog.result_label.text()
    dialog.bucket.setText("no-such-bucket-here")
    assert answer().startswith("<b>No such bucket</b>")
    dialog.bucket.setText(bucket)
    dialog.endpoint.setText("http://127.0.0.1:9")  # nothing listens on the discard port
    assert answer().startswith("<b>Unreachable</b>")
    dialog.endpoint.setText(s3_server.endpoint)

    dialog.buttons.accepted.emit()  # Save
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    saved = json.loads((home / "s3.json").read_text())
    assert saved["bucket"] == bucket and saved["endpoint"] == s3_server.endpoint
    assert saved["access_key"] == s3_server.access_key
    for secret in (WRONG, s3_server.secret_key):
        assert secret not in (home / "s3.json").read_text()
        assert secret not in caplog.text
        assert secret not in visible_text(dialog)
    # Kept for the session: the Sync menu works at once, and the dialog only says a secret is stored.
    assert window.ctx.settings.s3_bucket == bucket
    job = window.sync_menu.status()
    qtbot.waitUntil(lambda: job.is_finished, timeout=10000)
    assert job.status == "Done", job.message
    assert "S3 status" in window.status_label.text()
    again = window.sync_menu.open_settings()
    assert again.bucket.text() == bucket and again.secret_key.text() == ""
    assert again.secret_key.placeholderText().startswith("stored")


def test_environment_prefills_and_push_from_the_menu_marks_the_race_synced(qtbot, make_window, s3_server, s3_env):
    window = make_window()
    dialog = window.sync_menu.open_settings()
    assert dialog.endpoint.text() == s3_server.endpoint and dialog.bucket.text() == s3_env
    assert dialog.access_key.text() == s3_server.access_key
    assert dialog.secret_key.text() == "" and dialog.env_note.isVisible()
    assert "PITWALL_S3_SECRET_KEY" in dialog.env_note.text()
    assert s3_server.secret_key not in visible_text(dialog)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("<b>OK</b>"), timeout=10000)
    dialog.reject()

    window.open_file(SHORT_RACE)
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: browser.races.rowCount() == 1 and browser.races.races[0].status == "Ready",
                    timeout=20000)
    window.ctx.runner.wait_all(10000)
    sync = browser.races.index(0, browser.races.SYNC_COL)
    assert sync.data() == "local"
    assert window.sync_menu.push_race_action.isEnabled()

    window.sync_menu.push_race_action.trigger()
    job = window.ctx.runner.jobs[-1]
    assert job.title == "Push race to S3"
    qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
    assert job.status == "Done", job.message
    assert job.total > 0 and job.done == job.total  # bytes, shown in the jobs panel
    qtbot.waitUntil(lambda: browser.races.index(0, browser.races.SYNC_COL).data() == "synced", timeout=3000)
    assert s3_env in browser.races.index(0, browser.races.SYNC_COL).data(Qt.ItemDataRole.ToolTipRole)
    race_id = browser.races.races[0].id
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_env)["Contents"]]
    assert f"races/{race_id}/manifest.json" in keys
    assert "1 races complete" in window.status_label.text()


def test_a_failed_push_shows_the_reason_in_the_status_bar(qtbot, make_window, s3_server, s3_env, monkeypatch):
    monkeypatch.setenv("PITWALL_S3_SECRET_KEY", WRONG)
    window = make_window()
    job = window.sync_menu.push()
    qtbot.waitUntil(lambda: job.is_finished, timeout=10000)
    assert job.status == "Failed" and "refused the credentials" in window.status_label.text()
    assert WRONG not in window.status_label.text() and WRONG not in job.message


def test_secret_saved_in_the_keyring_works_after_a_restart(qtbot, make_window, s3_server, bucket, memory_keyring,
                                                            home):
    window = make_window()
    dialog = window.sync_menu.open_settings()
    assert "OS keyring" in dialog.secret_note.text()
    dialog.endpoint.setText(s3_server.endpoint)
    dialog.bucket.setText(bucket)
    dialog.access_key.setText(s3_server.access_key)
    qtbot.keyClicks(dialog.secret_key, s3_server.secret_key)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert s3_server.secret_key in memory_keyring.store.values()
    assert s3_server.secret_key not in (home / "s3.json").read_text()
    window.close()

    restarted = make_window()
    assert restarted.ctx.settings.s3_bucket == bucket and restarted.ctx.settings.s3_secret_key is None
    job = restarted.sync_menu.status()
    qtbot.waitUntil(lambda: job.is_finished, timeout=10000)
    assert job.status == "Done", job.message


def test_export_laps_and_the_plot_locally_and_to_s3(qtbot, make_window, s3_server, s3_env, tmp_path):
    window = make_window()
    window.open_file(SHORT_RACE)
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: len(browser.laps.laps) >= 2, timeout=20000)
    laps = browser.laps.laps[:2]
    state = window.ctx.state
    state.set_selection([lap.id for lap in laps])
    store = window.ctx.store
    samples = {lap.id: len(store.lap_channels(lap)["distance"]) for lap in laps}

    dialog = window.open_export()

    def export(what: str, fmt: str, dest: str) -> str:
        dialog.set_choice(what, fmt)
        dialog.dest.setText(dest)
        job = dialog.export()
        qtbot.waitUntil(lambda: job.is_finished, timeout=15000)
        assert job.status == "Done", job.message
        assert dialog.result_label.text().startswith("<b>Exported</b>")
        return job.value

    local_csv = tmp_path / "out" / "laps.csv"
    export("laps", "csv", str(local_csv))
    rows = list(csv.DictReader(local_csv.open()))
    assert len(rows) == sum(samples.values())
    assert {lap_id: sum(r["lap_uuid"] == lap_id for r in rows) for lap_id in samples} == samples
    assert float(rows[-1]["distance"]) > float(rows[0]["distance"])

    url = f"s3://{s3_env}/exports/laps.csv"
    assert export("laps", "csv", url) == url
    body = s3_server.client().get_object(Bucket=s3_env, Key="exports/laps.csv")["Body"].read()
    assert body == local_csv.read_bytes()
    export("laps", "parquet", f"s3://{s3_env}/exports/laps.parquet")
    body = s3_server.client().get_object(Bucket=s3_env, Key="exports/laps.parquet")["Body"].read()
    assert pq.read_table(io.BytesIO(body)).num_rows == len(rows)

    overlay = window.dock("dock_overlay")
    qtbot.waitUntil(lambda: len(overlay.plots["speed"].listDataItems()) == 2, timeout=10000)
    png = tmp_path / "overlay.png"
    export("plot", "png", str(png))
    image = QImage(str(png))
    on_screen = overlay.glw.ci.sceneBoundingRect()
    assert abs(image.width() - on_screen.width()) <= 1 and abs(image.height() - on_screen.height()) <= 1
    colours = colours_of(image)
    assert len(colours) > 20  # not blank
    assert {state.colour(lap.id) for lap in laps} <= colours  # both laps' curves are drawn

    svg = tmp_path / "overlay.svg"
    export("plot", "svg", str(svg))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    strokes = {el.get("stroke") for el in root.iter() if el.get("stroke")}
    assert {state.colour(lap.id) for lap in laps} <= strokes
    export("plot", "png", f"s3://{s3_env}/exports/overlay.png")
    body = s3_server.client().get_object(Bucket=s3_env, Key="exports/overlay.png")["Body"].read()
    assert body.startswith(b"\x89PNG") and QImage.fromData(body).size() == image.size()


def test_export_without_selected_laps_is_disabled_and_a_bad_url_says_why(qtbot, make_window, s3_env):
    window = make_window()
    dialog = window.open_export()
    dialog.set_choice("laps", "csv")
    assert not dialog.export_button.isEnabled() and "Select laps" in dialog.selection_note.text()
    dialog.set_choice("plot", "svg")
    assert dialog.dest.text().endswith(".svg") and dialog.export_button.isEnabled()
    dialog.dest.setText("s3://Bad_Bucket/")
    job = dialog.export()
    qtbot.waitUntil(lambda: job.is_finished, timeout=5000)
    assert job.status == "Failed" and "Not an object URL" in dialog.result_label.text()


def test_saved_settings_fill_in_what_the_environment_leaves_unset(home, monkeypatch, s3_server, no_keyring):
    from app.config import load_settings
    from app.services.sync.saved import S3Form, save, with_saved

    monkeypatch.delenv("PITWALL_S3_BUCKET", raising=False)
    settings = load_settings(home=home)
    assert save(settings, S3Form(endpoint=s3_server.endpoint, bucket="from-file", prefix="team-a"), "s3cr3t") is False
    assert "s3cr3t" not in (home / "s3.json").read_text()
    loaded = with_saved(load_settings(home=home))
    assert (loaded.s3_bucket, loaded.s3_endpoint, loaded.s3_prefix) == ("from-file", s3_server.endpoint, "team-a")
    assert loaded.s3_secret_key is None
    monkeypatch.setenv("PITWALL_S3_BUCKET", "from-env")
    assert with_saved(load_settings(home=home)).s3_bucket == "from-env"
    (home / "s3.json").write_text("{not json")
    assert with_saved(load_settings(home=home)).s3_bucket == "from-env"  # a broken file is ignored, not fatal


def test_test_connection_offers_to_create_a_missing_bucket(qtbot, make_window, s3_server, bucket, no_keyring):
    from tests.servers.seaweedfs import LIMITED_ACCESS_KEY, LIMITED_SECRET_KEY

    missing = f"{bucket}-new"
    window = make_window()
    dialog = window.sync_menu.open_settings()
    dialog.endpoint.setText(s3_server.endpoint)
    dialog.bucket.setText(missing)
    dialog.access_key.setText(LIMITED_ACCESS_KEY)  # may write objects, not create buckets
    qtbot.keyClicks(dialog.secret_key, LIMITED_SECRET_KEY)

    def press(button) -> str:
        button.click()
        qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
        return dialog.result_label.text()

    assert not dialog.create_button.isVisible()
    assert press(dialog.test_button).startswith("<b>No such bucket</b>")
    assert dialog.create_button.isVisible() and dialog.create_button.isEnabled()
    answer = press(dialog.create_button)
    assert answer.startswith("<b>Bucket not created</b>") and "AccessDenied" in answer and "administrator" in answer
    assert LIMITED_SECRET_KEY not in visible_text(dialog)
    assert missing not in {b["Name"] for b in s3_server.client().list_buckets()["Buckets"]}

    dialog.access_key.setText(s3_server.access_key)
    dialog.secret_key.clear()
    qtbot.keyClicks(dialog.secret_key, s3_server.secret_key)
    answer = press(dialog.create_button)
    assert answer.startswith("<b>OK</b>") and f"Created bucket {missing!r}" in answer
    assert not dialog.create_button.isVisible()
    assert missing in {b["Name"] for b in s3_server.client().list_buckets()["Buckets"]}
    dialog.reject()
