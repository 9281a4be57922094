"""The one small observable UI state every view listens to (selection, reference, cursor, race, x range).

Views never talk to each other: they set values here and react to the signals. Setters emit only on change,
so a view that reacts to its own change does not loop.
"""

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.workers.analysis import SelectionAnalysis

# One colour per selected lap; a lap keeps its colour while it stays selected, in every view. Twenty distinct
# hues, light enough for the dark background (≥ 4.5:1); past twenty, hues spread by the golden angle.
LAP_COLOURS = ("#4fc3f7", "#ff8a3d", "#9ccc65", "#e57cff", "#ffd54f", "#f06292", "#4db6ac", "#b0bec5",
               "#7986ff", "#ff5252", "#c6ff00", "#ffab91", "#18ffff", "#ce93d8", "#ffe0b2", "#a5d6a7",
               "#ff80ab", "#80d8ff", "#d4e157", "#bcaaa4")


class SharedState(QObject):
    selection_changed = Signal(list)  # lap ids, in the order they were selected
    reference_changed = Signal(object)  # lap id or None
    cursor_changed = Signal(float)  # distance into the lap, metres
    race_changed = Signal(object)  # race id or None
    range_changed = Signal(float, float)  # visible distance range, metres
    devices_changed = Signal(str)  # device telemetry source for SQL (Parquet folder or s3:// prefix), "" = none
    # The selection's lap analysis (app.workers.analysis.SelectionAnalysis), computed off the GUI thread.
    analysis_changed = Signal(object)
    best_changed = Signal(object)  # the current race's theoretical bests (app.workers.analysis.best_reports) or None
    # Worksheet state (issue 11): what a workspace saves. Views render it; nobody calls another view.
    plots_changed = Signal(list)  # [{"channels": [name, ...], "height": float}, ...] top to bottom
    x_mode_changed = Signal(str)  # "distance" or "time"
    ab_range_changed = Signal(object)  # (lo, hi) in reference metres, or None when no A/B range is set
    map_channel_changed = Signal(str)  # the channel the track map is coloured by
    math_channels_changed = Signal(dict)  # name → expression text
    # The catalog may have changed (a race appeared, became Ready or Failed, was forgotten; sync state): views
    # that list races read it again, on the job runner. True: settled (a job ended, settings changed); False:
    # a job is still writing (a race shows Processing). Emitted for catalog jobs (app.views.context) and by
    # views that change what the listing shows (S3 settings).
    catalog_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.selection: list[str] = []
        self.reference: str | None = None
        self.cursor: float = math.nan
        self.race: str | None = None
        self.x_range: tuple[float, float] | None = None
        self.devices = ""
        self.analysis: SelectionAnalysis | None = None  # the selection's, once the worker has it
        self.best: dict | None = None
        self.plots: list[dict] = []
        self.x_mode = "distance"
        self.ab_range: tuple[float, float] | None = None
        self.map_channel = "speed"
        self.math_channels: dict[str, str] = {}
        self._colours: dict[str, str] = {}
        self._preferred: dict[str, str] = {}  # lap id → its own colour (an F1 team colour), when it has one

    def set_selection(self, lap_ids: list[str], reference: str | None = None) -> None:
        """Select laps; the reference becomes `reference`, or stays if still selected, or the first lap."""
        lap_ids = list(dict.fromkeys(lap_ids))
        if reference not in lap_ids:
            reference = self.reference if self.reference in lap_ids else (lap_ids[0] if lap_ids else None)
        if lap_ids == self.selection and reference == self.reference:
            return
        self.selection = lap_ids
        self._colours = {k: v for k, v in self._colours.items() if k in lap_ids}
        for lap_id in lap_ids:
            self.colour(lap_id)
        self.reference = reference  # set quietly: listeners redraw once, on selection_changed
        self.selection_changed.emit(lap_ids)
        self.reference_changed.emit(reference)

    def set_reference(self, lap_id: str | None) -> None:
        if lap_id != self.reference:
            self.reference = lap_id
            self.reference_changed.emit(lap_id)

    def set_cursor(self, distance: float) -> None:
        if distance != self.cursor:
            self.cursor = float(distance)
            self.cursor_changed.emit(self.cursor)

    def set_race(self, race_id: str | None) -> None:
        if race_id != self.race:
            self.race = race_id
            self.race_changed.emit(race_id)

    def set_range(self, lo: float, hi: float) -> None:
        if self.x_range is None or (abs(lo - self.x_range[0]) > 1e-6 or abs(hi - self.x_range[1]) > 1e-6):
            self.x_range = (float(lo), float(hi))
            self.range_changed.emit(float(lo), float(hi))

    def notify_catalog_changed(self, settled: bool = True) -> None:
        self.catalog_changed.emit(settled)

    def set_analysis(self, analysis: "SelectionAnalysis") -> None:
        """A comparison the analysis worker finished (always emits: a new result is a new object)."""
        self.analysis = analysis
        self.analysis_changed.emit(analysis)

    def set_best(self, best: dict | None) -> None:
        self.best = best
        self.best_changed.emit(best)

    def set_plots(self, plots: list[dict]) -> None:
        if plots != self.plots:
            self.plots = [dict(p, channels=list(p.get("channels", []))) for p in plots]
            self.plots_changed.emit(self.plots)

    def set_x_mode(self, mode: str) -> None:
        if mode not in ("distance", "time"):
            raise ValueError(f"x mode must be distance or time, not {mode!r}")
        if mode != self.x_mode:
            self.x_mode = mode
            self.x_mode_changed.emit(mode)

    def set_ab_range(self, ab: tuple[float, float] | None) -> None:
        ab = None if ab is None else (float(min(ab)), float(max(ab)))
        if ab != self.ab_range:
            self.ab_range = ab
            self.ab_range_changed.emit(ab)

    def set_map_channel(self, name: str) -> None:
        if name != self.map_channel:
            self.map_channel = name
            self.map_channel_changed.emit(name)

    def set_math_channels(self, channels: dict[str, str]) -> None:
        if channels != self.math_channels:
            self.math_channels = dict(channels)
            self.math_channels_changed.emit(self.math_channels)

    def prefer_colours(self, colours: dict[str, str]) -> None:
        """Laps that have a colour of their own (F1 team colours); call before `set_selection`."""
        self._preferred.update({k: v for k, v in colours.items() if v})

    def set_devices(self, location: str) -> None:
        location = location.strip()
        if location != self.devices:
            self.devices = location
            self.devices_changed.emit(location)

    def colour(self, lap_id: str) -> str:
        """The lap's colour: its own (team) colour, a lighter shade of it when a team-mate's lap has it already,
        or else the first palette colour no other selected lap holds."""
        if lap_id not in self._colours:
            used = set(self._colours.values())
            own = self._preferred.get(lap_id)
            if own:
                shade = own.lower()
                for _ in range(4):  # up to four laps of one team stay distinct
                    if shade not in used:
                        break
                    shade = lighter(shade)
                self._colours[lap_id] = shade
                return shade
            free = [c for c in LAP_COLOURS if c not in used]
            self._colours[lap_id] = free[0] if free else spread_colour(len(self._colours), used)
        return self._colours[lap_id]


def spread_colour(k: int, used: set[str]) -> str:
    """A light colour for the k-th lap past the palette: hues a golden angle apart, lightness alternating, each
    lifted to a readable contrast on the dark background (blues are dark at any lightness)."""
    import colorsys

    from app.views.theme import readable

    for step in range(k, k + 360):
        hue = (step * 0.381966) % 1.0
        rgb = colorsys.hls_to_rgb(hue, 0.6 + 0.08 * (step % 2), 0.85)
        colour = readable("#" + "".join(f"{round(c * 255):02x}" for c in rgb))
        if colour not in used:
            return colour
    return "#ffffff"


def lighter(colour: str, amount: float = 0.45) -> str:
    """`#rrggbb` mixed toward white: a team-mate's shade of the team colour."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)
