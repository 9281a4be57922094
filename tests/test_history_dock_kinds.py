"""The F1 history dock and the Reports dock follow the shared state and job kinds, never job titles: an ingest
(a catalog kind) brings the user's new best into both, a job of another kind changes nothing, and an Ergast
import that changed the history makes the reports read it again too."""

import shutil

import pytest

pytest.importorskip("pytestqt")

from app.config import load_settings  # noqa: E402
from app.services.history.importer import import_ergast  # noqa: E402
from app.store import Store  # noqa: E402
from app.views.context import AppContext  # noqa: E402
from app.views.history_dock import HistoryDock  # noqa: E402
from app.views.reports_dock import ReportsDock  # noqa: E402
from app.views.state import SharedState  # noqa: E402
from app.workers.ingest import start_ingest  # noqa: E402
from app.workers.runner import JobRunner  # noqa: E402
from tests.conftest import DEMO_RACE  # noqa: E402
from tests.history_support import DUMP, csv_rows, cut_to, gz_copy  # noqa: E402


@pytest.fixture(scope="module")
def history_only(tmp_path_factory):
    """A data directory with the F1 history imported and no race of the user's yet."""
    home = tmp_path_factory.mktemp("history-kinds") / "home"
    Store(home).close()
    import_ergast(home, DUMP)
    return home


@pytest.fixture
def docks(qtbot, history_only, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(history_only, home)
    ctx = AppContext(load_settings(home=home), Store(home), JobRunner(2), SharedState())
    added: list = []
    ctx.runner.job_added.connect(added.append)
    history, reports = HistoryDock(ctx), ReportsDock(ctx)
    for dock in (history, reports):
        qtbot.addWidget(dock)
        dock.show()
    reports.choose("circuits")
    qtbot.waitUntil(lambda: history.job is None and history.circuits.rowCount() > 0, timeout=20000)
    qtbot.waitUntil(lambda: reports.job is None and reports.model.rowCount() > 0, timeout=20000)
    yield ctx, history, reports, added
    ctx.runner.wait_all(20000)
    ctx.store.close()


def circuit(rows: list[dict], ref: str) -> dict:
    return next(r for r in rows if r["circuit_ref"] == ref)


def report_row(reports, ref: str) -> tuple[dict, dict]:
    """A circuits report row: its values and the text each cell shows."""
    table = reports.model.result.table
    values = table.to_pylist()
    row = [r["circuit_ref"] for r in values].index(ref)
    shown = {c: reports.model.index(row, i).data() for i, c in enumerate(table.column_names)}
    return values[row], shown


def m_ss(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes}:{seconds - 60 * minutes:06.3f}"


def settled(qtbot, ctx, history, reports) -> None:
    ctx.runner.wait_all(20000)
    qtbot.waitUntil(lambda: history.job is None and reports.job is None, timeout=20000)


def test_an_ingest_brings_the_users_best_into_both_docks(qtbot, docks):
    ctx, history, reports, _ = docks
    assert circuit(history.circuits.rows, "villeneuve")["own_fastest_lap"] is None
    assert report_row(reports, "villeneuve")[0]["own_fastest_lap"] is None
    job = start_ingest(ctx.runner, ctx.store, DEMO_RACE)
    assert job.kind == "ingest"
    qtbot.waitUntil(lambda: job.is_finished, timeout=30000)
    assert job.status == "Done", job.message
    race = ctx.store.races()[0]
    best = min(lap.lap_time for lap in ctx.store.laps(race.id)
               if lap.lap_time is not None and "invalid" not in lap.flag_list)
    qtbot.waitUntil(lambda: circuit(history.circuits.rows, "villeneuve")["own_fastest_lap"] == pytest.approx(best),
                    timeout=20000)
    qtbot.waitUntil(lambda: report_row(reports, "villeneuve")[0]["own_fastest_lap"] == pytest.approx(best),
                    timeout=20000)

    # The Reports dock shows its lap times as the lap table does, m:ss.sss, whole in their columns.
    values, shown = report_row(reports, "villeneuve")
    record = values["fastest_lap"]
    assert record is not None and record > 60
    assert shown["own_fastest_lap"] == m_ss(best) and shown["fastest_lap"] == m_ss(record)
    assert shown["own_delta"] == f"{best - record:+.3f} s"
    columns = reports.model.result.columns
    fm = reports.table.fontMetrics()
    for name in ("fastest_lap", "own_fastest_lap", "own_delta"):
        assert reports.table.columnWidth(columns.index(name)) >= fm.horizontalAdvance(shown[name])


def test_a_job_of_another_kind_reads_nothing_again(qtbot, docks):
    ctx, history, reports, added = docks
    settled(qtbot, ctx, history, reports)
    added.clear()
    export = ctx.runner.submit("Export a lap", lambda _p: None, kind="export")  # not quiet, not the catalog
    qtbot.waitUntil(lambda: export.is_finished)
    ctx.state.notify_catalog_changed(settled=False)  # a catalog job under way: nothing to read yet
    qtbot.wait(200)
    assert [j.kind for j in added] == ["export"]
    ctx.state.notify_catalog_changed()  # it ended: both read again
    assert sorted(j.kind for j in added[1:]) == ["history-read", "report"]


def test_an_import_that_changed_the_history_reruns_the_reports(qtbot, docks, tmp_path):
    ctx, history, reports, _ = docks
    settled(qtbot, ctx, history, reports)
    circuit_id = next(c["circuitId"] for c in csv_rows("circuits") if c["circuitRef"] == "monza")
    years = [int(r["year"]) for r in csv_rows("races") if r["circuitId"] == circuit_id]
    assert report_row(reports, "monza")[0]["last_year"] == max(years)
    job = history.start_import(cut_to(gz_copy(tmp_path / "older"), 2010))  # an older release of the dump
    assert job.kind == "history-import"
    qtbot.waitUntil(lambda: job.is_finished, timeout=60000)
    assert job.status == "Done" and job.value.changed, job.message
    older = max(y for y in years if y <= 2010)
    qtbot.waitUntil(lambda: reports.job is None and report_row(reports, "monza")[0]["last_year"] == older,
                    timeout=20000)
    qtbot.waitUntil(lambda: history.job is None and circuit(history.circuits.rows, "monza")["last_year"] == older,
                    timeout=20000)
    assert "1950–2010" in history.status.text() and "imported" in history.status.text()
