"""File → Workspaces: save, load, rename and delete named workspaces (app/services/workspaces.py).

The window opens in the workspace used last (or the one `pitwall gui --workspace NAME` names); on first start
a Default workspace is made from the default layout. Closing the window saves the workspace it is in, so a
restart brings everything back. A workspace is applied through the shared state — the views redraw from it —
plus the window's dock layout and each worksheet dock's own settings (docks with view_settings()).
"""

import base64
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from app.errors import PitwallError
from app.services import workspaces as ws_files
from app.services.workspaces import DEFAULT_NAME, Workspace

if TYPE_CHECKING:
    from app.views.main_window import MainWindow

log = logging.getLogger(__name__)
CURRENT_FILE = "current.txt"  # the name of the workspace the window is in (not a .json: never listed)


class WorkspaceMenu(QObject):
    def __init__(self, window: "MainWindow", file_menu: QMenu) -> None:
        super().__init__(window)
        self.window, self.ctx = window, window.ctx
        self.folder = ws_files.workspaces_dir(self.ctx.store.paths.home)
        self.current: str | None = None
        self._start_name: str | None = None
        self._started = False
        self._applying: Workspace | None = None
        self._selection_before: list[str] = []
        self.menu = QMenu("&Workspaces", window)
        self.menu.aboutToShow.connect(self._fill)
        export = next((a for a in file_menu.actions() if a.text().startswith("&Export")), None)
        file_menu.insertMenu(export, self.menu) if export else file_menu.addMenu(self.menu)
        file_menu.insertSeparator(export) if export else None
        window.installEventFilter(self)

    # ---- start and close
    def use_at_start(self, name: str | None) -> None:
        """Open in workspace `name` (raises PitwallError, listing the saved ones, when there is none)."""
        if name:
            ws_files.load(self.folder, name)  # fails now, with a clear message, not after the window shows
        self._start_name = name

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Show and not self._started:
            self._started = True
            QTimer.singleShot(0, self._start)  # after the window has laid out its docks and restored its layout
        elif obj is self.window and event.type() == QEvent.Type.Close and self._started and self.current:
            self._autosave()
        return False

    def _start(self) -> None:
        name = self._start_name or self._remembered()
        if name:
            try:
                self.apply(ws_files.load(self.folder, name))
                return
            except PitwallError as exc:
                self.window.show_message(f"Workspace {name!r} not opened: {exc}", error=True)
        names = ws_files.list_workspaces(self.folder)
        if DEFAULT_NAME in names:
            self.apply(ws_files.load(self.folder, DEFAULT_NAME))
        else:  # first start: the window as it is now (the default layout) becomes the Default workspace
            self.save_as(DEFAULT_NAME)

    def _autosave(self) -> None:
        try:
            ws_files.save(self.folder, self.capture(self.current or DEFAULT_NAME))
        except (PitwallError, OSError) as exc:
            log.warning("Could not save workspace %s: %s", self.current, exc)

    def _remembered(self) -> str | None:
        try:
            return (self.folder / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def _remember(self, name: str) -> None:
        self.current = name
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / CURRENT_FILE).write_text(name, encoding="utf-8")
        except OSError as exc:
            log.warning("Could not remember the workspace: %s", exc)

    # ---- window ⇄ workspace
    def capture(self, name: str) -> Workspace:
        state, window = self.ctx.state, self.window
        pinned = []  # selected laps of another race than the one shown (the lap cache knows their race)
        for lap_id in state.selection:
            trace = self.ctx.laps.get(lap_id)
            lap = trace.lap if trace is not None else None
            if lap is not None and lap.race_id != state.race:
                pinned.append(lap_id)
        views = {}
        for dock_name, dock in window.docks.items():
            settings = getattr(dock, "view_settings", None)
            if callable(settings):
                views[dock_name] = settings()
        return Workspace(
            name=name, plots=[dict(p) for p in state.plots], x_mode=state.x_mode,
            math_channels=dict(state.math_channels), map_channel=state.map_channel, race=state.race,
            selection=list(state.selection), reference=state.reference,
            pinned=pinned,
            layout={"dock_state": _b64(window.saveState()), "geometry": _b64(window.saveGeometry())},
            views=views)

    def apply(self, ws: Workspace) -> None:
        state, window, store = self.ctx.state, self.window, self.ctx.store
        if ws.layout.get("geometry"):
            window.restoreGeometry(_bytes(ws.layout["geometry"]))
        if ws.layout.get("dock_state"):
            window.restoreState(_bytes(ws.layout["dock_state"]))
        state.set_x_mode(ws.x_mode)
        state.set_math_channels(ws.math_channels)
        state.set_plots(ws.plots)
        state.set_map_channel(ws.map_channel)
        for dock_name, settings in ws.views.items():
            apply = getattr(window.docks.get(dock_name), "apply_view_settings", None)
            if callable(apply):
                apply(settings)
        self._applying = ws
        self._selection_before = list(state.selection)
        if not ws.selection and not ws.race:
            self._select(ws, {}, False)
            return

        def lookup(_progress) -> tuple[dict, bool]:  # pool thread: which saved laps and race still exist
            return {i: store.lap(i) for i in ws.selection}, bool(ws.race and store.race(ws.race) is not None)

        job = self.ctx.runner.submit(f"Open workspace {ws.name}", lookup, quiet=True)
        job.result.connect(lambda found: self._select(ws, *found))
        job.error.connect(lambda message: self._select(ws, {}, False, message))

    def _select(self, ws: Workspace, laps: dict, race_exists: bool, problem: str = "") -> None:
        """GUI thread, once the catalog said what is left: the race and the laps that still exist."""
        if self._applying is not ws:
            return  # another workspace was opened meanwhile
        state = self.ctx.state
        gone = [i for i in ws.selection if laps.get(i) is None]
        if state.selection == self._selection_before:  # nobody picked other laps meanwhile: the saved ones
            if race_exists and ws.race:
                state.set_race(ws.race)
            kept = [i for i in ws.selection if laps.get(i) is not None]
            state.prefer_colours({i: lap.team_color for i, lap in laps.items() if lap is not None and lap.team_color})
            state.set_selection(kept, reference=ws.reference)
        self._remember(ws.name)
        notes = ws.warnings + ([f"{len(gone)} saved lap(s) are no longer in the archive"] if gone else [])
        notes += [problem] if problem else []
        self.window.show_message(f"Workspace {ws.name}" + (f" — {'; '.join(notes)}" if notes else ""),
                                 error=bool(notes))

    # ---- the menu
    def _fill(self) -> None:
        self.menu.clear()
        for text, slot in (("&Save workspace", self.save_current), ("Save workspace &as…", self._ask_save_as),
                           ("&Rename workspace…", self._ask_rename), ("&Delete workspace…", self._ask_delete)):
            action = QAction(text.replace("workspace", f"“{self.current}”") if self.current and "as" not in text
                             else text, self.menu)
            action.triggered.connect(slot)
            self.menu.addAction(action)
        self.menu.addSeparator()
        group = QActionGroup(self.menu)
        for name in ws_files.list_workspaces(self.folder):
            action = QAction(name, self.menu, checkable=True, checked=name == self.current)
            action.triggered.connect(lambda _=False, n=name: self.load(n))
            group.addAction(action)
            self.menu.addAction(action)

    def save_current(self) -> None:
        self.save_as(self.current or DEFAULT_NAME)

    def save_as(self, name: str) -> Path | None:
        try:
            path = ws_files.save(self.folder, self.capture(ws_files.check_name(name)))
        except (PitwallError, OSError) as exc:
            self.window.show_message(f"Workspace not saved: {exc}", error=True)
            return None
        self._remember(name.strip())
        self.window.show_message(f"Saved workspace {name.strip()}")
        return path

    def load(self, name: str) -> bool:
        try:
            ws = ws_files.load(self.folder, name)
        except PitwallError as exc:
            self.window.show_message(str(exc), error=True)
            return False
        if self.current and self.current != name:
            self._autosave()  # leaving a workspace keeps what was done in it
        self.apply(ws)
        return True

    def rename(self, old: str, new: str) -> bool:
        try:
            ws = ws_files.rename(self.folder, old, new)
        except PitwallError as exc:
            self.window.show_message(f"Not renamed: {exc}", error=True)
            return False
        if self.current == old:
            self._remember(ws.name)
        return True

    def _ask_save_as(self) -> None:
        name, ok = QInputDialog.getText(self.window, "Save workspace", "Name:", text=self.current or "")
        if ok:
            self.save_as(name)

    def _ask_rename(self) -> None:
        if not self.current:
            return
        name, ok = QInputDialog.getText(self.window, "Rename workspace", "New name:", text=self.current)
        if ok:
            self.rename(self.current, name)

    def _ask_delete(self) -> None:
        if not self.current:
            return
        answer = QMessageBox.question(self.window, "Delete workspace", f"Delete workspace “{self.current}”?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete(self.current)

    def delete(self, name: str) -> None:
        """Remove a workspace; deleting the one in use leaves the window as it is, in no workspace (the next
        start opens Default) until one is saved or loaded."""
        try:
            ws_files.delete(self.folder, name)
        except OSError as exc:
            self.window.show_message(f"Workspace not deleted: {exc}", error=True)
            return
        if self.current == name:
            self.current = None
            (self.folder / CURRENT_FILE).unlink(missing_ok=True)
        self.window.show_message(f"Deleted workspace {name}")


def _b64(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _bytes(text: str) -> QByteArray:
    try:
        return QByteArray(base64.b64decode(text))
    except ValueError:
        return QByteArray()
