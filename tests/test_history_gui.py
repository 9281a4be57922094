"""The F1 history dock as a user sees it: the imported history with the real AMS2 Montreal race, search, a driver's
career chart, a circuit's fastest laps with the user's best beside them, and an import from the dock."""

import shutil

import pytest

pytest.importorskip("pytestqt")
import pyqtgraph as pg  # noqa: E402

from app.config import load_settings  # noqa: E402
from app.services.history.importer import import_ergast  # noqa: E402
from app.services.ingest import ingest_file  # noqa: E402
from app.services.laps import format_lap_time  # noqa: E402
from app.store import Store  # noqa: E402
from app.views.context import AppContext  # noqa: E402
from app.views.history_dock import HistoryDock  # noqa: E402
from app.views.state import SharedState  # noqa: E402
from app.workers.runner import JobRunner  # noqa: E402
from tests.conftest import DEMO_RACE  # noqa: E402
from tests.history_support import DUMP, cut_to, frame, gz_copy, write_table, zipped  # noqa: E402


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    home = tmp_path_factory.mktemp("history-gui") / "home"
    store = Store(home)
    ingest_file(store, DEMO_RACE)
    store.close()
    import_ergast(home, DUMP)
    return home


@pytest.fixture
def dock(qtbot, prepared, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(prepared, home)
    ctx = AppContext(load_settings(home=home), Store(home), JobRunner(2), SharedState())
    d = HistoryDock(ctx)
    qtbot.addWidget(d)
    d.resize(1100, 800)
    d.show()
    qtbot.waitUntil(lambda: d.job is None and d.drivers.rowCount() > 0, timeout=20000)
    yield d
    ctx.runner.wait_all()
    ctx.store.close()


def cells(view, row: int) -> dict[str, str]:
    model = view.model()
    header = [model.headerData(c, pg.QtCore.Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {h: model.index(row, c).data() for c, h in enumerate(header)}


def open_page(qtbot, dock, kind: str, ref: str):
    assert dock.select(kind, ref)
    qtbot.waitUntil(lambda: dock.page_job is not None and dock.page_job.is_finished, timeout=10000)
    qtbot.waitUntil(lambda: dock.pages.currentWidget() is not dock.hint, timeout=5000)


def test_tables_search_and_a_driver_page(qtbot, dock):
    first = cells(dock.driver_table, 0)  # sorted by podiums, most first
    res = frame("results")
    podiums = res[res.position <= 3].groupby("driverId").raceId.nunique()
    top = frame("drivers").set_index("driverId").loc[podiums.idxmax()]
    assert first["Driver"] == f"{top.forename} {top.surname}" and first["Podiums"] == str(podiums.max())
    assert "1950–2023" in dock.status.text()

    dock.search.setText("senna")
    sennas = {r["driver_ref"] for r in dock.drivers.rows if "senna" in r["driver"].casefold()}
    assert sennas == {"senna", "bruno_senna"}
    assert {cells(dock.driver_table, i)["Ref"] for i in range(dock.driver_proxy.rowCount())} == sennas
    dock.search.setText("senna ayrton")  # every word typed
    assert dock.driver_proxy.rowCount() == 1
    open_page(qtbot, dock, "drivers", "senna")
    page = dock.driver_page
    assert "Ayrton Senna" in page.title.text() and "41 wins" in page.title.text()
    seasons = page.model.rows
    assert [s["year"] for s in seasons] == list(range(1984, 1995))
    bars = [i for i in page.counts.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 3  # races, podiums, wins per season
    wins = next(b for b in bars if b.name() == "wins")
    assert list(wins.opts["height"]) == [s["wins"] for s in seasons]
    assert sum(wins.opts["height"]) == 41


def test_circuit_page_shows_the_users_best_beside_the_record(qtbot, dock):
    dock.search.setText("montreal")
    assert dock.circuit_proxy.rowCount() == 1
    row = dock.circuits.rows[[r["circuit_ref"] for r in dock.circuits.rows].index("villeneuve")]
    store = dock.ctx.store
    laps = [lap.lap_time for race in store.races() for lap in store.laps(race.id)
            if lap.lap_time is not None and "invalid" not in lap.flag_list]
    assert row["own_fastest_lap"] == pytest.approx(min(laps))
    open_page(qtbot, dock, "circuits", "villeneuve")
    page = dock.circuit_page
    assert "Circuit Gilles Villeneuve" in page.title.text()
    assert page.own_line is not None and page.own_line.value() == pytest.approx(min(laps))
    assert format_lap_time(min(laps)) in page.own_line.label.toPlainText()
    assert format_lap_time(min(laps)) in page.note.text()
    shown = cells(page.table, 0)
    assert shown["Year"] == "1978" and shown["Winner"] == "Gilles Villeneuve"
    # the table's columns are wide enough for their text
    page.table.resizeColumnsToContents()
    fm = page.table.fontMetrics()
    assert page.table.columnWidth(2) >= fm.horizontalAdvance("Gilles Villeneuve")


def test_import_from_the_dock(qtbot, dock, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(DUMP, bad)
    write_table(bad, "drivers", [{"driverId": "1", "driverRef": "x"}])
    job = dock.start_import(bad)
    qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
    qtbot.waitUntil(lambda: "Import failed" in dock.status.text(), timeout=5000)
    assert "drivers.csv.gz: column number, code, forename, surname, dob, nationality, url missing" in \
        dock.status.toolTip()
    job = dock.start_import(zipped(tmp_path / "dump.zip"))
    qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
    qtbot.waitUntil(lambda: dock.job is None and "nothing changed" in dock.status.text(), timeout=10000)
    assert job.status == "Done" and job.value.changed is False  # the same dump as the one imported


def test_a_cancelled_import_says_so_and_changes_nothing(qtbot, dock, tmp_path):
    from app.services.history.store import current

    before = current(dock.ctx.store.paths.home)
    job = dock.start_import(cut_to(gz_copy(tmp_path / "older"), 2010))  # a different dump: real work to stop
    job.cancel()  # as the jobs panel's Cancel does
    qtbot.waitUntil(lambda: job.is_finished, timeout=20000)
    assert job.status == "Cancelled"
    assert dock.status.text() == "Import cancelled: the history is as it was."
    assert current(dock.ctx.store.paths.home) == before
