"""Marks on the track map: sector lines as ticks across the track, corner names (with the time a lap gained or
lost there) beside each apex, outside the corner."""

import numpy as np
import pyqtgraph as pg

from app.domain.track import Corner
from app.views.theme import MUTED, TEXT

SECTOR_COLOUR = "#ffffff"
GAIN_COLOUR = "#66bb6a"
LOSS_COLOUR = "#ef5350"
TICK_SHARE = 0.028  # half a sector tick, as a share of the map's larger extent
LABEL_SHARE = 0.02  # how far a corner's name sits from its apex
CLEAR_SHARE = 0.05  # two corners' names closer than this: the second moves further out
STEP_M = 25.0  # the heading at a point: from the line this far either side


class TrackGeometry:
    """The reference line: position and direction of travel at any reference distance."""

    def __init__(self, x: np.ndarray, z: np.ndarray, distance: np.ndarray) -> None:
        self.x, self.z, self.distance = x, z, distance
        self.extent = float(max(np.ptp(x), np.ptp(z), 1.0))

    def at(self, d: float) -> np.ndarray:
        return np.array([np.interp(d, self.distance, self.x), np.interp(d, self.distance, self.z)])

    def heading(self, d: float) -> np.ndarray:
        v = self.at(d + STEP_M) - self.at(d - STEP_M)
        n = float(np.hypot(*v))
        return v / n if n > 0 else np.array([1.0, 0.0])

    def left(self, d: float) -> np.ndarray:
        """Unit normal to the left of the direction of travel."""
        h = self.heading(d)
        return np.array([-h[1], h[0]])

    def turn(self, d: float) -> float:
        """> 0 for a left-hander at d, < 0 for a right-hander."""
        a, b = self.heading(d - 2 * STEP_M), self.heading(d + 2 * STEP_M)
        return float(a[0] * b[1] - a[1] * b[0])


class MapMarks:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.shadow = pg.PlotCurveItem(pen=pg.mkPen("#000000", width=7), connect="pairs")
        self.ticks = pg.PlotCurveItem(pen=pg.mkPen(SECTOR_COLOUR, width=3), connect="pairs")
        for z, item in ((44, self.shadow), (45, self.ticks)):
            item.setZValue(z)
            plot.addItem(item)
        self.texts: list[pg.TextItem] = []
        self.tick_ends: list[tuple[np.ndarray, np.ndarray]] = []  # each sector tick's two ends (map coordinates)

    def clear(self) -> None:
        self.shadow.setData([], [])
        self.ticks.setData([], [])
        for item in self.texts:
            self.plot.removeItem(item)
        self.texts, self.tick_ends = [], []

    def show(self, geo: TrackGeometry, sector_lines: list[float], corners: list[Corner],
             gains: dict[str, float] | None = None) -> None:
        """Sector ticks named by the sector that starts there; corners named, with `gains` (s, + = lost)."""
        self.clear()
        half = TICK_SHARE * geo.extent
        points = []
        for k, d in enumerate(sector_lines):
            p, n = geo.at(d), geo.left(d)
            a, b = p - half * n, p + half * n
            self.tick_ends.append((a, b))
            points += [a, b]
            self._text(f"S{k + 2}", p + 1.9 * half * n, SECTOR_COLOUR, bold=True)
        if points:
            xy = np.array(points)
            self.shadow.setData(xy[:, 0], xy[:, 1])
            self.ticks.setData(xy[:, 0], xy[:, 1])
        placed: list[np.ndarray] = []
        for corner in corners:
            outside = -np.sign(geo.turn(corner.apex) or 1.0) * geo.left(corner.apex)
            apex = geo.at(corner.apex)
            # Out from the corner; a step further while another corner's name is that close (chicanes).
            for step in (1.0, 2.2, 3.4):
                where = apex + step * LABEL_SHARE * geo.extent * outside
                if all(np.hypot(*(where - p)) > CLEAR_SHARE * geo.extent for p in placed):
                    break
            placed.append(where)
            # The text grows away from the track: anchored on its side nearest the apex.
            anchor = (0.5 - 0.5 * float(outside[0]), 0.5 + 0.5 * float(outside[1]))
            gain = (gains or {}).get(corner.name)
            if gain is None:
                self._text(corner.name, where, MUTED, anchor=anchor)
            else:
                colour = LOSS_COLOUR if gain >= 0.005 else GAIN_COLOUR if gain <= -0.005 else TEXT
                text = f"{corner.name} {gain:+.2f}" if colour != TEXT else f"{corner.name} 0.00"
                self._text(text, where, colour, anchor=anchor)

    def _text(self, text: str, at: np.ndarray, colour: str, bold: bool = False,
              anchor: tuple[float, float] = (0.5, 0.5)) -> None:
        item = pg.TextItem(text, color=colour, anchor=anchor)
        if bold:
            font = item.textItem.font()
            font.setBold(True)
            item.setFont(font)
        item.setZValue(46)
        item.setPos(float(at[0]), float(at[1]))
        self.plot.addItem(item)
        self.texts.append(item)

    def labels(self) -> list[str]:
        return [item.toPlainText() for item in self.texts]
