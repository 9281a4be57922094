"""A table model over a few thousand row dicts (the history summaries and pages): formatted text to show, the
raw value to sort by, and one search text per row for the filter."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    fmt: str | Callable[[Any], str] | None = None  # a format string ("{:g}") or a function; None: str()


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], parent=None, search: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.columns = columns
        self.search_keys = search  # the fields the search box looks in
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row(self, index: int) -> dict:
        return self.rows[index]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        value = row.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(value, column)
        if role == SORT_ROLE:
            return _sort_key(value)
        if role == SEARCH_ROLE:
            return " ".join(str(row.get(k) or "") for k in self.search_keys).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def text(value: Any, column: Column) -> str:
        if value is None:
            return "—"
        if callable(column.fmt):
            return column.fmt(value)
        if isinstance(column.fmt, str):
            return column.fmt.format(value)
        return str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None


def _sort_key(value: Any) -> Any:
    """Numbers sort as numbers with empty cells last either way round; text case-insensitively."""
    if value is None:
        return float("-inf")
    if isinstance(value, str):
        return value.casefold()
    return value


class SearchProxy(QSortFilterProxyModel):
    """Sorts by the raw values and keeps the rows whose search text holds every word typed."""

    def __init__(self, source: RowsModel, parent=None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.words: list[str] = []

    def set_search(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 on
            self.beginFilterChange()
            self.words = text.casefold().split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = text.casefold().split()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.words:
            return True
        hay = self.sourceModel().index(source_row, 0, source_parent).data(SEARCH_ROLE) or ""
        return all(w in hay for w in self.words)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:  # text against a number in one column: text last
            return isinstance(b, str)
