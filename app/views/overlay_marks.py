"""Track marks on the distance plots: sector lines across every plot, corner names along the top of one.

Each plot gets one curve of vertical segments for all its sector lines and one for all its corner apexes (two
C++ paths, not a Python-painted InfiniteLine per mark and plot: a pan step repaints every mark), and the names
are text items on the top plot only.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.domain.track import Corner
from app.views.theme import MUTED

SECTOR_COLOUR = "#c9ccd1"
CORNER_COLOUR = "#6f7680"
SPAN = 1e6  # the segments reach this far up and down in data units: past any plot's y range


def _verticals(xs: list[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.repeat(np.asarray(xs, dtype=np.float64), 2)
    y = np.tile(np.array([-SPAN, SPAN]), len(xs))
    return x, y


class DistanceMarks:
    """Sector lines (dashed, named by the sector that starts there) and corner apexes (faint, named)."""

    def __init__(self, plots: list[pg.PlotItem], label_plot: pg.PlotItem) -> None:
        self.plots = plots
        self.label_plot = label_plot
        self._lines: list[tuple[pg.PlotItem, pg.PlotCurveItem]] = []
        self._texts: list[pg.TextItem] = []
        self.sector_lines: list[float] = []
        self.corner_lines: list[float] = []
        label_plot.getViewBox().sigYRangeChanged.connect(lambda *_: self._place_texts())

    def show(self, sector_lines: list[float], corners: list[Corner]) -> None:
        for plot, curve in self._lines:
            plot.getViewBox().removeItem(curve)
        for text in self._texts:
            self.label_plot.removeItem(text)
        self._lines, self._texts = [], []
        self.sector_lines = list(sector_lines)
        self.corner_lines = [c.apex for c in corners]
        sector_pen = pg.mkPen(SECTOR_COLOUR, width=1, style=Qt.PenStyle.DashLine)
        corner_pen = pg.mkPen(CORNER_COLOUR, width=1, style=Qt.PenStyle.DotLine)
        for plot in self.plots:
            for xs, pen, z, everywhere in ((self.sector_lines, sector_pen, 20, True),
                                           (self.corner_lines, corner_pen, 15, False)):
                if not xs or (not everywhere and plot is not self.label_plot):
                    continue
                curve = pg.PlotCurveItem(*_verticals(xs), pen=pen, connect="pairs")
                curve.setZValue(z)
                plot.getViewBox().addItem(curve, ignoreBounds=True)  # not a data item of the plot
                self._lines.append((plot, curve))
        for k, at in enumerate(self.sector_lines):
            self._text(f"S{k + 2}", at, SECTOR_COLOUR, (0, 0), 0.985)
        for corner in corners:
            self._text(corner.name, corner.apex, MUTED, (0.5, 0), 0.93)
        self._place_texts()

    def _text(self, text: str, x: float, colour: str, anchor: tuple[float, float], height: float) -> None:
        item = pg.TextItem(text, color=colour, anchor=anchor)
        item.setZValue(25)
        item.height_share = height  # where in the plot's y range it sits (kept when the range changes)
        item.x_at = x
        self.label_plot.addItem(item, ignoreBounds=True)
        self._texts.append(item)

    def _place_texts(self) -> None:
        lo, hi = self.label_plot.getViewBox().viewRange()[1]
        for item in self._texts:
            item.setPos(item.x_at, lo + item.height_share * (hi - lo))

    def labels(self) -> list[str]:
        """The text of every mark label shown (for tests and the screenshot's check)."""
        return [item.toPlainText() for item in self._texts]
