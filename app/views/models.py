"""Qt item models for the catalog: races with their status, and one race's laps with times and gaps."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.models import LapFlag
from app.services.laps import format_lap_time
from app.store.schema import Lap, Race
from app.views.theme import ACCENT, ERROR, MUTED, STATUS_COLOURS

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's race / lap id


class RaceModel(QAbstractTableModel):
    HEADERS = ("Race", "Track", "Laps", "Status")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.races: list[Race] = []
        self.lap_counts: dict[str, int] = {}

    def set_races(self, races: list[Race], lap_counts: dict[str, int]) -> None:
        self.beginResetModel()
        self.races, self.lap_counts = races, lap_counts
        self.endResetModel()

    def row_of(self, race_id: str) -> int:
        return next((i for i, r in enumerate(self.races) if r.id == race_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.races)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        race = self.races[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (race.name, race.track or "—", self.lap_counts.get(race.id, 0) or "", race.status)[col]
        if role == ID_ROLE:
            return race.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return race.error if race.error else f"{race.name} — {race.status}"
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(STATUS_COLOURS.get(race.status, MUTED))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def is_full_valid(lap: Lap) -> bool:
    """A timed lap from line to line that the game did not invalidate."""
    return lap.lap_time is not None and not lap.flag_list


class LapModel(QAbstractTableModel):
    HEADERS = ("Lap", "Time", "Gap", "S1", "S2", "S3", "Flags")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.laps: list[Lap] = []
        self.best: Lap | None = None
        self.best_sectors: tuple[float | None, ...] = (None, None, None)

    def set_laps(self, laps: list[Lap]) -> None:
        self.beginResetModel()
        self.laps = laps
        full = [lap for lap in laps if is_full_valid(lap)]
        self.best = min(full, key=lambda lap: lap.lap_time) if full else None
        self.best_sectors = tuple(
            min((s for lap in full if (s := getattr(lap, f"sector{i}")) is not None), default=None) for i in (1, 2, 3)
        )
        self.endResetModel()

    def fastest_full(self, count: int) -> list[Lap]:
        return sorted((lap for lap in self.laps if is_full_valid(lap)), key=lambda lap: lap.lap_time)[:count]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.laps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _gap(self, lap: Lap) -> str:
        if self.best is None or lap.lap_time is None:
            return ""
        if lap.id == self.best.id:
            return "best"
        return f"{lap.lap_time - self.best.lap_time:+.3f}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        lap = self.laps[index.row()]
        col = index.column()
        sectors = (lap.sector1, lap.sector2, lap.sector3)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return lap.number
            if col == 1:
                return format_lap_time(lap.lap_time)
            if col == 2:
                return self._gap(lap)
            if 3 <= col <= 5:
                s = sectors[col - 3]
                return "" if s is None else f"{s:.3f}"
            return ", ".join(lap.flag_list)
        if role == ID_ROLE:
            return lap.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if lap.flag_list and col in (0, 1, 2):
                return QColor(ERROR if LapFlag.INVALID in lap.flag_list else MUTED)
            if col == 6:
                return QColor(MUTED)
            if 3 <= col <= 5 and sectors[col - 3] is not None and sectors[col - 3] == self.best_sectors[col - 3]:
                return QColor("#b388ff")  # purple sector, as on a timing screen
            if col in (1, 2) and self.best is not None and lap.id == self.best.id:
                return QColor(ACCENT)
        if role == Qt.ItemDataRole.FontRole and self.best is not None and lap.id == self.best.id and col in (1, 2):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col < 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and lap.flag_list:
            return "Not comparable as a full lap: " + ", ".join(lap.flag_list)
        return None
