"""Corners dock: where the time goes. The theoretical best of the race (and of its track across sessions) on
top; below, every segment (corners and the straights between) of each compared lap against the reference,
biggest losses first, and the mini-sector times. Clicking a segment zooms every plot to it and puts the cursor
on its apex.

It shows what the analysis worker put in the shared state; it computes nothing itself.
"""

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.laps import format_lap_time
from app.views.analysis_models import ROW_ROLE, SORT_ROLE, MiniSectorModel, SegmentModel
from app.views.context import AppContext
from app.views.theme import MUTED
from app.workers.analysis import SelectionAnalysis


def _table(model, sortable: bool) -> tuple[QTableView, QSortFilterProxyModel]:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setHighlightSections(False)
    view.setSortingEnabled(sortable)
    return view, proxy


def best_text(best: dict | None) -> str:
    """The theoretical bests as rich text: the session's, then the track's across sessions."""
    if not best or not best.get("session"):
        return f"<span style='color:{MUTED}'>Theoretical best: no clean full laps in this race.</span>"
    lines = [_best_line(f"Session {best['session_name']}", best["session"])]
    if best.get("track"):
        lines.append(_best_line(f"{best['track_name']}, all sessions", best["track"]))
    return "<br>".join(lines)


def _best_line(title: str, report: dict) -> str:
    if report.get("theoretical_best") is None:
        return f"<b>{title}</b>: <span style='color:{MUTED}'>no clean full laps with sector times</span>"
    sectors = " + ".join(f"S{s['sector']} {s['time']:.3f} ({s['label']})" for s in report["sectors"])
    text = f"<b>{title}</b>: theoretical best <b>{format_lap_time(report['theoretical_best'])}</b> = {sectors}"
    if report.get("minisectors_best") is not None:
        text += (f" · {report['minisectors']} mini-sectors <b>{format_lap_time(report['minisectors_best'])}</b>"
                 f" ±{report.get('minisectors_uncertainty', 0):.3f} from {report.get('minisectors_laps', 0)} laps")
    fastest = report.get("fastest_lap")
    if fastest:
        text += f" · fastest lap {format_lap_time(fastest['lap_time'])} ({fastest['label']})"
    return text


class CornersDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Corners && segments")
        self.setObjectName("dock_corners")
        self.ctx = ctx
        self.best = QLabel(best_text(None))
        self.best.setTextFormat(Qt.TextFormat.RichText)
        self.best.setWordWrap(True)
        self.best.setStyleSheet("padding: 4px 6px;")
        self.best.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {MUTED}; padding: 0 6px;")
        self.summary.setWordWrap(True)
        self.segments = SegmentModel(self)
        self.segment_view, self.segment_proxy = _table(self.segments, sortable=True)
        self.segment_view.sortByColumn(SegmentModel.DELTA_COL, Qt.SortOrder.DescendingOrder)  # biggest losses
        self.segment_view.clicked.connect(self._segment_clicked)
        self.segment_view.activated.connect(self._segment_clicked)
        self.minisectors = MiniSectorModel(self)
        self.minisector_view, _ = _table(self.minisectors, sortable=False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.segment_view, "Segments")
        self.tabs.addTab(self.minisector_view, "Mini-sectors")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.best)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        ctx.state.analysis_changed.connect(self._show_analysis)
        ctx.state.best_changed.connect(lambda best: self.best.setText(best_text(best)))
        self._show_analysis(ctx.state.analysis)

    def _show_analysis(self, analysis: SelectionAnalysis | None) -> None:
        colour = self.ctx.state.colour
        self.segments.set_analysis(analysis, colour)
        self.minisectors.set_analysis(analysis, colour)
        if analysis is None or analysis.comparison is None or analysis.reference_id is None:
            self.summary.setText("Select laps to see where the time is won and lost.")
            return
        ref = analysis.labels[analysis.reference_id]
        others = analysis.others
        text = f"{len(others)} lap(s) against {ref}" if others else f"{ref} alone: select more laps to compare"
        corners = sum(1 for s in analysis.comparison.segments if s.kind == "corner")
        self.summary.setText(f"{text} · {corners} corners · click a row to zoom the plots there")

    def _segment_clicked(self, index) -> None:
        row = self.segment_proxy.data(index, ROW_ROLE)
        if row is None:
            return
        state = self.ctx.state
        state.set_range(row["start"], row["end"])
        state.set_cursor(row["apex"] if row["apex"] is not None else (row["start"] + row["end"]) / 2)

    def select_segment(self, row: int) -> None:
        """Click the row shown at `row` (what a mouse click on it does)."""
        index = self.segment_proxy.index(row, 0)
        self.segment_view.selectRow(row)
        self._segment_clicked(index)
