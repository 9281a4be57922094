"""Choosing a plot's channels: every channel the selected laps have (and the delta and math channels), grouped,
searchable by name or label, with units."""

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.channels import ChannelInfo, channel_catalogue
from app.views.plot_config import DELTA
from app.views.theme import MUTED
from app.workers.analysis import SelectionAnalysis

NAME_ROLE = Qt.ItemDataRole.UserRole
HIDDEN = {"x", "y", "z", "session_time"}  # positions and the session clock: the map's, not a plot's
DELTA_INFO = ChannelInfo(DELTA, "Δ time to the reference", "s", "Timing")


def available_channels(analysis: SelectionAnalysis | None, math: Iterable[str] = ()) -> list[ChannelInfo]:
    """The union of the compared laps' channels, in the catalogue's order, the delta first."""
    columns: dict[str, None] = {}
    math = list(math)
    for series in (analysis.series.values() if analysis is not None else []):
        columns.update(dict.fromkeys(n for n in series.channels if n not in HIDDEN and n not in math))
    return [DELTA_INFO] + channel_catalogue(columns, math)


def apply_math(analysis: SelectionAnalysis | None, definitions: dict[str, str]) -> dict[str, str]:
    """Evaluate the math channels over every compared lap into its series (once per analysis and definitions;
    the overlay and the map both call it). Returns name → why it failed, for the laps where it did."""
    if analysis is None:
        return {}
    key = tuple(sorted(definitions.items()))
    if getattr(analysis, "_math_key", None) == key:
        return dict(getattr(analysis, "_math_errors", {}))
    from collections import ChainMap

    from app.services.lap_series import AlignedChannels
    from app.services.mathchannels import MathError, evaluate_all

    failed: dict[str, str] = {}
    for series in analysis.series.values():
        channels = series.channels
        if not isinstance(channels, AlignedChannels):
            continue
        channels.set_math({})
        errors: dict[str, MathError] = {}
        base = ChainMap({"distance": series.distance}, channels)  # type: ignore[arg-type]
        channels.set_math(evaluate_all(base, definitions, errors) if definitions and len(series.distance) > 1
                          else {})
        failed.update({name: str(e) for name, e in errors.items()})
    analysis._math_key = key  # type: ignore[attr-defined]
    analysis._math_errors = failed  # type: ignore[attr-defined]
    return failed


def describe(info: ChannelInfo) -> str:
    unit = f" ({info.unit})" if info.unit else ""
    return f"{info.label}{unit}   ·  {info.name}" if info.label.lower() != info.name else f"{info.label}{unit}"


class ChannelPicker(QDialog):
    """Tick channels; the search box filters by name, label, unit or group."""

    def __init__(self, channels: list[ChannelInfo], selected: list[str], parent: QWidget | None = None,
                 title: str = "Channels of the plot") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(420, 560)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search channels (e.g. tyre, brake, °C)")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        hint = QLabel("Tick one or more channels; they share the plot's y axis.")
        hint.setStyleSheet(f"color: {MUTED}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._headers: dict[str, QListWidgetItem] = {}
        self._infos: dict[str, ChannelInfo] = {}
        chosen = set(selected)
        for info in channels:
            if info.group not in self._headers:
                header = QListWidgetItem(info.group)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
                self._headers[info.group] = header
            item = QListWidgetItem(describe(info))
            item.setData(NAME_ROLE, info.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if info.name in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._infos[info.name] = info
        self._order = list(selected)
        self.list.itemChanged.connect(self._ticked)
        self.search.textChanged.connect(self.filter)

    def _ticked(self, item: QListWidgetItem) -> None:
        name = item.data(NAME_ROLE)
        if item.checkState() == Qt.CheckState.Checked and name not in self._order:
            self._order.append(name)
        elif item.checkState() != Qt.CheckState.Checked and name in self._order:
            self._order.remove(name)

    def items(self) -> list[QListWidgetItem]:
        return [it for i in range(self.list.count()) if (it := self.list.item(i)).data(NAME_ROLE)]

    def filter(self, text: str) -> None:
        words = text.lower().split()
        visible_groups = set()
        for item in self.items():
            info = self._infos[item.data(NAME_ROLE)]
            hay = f"{info.name} {info.label} {info.unit} {info.group}".lower()
            show = all(w in hay for w in words)
            item.setHidden(not show)
            if show:
                visible_groups.add(info.group)
        for group, header in self._headers.items():
            header.setHidden(group not in visible_groups)

    def set_checked(self, name: str, checked: bool = True) -> None:
        for item in self.items():
            if item.data(NAME_ROLE) == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        """Ticked channels, in the order they were ticked (the first keeps the solid line)."""
        return list(self._order)
