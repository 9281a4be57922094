"""The dark look: Fusion style, a dark palette, one accent colour, and matching pyqtgraph defaults."""

import colorsys
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

# Tyre compound colours live with the F1 analysis (the session report uses them without Qt); re-exported here.
from app.services.f1_session.colours import (  # noqa: F401
    COMPOUND_COLOURS,
    COMPOUND_COLOURS_2018,
    OLD_COMPOUNDS,
    compound_palette,
)

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

MIN_CONTRAST = 4.5  # WCAG AA for text; lines and text in team colours are lifted to it

STATUS_COLOURS = {"Ready": OK, "Processing": WARN, "Failed": ERROR}
SYNC_COLOURS = {"local-only": MUTED, "uploading": WARN, "synced": "#4fc3f7", "failed": ERROR}

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


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# The lightest of the dark surfaces colours are drawn on (plots, tables, alternate rows).
DARKEST_LIGHT = max((BACKGROUND, BASE, ALT_BASE), key=luminance)


@lru_cache(maxsize=512)
def readable(colour: str, background: str = DARKEST_LIGHT, target: float = MIN_CONTRAST) -> str:
    """`colour` with the same hue and saturation, lightened just enough for `target` contrast on `background`.

    A team colour that already reads well comes back unchanged (lower-case `#rrggbb`).
    """
    colour = "#" + colour.lstrip("#").lower()[:6]
    if contrast(colour, background) >= target:
        return colour
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, light, sat = colorsys.rgb_to_hls(r, g, b)

    def at(lightness: float) -> str:
        rgb = colorsys.hls_to_rgb(h, lightness, sat)
        return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)

    lo, hi = light, 1.0
    for _ in range(24):  # bisection on lightness: the least lift that reaches the target
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if contrast(at(mid), background) >= target else (mid, hi)
    return at(hi)
