"""The overlay's own plot items: a view box that also drags out A/B ranges and resizes plots, the delta's
uncertainty band as one path, and the cursor line as a test or a person reads it."""

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsPathItem

if TYPE_CHECKING:
    from app.views.plot_stack import PlotStack

DRAG = Qt.MouseButton.LeftButton
EDGE_PX = 5  # this close to a plot's bottom edge, a drag resizes the plot
BAND_POINTS = 800  # at most about this many points along a band's outline


class RangeViewBox(pg.ViewBox):
    """Drag pans x, the wheel zooms it; Shift+drag (or any drag while the range tool is on) drags out an A/B
    range; dragging a plot's bottom edge resizes it against the plot below; right-click opens the plot's menu."""

    def __init__(self, on_range: Callable[[float, float, bool], None], range_tool: Callable[[], bool],
                 on_menu: Callable[["RangeViewBox", object], None],
                 on_resize: Callable[["RangeViewBox", float, bool], bool]) -> None:
        super().__init__()
        self._on_range, self._range_tool, self._on_menu, self._on_resize = on_range, range_tool, on_menu, on_resize
        self._resizing = False

    def near_bottom(self, y: float) -> bool:
        return self.height() - EDGE_PX <= y <= self.height() + 1

    def hoverEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        if not ev.isExit() and self.near_bottom(ev.pos().y()) and self._on_resize(self, float("nan"), False):
            self.setCursor(Qt.CursorShape.SizeVerCursor)
        else:
            self.unsetCursor()

    def mouseDragEvent(self, ev, axis=None) -> None:
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if axis is None and ev.button() == DRAG and ev.isStart() and not shift:
            self._resizing = self.near_bottom(ev.buttonDownPos().y()) and self._on_resize(self, float("nan"), False)
        if axis is None and ev.button() == DRAG and self._resizing:
            ev.accept()
            self._on_resize(self, ev.scenePos().y(), ev.isFinish())
            self._resizing = not ev.isFinish()
            return
        if axis is None and ev.button() == DRAG and (shift or self._range_tool()):
            ev.accept()
            a = self.mapSceneToView(ev.buttonDownScenePos()).x()
            b = self.mapSceneToView(ev.scenePos()).x()
            self._on_range(a, b, ev.isFinish())
            return
        super().mouseDragEvent(ev, axis)

    def raiseContextMenu(self, ev) -> None:
        self._on_menu(self, ev.screenPos().toPoint())


class Edge:
    """One edge of a band, read like a curve (x, y)."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = x, y

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 (as a pyqtgraph curve says it)
        return self.x, self.y


class Band(QGraphicsPathItem):
    """The area between two curves over the same x, as one closed path built in numpy (pyqtgraph's
    FillBetweenItem builds its path point by point: ~90 ms a lap)."""

    def __init__(self, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, fill: QColor) -> None:
        super().__init__()
        ok = np.isfinite(x) & np.isfinite(lo) & np.isfinite(hi)
        x, lo, hi = x[ok], lo[ok], hi[ok]
        self.curves = (Edge(x, lo), Edge(x, hi))
        # The outline drawn: every k-th point (the band changes over tens of metres; a fill of 11 000 points
        # would cost more than the curves on every pan step), the ends kept.
        k = max(1, len(x) // BAND_POINTS)
        keep = np.unique(np.r_[np.arange(0, len(x), k), len(x) - 1]) if len(x) else np.arange(0)
        x, lo, hi = x[keep], lo[keep], hi[keep]
        path = pg.arrayToQPath(np.concatenate((x, x[::-1])), np.concatenate((lo, hi[::-1])), connect="all")
        path.closeSubpath()
        self.setPath(path)
        self.setBrush(pg.mkBrush(fill))
        self.setPen(pg.mkPen(None))


class CursorMark:
    """One plot's cursor line, as a test or a person reads it (drawn by the stack over the cached layer)."""

    def __init__(self, stack: "PlotStack", plot: pg.PlotItem) -> None:
        self._stack, self._plot = stack, plot

    def value(self) -> float | None:
        return self._stack.cursor_x

    def isVisible(self) -> bool:  # noqa: N802 (as a Qt item says it)
        return self._stack.cursor_x is not None and self._plot.isVisible()
