"""The pinned-laps tray under the lap table: selected laps from other sessions, which stay compared while
another race is browsed. Remove one (Delete, or its menu), make it the reference, or clear them all."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.views.models import dot
from app.views.theme import MUTED

ROW_HEIGHT = 20
MAX_ROWS = 5


class PinnedLaps(QWidget):
    remove_requested = Signal(list)  # lap ids
    reference_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setStyleSheet(f"color: {MUTED}")
        self.clear_button = QPushButton("Unpin all")
        self.clear_button.setToolTip("Stop comparing the laps of other sessions")
        self.clear_button.clicked.connect(lambda: self.remove_requested.emit(self.lap_ids()))
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.setToolTip("Laps from other sessions, compared with this one's (Delete unpins)")
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.activated.connect(self._remove_selected)
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.list)
        self.hide()

    def show_laps(self, laps: list[tuple[str, str, str]], reference: str | None) -> None:
        """(lap id, text, colour) of each pinned lap; the tray hides when there is none."""
        self.list.clear()
        for lap_id, text, colour in laps:
            item = QListWidgetItem(dot(colour), text + ("  (ref)" if lap_id == reference else ""))
            item.setData(Qt.ItemDataRole.UserRole, lap_id)
            self.list.addItem(item)
        self.title.setText(f"Pinned from other sessions ({len(laps)})")
        self.list.setFixedHeight(ROW_HEIGHT * min(max(len(laps), 1), MAX_ROWS) + 6)
        self.setVisible(bool(laps))

    def lap_ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _remove_selected(self) -> None:
        ids = [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        if ids:
            self.remove_requested.emit(ids)

    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None:
            return
        lap_id = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction("Use as reference lap").triggered.connect(lambda: self.reference_requested.emit(lap_id))
        menu.addAction("Unpin").triggered.connect(lambda: self.remove_requested.emit([lap_id]))
        menu.exec(self.list.viewport().mapToGlobal(pos))
