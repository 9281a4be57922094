"""Qt item models for the catalog: races with their status, and one race's laps with times and gaps."""

import json
from typing import Any

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPixmap, QPolygonF

from app.domain.models import LapFlag
from app.services.f1_session.laps import driver_of
from app.services.lap_timing import best_lap, fastest_full, gap_text, is_full_valid, timing_marks
from app.services.laps import format_lap_time, race_labels
from app.services.race_listing import race_date, race_warnings
from app.store.schema import Lap, Race
from app.views.table_model import Index, ListTableModel
from app.views.theme import ACCENT, ERROR, MUTED, STATUS_COLOURS, SYNC_COLOURS, WARN, readable

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's race / lap id
PURPLE = "#b388ff"  # session best, as on a timing screen
GREEN = "#66bb6a"  # a driver's own best
__all__ = ["ID_ROLE", "GREEN", "PURPLE", "LapModel", "RaceModel", "dot", "full_lap_time", "is_full_valid"]


SYNC_LABELS = {"local-only": "local", "uploading": "uploading", "synced": "synced", "failed": "failed"}
_dots: dict[str, QIcon] = {}


def dot(colour: str) -> QIcon:
    """A small filled circle, the sync state's icon."""
    if colour not in _dots:
        pixmap = QPixmap(10, 10)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(1, 1, 8, 8)
        painter.end()
        _dots[colour] = QIcon(pixmap)
    return _dots[colour]


def warning_mark() -> QIcon:
    """A small amber triangle with "!", the mark of a damaged race file."""
    if "warning" not in _dots:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(WARN))
        painter.drawPolygon(QPolygonF([QPointF(6, 0.5), QPointF(11.5, 11.5), QPointF(0.5, 11.5)]))
        painter.setPen(QColor("#000000"))
        painter.drawLine(6, 4, 6, 8)
        painter.drawPoint(6, 10)
        painter.end()
        _dots["warning"] = QIcon(pixmap)
    return _dots["warning"]


