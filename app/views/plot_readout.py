"""The values at the cursor: one row per selected lap, a column per shown channel and the delta.

A table beside the plots, so twenty laps (or a hundred) stay readable: it scrolls, and its columns are the
channels the plots show. A cursor move recomputes the texts and signals one block change; the columns are
sized once per selection (sizing them to their contents on every move would cost more than the plots).
"""

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from app.services.lap_series import LapSeries
from app.views.plot_config import DELTA, label_and_unit
from app.workers.analysis import SelectionAnalysis

DECIMALS = {"gear": 0, "rpm": 0, "speed": 0, "throttle": 0, "brake": 0, "clutch": 0, "drs": 0}
WIDEST = "(+00.000 ±0.000)"
LAP_COLUMN_MAX = 170  # px  # the delta column's widest text: sized for it up front


def format_value(name: str, value: float) -> str:
    if math.isnan(value):
        return "—"
    decimals = DECIMALS.get(name, 1 if abs(value) >= 10 else 2)
    return f"{value:.{decimals}f}"


def cell_texts(series: LapSeries | None, channels: list[str], distance: float, is_ref: bool,
               why_not: str = "") -> list[str]:
    """What a lap's row says at `distance`: Δ ± uncertainty (s) and each channel, "—" where it has no data."""
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
    return [first] + [format_value(c, v) for c, v in zip(channels, series.values(channels, distance), strict=True)]


class ReadoutModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = ["Lap", "Δ\ns"]
        self.names: list[str] = []
        self.colours: list[QColor] = []
        self.texts: list[list[str]] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.texts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.names[r] if c == 0 else self.texts[r][c - 1]
        if role == Qt.ItemDataRole.ToolTipRole and c == 0:
            return self.names[r]
        if role == Qt.ItemDataRole.ForegroundRole and c == 0:
            return self.colours[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def reset(self, headers: list[str], names: list[str], colours: list[QColor], texts: list[list[str]]) -> None:
        self.beginResetModel()
        self.headers, self.names, self.colours, self.texts = headers, names, colours, texts
        self.endResetModel()

    def update(self, texts: list[list[str]]) -> None:
        if texts != self.texts and len(texts) == len(self.texts):
            self.texts = texts
            self.dataChanged.emit(self.index(0, 1), self.index(len(texts) - 1, len(self.headers) - 1),
                                  [Qt.ItemDataRole.DisplayRole])


class ReadoutTable(QTableView):
    def __init__(self) -> None:
        super().__init__()
        self.values = ReadoutModel()
        self.setModel(self.values)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(20)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setAlternatingRowColors(True)
        self.laps: list[str] = []
        self.channels: list[str] = []

    def set_rows(self, analysis: SelectionAnalysis, channels: list[str], colour) -> None:
        """One row per selected lap (in selection order), a column per channel; values come with `show_at`."""
        self.laps, self.channels = list(analysis.selection), [c for c in channels if c != DELTA]
        headers = ["Lap", "Δ\ns"]
        for c in self.channels:
            label, unit = label_and_unit(c)
            headers.append(f"{label}\n{unit}" if unit else label)
        names = [f"■ {analysis.labels.get(i, i)}" for i in self.laps]
        blank = [[WIDEST] + ["88888.8" for _ in self.channels] for _ in self.laps]
        self.values.reset(headers, names, [QColor(colour(i)) for i in self.laps], blank)
        self.resizeColumnsToContents()  # once, on the widest texts; a move never re-sizes
        if self.columnWidth(0) > LAP_COLUMN_MAX:  # long session names: elided in the middle, whole in the tooltip
            self.setColumnWidth(0, LAP_COLUMN_MAX)
        self.values.update([["" for _ in row] for row in blank])

    def show_at(self, analysis: SelectionAnalysis, distance: float, why_not) -> None:
        self.values.update([cell_texts(analysis.series.get(i), self.channels, distance,
                                       i == analysis.reference_id, why_not(i)) for i in self.laps])

    def item_text(self, row: int, col: int) -> str:
        return str(self.values.data(self.values.index(row, col)))

    def plain_text(self) -> str:
        """Every row as a person reads it: "■ Lap 4 | ref | 231 | …" (tests, and the readout's tooltip)."""
        return "\n".join(" | ".join(self.item_text(r, c) for c in range(self.values.columnCount()))
                         for r in range(self.values.rowCount()))

    def text_at(self, row: int, column_title: str) -> str:
        """A cell by its column's header text (tests, and what a person reads)."""
        for col, header in enumerate(self.values.headers):
            if column_title in (header, header.replace("\n", " ")):
                return self.item_text(row, col)
        raise KeyError(column_title)
