"""The values at the cursor: one row per selected lap, a column per shown channel and the delta.

A table beside the plots, so twenty laps (or a hundred) stay readable: it scrolls, and its columns are the
channels the plots show. Cells are updated in place on a cursor move; nothing is rebuilt.
"""

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.services.lap_series import LapSeries
from app.views.plot_config import DELTA, label_and_unit
from app.workers.analysis import SelectionAnalysis

DECIMALS = {"gear": 0, "rpm": 0, "speed": 0, "throttle": 0, "brake": 0, "clutch": 0, "drs": 0}


def format_value(name: str, value: float) -> str:
    if math.isnan(value):
        return "—"
    decimals = DECIMALS.get(name, 1 if abs(value) >= 10 else 2)
    return f"{value:.{decimals}f}"


def cell_texts(series: LapSeries | None, channels: list[str], distance: float, is_ref: bool,
               why_not: str = "") -> list[str]:
    """What a lap's row says at `distance`: Δ (s) and each channel, "—" where the lap has no data."""
    if series is None or len(series.distance) < 2:
        return [why_not or "—"] + ["" for _ in channels]
    delta = series.delta_at(distance) if not is_ref else None
    if is_ref:
        first = "ref"
    elif delta is None:
        first = "—"
    else:
        first = f"{delta[0]:+.3f} ±{delta[1]:.3f}"
        first = first if series.comparable else f"({first})"  # only relative to the lap's own start
    return [first] + [format_value(c, series.value(c, distance)) for c in channels]


class ReadoutTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(20)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.laps: list[str] = []
        self.channels: list[str] = []

    def set_rows(self, analysis: SelectionAnalysis, channels: list[str], colour) -> None:
        """One row per selected lap (in selection order), a column per channel; values come with `update`."""
        self.laps, self.channels = list(analysis.selection), [c for c in channels if c != DELTA]
        headers = ["Lap", "Δ\ns"]
        for c in self.channels:
            label, unit = label_and_unit(c)
            headers.append(f"{label}\n{unit}" if unit else label)
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(self.laps))
        for row, lap_id in enumerate(self.laps):
            item = QTableWidgetItem(f"■ {analysis.labels.get(lap_id, lap_id)}")
            item.setForeground(QBrush(QColor(colour(lap_id))))
            self.setItem(row, 0, item)
            for col in range(1, len(headers)):
                cell = QTableWidgetItem("")
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, cell)

    def show_at(self, analysis: SelectionAnalysis, distance: float, why_not) -> None:
        for row, lap_id in enumerate(self.laps):
            texts = cell_texts(analysis.series.get(lap_id), self.channels, distance,
                               lap_id == analysis.reference_id, why_not(lap_id))
            for col, text in enumerate(texts, start=1):
                item = self.item(row, col)
                if item is not None and item.text() != text:
                    item.setText(text)

    def plain_text(self) -> str:
        """Every row as a person reads it: "■ Lap 4 | ref | 231 | …" (tests, and the readout's tooltip)."""
        rows = []
        for row in range(self.rowCount()):
            cells = [self.item(row, c) for c in range(self.columnCount())]
            rows.append(" | ".join(c.text() for c in cells if c is not None))
        return "\n".join(rows)

    def text_at(self, row: int, column_title: str) -> str:
        """A cell by its column's header text (tests, and what a person reads)."""
        for col in range(self.columnCount()):
            header = self.horizontalHeaderItem(col)
            if header is not None and column_title in (header.text(), header.text().replace("\n", " ")):
                item = self.item(row, col)
                return item.text() if item is not None else ""
        raise KeyError(column_title)
