"""The console's left panel: the archive's tables with their columns, and the saved queries (bundled + user)."""

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import PitwallError
from app.services.analytics.queries import SavedQuery, delete_query, list_queries, save_query
from app.views.theme import ACCENT, MUTED

QUERY_ROLE = Qt.ItemDataRole.UserRole + 1


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setStyleSheet(f"color: {MUTED}; font-size: 8pt; font-weight: 700; padding: 6px 8px 2px 8px;")
    return label


def _tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderHidden(True)
    tree.setIndentation(14)
    tree.setUniformRowHeights(True)
    tree.setStyleSheet("QTreeWidget { border: none; }")
    return tree


def _top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items = (tree.topLevelItem(i) for i in range(tree.topLevelItemCount()))
    return [item for item in items if item is not None]


class SqlLibrary(QWidget):
    open_requested = Signal(str)  # SQL to put in the editor
    save_requested = Signal(str)  # suggested name
    message = Signal(str, bool)  # text, is_error

    def __init__(self, user_dir: Path, parent=None) -> None:
        super().__init__(parent)
        self.user_dir = Path(user_dir)
        self.tables = _tree()
        self.tables.setToolTip("Double-click a table to look at its first rows")
        self.tables.itemDoubleClicked.connect(self._table_clicked)
        self.queries = _tree()
        self.queries.setRootIsDecorated(False)
        self.queries.setToolTip("Double-click to open in the editor; bundled queries are marked ●")
        self.queries.itemDoubleClicked.connect(lambda item, _col: self.open_selected())
        self.queries.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save the editor's SQL as a query of your own")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.selected_name() or ""))
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected query of your own (bundled ones stay)")
        self.delete_button.clicked.connect(self._delete_clicked)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 2, 6, 4)
        for b in (self.open_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        top, bottom = QWidget(), QWidget()
        top_layout = QVBoxLayout(top)
        bottom_layout = QVBoxLayout(bottom)
        for layout in (top_layout, bottom_layout):
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(0)
        top_layout.addWidget(_heading("Tables"))
        top_layout.addWidget(self.tables, 1)
        bottom_layout.addWidget(_heading("Saved queries"))
        bottom_layout.addWidget(self.queries, 1)
        bottom_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.reload()

    # ---- tables
    def set_tables(self, schema: dict[str, list[tuple[str, str]]]) -> None:
        expanded = {item.text(0) for item in _top_items(self.tables) if item.isExpanded()}
        self.tables.clear()
        for name, columns in schema.items():
            item = QTreeWidgetItem([name])
            item.setForeground(0, QBrush(QColor(ACCENT)))
            item.setToolTip(0, f"{name}: {len(columns)} columns")
            for column, kind in columns:
                child = QTreeWidgetItem([f"{column}  {kind.lower()}"])
                child.setForeground(0, QBrush(QColor(MUTED)))
                item.addChild(child)
            self.tables.addTopLevelItem(item)
            item.setExpanded(name in expanded)

    def table_names(self) -> list[str]:
        return [item.text(0) for item in _top_items(self.tables)]

    def _table_clicked(self, item: QTreeWidgetItem, _col: int) -> None:
        if item.parent() is None:
            self.open_requested.emit(f"SELECT * FROM {item.text(0)} LIMIT 100")

    # ---- saved queries
    def reload(self, select: str | None = None) -> None:
        self.queries.clear()
        for query in list_queries(self.user_dir):
            item = QTreeWidgetItem([("● " if query.bundled else "") + query.name])
            item.setData(0, QUERY_ROLE, query)
            item.setToolTip(0, "Bundled with Pitwall" if query.bundled else str(query.path))
            self.queries.addTopLevelItem(item)
            if query.name == select:
                self.queries.setCurrentItem(item)
        self._update_buttons()

    def selected(self) -> SavedQuery | None:
        item = self.queries.currentItem()
        return item.data(0, QUERY_ROLE) if item else None

    def selected_name(self) -> str | None:
        query = self.selected()
        return query.name if query else None

    def select(self, name: str) -> None:
        for item in _top_items(self.queries):
            if item.data(0, QUERY_ROLE).name == name:
                self.queries.setCurrentItem(item)

    def names(self) -> list[str]:
        return [item.data(0, QUERY_ROLE).name for item in _top_items(self.queries)]

    def open_selected(self) -> None:
        query = self.selected()
        if query is not None:
            try:
                self.open_requested.emit(query.text)
            except OSError as exc:
                self.message.emit(f"Cannot read {query.path}: {exc.strerror}", True)

    def save(self, name: str, text: str) -> None:
        try:
            query = save_query(self.user_dir, name, text)
        except (PitwallError, OSError) as exc:
            self.message.emit(str(exc), True)
            return
        self.reload(select=query.name)
        self.message.emit(f"Saved query {query.name!r}", False)

    def delete(self, name: str) -> None:
        try:
            delete_query(self.user_dir, name)
        except (PitwallError, OSError) as exc:
            self.message.emit(str(exc), True)
            return
        self.reload()
        self.message.emit(f"Deleted query {name!r}", False)

    def _delete_clicked(self) -> None:
        query = self.selected()
        if query is None or query.bundled:
            return
        answer = QMessageBox.question(self, "Delete query", f"Delete the saved query {query.name!r}?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(query.name)

    def _update_buttons(self) -> None:
        query = self.selected()
        self.open_button.setEnabled(query is not None)
        self.delete_button.setEnabled(query is not None and not query.bundled)
