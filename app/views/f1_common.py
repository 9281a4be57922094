"""What the F1 analysis docks share: follow the current race, read its SessionView off the GUI thread, say what
is missing, and a checkable driver legend in (readable) team colours."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.f1_session.colours import compound_colour  # noqa: F401  (the docks import it from here)
from app.services.f1_session.drivers import Driver, shown_code  # noqa: F401
from app.services.f1_session.view import SessionView
from app.views.context import AppContext
from app.views.state import lighter
from app.views.theme import COMPOUND_COLOURS, MUTED, WARN, compound_palette, readable
from app.workers.f1 import start_session_view

EMPTY_TEXT = "Load an F1 session (F1 sessions tab → Load session) to see it here."


def compound_key(palette: dict[str, str], compounds: set[str]) -> str:
    """"● soft ● medium …" in the compounds' colours, for the compounds a session used (in palette order)."""
    used = [c for c in palette if c in {x.upper() for x in compounds if x}]
    return " ".join(f"<span style='color:{palette[c]}'>●</span> {c.lower()}" for c in used)


def driver_colour(driver: Driver) -> str:
    return readable(driver.colour)


def distinct_colours(drivers: list[Driver]) -> dict[str, str]:
    """Each driver's readable team colour; a team-mate listed later gets a lighter shade of it."""
    out: dict[str, str] = {}
    for d in drivers:
        colour = driver_colour(d)
        for _ in range(3):
            if colour not in out.values():
                break
            colour = lighter(colour)
        out[d.code] = colour
    return out


def plain_axes(plot: pg.PlotItem, left: str, bottom: str) -> None:
    """Axis labels with their units and no SI prefix games (seconds stay seconds)."""
    for name, text in (("left", left), ("bottom", bottom)):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setLabel(text)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)


class F1SessionDock(QDockWidget):
    """A dock over the current F1 session. Subclasses build `body` and implement `show_view`."""

    def __init__(self, title: str, object_name: str, ctx: AppContext) -> None:
        super().__init__(title)
        self.setObjectName(object_name)
        self.ctx = ctx
        self.view: SessionView | None = None
        self.compound_colours: dict[str, str] = COMPOUND_COLOURS  # the session's compound colours
        self.compounds: set[str] = set()
        self.note = QLabel(EMPTY_TEXT)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED}; padding: 2px 4px;")
        self.body = QWidget()
        outer = QWidget()
        layout = QVBoxLayout(outer)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.body, 1)
        self.setWidget(outer)
        self.setMinimumSize(360, 260)
        self._race: str | None = None
        ctx.state.race_changed.connect(self.follow_race)

    def start(self) -> None:
        """Call at the end of the subclass' __init__: show the current race."""
        self.follow_race(self.ctx.state.race)

    def follow_race(self, race_id: str | None) -> None:
        self._race = race_id
        if race_id is None:
            self._set_view(None)
            return
        job = start_session_view(self.ctx.runner, self.ctx.store, race_id)
        job.result.connect(lambda view, rid=race_id: self._set_view(view) if rid == self._race else None)

    def _set_view(self, view: SessionView | None) -> None:
        self.view = view
        self.compounds = {lap.compound for lap in view.laps if lap.compound} if view else set()
        self.compound_colours = compound_palette(self.compounds)
        if view is None:
            self.note.setText(EMPTY_TEXT)
            self.note.setStyleSheet(f"color: {MUTED}; padding: 2px 4px;")
        else:
            self.note.setText(" ".join([view.name + ".", *view.notes]))
            self.note.setStyleSheet(f"color: {WARN if view.notes else MUTED}; padding: 2px 4px;")
        self.show_view(view)

    def show_view(self, view: SessionView | None) -> None:
        raise NotImplementedError


class DriverLegend(QWidget):
    """Drivers as a checkable list in team colours, with All / None / Top 5."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.colours: dict[str, str] = {}  # driver → the colour every chart of the dock draws it in
        self.list.setMinimumWidth(150)
        self.list.setMaximumWidth(220)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for text, count in (("All", None), ("None", 0), ("Top 5", 5)):
            button = QPushButton(text)
            button.setStyleSheet("padding: 2px 6px;")
            button.clicked.connect(lambda _=False, n=count: self.check_first(n))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        self.list.itemChanged.connect(lambda _: self.changed.emit())

    def set_drivers(self, drivers: list[Driver], checked: int | None = 5) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        self.colours = distinct_colours(drivers)
        for i, d in enumerate(drivers):
            label = f"{d.position or '–':>2}  {shown_code(d.code)}" + (f"  {d.team}" if d.team else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            item.setForeground(QColor(self.colours[d.code]))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = checked is None or i < checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.changed.emit()

    def check_first(self, count: int | None) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = count is None or i < count
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()

    def checked(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def drivers(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
