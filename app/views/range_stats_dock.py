"""A/B range statistics dock: for the range dragged out on the overlay (or a corner/straight picked here), per
selected lap the time it took, the delta to the reference and the distance, and min / max / mean of every
channel the plots show. Numbers from app.services.range_stats; this dock only formats them."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.range_stats import LapRangeStats, format_stat, range_stats
from app.views.context import AppContext
from app.views.plot_config import DELTA, label_and_unit
from app.views.theme import MUTED

NO_SEGMENT = "Snap to a corner or straight…"
RANGE_HEADERS = ["Lap", "Time (s)", "Δ to ref (s)", "Distance (m)", "Samples"]
CHANNEL_HEADERS = ["Lap", "Channel", "Min", "Max", "Mean"]


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(20)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(False)  # numbers stay beside their labels
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


def _cell(text: str, colour: str | None = None, right: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if colour:
        item.setForeground(QBrush(QColor(colour)))
    return item


class RangeStatsDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("A/B range statistics")
        self.setObjectName("dock_range_stats")
        self.ctx = ctx
        self.caption = QLabel()
        self.caption.setStyleSheet(f"color: {MUTED}")
        self.caption.setWordWrap(True)
        self.segment = QComboBox()
        self.segment.setMinimumContentsLength(26)
        self.segment.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.segment.setToolTip("Set the A/B range to a corner or straight of the analysis")
        self.segment.activated.connect(self._segment_picked)
        self.ranges = _table(RANGE_HEADERS)
        self.channels = _table(CHANNEL_HEADERS)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        top.addWidget(self.caption, 1)
        top.addWidget(self.segment)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.ranges)
        split.addWidget(self.channels)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.setWidget(body)
        self.setMinimumWidth(320)
        self.rows: list[LapRangeStats] = []
        self._segments: list = []
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        for signal in (ctx.state.ab_range_changed, ctx.state.analysis_changed, ctx.state.plots_changed):
            signal.connect(lambda *_: self._timer.start())
        self.refresh()

    def shown_channels(self) -> list[str]:
        return list(dict.fromkeys(c for p in self.ctx.state.plots for c in p.get("channels", []) if c != DELTA))

    def refresh(self) -> None:
        state = self.ctx.state
        analysis = state.analysis
        self._fill_segments()
        ab = state.ab_range
        if analysis is None or not analysis.series:
            self.caption.setText("Select laps to compare, then drag a range on a plot (or Shift+drag).")
            self._clear()
            return
        if ab is None:
            self.caption.setText("No A/B range: drag on a plot with the A/B range tool (or Shift+drag), "
                                 "or snap to a corner →")
            self._clear()
            return
        channels = [c for c in self.shown_channels()
                    if any(c in s.channels for s in analysis.series.values())]
        self.rows = range_stats(analysis.series, analysis.reference_id, ab[0], ab[1], channels)
        ref = analysis.labels.get(analysis.reference_id or "", "the reference")
        self.caption.setText(f"A/B {ab[0]:.0f}–{ab[1]:.0f} m ({ab[1] - ab[0]:.0f} m) · Δ against {ref}")
        self.ranges.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            colour = state.colour(row.lap_id)
            delta = "ref" if row.lap_id == analysis.reference_id else \
                ("—" if row.delta is None else f"{row.delta:+.3f}")
            cells = [_cell(f"■ {analysis.labels.get(row.lap_id, row.label)}", colour, right=False),
                     _cell(format_stat(row.time, 3)), _cell(delta), _cell(f"{row.distance:.0f}"),
                     _cell(str(row.samples))]
            for c, item in enumerate(cells):
                self.ranges.setItem(r, c, item)
        lines = [(row, name) for row in self.rows for name in channels if name in row.channels]
        self.channels.setRowCount(len(lines))
        for r, (row, name) in enumerate(lines):
            label, unit = label_and_unit(name)
            s = row.channels[name]
            cells = [_cell(f"■ {analysis.labels.get(row.lap_id, row.label)}", state.colour(row.lap_id), right=False),
                     _cell(f"{label} ({unit})" if unit else label, right=False),
                     _cell(format_stat(s.minimum)), _cell(format_stat(s.maximum)), _cell(format_stat(s.mean))]
            for c, item in enumerate(cells):
                self.channels.setItem(r, c, item)

    def _clear(self) -> None:
        self.rows = []
        self.ranges.setRowCount(0)
        self.channels.setRowCount(0)

    def _fill_segments(self) -> None:
        analysis = self.ctx.state.analysis
        segments = list(analysis.comparison.segments) if analysis is not None and analysis.comparison else []
        if segments == self._segments:
            return
        self._segments = segments
        self.segment.clear()
        self.segment.addItem(NO_SEGMENT)
        for s in segments:
            self.segment.addItem(f"{s.name} ({s.kind}, {s.start:.0f}–{s.end:.0f} m)")
        self.segment.setEnabled(bool(segments))

    def _segment_picked(self, index: int) -> None:
        if 1 <= index <= len(self._segments):
            s = self._segments[index - 1]
            self.ctx.state.set_ab_range((s.start, s.end))

    def snap_to(self, name: str) -> None:
        """Set the range to the segment called `name` (what picking it in the list does)."""
        for i, s in enumerate(self._segments, start=1):
            if s.name == name:
                self.segment.setCurrentIndex(i)
                self._segment_picked(i)
                return
        raise KeyError(name)

    def cell(self, table: QTableWidget, row: int, header: str) -> str:
        heads = [table.horizontalHeaderItem(c) for c in range(table.columnCount())]
        titles = [h.text() if h is not None else "" for h in heads]
        col = titles.index(header)
        item = table.item(row, col)
        return item.text() if item is not None else ""
