"""Widgets of the camera dock: a scaled image view, the before/after comparison, and the camera strip
(stills on the lap's distance axis; clicking one moves the shared cursor)."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QTabWidget, QWidget

from app.store.schema import Frame


class ImageView(QLabel):
    """Shows a QImage scaled to fit, keeping its aspect ratio; text when empty."""

    def __init__(self, placeholder: str = "") -> None:
        super().__init__(placeholder)
        self.placeholder = placeholder
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setStyleSheet("background: #111317; color: #8a8f98;")
        self.image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self._rescale()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self.image is None or self.image.isNull():
            self.setText(self.placeholder)  # also clears any pixmap
            return
        pix = QPixmap.fromImage(self.image)
        self.setPixmap(pix.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation))


class CompareView(QTabWidget):
    """Before/after side by side, and the difference view (changes painted red, outlined)."""

    def __init__(self) -> None:
        super().__init__()
        side = QWidget()
        row = QHBoxLayout(side)
        row.setContentsMargins(0, 0, 0, 0)
        self.before = ImageView("Before: select two stills in the gallery and press Compare")
        self.after = ImageView("After")
        for w in (self.before, self.after):
            row.addWidget(w, 1)
        self.diff = ImageView("Difference")
        self.addTab(side, "Side by side")
        self.addTab(self.diff, "Difference")

    def show_comparison(self, result) -> None:
        self.before.set_image(result.before_image)
        self.after.set_image(result.after_image)
        self.diff.set_image(result.diff_image)
        pct = 100 * result.changed_fraction
        self.setTabText(1, f"Difference ({result.regions} changed area(s), {pct:.1f}%)")


class CameraStrip(pg.PlotWidget):
    """Stills of the selected laps as markers along the lap distance, following the shared cursor and range."""

    frame_clicked = Signal(object, float)  # Frame, distance (m)

    def __init__(self) -> None:
        super().__init__()
        self.setFixedHeight(70)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().hideAxis("left")
        self.setYRange(-1, 1)
        self.setLabel("bottom", "Distance", units="m")
        self.points = pg.ScatterPlotItem(size=14, symbol="t1", hoverable=True)
        self.points.sigClicked.connect(self._clicked)
        self.addItem(self.points)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ffffff", width=1))
        self.cursor.setVisible(False)
        self.addItem(self.cursor)
        self.markers: list[tuple[Frame, float]] = []

    def set_markers(self, markers: list[tuple[Frame, float, str]]) -> None:
        """(frame, distance, colour) for each still that falls on a selected lap."""
        self.markers = [(f, d) for f, d, _ in markers]
        self.points.setData(
            spots=[{"pos": (d, 0), "data": i, "brush": pg.mkBrush(c), "pen": pg.mkPen("#000000")}
                   for i, (_f, d, c) in enumerate(markers)]
        )

    def show_cursor(self, distance: float) -> None:
        self.cursor.setVisible(not math.isnan(distance))
        if not math.isnan(distance):
            self.cursor.setPos(distance)

    def click_marker(self, index: int) -> None:
        frame, distance = self.markers[index]
        self.frame_clicked.emit(frame, distance)

    def _clicked(self, _item, spots, *_) -> None:
        if len(spots):
            self.click_marker(int(spots[0].data()))


def distance_at(channels: dict, session_time: float) -> float | None:
    """Where the car was (metres into the lap) at a session time, from the lap's own samples."""
    t = channels.get("session_time")
    d = channels.get("distance")
    if t is None or d is None or len(t) == 0 or not (t[0] <= session_time <= t[-1]):
        return None
    return float(np.interp(session_time, np.asarray(t, dtype=float), np.asarray(d, dtype=float)))
