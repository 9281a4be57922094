"""The SQL editor: monospace, keywords highlighted, Ctrl+Enter runs, Ctrl+Up/Down walks the history."""

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeyEvent, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit

from app.views.theme import ACCENT, MUTED

KEYWORDS = (
    "select from where group by order having limit offset join left right inner outer full cross on using as "
    "with union all distinct and or not in is null like ilike between case when then else end asc desc over "
    "partition filter count sum avg min max any_value coalesce cast try_cast true false describe summarize "
    "explain show window qualify exists drop create table view insert update delete alter attach copy pragma"
).split()
_KEYWORD = re.compile(r"\b(" + "|".join(KEYWORDS) + r")\b", re.IGNORECASE)
_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")
_PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}")
_COMMENT = re.compile(r"--[^\n]*")


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class SqlHighlighter(QSyntaxHighlighter):
    RULES = (
        (_NUMBER, _format("#b5cea8")),
        (_KEYWORD, _format("#6fb3ff", bold=True)),
        (_PLACEHOLDER, _format(ACCENT, bold=True)),
        (_STRING, _format("#ce9178")),
        (_COMMENT, _format(MUTED, italic=True)),  # last: a comment wins over anything inside it
    )

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self.RULES:
            for match in pattern.finditer(text):
                self.setFormat(match.start(), match.end() - match.start(), fmt)


class SqlEditor(QPlainTextEdit):
    run_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(10)
        self.setFont(font)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setPlaceholderText("SELECT * FROM laps  — Ctrl+Enter runs (the selection, if any); "
                                "Ctrl+Up/Down walks the history")
        self.highlighter = SqlHighlighter(self.document())
        self.history: list[str] = []  # oldest first, kept up to date by the dock
        self._step = 0  # 0 = the text being written; n = the n-th most recent query

    def sql(self) -> str:
        """What to run: the selected text if any, else the whole editor."""
        selected = self.textCursor().selectedText().replace("\u2029", "\n")
        return (selected or self.toPlainText()).strip()

    def set_sql(self, text: str) -> None:
        self.setPlainText(text)
        self._step = 0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.run_requested.emit()
            return
        if ctrl and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.history:
            step = self._step + (1 if event.key() == Qt.Key.Key_Up else -1)
            step = max(1, min(step, len(self.history)))
            self._step = step
            self.setPlainText(self.history[-step])
            self.moveCursor(self.textCursor().MoveOperation.End)
            return
        super().keyPressEvent(event)
