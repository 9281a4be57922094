"""File → Export: MoTeC i2 (.ld + .ldx) and the session report (File → Report) from the window."""

import struct
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("pytestqt")
from app.views.app import build_window  # noqa: E402
from tests.conftest import DEMO_RACE  # noqa: E402


@pytest.fixture
def window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    win.ctx.store.close()


def run(qtbot, dialog):
    job = dialog.export()
    qtbot.waitUntil(lambda: job.is_finished, timeout=60000)
    assert job.status == "Done", job.message
    assert dialog.result_label.text().startswith("<b>Exported</b>")
    return job.value


def test_export_dialog_writes_motec_and_the_session_report(qtbot, window, tmp_path):
    window.open_file(DEMO_RACE)
    browser = window.dock("dock_browser")
    qtbot.waitUntil(lambda: len(browser.laps.laps) >= 5, timeout=30000)
    timed = [lap for lap in browser.laps.laps if lap.lap_time and not lap.flag_list][:2]
    state = window.ctx.state
    state.set_selection([lap.id for lap in timed])

    dialog = window.open_export()
    dialog.dest.setText(str(tmp_path / "laps.csv"))
    dialog.set_choice("laps", "motec")
    assert dialog.dest.text().endswith("laps.ld")  # the name follows the format
    assert "2 selected laps" in dialog.selection_note.text() and dialog.export_button.isEnabled()
    run(qtbot, dialog)
    data = (tmp_path / "laps.ld").read_bytes()
    assert struct.unpack_from("<I", data, 0)[0] == 0x40
    assert data[0x15E:0x15E + 19] == b"Montreal Grand Prix"
    markers = [float(m.get("Time")) / 1e6 for m in ET.parse(tmp_path / "laps.ldx").getroot().iter("Marker")]
    assert markers == pytest.approx([timed[0].lap_time, timed[0].lap_time + timed[1].lap_time], abs=1e-6)

    opened = window.open_file(tmp_path / "laps.ld")  # File → Open reads it back as a race
    qtbot.waitUntil(lambda: opened.is_finished, timeout=30000)
    assert opened.status == "Done", opened.message
    back = window.ctx.store.laps(opened.value.race.id)
    assert [round(lap.lap_time, 6) for lap in back] == [round(lap.lap_time, 6) for lap in timed]
    state.set_race(timed[0].race_id)

    dialog.dest.setText("s3://bucket/laps.ld")
    assert dialog.export() is None and "local path" in dialog.result_label.text()

    assert state.race == timed[0].race_id
    dialog.set_choice("report", "pdf")
    dialog.dest.setText(str(tmp_path / "report.pdf"))
    assert "Lap table" in dialog.selection_note.text() and dialog.export_button.isEnabled()
    run(qtbot, dialog)
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    dialog.set_choice("report", "html")
    assert dialog.dest.text().endswith("report.html")
    run(qtbot, dialog)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>Laps</h2>" in text and text.count("data:image/png;base64,") >= 2


def test_report_without_a_race_is_disabled(window):
    dialog = window.open_export()
    dialog.set_choice("report", "pdf")
    assert not dialog.export_button.isEnabled() and "Pick a race" in dialog.selection_note.text()


def test_file_report_opens_the_export_dialog_on_the_report(window):
    labels = [a.text() for a in window.file_menu.actions()]
    assert "&Report…" in labels
    dialog = window.open_report()
    assert dialog.choice() == ("report", "pdf") and dialog.what.currentText() == "Session report — PDF"
