"""F1 history dock (a tab beside Reports): searchable driver and circuit tables over the imported Ergast history
and the user's own sessions, a page per driver (career by season) and per circuit (winners, fastest laps over
the years beside the user's best there), and the import itself. Everything is read on the job runner."""

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
)

from app.services.history import browse
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.history_model import Column, RowsModel, SearchProxy
from app.views.history_pages import CircuitPage, DriverPage
from app.views.theme import ERROR, MUTED
from app.workers.runner import Job

DRIVER_COLUMNS = [
    Column("driver", "Driver"), Column("driver_ref", "Ref"), Column("races", "Races"), Column("wins", "Wins"),
    Column("podiums", "Podiums"), Column("poles", "Poles"), Column("points", "Points", "{:g}"),
    Column("first_season", "First"), Column("last_season", "Last"), Column("sprints", "Sprints"),
    Column("own_races", "Your races"),
]
CIRCUIT_COLUMNS = [
    Column("circuit", "Circuit"), Column("circuit_ref", "Ref"), Column("country", "Country"),
    Column("races", "Races"), Column("fastest_lap", "Fastest lap", format_lap_time),
    Column("fastest_lap_driver", "Set by"), Column("fastest_lap_year", "Year"), Column("first_year", "First"),
    Column("last_year", "Last"), Column("own_fastest_lap", "Your best", format_lap_time),
    Column("own_delta", "Δ record", "{:+.3f}"),
]
IMPORT_TITLE = "Import F1 history"
IMPORT_KIND = "history-import"  # not a catalog kind: the dock says the history changed itself, once it did


class HistoryDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("F1 history")
        self.setObjectName("dock_history")
        self.ctx = ctx
        self.job: Job | None = None  # the overview or page being read
        self.import_job: Job | None = None
        self.page_job: Job | None = None
        self.overview: browse.Overview | None = None
        self._again = False
        self._notice = ""  # the last import's outcome, kept on the status line after the tables are read again

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search drivers or circuits (name, ref, country)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.import_button = QPushButton("Import Ergast…")
        menu = QMenu(self.import_button)
        menu.addAction("Folder of CSV files…", self._import_folder)
        menu.addAction("Zip file…", self._import_zip)
        self.import_button.setMenu(menu)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)

        self.drivers = RowsModel(DRIVER_COLUMNS, self, search=("driver", "driver_ref", "code", "nationality"))
        self.circuits = RowsModel(CIRCUIT_COLUMNS, self, search=("circuit", "circuit_ref", "location", "country",
                                                                 "own_tracks"))
        self.driver_proxy, self.circuit_proxy = SearchProxy(self.drivers, self), SearchProxy(self.circuits, self)
        self.driver_table = self._table(self.driver_proxy, sort_column=4)  # podiums, most first
        self.circuit_table = self._table(self.circuit_proxy, sort_column=3)  # races, most first
        self.tabs = QTabWidget()
        self.tabs.addTab(self.driver_table, "Drivers")
        self.tabs.addTab(self.circuit_table, "Circuits")
        self.tabs.currentChanged.connect(lambda _: self._show_selected())
        self.driver_page, self.circuit_page = DriverPage(), CircuitPage()
        self.hint = QLabel("Pick a driver or a circuit.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet(f"color: {MUTED}")
        self.pages = QStackedWidget()
        for widget in (self.hint, self.driver_page, self.circuit_page):
            self.pages.addWidget(widget)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(self.pages)
        split.setSizes([300, 360])
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.tabs.setMinimumHeight(150)  # a few rows of the table even when the dock is short
        self.pages.setMinimumHeight(220)
        self.status = QLabel()
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.refresh_button)
        self.setWidget(dock_body(bar, split, self.status))
        ctx.state.catalog_changed.connect(self._catalog_changed)  # an ingest or an F1 load adds the user's sessions
        self.refresh()

    def _table(self, proxy: SearchProxy, sort_column: int) -> QTableView:
        view = QTableView()
        view.setModel(proxy)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(22)
        view.horizontalHeader().setStretchLastSection(True)
        view.setSortingEnabled(True)
        view.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder)
        view.selectionModel().selectionChanged.connect(lambda _s, _d: self._show_selected())
        return view

    # ---- reading
    def refresh(self) -> Job | None:
        """Read both summaries again (after an import, an ingest, an F1 load)."""
        if self.job is not None:
            self._again = True
            return None
        store = self.ctx.store
        self._say("Reading the F1 history…")
        self.job = self.ctx.runner.submit("F1 history", lambda progress: browse.overview(store), quiet=True,
                                          kind="history-read")
        self.job.result.connect(self._overview_read)
        self.job.error.connect(self._failed)
        return self.job

    def _overview_read(self, overview: browse.Overview) -> None:
        self.job = None
        self.overview = overview
        self.drivers.set_rows(overview.drivers)
        self.circuits.set_rows(overview.circuits)
        for view in (self.driver_table, self.circuit_table):
            view.resizeColumnsToContents()
        manifest = overview.manifest
        if manifest:
            s = manifest["seasons"]
            self._say(f"F1 history {s['first']}–{s['last']} ({s['count']} seasons) · {len(overview.drivers):,} "
                      f"drivers · {len(overview.circuits):,} circuits · with your sessions"
                      + (f" · {self._notice}" if self._notice else ""), error=False)
        else:
            self._say("No F1 history imported yet: Import Ergast… (a folder of the CSV files, or the dataset's "
                      "zip). Your own sessions are listed meanwhile.", error=False)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, message: str) -> None:
        self.job = None
        self._say(message)
        if self._again:
            self._again = False
            self.refresh()

    def _show_selected(self) -> None:
        drivers = self.tabs.currentIndex() == 0
        view, proxy, model = ((self.driver_table, self.driver_proxy, self.drivers) if drivers
                              else (self.circuit_table, self.circuit_proxy, self.circuits))
        rows = view.selectionModel().selectedRows()
        if not rows:
            self.pages.setCurrentWidget(self.hint)
            return
        summary = model.row(proxy.mapToSource(rows[0]).row())
        self.open_page("drivers" if drivers else "circuits", summary)

    def open_page(self, kind: str, summary: dict) -> Job:
        store = self.ctx.store
        job = self.ctx.runner.submit(f"F1 history: {kind}", lambda progress: browse.page(store, kind, summary),
                                     quiet=True, kind="history-read")
        job.result.connect(self._page_read)
        job.error.connect(self._say)
        self.page_job = job
        return job

    def _page_read(self, page: browse.Page) -> None:
        target = self.driver_page if page.kind == "drivers" else self.circuit_page
        target.set_page(page)
        self.pages.setCurrentWidget(target)

    def select(self, kind: str, ref: str) -> bool:
        """Select a driver or circuit by its Ergast ref (as a click would); False when it is not listed."""
        self.tabs.setCurrentIndex(0 if kind == "drivers" else 1)
        view, proxy, model = ((self.driver_table, self.driver_proxy, self.drivers) if kind == "drivers"
                              else (self.circuit_table, self.circuit_proxy, self.circuits))
        key = "driver_ref" if kind == "drivers" else "circuit_ref"
        for i, row in enumerate(model.rows):
            if row.get(key) == ref:
                index = proxy.mapFromSource(model.index(i, 0))
                if not index.isValid():
                    return False
                view.selectionModel().select(QItemSelection(index, proxy.index(index.row(), proxy.columnCount() - 1)),
                                             view.selectionModel().SelectionFlag.ClearAndSelect)
                view.scrollTo(index)
                return True
        return False

    def _search(self, text: str) -> None:
        self.driver_proxy.set_search(text)
        self.circuit_proxy.set_search(text)

    # ---- importing
    def _import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of Ergast CSV files")
        if folder:
            self.start_import(Path(folder))

    def _import_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Ergast dump", "", "Zip files (*.zip)")
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> Job:
        """Import a dump on the job runner (progress and Cancel in the jobs panel)."""
        from app.services.history.importer import import_ergast

        home = self.ctx.store.paths.home
        self._say(f"Importing {path.name}…", error=False)
        job = self.ctx.runner.submit(f"{IMPORT_TITLE}: {path.name}",
                                     lambda progress: import_ergast(home, path, progress), kind=IMPORT_KIND)
        job.result.connect(self._imported)
        job.error.connect(lambda message: self._say(
            "Import cancelled: the history is as it was." if job.status == "Cancelled" else f"Import failed: {message}",
            error=job.status != "Cancelled"))
        self.import_job = job
        return job

    def _imported(self, result) -> None:
        s = result.seasons
        what = "imported" if result.changed else "already there, nothing changed"
        self._notice = (f"last import: {s['first']}–{s['last']}, {sum(t['rows'] for t in result.tables):,} rows "
                        f"in {len(result.tables)} tables, {what}")
        self._say(self._notice, error=False)
        if result.changed:  # the reports join the history too: every view reading it (this one too) reads again
            self.ctx.state.notify_catalog_changed()
        else:
            self.refresh()

    def _catalog_changed(self, settled: bool) -> None:
        if settled:
            self.refresh()

    def _say(self, text: str, error: bool = True) -> None:
        line = text.strip().splitlines()[0] if text.strip() else ""
        self.status.setStyleSheet(f"color: {ERROR if error else MUTED};")
        self.status.setText(line)
        self.status.setToolTip(text)

    def shutdown(self) -> None:
        self._again = False

