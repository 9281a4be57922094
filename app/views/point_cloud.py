"""A cloud of many same-sized dots, drawn as one QPainter.drawPoints call per colour.

pyqtgraph's ScatterPlotItem keeps a Python record per spot (≈2 µs a point to set), too slow to redraw 20 laps
of points on every zoom step; these dots have no per-point hover or style, only colour levels.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

LEVELS = 24  # colour steps when points are coloured by a value


class PointCloud(pg.GraphicsObject):
    def __init__(self, x: np.ndarray, y: np.ndarray, colour: str | QColor, size: float = 3.5,
                 values: np.ndarray | None = None, colour_map: pg.ColorMap | None = None) -> None:
        """One colour, or — with `values` in 0..1 and a colour map — a colour per point (in LEVELS steps)."""
        super().__init__()
        # Cached as a pixmap: the cursor dots moving over the cloud do not make it redraw its points.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.colour = QColor(colour)
        self.size = size
        self._layers: list[tuple[QPen, QPolygonF]] = []
        if values is not None and colour_map is not None and len(self.x):
            level = np.clip((np.asarray(values) * (LEVELS - 1)).round().astype(int), 0, LEVELS - 1)
            colours = colour_map.mapToQColor(np.linspace(0.0, 1.0, LEVELS))
            for i in np.unique(level):
                pick = level == i
                self._layers.append((self._pen(colours[i]), self._polygon(self.x[pick], self.y[pick])))
        elif len(self.x):
            self._layers.append((self._pen(self.colour), self._polygon(self.x, self.y)))
        if len(self.x):
            x0, x1, y0, y1 = self.x.min(), self.x.max(), self.y.min(), self.y.max()
            self._rect = QRectF(x0, y0, max(x1 - x0, 1e-9), max(y1 - y0, 1e-9))
        else:
            self._rect = QRectF()

    def _pen(self, colour: QColor) -> QPen:
        c = QColor(colour)
        c.setAlpha(170)
        pen = QPen(c, self.size)
        pen.setCosmetic(True)  # size in screen pixels, whatever the zoom
        pen.setCapStyle(Qt.PenCapStyle.SquareCap)  # round caps cost ~4x as much to draw per point
        return pen

    @staticmethod
    def _polygon(x: np.ndarray, y: np.ndarray) -> QPolygonF:
        poly = pg.functions.create_qpolygonf(len(x))
        arr = pg.functions.ndarray_from_qpolygonf(poly)
        arr[:, 0], arr[:, 1] = x, y
        return poly

    def boundingRect(self) -> QRectF:
        return self._rect

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        values = self.x if ax == 0 else self.y
        return (float(values.min()), float(values.max())) if len(values) else (None, None)

    def pixelPadding(self) -> float:
        return self.size

    def paint(self, painter: QPainter, *_args) -> None:
        for pen, poly in self._layers:
            painter.setPen(pen)
            painter.drawPoints(poly)

    def point(self, i: int) -> QPointF:
        return QPointF(self.x[i], self.y[i])
