"""A table model over a query result that never converts more than the rows on screen.

Rows are made visible to the view in steps (canFetchMore/fetchMore as the user scrolls) and cell values are
converted from Arrow a page at a time, keeping only a few pages.
"""

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.analytics.console import QueryResult

STEP = 5_000  # rows added to the view per fetchMore
PAGE = 500  # rows converted from Arrow at once
KEEP_PAGES = 16
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invalid parent index of a flat table


def format_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


class ResultTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._result: QueryResult | None = None
        self._shown = 0
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._columns: list[str] = []
        self.formatters: dict[str, Callable[[Any], str]] = {}  # column name -> how to show its (non-null) values

    @property
    def result(self) -> QueryResult | None:
        return self._result

    def set_result(self, result: QueryResult | None) -> None:
        self.beginResetModel()
        self._result = result
        self._columns = result.columns if result else []  # Arrow builds this list on every call: keep it
        self._pages.clear()
        self._shown = min(STEP, result.row_count) if result else 0
        self.endResetModel()

    def total_rows(self) -> int:
        return self._result.row_count if self._result else 0

    def converted_rows(self) -> int:
        """How many rows have been turned into Python values (for tests and memory checks)."""
        return sum(len(p) for p in self._pages.values())

    # ---- Qt model
    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and self._shown < self.total_rows()

    def fetchMore(self, parent: Index = ROOT) -> None:
        more = min(STEP, self.total_rows() - self._shown)
        if more > 0:
            self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
            self._shown += more
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._result is None:
            return None
        value = self._row(index.row())[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            fmt = self.formatters.get(self._columns[index.column()])
            return fmt(value) if fmt is not None and value is not None else format_value(value)
        if role == Qt.ItemDataRole.ForegroundRole and value is None:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self._result is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section]
        return str(section + 1)

    def _row(self, row: int) -> tuple:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            assert self._result is not None  # rows exist only while there is a result
            rows = self._result.rows(page * PAGE, PAGE)
            self._pages[page] = rows
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[row - page * PAGE]
