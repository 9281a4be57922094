"""Tyres dock: the four corners of one selected lap — inner/centre/outer tyre temperature, pressure and brake
temperature per wheel — at the shared cursor, or averaged over the lap or the A/B range, colour-scaled from
cold (blue) through working (green) to hot (red). Says so when a lap carries no tyre data.

Values come from app/services/tyres.py over the lap's series in the shared state.
"""

import math

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QDockWidget, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.services.channels import WHEEL_LABELS, WHEELS
from app.services.distribution import range_mask
from app.services.tyres import corners_at, corners_mean, has_tyre_data
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.theme import BASE, GRID, MUTED, TEXT, WARN
from app.views.worksheet_widgets import LapViews

# (cold, working, hot) °C: the colour runs blue → green → red across them
TYRE_SCALE = (50.0, 85.0, 115.0)
BRAKE_SCALE = (150.0, 450.0, 800.0)
MODES = ("At cursor", "Lap average", "A/B range average")


def heat_colour(value: float, scale: tuple[float, float, float]) -> QColor:
    """Blue at or below cold, green at working, red at or above hot; grey when unknown."""
    if not math.isfinite(value):
        return QColor("#3a3f47")
    cold, ok, hot = scale
    stops = ((cold, (59, 111, 216)), (ok, (76, 175, 80)), (hot, (229, 57, 53)))
    if value <= cold:
        return QColor(*stops[0][1])
    if value >= hot:
        return QColor(*stops[2][1])
    (a, ca), (b, cb) = (stops[0], stops[1]) if value < ok else (stops[1], stops[2])
    f = (value - a) / (b - a)
    return QColor(*(round(x + (y - x) * f) for x, y in zip(ca, cb, strict=True)))


def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "–"


