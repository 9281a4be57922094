"""The dark look: Fusion style, a dark palette, one accent colour, and matching pyqtgraph defaults."""

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = "#14161a"  # plots
WINDOW = "#1c1f24"  # window chrome
BASE = "#171a1e"  # tables, inputs
ALT_BASE = "#1d2126"
TEXT = "#d5d9e0"
MUTED = "#8a919c"
GRID = "#2a2f36"
ACCENT = "#ff8a3d"  # pit-board orange: selection, progress, focus
OK = "#66bb6a"
WARN = "#ffca28"
ERROR = "#ef5350"

STATUS_COLOURS = {"Ready": OK, "Processing": WARN, "Failed": ERROR}

STYLE_SHEET = f"""
QMainWindow::separator {{ background: {WINDOW}; width: 4px; height: 4px; }}
QDockWidget {{ color: {TEXT}; font-weight: 600; }}
QDockWidget::title {{ background: #23272e; padding: 5px 8px; border-bottom: 1px solid {GRID}; }}
QTableView {{ gridline-color: {GRID}; border: none; selection-background-color: #3a2a1e;
             selection-color: {TEXT}; }}
QTableView::item:selected {{ background: #4a3020; }}
QHeaderView::section {{ background: #20242a; color: {MUTED}; border: none; border-right: 1px solid {GRID};
                        border-bottom: 1px solid {GRID}; padding: 4px 6px; font-weight: 600; }}
QProgressBar {{ border: 1px solid {GRID}; border-radius: 3px; background: {BASE}; text-align: center;
                color: {TEXT}; max-height: 14px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 2px; }}
QStatusBar {{ background: #181b20; color: {MUTED}; border-top: 1px solid {GRID}; }}
QComboBox, QPushButton {{ padding: 3px 10px; }}
QToolTip {{ color: {TEXT}; background: #2a2f36; border: 1px solid {GRID}; }}
"""


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: ALT_BASE,
        QPalette.ColorRole.ToolTipBase: "#2a2f36",
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#262a31",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#111111",
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.PlaceholderText: MUTED,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(MUTED))
    return p


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont("DejaVu Sans", 9)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
    pg.setConfigOptions(background=BACKGROUND, foreground=MUTED, antialias=False)
