"""Math channels dock: define named expressions over channels (`brake * speed`, `derivative(speed)`, …).

Typing checks the expression at once and shows the mistake under it, with a caret at its column; Add/Update
applies it only when it is valid, so an invalid expression changes nothing. Applied channels live in the
shared state (saved with the workspace), and every view that lists channels lists them.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.channels import KNOWN
from app.services.mathchannels import FUNCTIONS, MathError, check_definitions, check_edit, parse
from app.views.context import AppContext
from app.views.theme import ERROR, MUTED, OK
from app.views.worksheet_widgets import LapViews

HELP = ("Channels by name (speed, brake, tyre_temp_fl_inner …), numbers, + − × / ** %, comparisons, "
        "and/or/not, <i>a if condition else b</i>. Functions: " + ", ".join(sorted(FUNCTIONS)) + ". "
        "derivative/integrate work against lap time (s), or distance (m) with a second argument "
        "<i>distance</i>; smooth(x, n) averages n samples.")


def caret_text(text: str, error: MathError) -> str:
    """The expression, a caret under the mistake, and the message (monospace HTML)."""
    import html

    col = min(error.column, len(text))
    return (f"<pre style='margin:0'>{html.escape(text)}\n{' ' * col}^</pre>"
            f"<span>{html.escape(str(error))}</span>")


class MathDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Math channels")
        self.setObjectName("dock_math")
        self.ctx = ctx
        self.laps = LapViews(ctx.state)
        self.editing: str | None = None  # the name being edited (a rename replaces it)
        mono = QFont("DejaVu Sans Mono", 9)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "Expression", "Status"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._row_picked)
        self.name = QLineEdit()
        self.name.setPlaceholderText("name, e.g. brake_speed")
        self.name.setMaximumWidth(200)
        self.expression = QLineEdit()
        self.expression.setFont(mono)
        self.expression.setPlaceholderText("expression, e.g. brake * speed")
        self.expression.textChanged.connect(lambda _: self._check_typing())
        self.expression.returnPressed.connect(self.apply)
        self.apply_button = QPushButton("Add")
        self.apply_button.clicked.connect(self.apply)
        self.new_button = QPushButton("New")
        self.new_button.setToolTip("Start a new math channel")
        self.new_button.clicked.connect(self.new)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        self.error = QLabel()
        self.error.setFont(mono)
        self.error.setTextFormat(Qt.TextFormat.RichText)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.help = QLabel(HELP)
        self.help.setWordWrap(True)
        self.help.setStyleSheet(f"color: {MUTED};")
        row = QHBoxLayout()
        row.addWidget(self.name)
        row.addWidget(self.expression, 1)
        for button in (self.apply_button, self.new_button, self.remove_button):
            row.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.help)
        self.setWidget(body)
        state = ctx.state
        state.math_channels_changed.connect(lambda _: self._fill())
        state.analysis_changed.connect(lambda _: self._fill())
        self._fill()

    def available(self) -> list[str]:
        """Channels an expression may read: the selected laps' (or, with none selected, every known one)."""
        names = [info.name for info in self.laps.catalogue() if info.name not in self.ctx.state.math_channels]
        return names or [*KNOWN, "distance"]

    def _fill(self) -> None:
        defs = self.ctx.state.math_channels
        errors = check_definitions(defs, self.available())
        self.laps.current()
        self.table.blockSignals(True)
        self.table.setRowCount(len(defs))
        for r, (name, text) in enumerate(defs.items()):
            problem = errors.get(name) or self.laps.errors.get(name)
            status = QTableWidgetItem("✗ " + str(problem) if problem else "✓")
            status.setForeground(Qt.GlobalColor.red if problem else Qt.GlobalColor.green)
            status.setToolTip(str(problem) if problem else "evaluated over every selected lap")
            for c, item in enumerate((QTableWidgetItem(name), QTableWidgetItem(text), status)):
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)

    def _row_picked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        name_item = self.table.item(rows[0].row(), 0)
        if name_item is None:
            return
        name = name_item.text()
        self.editing = name
        self.name.setText(name)
        self.expression.setText(self.ctx.state.math_channels.get(name, ""))
        self.apply_button.setText("Update")

    def new(self) -> None:
        self.editing = None
        self.table.clearSelection()
        self.name.clear()
        self.expression.clear()
        self.apply_button.setText("Add")
        self.error.clear()

    def _check_typing(self) -> None:
        text = self.expression.text()
        if not text.strip():
            self.error.clear()
            return
        try:
            parse(text, self.available() + list(self.ctx.state.math_channels))
        except MathError as exc:
            self._show_error(text, exc)
            return
        self.error.setStyleSheet(f"color: {OK};")
        self.error.setText("✓ valid")

    def _show_error(self, text: str, exc: MathError) -> None:
        import html

        self.error.setStyleSheet(f"color: {ERROR};")
        # a problem with the name (or another channel) has no column in this expression: no caret
        plain = exc.message.startswith(("name:", "this would break")) or "reads" in exc.message
        self.error.setText(html.escape(exc.message) if plain else caret_text(text, exc))

    def apply(self) -> bool:
        """Add or update the channel in the editors; False (and the error shown, nothing changed) if invalid."""
        state = self.ctx.state
        text = self.expression.text()
        try:
            new = check_edit(state.math_channels, self.name.text(), text, self.available(), self.editing)
        except MathError as exc:
            self._show_error(text, exc)
            return False
        self.editing = self.name.text().strip()
        state.set_math_channels(new)
        self.apply_button.setText("Update")
        self.error.setStyleSheet(f"color: {OK};")
        self.error.setText(f"✓ {self.editing} applied")
        return True

    def remove(self) -> None:
        name = self.editing or self.name.text().strip()
        defs = dict(self.ctx.state.math_channels)
        if name not in defs:
            return
        del defs[name]
        before = check_definitions(self.ctx.state.math_channels, self.available())
        broken = [k for k in check_definitions(defs, self.available()) if k not in before]
        if broken:
            first = sorted(broken)[0]
            self._show_error(defs[first], MathError(f"{first} reads {name}: remove or change it first"))
            return
        self.ctx.state.set_math_channels(defs)
        self.new()
