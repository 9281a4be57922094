"""Named workspaces: what a worksheet is made of, saved as versioned JSON files in <home>/workspaces/.

A workspace holds the dock layout (QMainWindow.saveState, base64), the overlay's plots and their channels, the
x-axis mode, the math channels, the map colouring, the race shown and the selected laps (laps of other races
in the selection are the pinned ones), and each worksheet dock's own settings. Pure Python: the window turns
it into Qt state (app/views/workspace_menu.py).

Versions: 1 is the first workspace format. Before workspaces the window kept only its layout in
gui-state.json; `from_window_state` reads that file as a workspace, so the layout of an older install
becomes its Default workspace. A file written by a newer Pitwall is refused with a clear error.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import PitwallError
from app.fileio import write_atomic

FORMAT = "pitwall-workspace"
VERSION = 1
DEFAULT_NAME = "Default"
MAX_NAME = 80
X_MODES = ("distance", "time")


@dataclass
class Workspace:
    name: str
    plots: list[dict] = field(default_factory=list)  # [{"channels": [...], "height": float}, ...]
    x_mode: str = "distance"
    math_channels: dict[str, str] = field(default_factory=dict)
    map_channel: str = "speed"
    race: str | None = None
    selection: list[str] = field(default_factory=list)
    reference: str | None = None
    pinned: list[str] = field(default_factory=list)  # selected laps of other races (they are in `selection`)
    layout: dict[str, str] = field(default_factory=dict)  # {"dock_state": base64, "geometry": base64}
    views: dict[str, dict] = field(default_factory=dict)  # dock objectName → that dock's settings
    warnings: list[str] = field(default_factory=list)  # what could not be read (not saved)


def workspaces_dir(home: Path) -> Path:
    return Path(home) / "workspaces"


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise PitwallError("A workspace needs a name.")
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise PitwallError(f"A workspace name is at most {MAX_NAME} printable characters.")
    return name


def file_for(folder: Path, name: str) -> Path:
    """One file per name; names that are not plain file names get a short hash so two never collide."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "workspace"
    if slug != name:
        slug += "-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return Path(folder) / f"{slug}.json"


def to_dict(ws: Workspace) -> dict:
    return {
        "format": FORMAT, "version": VERSION, "name": ws.name, "plots": ws.plots, "x_mode": ws.x_mode,
        "math_channels": ws.math_channels, "map_channel": ws.map_channel, "race": ws.race,
        "selection": ws.selection, "reference": ws.reference, "pinned": ws.pinned, "layout": ws.layout,
        "views": ws.views,
    }


def from_dict(data: object, name: str | None = None) -> Workspace:
    """A workspace from its JSON; entries that make no sense are dropped (listed in `warnings`), never fatal."""
    if not isinstance(data, dict):
        raise PitwallError("This is not a workspace file (no JSON object).")
    if data.get("format") != FORMAT:
        if "dock_state" in data or "geometry" in data:
            return from_window_state(data)  # the layout an install had before workspaces: its Default
        raise PitwallError("This is not a Pitwall workspace file.")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise PitwallError(f"Unknown workspace version {version!r}.")
    if version > VERSION:
        raise PitwallError(f"This workspace was saved by a newer Pitwall (format {version}; this one reads "
                           f"up to {VERSION}).")
    warnings: list[str] = []
    ws = Workspace(name=str(data.get("name") or name or DEFAULT_NAME))
    ws.plots = _plots(data.get("plots", []), warnings)
    ws.x_mode = _pick(data, "x_mode", X_MODES, "distance", warnings)
    ws.math_channels = _str_dict(data, "math_channels", warnings)
    ws.map_channel = _str(data, "map_channel", warnings) or "speed"
    ws.race = _str(data, "race", warnings)
    ws.selection = _str_list(data, "selection", warnings)
    ws.reference = _str(data, "reference", warnings)
    ws.pinned = _str_list(data, "pinned", warnings)
    ws.layout = _str_dict(data, "layout", warnings)
    views = data.get("views", {})
    ws.views = {k: v for k, v in views.items() if isinstance(v, dict)} if isinstance(views, dict) else {}
    ws.warnings = warnings
    return ws