class CornerWidget(QWidget):
    """One wheel: three tread bands (outer edge toward the outside of the car), pressure under, brake beside."""

    def __init__(self, wheel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wheel = wheel
        self.values: dict[str, float] = {}
        self.setMinimumSize(140, 80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_values(self, values: dict[str, float]) -> None:
        self.values = values
        self.update()

    def band_order(self) -> tuple[str, str, str]:
        """Left to right on screen, the car seen from above: a left wheel's outer edge is on the left."""
        return ("outer", "centre", "inner") if self.wheel in ("fl", "rl") else ("inner", "centre", "outer")

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        left_wheel = self.wheel in ("fl", "rl")
        tyre_w, tyre_h = min(w * 0.55, 150.0), max(h - 48.0, 30.0)
        brake_w = 18.0
        x0 = (w - tyre_w - brake_w - 10) / 2 + (0 if left_wheel else brake_w + 10)
        tyre = QRectF(x0, 20, tyre_w, tyre_h)
        brake = QRectF(x0 + tyre_w + 10 if left_wheel else x0 - brake_w - 10, 20 + tyre_h * 0.2, brake_w,
                       tyre_h * 0.6)
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(0, 0, w, 18), Qt.AlignmentFlag.AlignCenter, WHEEL_LABELS[self.wheel])
        band_w = tyre_w / 3
        p.setPen(QColor(MUTED))
        for i, part in enumerate(self.band_order()):  # which band is which, over the tyre
            if part != "centre":
                p.drawText(QRectF(tyre.x() + i * band_w, 0, band_w, 18), Qt.AlignmentFlag.AlignCenter,
                           "out" if part == "outer" else "in")
        for i, part in enumerate(self.band_order()):
            rect = QRectF(tyre.x() + i * band_w, tyre.y(), band_w, tyre.height())
            p.fillRect(rect, heat_colour(self.values.get(part, math.nan), TYRE_SCALE))
            p.setPen(QColor("#0c0d10"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, _fmt(self.values.get(part, math.nan)))
        p.setPen(QPen(QColor(GRID), 2))
        p.drawRoundedRect(tyre, 6, 6)
        p.fillRect(brake, heat_colour(self.values.get("brake", math.nan), BRAKE_SCALE))
        p.setPen(QColor(MUTED))
        p.drawText(QRectF(0, h - 26, w, 13), Qt.AlignmentFlag.AlignCenter,
                   f"pressure {_fmt(self.values.get('pressure', math.nan))}")
        p.drawText(QRectF(0, h - 13, w, 13), Qt.AlignmentFlag.AlignCenter,
                   f"brake {_fmt(self.values.get('brake', math.nan))} °C")
        p.end()


class TyresDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Tyres")
        self.setObjectName("dock_tyres")
        self.ctx = ctx
        self.laps = LapViews(ctx.state)
        self.lap_combo = QComboBox()
        self.lap_combo.setToolTip("The lap whose corners are shown")
        self.lap_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.lap_combo.activated.connect(lambda _: self.refresh())
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.activated.connect(lambda _: self.refresh())
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.lap_combo)
        bar.addWidget(self.mode)
        bar.addStretch(1)
        self.corners = {wheel: CornerWidget(wheel) for wheel in WHEELS}
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setStyleSheet(f"color: {WARN}; padding: 4px;")
        grid_box = QWidget()
        grid_box.setStyleSheet(f"background: {BASE};")
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.addWidget(self.notice, 0, 0, 1, 2)
        for i, wheel in enumerate(WHEELS):
            grid.addWidget(self.corners[wheel], 1 + i // 2, i % 2)
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {MUTED};")
        self.setWidget(dock_body(bar, grid_box, self.status))
        self.shown: dict[str, dict[str, float]] = {}
        self._refresh = QTimer(self, singleShot=True, interval=30)
        self._refresh.timeout.connect(self.refresh)
        state = ctx.state
        for signal in (state.analysis_changed, state.selection_changed, state.ab_range_changed,
                       state.math_channels_changed):
            signal.connect(lambda *_: self._refresh.start())
        state.cursor_changed.connect(self._cursor_moved)
        self.refresh()

    def _cursor_moved(self, _distance: float) -> None:
        if self.mode.currentIndex() == 0:
            self.refresh()

    def view_settings(self) -> dict:
        return {"mode": self.mode.currentText()}

    def apply_view_settings(self, settings: dict) -> None:
        if settings.get("mode") in MODES:
            self.mode.setCurrentText(settings["mode"])
        self.refresh()

    def refresh(self) -> None:
        views = self.laps.current()
        state = self.ctx.state
        ids = [v.lap_id for v in views]
        if [self.lap_combo.itemData(i) for i in range(self.lap_combo.count())] != ids:
            keep = self.lap_combo.currentData() or state.reference
            self.lap_combo.clear()
            for v in views:
                self.lap_combo.addItem(v.label, v.lap_id)
            if keep in ids:
                self.lap_combo.setCurrentIndex(ids.index(keep))
        view = next((v for v in views if v.lap_id == self.lap_combo.currentData()), None)
        if view is None:
            self._show({}, "Select laps in the browser to see their tyres.", "")
            return
        mode = self.mode.currentText()
        if not has_tyre_data(view.channels):  # zeros are no reading, not a cold tyre: show none
            self._show({}, f"{view.label} has no tyre data: its tyre, pressure and brake channels are missing "
                           "or all zero (the game did not send them in this recording).", view.label)
            return
        if mode == "At cursor":
            d = state.cursor
            values = corners_at(view.channels, view.distance, d) if math.isfinite(d) else {}
            where = f"at {d:.0f} m" if math.isfinite(d) else "move the cursor over a plot"
        else:
            span = state.ab_range if mode == MODES[2] else None
            if mode == MODES[2] and span is None:
                where = "no A/B range set: whole lap"
            else:
                where = f"average {span[0]:.0f}–{span[1]:.0f} m" if span else "lap average"
            values = corners_mean(view.channels, view.channels["time"], range_mask(view.distance, span))
        self._show(values, "", f"{view.label} · {where} · tyres °C (cold < {TYRE_SCALE[0]:.0f}, "
                                   f"hot > {TYRE_SCALE[2]:.0f}) · brakes °C")

    def _show(self, values: dict[str, dict[str, float]], notice: str, status: str) -> None:
        self.shown = values
        for wheel, widget in self.corners.items():
            widget.show_values(values.get(wheel, {}))
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.status.setText(status)
