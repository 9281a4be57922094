"""Track marks on the distance plots: sector lines across every plot, corner names along the top of one."""

import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.domain.track import Corner
from app.views.theme import MUTED

SECTOR_COLOUR = "#c9ccd1"
CORNER_COLOUR = "#6f7680"


class DistanceMarks:
    """Sector lines (dashed, named by the sector that starts there) and corner apexes (faint, named)."""

    def __init__(self, plots: list[pg.PlotItem], label_plot: pg.PlotItem) -> None:
        self.plots = plots
        self.label_plot = label_plot
        self.sector_lines: list[pg.InfiniteLine] = []
        self.corner_lines: list[pg.InfiniteLine] = []
        self._placed: list[tuple[pg.PlotItem, pg.InfiniteLine]] = []

    def show(self, sector_lines: list[float], corners: list[Corner]) -> None:
        for plot, line in self._placed:
            plot.removeItem(line)
        self.sector_lines, self.corner_lines, self._placed = [], [], []
        sector_pen = pg.mkPen(SECTOR_COLOUR, width=1, style=Qt.PenStyle.DashLine)
        for k, at in enumerate(sector_lines):
            for plot in self.plots:
                labelled = plot is self.label_plot
                line = pg.InfiniteLine(
                    pos=at, angle=90, movable=False, pen=sector_pen,
                    label=f"S{k + 2}" if labelled else None,
                    labelOpts={"position": 0.96, "color": SECTOR_COLOUR, "anchors": [(0, 0.5), (0, 0.5)]})
                line.setZValue(20)
                plot.addItem(line, ignoreBounds=True)
                self.sector_lines.append(line)
                self._placed.append((plot, line))
        corner_pen = pg.mkPen(CORNER_COLOUR, width=1, style=Qt.PenStyle.DotLine)
        for corner in corners:
            line = pg.InfiniteLine(pos=corner.apex, angle=90, movable=False, pen=corner_pen, label=corner.name,
                                   labelOpts={"position": 0.88, "color": MUTED, "anchors": [(0.5, 0), (0.5, 0)]})
            line.setZValue(15)
            self.label_plot.addItem(line, ignoreBounds=True)
            self.corner_lines.append(line)
            self._placed.append((self.label_plot, line))

    def labels(self) -> list[str]:
        """The text of every mark label shown (for tests and the screenshot's check)."""
        return [line.label.format for line in self.sector_lines + self.corner_lines if hasattr(line, "label")]
