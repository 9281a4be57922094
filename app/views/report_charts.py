"""The session report's charts, painted with QPainter into images (no window needed, any thread)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QLinearGradient, QPainter, QPainterPath, QPen

from app.services.f1_session.colours import compound_colour
from app.services.f1_session.stints import Stint, stint_label

W, H = 900, 300
LAP_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
               "#bcbd22", "#7f7f7f")
INK, GRID, EDGE = QColor("#222222"), QColor("#dddddd"), QColor("#555555")


def _image(w: int, h: int) -> tuple[QImage, QPainter]:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("DejaVu Sans", 9))
    return img, p


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if not np.isfinite([lo, hi]).all() or hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    step = 10 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 5, 10) if raw <= m * step)
    return list(np.arange(np.ceil(lo / step) * step, hi + step * 1e-9, step))


class Axes:
    """One plot area: data ranges mapped to a rectangle, with grid, ticks and labels."""

    def __init__(self, p: QPainter, rect: QRectF, x: tuple[float, float], y: tuple[float, float],
                 ylabel: str = "", xlabel: str = "", equal: bool = False, x_labels: bool = True) -> None:
        self.p, self.rect = p, rect
        (x0, x1), (y0, y1) = x, y
        if x1 <= x0:
            x1 = x0 + 1
        if y1 <= y0:
            y1 = y0 + 1
        if equal:  # same metres per pixel both ways (a track map must not be squashed)
            scale = max((x1 - x0) / rect.width(), (y1 - y0) / rect.height())
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            x0, x1 = cx - scale * rect.width() / 2, cx + scale * rect.width() / 2
            y0, y1 = cy - scale * rect.height() / 2, cy + scale * rect.height() / 2
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.x_labels = x_labels
        if not equal:
            self._frame(ylabel, xlabel)

    def pt(self, x: float, y: float) -> QPointF:
        r = self.rect
        return QPointF(r.left() + (x - self.x0) / (self.x1 - self.x0) * r.width(),
                       r.bottom() - (y - self.y0) / (self.y1 - self.y0) * r.height())

    def _frame(self, ylabel: str, xlabel: str) -> None:
        p, r = self.p, self.rect
        p.setPen(QPen(GRID, 1))
        for v in _nice_ticks(self.y0, self.y1, 4):
            y = self.pt(self.x0, v).y()
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            p.setPen(INK)
            p.drawText(QRectF(r.left() - 58, y - 8, 52, 16), Qt.AlignmentFlag.AlignRight, f"{v:g}")
            p.setPen(QPen(GRID, 1))
        for v in _nice_ticks(self.x0, self.x1, 8):
            x = self.pt(v, self.y0).x()
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            if self.x_labels:  # stacked panels share the bottom one's distance labels
                p.setPen(INK)
                p.drawText(QRectF(x - 40, r.bottom() + 2, 80, 16), Qt.AlignmentFlag.AlignHCenter, f"{v:g}")
            p.setPen(QPen(GRID, 1))
        p.setPen(QPen(INK, 1))
        p.drawRect(r)
        if ylabel:
            p.save()
            p.translate(r.left() - 62, r.center().y())
            p.rotate(-90)
            p.drawText(QRectF(-r.height() / 2, -14, r.height(), 14), Qt.AlignmentFlag.AlignHCenter, ylabel)
            p.restore()
        if xlabel:
            p.drawText(QRectF(r.left(), r.bottom() + 16, r.width(), 16), Qt.AlignmentFlag.AlignHCenter, xlabel)

    def line(self, xs: np.ndarray, ys: np.ndarray, colour: str, width: float = 1.6) -> None:
        ok = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[ok], ys[ok]
        if len(xs) < 2:
            return
        path = QPainterPath(self.pt(xs[0], ys[0]))
        for x, y in zip(xs[1:], ys[1:], strict=True):
            path.lineTo(self.pt(x, y))
        self.p.setPen(QPen(QColor(colour), width))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawPath(path)


def _legend_row(p: QPainter, x: float, y: float, names: list[str]) -> None:
    """Side by side above the plots, where it hides no line."""
    for i, name in enumerate(names):
        p.setPen(QPen(QColor(LAP_COLOURS[i % len(LAP_COLOURS)]), 3))
        p.drawLine(QPointF(x, y + 6), QPointF(x + 18, y + 6))
        p.setPen(INK)
        p.drawText(QPointF(x + 24, y + 10), name)
        x += 36 + p.fontMetrics().horizontalAdvance(name)


def _legend(p: QPainter, x: float, y: float, names: list[str]) -> None:
    for i, name in enumerate(names):
        p.setPen(QPen(QColor(LAP_COLOURS[i % len(LAP_COLOURS)]), 3))
        p.drawLine(QPointF(x, y + 8 + 16 * i), QPointF(x + 18, y + 8 + 16 * i))
        p.setPen(INK)
        p.drawText(QPointF(x + 24, y + 12 + 16 * i), name)


def overlay_chart(traces: dict[str, dict[str, np.ndarray]]) -> QImage:
    """Speed, throttle and brake against distance, the best lap and the reference on the same axes."""
    panels = [("speed", "km/h"), ("throttle", "throttle %"), ("brake", "brake %")]
    heights = (220, 110, 110)
    img, p = _image(W, sum(heights) + 90)
    _legend_row(p, 80, 6, list(traces))
    top = 28.0
    dist_max = max((float(np.nanmax(t["distance"])) for t in traces.values() if "distance" in t), default=1.0)
    for (key, label), h in zip(panels, heights, strict=True):
        values = [t[key] for t in traces.values() if key in t]
        hi = max((float(np.nanmax(v)) for v in values), default=1.0)
        last = key == "brake"
        ax = Axes(p, QRectF(80, top, W - 100, h - 10), (0, dist_max), (0, hi * 1.05), label,
                  "distance (m)" if last else "", x_labels=last)
        for i, t in enumerate(traces.values()):
            if key in t:
                ax.line(t["distance"], t[key], LAP_COLOURS[i % len(LAP_COLOURS)])
        top += h
    p.end()
    return img


def track_map(track: dict[str, np.ndarray]) -> QImage:
    """The best lap's line seen from above, coloured from slow (blue) to fast (red)."""
    img, p = _image(520, 420)
    x, y, speed = track["x"], track["y"], track["speed"]
    ax = Axes(p, QRectF(20, 20, 480, 360), (float(np.min(x)), float(np.max(x))),
              (float(np.min(y)), float(np.max(y))), equal=True)
    lo, hi = float(np.nanmin(speed)), float(np.nanmax(speed))
    for i in range(len(x) - 1):
        f = 0.0 if hi <= lo else (speed[i] - lo) / (hi - lo)
        p.setPen(QPen(QColor.fromHsvF(0.66 * (1 - f), 0.9, 0.85), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(ax.pt(x[i], y[i]), ax.pt(x[i + 1], y[i + 1]))
    grad = QLinearGradient(20, 0, 220, 0)
    for stop in (0.0, 0.5, 1.0):
        grad.setColorAt(stop, QColor.fromHsvF(0.66 * (1 - stop), 0.9, 0.85))
    p.fillRect(QRectF(20, 392, 200, 10), grad)
    p.setPen(INK)
    p.drawText(QPointF(228, 402), f"{lo:.0f} – {hi:.0f} km/h")
    p.end()
    return img


def _compound_key(p: QPainter, x: float, y: float, palette: dict[str, str], used: set[str],
                  extra: str = "") -> None:
    """The session's compounds as swatches in a row (in the palette's order), then an optional remark."""
    for name in [c for c in palette if c in used]:
        p.setPen(QPen(EDGE, 0.8))
        p.setBrush(QColor(palette[name]))
        p.drawRect(QRectF(x, y, 14, 12))
        p.setPen(INK)
        p.drawText(QPointF(x + 20, y + 11), name.title())
        x += 34 + p.fontMetrics().horizontalAdvance(name.title())
    if extra:
        p.drawText(QPointF(x + 10, y + 11), extra)


def pace_chart(series: dict[str, list[tuple[int, float, str | None]]], palette: dict[str, str]) -> QImage:
    """F1: lap times by lap of the listed drivers (a line each), every point filled in its tyre's colour."""
    img, p = _image(W, 360)
    points = [pt for laps in series.values() for pt in laps]
    if points:
        laps = [n for n, _, _ in points]
        times = [t for _, t, _ in points]
        ax = Axes(p, QRectF(80, 10, W - 200, 290), (min(laps) - 0.5, max(laps) + 0.5),
                  (min(times) - 0.3, max(times) + 0.3), "lap time (s)", "lap")
        for i, laps_of in enumerate(series.values()):
            colour = LAP_COLOURS[i % len(LAP_COLOURS)]
            arr = np.array([(n, t) for n, t, _ in laps_of], dtype=float)
            for run in np.split(arr, np.flatnonzero(np.diff(arr[:, 0]) > 1) + 1):  # no line across left-out laps
                ax.line(run[:, 0], run[:, 1], colour, 1.2)
            for n, t, compound in laps_of:  # ringed in the driver's colour: a lone point still says whose
                p.setPen(QPen(QColor(colour), 1.4))
                p.setBrush(QColor(compound_colour(compound, palette)))
                p.drawEllipse(ax.pt(n, t), 3.2, 3.2)
        _legend(p, W - 105, 14, list(series))
        _compound_key(p, 80, 336, palette, {c for _, _, c in points if c})
    p.end()
    return img


def strategy_chart(stints: list[Stint], palette: dict[str, str], names: dict[str, str]) -> QImage:
    """F1: each driver's stints as bars along the lap axis, coloured by tyre, in the order given (finishing
    order for a race), with the dock's labels: laps in the stint and, for a used set, its age (hatched)."""
    order = list(dict.fromkeys(s.driver for s in stints))
    last = max((s.last_lap for s in stints), default=1)
    first = min((s.first_lap for s in stints), default=1)
    row = 18
    img, p = _image(W, 40 + row * len(order) + 30)
    left, width = 70.0, W - 90.0

    def at(lap: float) -> float:
        return left + (lap - first + 0.5) / (last - first + 1) * width

    ys = {code: i for i, code in enumerate(order)}
    for s in stints:
        top = 8 + ys[s.driver] * row
        x0, x1 = at(s.first_lap - 0.5), at(s.last_lap + 0.5)
        bar = QRectF(x0, top + 2, max(x1 - x0 - 1, 1), row - 4)
        colour = QColor(compound_colour(s.compound, palette))
        p.setPen(QPen(EDGE, 0.6))
        p.setBrush(colour)
        p.drawRect(bar)
        if s.fresh is False:  # a used set, hatched as in the dock
            p.setBrush(QBrush(QColor(0, 0, 0, 90), Qt.BrushStyle.BDiagPattern))
            p.drawRect(bar)
        label = stint_label(s) if s.laps >= 8 else str(s.laps)
        if s.laps >= 4 and p.fontMetrics().horizontalAdvance(label) < bar.width() - 4:
            p.setPen(INK)
            p.drawText(bar, Qt.AlignmentFlag.AlignCenter, label)
    p.setPen(INK)
    for code, i in ys.items():
        p.drawText(QRectF(0, 8 + i * row, 62, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   names.get(code, code))
    bottom = 8 + row * len(order)
    for lap in _nice_ticks(first, last, 10):
        p.setPen(QPen(GRID, 1))
        p.drawLine(QPointF(at(lap), bottom), QPointF(at(lap), bottom + 3))
        p.setPen(INK)
        p.drawText(QRectF(at(lap) - 20, bottom + 3, 40, 14), Qt.AlignmentFlag.AlignHCenter, f"{lap:g}")
    _compound_key(p, 70, bottom + 22, palette, {s.compound.upper() for s in stints if s.compound},
                  "hatched: a used set (\"used 3\": 3 laps old)   number: laps in the stint")
    p.end()
    return img
