"""Qt table models over the selection's analysis: segment rows (lap vs reference) and mini-sector times.

Every number shown is one the service returned (Comparison.segment_rows, MiniSectors.times); the models only
format them. Sorting goes through SORT_ROLE (numbers, blanks last) so a proxy can sort them as numbers.
"""

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.views.table_model import Index, ListTableModel
from app.views.theme import MUTED
from app.workers.analysis import SelectionAnalysis

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the row's dict (segments model)
LOSS = "#ef5350"
GAIN = "#66bb6a"
PURPLE = "#b388ff"
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _num(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


class SegmentModel(ListTableModel):
    """One row per (compared lap, segment): time gained/lost against the reference and how."""

    HEADERS = ("Lap", "Segment", "Kind", "Δ time (s)", "Min speed", "ref", "Brake at (m)", "ref",
               "Throttle on (m)", "ref")
    DELTA_COL = 3

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list[dict] = []  # {"lap_id", "label", "colour", "row"}

    def rows(self) -> list:
        return self.items

    def set_analysis(self, analysis: SelectionAnalysis | None, colour) -> None:
        self.beginResetModel()
        self.items = []
        if analysis is not None and analysis.comparison is not None and analysis.reference_id is not None:
            laps = analysis.others or [analysis.reference_id]  # one lap alone: its own segments, Δ 0
            for lap_id in laps:
                for row in analysis.segments.get(lap_id, []):
                    self.items.append({"lap_id": lap_id, "label": analysis.labels[lap_id],
                                       "colour": colour(lap_id), "row": row})
        self.endResetModel()

    def _values(self, item: dict) -> tuple:
        r = item["row"]
        lap, ref = r["lap"], r["reference"]
        return (item["label"], r["name"], r["kind"], r["time_delta"], lap["min_speed"], ref["min_speed"],
                lap["brake_point"], ref["brake_point"], lap["throttle_on"], ref["throttle_on"])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.items[index.row()]
        col = index.column()
        value = self._values(item)[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col < 3:
                return value
            return f"{value:+.3f}" if col == self.DELTA_COL else _num(value)
        if role == SORT_ROLE:
            return value if value is not None else (float("inf") if col >= 3 else "")
        if role == ROW_ROLE:
            return item["row"]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return QColor(item["colour"])
            if col == self.DELTA_COL:
                return QColor(LOSS if value > 0.0005 else GAIN if value < -0.0005 else MUTED)
            if col in (5, 7, 9) or col == 2:
                return QColor(MUTED)
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            r = item["row"]
            return (f"{r['name']}: {r['start']:.0f}–{r['end']:.0f} m; {item['label']} {r['lap_time']:.3f} s, "
                    f"reference {r['reference_time']:.3f} s; entry/exit {_num(r['lap']['entry_speed'])}/"
                    f"{_num(r['lap']['exit_speed'])} km/h (ref {_num(r['reference']['entry_speed'])}/"
                    f"{_num(r['reference']['exit_speed'])}). Click: zoom the plots here.")
        return None


class MiniSectorModel(ListTableModel):
    """Rows: the timed laps, then the best of each mini-sector; columns: M1…Mn and the total."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.colours: list[str] = []
        self.times = np.empty((0, 0))
        self.fastest = np.empty(0, dtype=int)

    def rows(self) -> list:
        return self.labels

    def headers(self) -> tuple[str, ...]:
        return ("Lap", *(f"M{k + 1}" for k in range(self.times.shape[1])), "Total")

    def set_analysis(self, analysis: SelectionAnalysis | None, colour) -> None:
        self.beginResetModel()
        mini = analysis.comparison.minisectors if analysis is not None and analysis.comparison else None
        if analysis is None or mini is None or not analysis.minisector_laps:
            self.labels, self.colours, self.times, self.fastest = [], [], np.empty((0, 0)), np.empty(0, dtype=int)
        else:
            ids = analysis.minisector_laps
            self.labels = [analysis.labels[i] for i in ids] + ["Best"]
            self.colours = [colour(i) for i in ids] + [PURPLE]
            self.times = np.vstack([mini.times, mini.times.min(axis=0)])
            self.fastest = mini.fastest
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, col = index.row(), index.column()
        best_row = row == len(self.labels) - 1
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.labels[row]
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(self.colours[row])
            return None
        k = col - 1
        value = float(self.times[row].sum()) if k == self.times.shape[1] else float(self.times[row, k])
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return f"{value:.3f}" if role == Qt.ItemDataRole.DisplayRole else value
        is_fastest = not best_row and k < len(self.fastest) and self.fastest[k] == row
        if role == Qt.ItemDataRole.ForegroundRole and (is_fastest or best_row):
            return QColor(PURPLE)
        if role == Qt.ItemDataRole.FontRole and (is_fastest or best_row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        return None