class RaceModel(ListTableModel):
    HEADERS = ("Race", "Track", "Date", "Laps", "Status", "Sync")
    DATE_COL, LAPS_COL, STATUS_COL, SYNC_COL = 2, 3, 4, 5

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.races: list[Race] = []
        self.lap_counts: dict[str, int] = {}
        self.sync: dict[str, tuple[str, str | None]] = {}
        self.sync_where: str | None = None  # "s3://bucket/prefix", None when S3 is not configured

    def set_races(self, races: list[Race], lap_counts: dict[str, int],
                  sync: dict[str, tuple[str, str | None]] | None = None, sync_where: str | None = None) -> None:
        self.beginResetModel()
        self.races, self.lap_counts = races, lap_counts
        self.sync, self.sync_where = sync or {}, sync_where
        self.endResetModel()

    def rows(self) -> list:
        return self.races

    def sync_state(self, race: Race) -> tuple[str, str | None] | None:
        """(state, reason) for a Ready race when S3 is configured, else None."""
        if self.sync_where is None or race.status != "Ready":
            return None
        return self.sync.get(race.id, ("local-only", None))

    def _sync_data(self, race: Race, role: int) -> Any:
        synced = self.sync_state(race)
        if synced is None:
            if role == Qt.ItemDataRole.ToolTipRole and self.sync_where is None:
                return "S3 is not configured (Sync → S3 settings…)"
            return None
        state, reason = synced
        if role == Qt.ItemDataRole.DisplayRole:
            return SYNC_LABELS.get(state, state)
        if role == Qt.ItemDataRole.DecorationRole:
            return dot(SYNC_COLOURS.get(state, MUTED))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(SYNC_COLOURS.get(state, MUTED)) if state == "failed" else QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return {"local-only": f"Only in this cache, not in {self.sync_where} yet",
                    "uploading": f"Being uploaded to {self.sync_where} (or interrupted: push again to resume)",
                    "synced": f"Complete in {self.sync_where}",
                    "failed": f"Upload to {self.sync_where} failed: {reason}"}.get(state, state)
        return None

    def row_of(self, race_id: str) -> int:
        return next((i for i, r in enumerate(self.races) if r.id == race_id), -1)

    def tooltip(self, race: Race) -> str:
        """The race's story in a line or a list: why it failed, or what a damaged file lost."""
        if race.error:
            return race.error
        warnings = race_warnings(race)
        if warnings:
            return "Damaged file, opened with everything that could be read:\n" + "\n".join(f"• {w}" for w in warnings)
        return f"{race.name} — {race.status}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        race = self.races[index.row()]
        col = index.column()
        if col == self.SYNC_COL and role != ID_ROLE:
            return self._sync_data(race, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return (race.name, race.track or "—", race_date(race), self.lap_counts.get(race.id, 0) or "",
                    race.status)[col]
        if role == ID_ROLE:
            return race.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(race)
        damaged = col == self.STATUS_COL and bool(race_warnings(race))
        if role == Qt.ItemDataRole.DecorationRole and damaged:
            return warning_mark()
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS_COL:
            return QColor(WARN if damaged else STATUS_COLOURS.get(race.status, MUTED))
        if role == Qt.ItemDataRole.ForegroundRole and col == self.DATE_COL:
            return QColor(MUTED)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.LAPS_COL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def full_lap_time(lap: Lap) -> float:
    """The lap time of a lap that `is_full_valid` kept."""
    assert lap.lap_time is not None, lap.id
    return lap.lap_time


class LapModel(ListTableModel):
    """A race's laps. F1 sessions (laps with drivers) add Driver and Tyre columns and timing-screen colours:
    purple for the session best, green for a driver's own best. Every column sorts.

    The rules (best lap, gaps, purple and green) are app.services.lap_timing's; this model only formats them.
    """

    HEADERS = ("Lap", "Time", "Gap", "S1", "S2", "S3", "Flags")
    KEYS = ("lap", "time", "gap", "s1", "s2", "s3", "flags")
    F1_HEADERS = ("Driver", "Lap", "Time", "Gap", "S1", "S2", "S3", "Tyre", "Flags")
    F1_KEYS = ("driver", "lap", "time", "gap", "s1", "s2", "s3", "tyre", "flags")
    TIMING = {"time": "lap_time", "s1": "sector1", "s2": "sector2", "s3": "sector3"}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.laps: list[Lap] = []
        self.best: Lap | None = None
        self.keys: tuple[str, ...] = self.KEYS
        self.bests: dict[str, dict[str, str]] = {}  # lap id → {column: "purple" | "green"}
        self.tyres: dict[str, str] = {}
        self.drivers: dict[str, str] = {}  # lap id → driver code (car number when there is no driver list)
        self.labels: dict[str, str] = {}  # lap id → app.services.laps label ("Run 3 · lap 2"), AMS2 laps
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    @property
    def is_f1(self) -> bool:
        return self.keys is self.F1_KEYS

    def rows(self) -> list:
        return self.laps

    def headers(self) -> tuple[str, ...]:
        return self.F1_HEADERS if self.is_f1 else self.HEADERS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.SizeHintRole and orientation == Qt.Orientation.Horizontal:
            # Qt's own header hint reserves room for padding and a sort arrow on every section; the timing
            # columns are narrow, so ask for the text plus the arrow only: the whole table fits a side dock.
            text = self.headers()[section]
            return QSize(QFontMetrics(QFont()).horizontalAdvance(text) + HEADER_EXTRA_PX, 24)
        return super().headerData(section, orientation, role)

    def set_laps(self, laps: list[Lap]) -> None:
        self.beginResetModel()
        self.laps = list(laps)
        metas = {lap.id: json.loads(lap.meta or "{}") for lap in laps}
        f1 = any(lap.driver or "driver_number" in metas[lap.id] for lap in laps)
        self.keys = self.F1_KEYS if f1 else self.KEYS
        self.best = best_lap(laps)
        self.bests = timing_marks(laps, per_driver=f1)
        self.tyres = {lap.id: _tyre(metas[lap.id]) for lap in laps} if f1 else {}
        self.drivers = {lap.id: driver_of(lap, metas[lap.id]) for lap in laps} if f1 else {}
        self.labels = {} if f1 else race_labels(laps)  # F1: the Driver column tells laps apart
        self._apply_sort()
        self.endResetModel()

    def fastest_full(self, count: int) -> list[Lap]:
        return fastest_full(self.laps, count)

    # ---- sorting (the rows are the list itself, so views that map rows to laps stay right)
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        key = self.keys[column] if 0 <= column < len(self.keys) else None
        self.laps.sort(key=lambda lap: lap.start_time)
        if key is None:
            return
        values = {lap.id: self._sort_value(lap, key) for lap in self.laps}
        present = [lap for lap in self.laps if values[lap.id] is not None]
        present.sort(key=lambda lap: values[lap.id], reverse=order == Qt.SortOrder.DescendingOrder)
        self.laps = present + [lap for lap in self.laps if values[lap.id] is None]  # blanks last either way

    def _sort_value(self, lap: Lap, key: str):
        if key in self.TIMING:
            return getattr(lap, self.TIMING[key])
        if key == "gap":
            return lap.lap_time
        lap_order = lap.number if self.is_f1 else lap.start_time  # labels run in session order
        return {"driver": self.drivers.get(lap.id), "lap": lap_order, "tyre": self.tyres.get(lap.id) or None,
                "flags": ", ".join(lap.flag_list) or None}[key]

    # ---- cells
    def _text(self, lap: Lap, key: str) -> Any:
        if key == "lap":
            return self.labels.get(lap.id, lap.number)
        if key == "time":
            return format_lap_time(lap.lap_time)
        if key == "gap":
            return gap_text(lap, self.best)
        if key in ("s1", "s2", "s3"):
            s = getattr(lap, self.TIMING[key])
            return "" if s is None else f"{s:.3f}"
        if key == "driver":
            return self.drivers.get(lap.id, "")
        if key == "tyre":
            return self.tyres.get(lap.id, "")
        return ", ".join(FLAG_SHORT.get(f, f) for f in lap.flag_list)

    def _foreground(self, lap: Lap, key: str) -> QColor | None:
        if key == "driver" and lap.team_color:
            return QColor(readable(lap.team_color))
        mark = self.bests.get(lap.id, {}).get(self.TIMING.get(key, ""))
        if mark and (self.is_f1 or key != "time"):  # AMS2: the best lap time shows in the accent colour
            return QColor(PURPLE if mark == "purple" else GREEN)
        if lap.flag_list and key in ("lap", "time", "gap"):
            return QColor(ERROR if LapFlag.INVALID in lap.flag_list else MUTED)
        if key in ("flags", "tyre"):
            return QColor(MUTED)
        if not self.is_f1 and key in ("time", "gap") and self.best is not None and lap.id == self.best.id:
            return QColor(ACCENT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        lap = self.laps[index.row()]
        key = self.keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(lap, key)
        if role == ID_ROLE:
            return lap.id
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(lap, key)
        if role == Qt.ItemDataRole.FontRole and self.best is not None and lap.id == self.best.id \
                and key in ("time", "gap"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("flags", "driver", "tyre") \
                and not (key == "lap" and self.labels):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and lap.flag_list:
            return "Not comparable as a full lap: " + ", ".join(lap.flag_list)
        return None


HEADER_EXTRA_PX = 26  # header padding (2 × 6 px in the theme) and the sort arrow

# Flags as short words in the table (the tooltip has them in full): the column stays narrow enough to show.
FLAG_SHORT: dict[str, str] = {LapFlag.OUT_LAP: "out", LapFlag.IN_LAP: "in", LapFlag.INVALID: "invalid",
                              LapFlag.PARTIAL: "partial"}


def _tyre(meta: dict) -> str:
    """"S 6": compound initial and tyre age in laps, from an F1 lap's meta."""
    compound, life = meta.get("compound"), meta.get("tyre_life")
    if not compound:
        return ""
    return f"{compound[0]} {life}" if life is not None else compound[0]