def from_window_state(data: dict, name: str = DEFAULT_NAME) -> Workspace:
    """The window state saved before workspaces existed (gui-state.json): its layout, nothing else."""
    layout = {k: data[k] for k in ("dock_state", "geometry") if isinstance(data.get(k), str)}
    return Workspace(name=name, layout=layout)


def _plots(value: object, warnings: list[str]) -> list[dict]:
    if not isinstance(value, list):
        warnings.append("plots: not a list, ignored")
        return []
    plots = []
    for i, p in enumerate(value):
        channels = p.get("channels") if isinstance(p, dict) else None
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            warnings.append(f"plot {i + 1}: no list of channel names, ignored")
            continue
        height = p.get("height", 1.0)
        plot = dict(p, channels=list(channels))
        plot["height"] = float(height) if isinstance(height, (int, float)) and height > 0 else 1.0
        plots.append(plot)
    return plots


def _str(data: dict, key: str, warnings: list[str]) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    warnings.append(f"{key}: not text, ignored")
    return None


def _pick(data: dict, key: str, choices: tuple[str, ...], default: str, warnings: list[str]) -> str:
    value = data.get(key, default)
    if value in choices:
        return value
    warnings.append(f"{key}: {value!r} is not one of {', '.join(choices)}; using {default}")
    return default


def _str_list(data: dict, key: str, warnings: list[str]) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(dict.fromkeys(value))
    warnings.append(f"{key}: not a list of text, ignored")
    return []


def _str_dict(data: dict, key: str, warnings: list[str]) -> dict[str, str]:
    value = data.get(key, {})
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return dict(value)
    warnings.append(f"{key}: not a table of text, ignored")
    return {}


# ---- files


def list_workspaces(folder: Path) -> list[str]:
    """Names of the saved workspaces, sorted (files that cannot be read are skipped)."""
    names = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            names.append(load_file(path).name)
        except PitwallError:
            continue
    return sorted(set(names), key=str.casefold)


def load_file(path: Path) -> Workspace:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PitwallError(f"No workspace file {path}") from None
    except (OSError, ValueError) as exc:
        raise PitwallError(f"Cannot read workspace {Path(path).name}: {exc}") from None
    return from_dict(data, Path(path).stem)


def path_of(folder: Path, name: str) -> Path | None:
    """The file holding workspace `name`: its own file name, or any file in the folder that names it
    (one copied in by hand)."""
    path = file_for(folder, name)
    if path.is_file():
        return path
    for other in sorted(Path(folder).glob("*.json")):
        try:
            if load_file(other).name == name:
                return other
        except PitwallError:
            continue
    return None


def load(folder: Path, name: str) -> Workspace:
    path = path_of(folder, name)
    if path is None:
        saved = list_workspaces(folder)
        raise PitwallError(f"No workspace named {name!r}" + (f"; saved: {', '.join(saved)}." if saved else "."))
    ws = load_file(path)
    ws.name = name
    return ws


def save(folder: Path, ws: Workspace) -> Path:
    ws.name = check_name(ws.name)
    path = path_of(folder, ws.name) or file_for(folder, ws.name)
    text = json.dumps(to_dict(ws), indent=1, ensure_ascii=False)
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path


def rename(folder: Path, old: str, new: str) -> Workspace:
    new = check_name(new)
    ws = load(folder, old)
    if new == old:
        return ws
    if path_of(folder, new) is not None:
        raise PitwallError(f"There is already a workspace named {new!r}.")
    old_path = path_of(folder, old)
    ws.name = new
    save(folder, ws)  # the new file first: a crash in between leaves both, never neither
    if old_path is not None:
        old_path.unlink(missing_ok=True)
    return ws


def delete(folder: Path, name: str) -> None:
    path = path_of(folder, name)
    if path is not None:
        path.unlink()
