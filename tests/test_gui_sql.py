"""The SQL console and reports docks as a user sees them, on a real ingested race."""

import shutil

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402

from app.services.ingest import ingest_file  # noqa: E402
from app.services.laps import format_lap_time  # noqa: E402
from app.store import Store  # noqa: E402
from app.views.app import build_window  # noqa: E402
from app.views.theme import ERROR  # noqa: E402
from tests.conftest import DEMO_RACE  # noqa: E402


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A data directory holding the demo race, ingested once and copied for each test."""
    home = tmp_path_factory.mktemp("sql-gui") / "home"
    store = Store(home)
    ingest_file(store, DEMO_RACE)
    store.close()
    return home


def open_window(qtbot, home):
    win = build_window(home)
    qtbot.addWidget(win)
    win.show()
    console = win.dock("dock_sql_console")
    qtbot.waitUntil(lambda: not console.running and bool(console.library.table_names()), timeout=10000)
    return win


@pytest.fixture
def window(qtbot, ingested, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(ingested, home)
    monkeypatch.setenv("PITWALL_HOME", str(home))
    win = open_window(qtbot, home)
    yield win
    win.close()
    win.ctx.store.close()


def run(qtbot, console, sql: str) -> None:
    """Type the SQL and press Ctrl+Enter, then wait for the answer."""
    console.editor.set_sql(sql)
    qtbot.keyClick(console.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: console.query_running, timeout=3000)
    qtbot.waitUntil(lambda: not console.query_running, timeout=15000)


def timed_laps(store):
    race = store.races()[0]
    return sorted((lap for lap in store.laps(race.id) if lap.lap_time is not None), key=lambda lap: lap.lap_time)


def test_a_query_after_opening_a_race_shows_its_laps(qtbot, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("PITWALL_HOME", str(home))
    win = open_window(qtbot, home)  # empty archive: the console has already read it once
    try:
        console = win.dock("dock_sql_console")
        job = win.open_file(DEMO_RACE)
        qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
        assert job.status == "Done"
        qtbot.waitUntil(lambda: not console.running, timeout=10000)  # re-read after the ingest finished
        laps = timed_laps(win.ctx.store)

        run(qtbot, console, "SELECT number, lap_time FROM laps WHERE lap_time IS NOT NULL ORDER BY lap_time")
        assert console.model.rowCount() == len(laps) > 0
        assert float(console.model.index(0, 1).data()) == pytest.approx(laps[0].lap_time, abs=1e-4)
        assert console.status.text().startswith(f"{len(laps)} rows")
        assert " s" in console.status.text()  # elapsed time

        fastest = laps[0]
        samples = len(win.ctx.store.lap_channels(fastest, ["distance"])["distance"])
        run(qtbot, console, f"SELECT count(*) AS n FROM samples WHERE lap_id = '{fastest.id}'")
        assert console.model.index(0, 0).data() == str(samples)
        assert console.history.itemData(0) == f"SELECT count(*) AS n FROM samples WHERE lap_id = '{fastest.id}'"
    finally:
        win.close()
        win.ctx.store.close()


def test_a_large_result_is_paged_not_rendered_at_once(qtbot, window):
    console = window.dock("dock_sql_console")
    run(qtbot, console, "SELECT * FROM samples")
    store = window.ctx.store
    total = sum(len(store.lap_channels(lap, ["distance"])["distance"]) for lap in store.laps(store.races()[0].id))
    assert console.model.total_rows() == total > 20000
    assert console.model.rowCount() < total  # rows reach the view as it scrolls
    assert console.model.converted_rows() < 5000


def test_a_refused_statement_shows_inline_and_the_catalog_is_intact(qtbot, window):
    console = window.dock("dock_sql_console")
    store = window.ctx.store
    before = len(store.laps(store.races()[0].id))
    run(qtbot, console, "DROP TABLE laps")
    assert console.status.text().startswith("Refused")
    assert ERROR in console.status.styleSheet()
    assert "\n" not in console.status.text()
    assert len(store.laps(store.races()[0].id)) == before
    run(qtbot, console, "SELECT count(*) FROM laps")
    assert console.model.index(0, 0).data() == str(before)


def test_a_long_query_can_be_cancelled(qtbot, window):
    console = window.dock("dock_sql_console")
    console.editor.set_sql("SELECT sum(a.speed * b.speed * c.speed) FROM samples a, samples b, samples c")
    console.run_button.click()
    qtbot.waitUntil(lambda: console.run_button.text() == "Cancel", timeout=3000)
    qtbot.wait(300)
    console.run_button.click()
    qtbot.waitUntil(lambda: not console.query_running, timeout=5000)
    assert console.status.text() == "Cancelled"
    assert console.run_button.text() == "Run"
    run(qtbot, console, "SELECT 42 AS answer")  # the console still works
    assert console.model.index(0, 0).data() == "42"


def test_plot_draws_the_result_points(qtbot, window):
    console = window.dock("dock_sql_console")
    fastest = timed_laps(window.ctx.store)[0]
    run(qtbot, console, f"SELECT distance, speed FROM samples WHERE lap_id = '{fastest.id}' ORDER BY distance")
    console.plot_button.click()
    assert console.results.currentWidget() is console.plot
    x, y = console.plot.curve.getData()
    channels = window.ctx.store.lap_channels(fastest, ["distance", "speed"])
    order = np.argsort(channels["distance"], kind="stable")
    np.testing.assert_allclose(x, channels["distance"][order])
    np.testing.assert_allclose(y, channels["speed"][order])


def test_export_writes_the_whole_result(qtbot, window, tmp_path):
    console = window.dock("dock_sql_console")
    run(qtbot, console, "SELECT lap_id, distance, speed FROM samples")
    total = console.model.total_rows()
    for name in ("out.csv", "out.parquet"):
        job = console.export_to(tmp_path / name)
        qtbot.waitUntil(lambda j=job: j.is_finished, timeout=15000)
        assert job.status == "Done", job.message
    assert pacsv.read_csv(tmp_path / "out.csv").num_rows == total
    assert pq.read_table(tmp_path / "out.parquet").column_names == ["lap_id", "distance", "speed"]
    assert console.status.text().startswith(f"Exported {total:,} rows")


def test_saved_queries_open_save_and_delete(qtbot, window):
    console = window.dock("dock_sql_console")
    library = console.library
    assert "circuits" in library.names()  # bundled
    library.select("lap_top_speed")
    library.open_button.click()
    assert "{{SAMPLES}}" in console.editor.toPlainText() or "samples" in console.editor.toPlainText().lower()
    assert not library.delete_button.isEnabled()  # bundled queries stay

    console.editor.set_sql("SELECT count(*) AS races FROM races")
    library.save("my races", console.editor.toPlainText())
    assert (window.ctx.store.paths.queries_dir / "my races.sql").read_text() == "SELECT count(*) AS races FROM races"
    assert library.selected_name() == "my races" and library.delete_button.isEnabled()
    console.editor.set_sql("")
    library.open_button.click()
    assert console.editor.toPlainText() == "SELECT count(*) AS races FROM races"
    library.delete("my races")
    assert "my races" not in library.names()
    library.save("bad/name", "SELECT 1")
    assert ERROR in console.status.styleSheet() and "letters, digits" in console.status.text()


def test_circuits_report_shows_montreal_with_the_fastest_lap(qtbot, window):
    reports = window.dock("dock_reports")
    qtbot.waitUntil(lambda: reports.job is None and reports.model.rowCount() > 0, timeout=10000)
    assert reports.report == "circuits"
    race = window.ctx.store.races()[0]
    valid = [lap for lap in timed_laps(window.ctx.store) if "invalid" not in lap.flag_list]
    columns = reports.model.result.columns
    row = {c: reports.model.index(0, i).data() for i, c in enumerate(columns)}
    assert "Montreal" in row["circuit"] and row["circuit"] == race.track
    assert row["fastest_lap"] == format_lap_time(valid[0].lap_time)

    reports.choose("devices overview")  # no source given: a clear line, not a crash
    qtbot.waitUntil(lambda: reports.job is None and "source" in reports.status.text(), timeout=10000)
    assert ERROR in reports.status.styleSheet()


