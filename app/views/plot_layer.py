"""A pyqtgraph view that keeps its painted scene as one pixmap layer and draws fast-moving marks (the cursor)
over it.

With twenty laps on eight plots, painting the scene again where a cursor line was and is now costs tens of
milliseconds even with every curve cached. Here, when a mark moves and the scene has not changed since the last
capture, the strips are copied back from the layer and the marks drawn on top: well under a millisecond. When
the scene changed (QGraphicsScene.changed: a redraw, a pan, a zoom, a resize), it paints as usual (with its
cached items), and the next mark move captures the layer again, just after that repaint.
"""

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QTransform


class LayeredView(pg.GraphicsLayoutWidget):
    def __init__(self) -> None:
        super().__init__()
        self._layer: QPixmap | None = None
        self._dirty = True
        self._capturing = False
        self.paint_marks: Callable[[QPainter], None] | None = None  # draws the marks, in viewport pixels
        self.captures = 0  # how often the layer was captured (tests and the bench read it)
        self._capture_timer = QTimer(self, singleShot=True, interval=0)
        self._capture_timer.timeout.connect(self._capture)
        self.scene().changed.connect(self._scene_changed)
        # It paints every pixel it is asked for (the layer or the scene): Qt need not paint the docks behind it.
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def _scene_changed(self, _rects) -> None:
        self._dirty = True

    def _stale(self) -> bool:
        viewport = self.viewport()
        size = viewport.size() * viewport.devicePixelRatioF()
        return self._dirty or self._layer is None or self._layer.size() != size

    def resizeEvent(self, ev) -> None:
        self._dirty = True
        super().resizeEvent(ev)

    def update_marks(self, rects: list[QRect]) -> None:
        """Repaint just these viewport rectangles (where marks were and are), from the layer when it is current;
        a stale layer is captured again once the scene's own repaint is done (never twice in a row)."""
        if self._stale():
            self._capture_timer.start()
        viewport = self.viewport()
        for rect in rects:
            viewport.update(rect)

    def _capture(self) -> None:
        if not self._stale() or not self.isVisible():
            return
        self._capturing = True  # the scene alone, painted as usual (cached items) into the layer
        try:
            self._layer = self.viewport().grab()
        finally:
            self._capturing = False
        self._dirty = False
        self.captures += 1

    def to_viewport(self, vb: pg.ViewBox, x: float, y: float) -> QPointF:
        """View-box coordinates → viewport pixels."""
        return QPointF(self.mapFromScene(vb.mapViewToScene(QPointF(x, y))))

    def view_transform(self, vb: pg.ViewBox) -> QTransform:
        """View-box coordinates → viewport pixels as one transform (mapping many points: one call each)."""
        return vb.childGroup.sceneTransform() * self.viewportTransform()

    def box_of(self, vb: pg.ViewBox) -> QRect:
        """A view box's rectangle in viewport pixels."""
        return self.mapFromScene(vb.sceneBoundingRect()).boundingRect()

    def paintEvent(self, ev) -> None:
        if self._capturing:
            super().paintEvent(ev)
            return
        viewport = self.viewport()
        if self._stale() or self._layer is None:
            super().paintEvent(ev)
        else:
            dpr = viewport.devicePixelRatioF()
            painter = QPainter(viewport)
            for r in ev.region():  # the strips themselves, not their bounding box across the whole view
                painter.drawPixmap(r, self._layer, QRect(QPoint(round(r.x() * dpr), round(r.y() * dpr)),
                                                         r.size() * dpr))
            painter.end()
        if self.paint_marks is not None:
            painter = QPainter(viewport)
            painter.setClipRegion(ev.region())
            self.paint_marks(painter)
            painter.end()
