"""The body shared by the analytics docks (a tool bar row, the main widget, a one-line status row), and the size
policy of a wrapped label."""

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget


def dock_body(bar: QLayout, main: QWidget, status: QLabel) -> QWidget:
    status_row = QHBoxLayout()
    status_row.setContentsMargins(8, 2, 8, 3)
    status_row.addWidget(status, 1)
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addLayout(bar)
    layout.addWidget(main, 1)
    layout.addLayout(status_row)
    return body


def wrapping_policy() -> QSizePolicy:
    """For a word-wrapped label: it never widens its dock, and takes the height its wrapped lines need."""
    policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    policy.setHeightForWidth(True)
    return policy
