"""Pieces the worksheet docks share: a searchable channel picker and the selected laps' channels (series on
the reference axis plus math channels), read from the shared state and cached until it changes."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QDockWidget, QWidget

from app.services.channels import ChannelInfo, channel_catalogue
from app.services.mathchannels import MathError
from app.services.mathchannels.series import series_channels
from app.views.state import SharedState

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def channel_text(info: ChannelInfo) -> str:
    return f"{info.label} [{info.unit}]" if info.unit else info.label


class ChannelCombo(QComboBox):
    """Pick a channel by typing any part of its label or name; shows units. `picked` carries the name."""

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None, empty: str | None = None) -> None:
        super().__init__(parent)
        self.empty = empty  # an entry meaning "none" (e.g. "Lap colour"), listed first
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(18)
        self.items = QStandardItemModel(self)
        self.setModel(self.items)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.items)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer = QCompleter(proxy, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setModel(self.items)
        self.setCompleter(completer)
        self._wanted = ""
        self._infos: list[ChannelInfo] | None = None
        self.activated.connect(lambda _: self._emit())
        completer.activated.connect(lambda _: self._emit())

    def set_channels(self, infos: list[ChannelInfo]) -> None:
        """New choices; the channel picked before stays picked when it is still there."""
        if infos == self._infos:
            return  # the same channels: keep the list (and its scroll position), skip the rebuild
        self._infos = list(infos)
        keep = self._wanted
        self.blockSignals(True)
        self.items.clear()
        if self.empty is not None:
            item = QStandardItem(self.empty)
            item.setData("", NAME_ROLE)
            self.items.appendRow(item)
        for info in infos:
            item = QStandardItem(channel_text(info))
            item.setData(info.name, NAME_ROLE)
            item.setToolTip(f"{info.name} · {info.group}")
            self.items.appendRow(item)
        self.blockSignals(False)
        self.set_current(keep)

    def current_name(self) -> str:
        """The channel chosen (kept while the laps shown lack it, so it comes back with laps that have it)."""
        return self._wanted

    def set_current(self, name: str) -> None:
        self._wanted = name
        self.blockSignals(True)
        for i in range(self.count()):
            if self.itemData(i, NAME_ROLE) == name:
                self.setCurrentIndex(i)
                break
        else:
            self.setEditText(name)  # not among these laps' channels: still show what was chosen
        self.blockSignals(False)

    def _index_name(self) -> str:
        i = self.currentIndex()
        return str(self.itemData(i, NAME_ROLE) or "") if i >= 0 else ""

    def _emit(self) -> None:
        self._wanted = self._index_name()
        self.picked.emit(self._wanted)


@dataclass
class LapView:
    lap_id: str
    label: str
    colour: str
    distance: np.ndarray  # reference metres
    channels: Mapping[str, np.ndarray]  # on `distance`, math channels included

    def at(self, name: str, distance: float) -> float:
        col = self.channels.get(name)
        d = self.distance
        if col is None or not len(d) or not d[0] <= distance <= d[-1]:
            return float("nan")
        return float(np.interp(distance, d, col))


class LapViews:
    """The selected laps with channels, rebuilt only when the analysis or the math channels change."""

    def __init__(self, state: SharedState) -> None:
        self.state = state
        self._key: tuple | None = None
        self._analysis: object = None
        self.views: list[LapView] = []
        self.errors: dict[str, MathError] = {}

    def current(self) -> list[LapView]:
        state, analysis = self.state, self.state.analysis
        key = (tuple(sorted(state.math_channels.items())), tuple(state.selection))
        if key != self._key or analysis is not self._analysis:
            self._key, self._analysis = key, analysis
            self.errors = {}
            self.views = []
            if analysis is not None:
                for lap_id, series in analysis.series.items():
                    channels = series_channels(series, state.math_channels, self.errors)
                    self.views.append(LapView(lap_id, series.label, state.colour(lap_id),
                                              series.distance, channels))
        return self.views

    def catalogue(self) -> list[ChannelInfo]:
        """Every channel some selected lap has, and the math channels."""
        names: list[str] = []
        for view in self.current():
            names += [n for n in view.channels if n not in names]
        math = list(self.state.math_channels)
        return channel_catalogue([n for n in names if n not in math], math)


class RedrawWhenSeen(QObject):
    """Coalesces a dock's redraw requests (a zoom sends many) and runs them only while the dock is on screen:
    a dock behind another tab draws when it is shown, not on every change it cannot show."""

    def __init__(self, dock: QDockWidget, redraw: Callable[[], None], interval_ms: int = 40) -> None:
        super().__init__(dock)
        self.dock, self.redraw = dock, redraw
        self.stale = False
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._fire)
        dock.visibilityChanged.connect(self._shown)

    def request(self, *_args: object) -> None:
        self._timer.start()

    def _fire(self) -> None:
        if self.dock.isVisible() and not self.dock.visibleRegion().isEmpty():
            self.redraw()
        else:
            self.stale = True

    def _shown(self, seen: bool) -> None:
        if seen and self.stale:
            self.redraw()
