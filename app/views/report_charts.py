"""The session report's charts, painted with QPainter into images (no window needed, any thread)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPainterPath, QPen

W, H = 900, 300
LAP_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
               "#bcbd22", "#7f7f7f")
# Pirelli's colours (2019 on; before, the softer ranges: hyper pink, ultra purple, super red, soft yellow)
TYRES = {"HYPERSOFT": "#f7a8d0", "ULTRASOFT": "#8e44ad", "SUPERSOFT": "#ff8a8a", "SOFT": "#e10600",
         "MEDIUM": "#f5c400", "HARD": "#e8e8e8", "INTERMEDIATE": "#2ca02c", "WET": "#1f77b4"}
UNKNOWN_TYRE = "#777777"
INK, GRID = QColor("#222222"), QColor("#dddddd")


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


def pace_chart(pace: dict[str, list[tuple[int, float]]], drivers: int = 10) -> QImage:
    """F1: each driver's lap times through the session (the quickest drivers, slow laps cut off)."""
    ranked = sorted(pace, key=lambda d: min(t for _, t in pace[d]) if pace[d] else 1e9)[:drivers]
    times = np.array([t for d in ranked for _, t in pace[d]])
    img, p = _image(W, 340)
    if len(times):
        lo = float(times.min())
        cut = min(float(np.percentile(times, 90)), lo * 1.12)  # safety-car and pit laps off the scale
        laps = [n for d in ranked for n, _ in pace[d]]
        ax = Axes(p, QRectF(80, 10, W - 260, 290), (min(laps), max(laps)), (lo - 0.5, cut + 0.5), "lap time (s)",
                  "lap")
        for i, d in enumerate(ranked):
            pts = np.array([(n, t) for n, t in pace[d] if t <= cut + 0.5])
            if len(pts):
                ax.line(pts[:, 0], pts[:, 1], LAP_COLOURS[i % len(LAP_COLOURS)])
        _legend(p, W - 160, 14, ranked)
    p.end()
    return img


def strategy_chart(stints: dict[str, list[tuple[int, int, str]]]) -> QImage:
    """F1: each driver's stints as bars coloured by tyre compound."""
    drivers = sorted(stints)
    last = max((b for runs in stints.values() for _, b, _ in runs), default=1)
    row = 18
    img, p = _image(W, 40 + row * len(drivers) + 30)
    left, width = 70.0, W - 90.0
    for i, d in enumerate(drivers):
        y = 10 + i * row
        p.setPen(INK)
        p.drawText(QRectF(0, y, left - 8, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, d)
        for a, b, compound in stints[d]:
            x0 = left + (a - 1) / last * width
            x1 = left + b / last * width
            p.setPen(QPen(QColor("#999999"), 0.5))
            p.setBrush(QColor(TYRES.get(compound, UNKNOWN_TYRE)))
            p.drawRect(QRectF(x0, y + 2, max(x1 - x0 - 1, 1), row - 4))
    y = 14 + row * len(drivers)
    used = sorted({c for runs in stints.values() for *_, c in runs},
                  key=lambda c: list(TYRES).index(c) if c in TYRES else len(TYRES))
    for j, name in enumerate(used):
        p.setPen(QPen(QColor("#999999"), 0.5))
        p.setBrush(QColor(TYRES.get(name, UNKNOWN_TYRE)))
        p.drawRect(QRectF(left + j * 130, y, 14, 12))
        p.setPen(INK)
        p.drawText(QPointF(left + j * 130 + 20, y + 11), name.title())
    p.end()
    return img
