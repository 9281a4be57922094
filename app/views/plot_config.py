"""The overlay's plot layout as plain data: `[{"channels": [name, ...], "height": float}, ...]`, top to bottom.

This is what `SharedState.plots` holds and a workspace saves; the overlay renders it and every edit (add,
remove, move, resize, channels) is one of these pure functions, written back through `set_plots`. No Qt.
"""

from app.services.channels import channel_info

DELTA = "delta"  # the delta time to the reference: a channel of every compared lap
DEFAULT_PLOTS: list[dict] = [
    {"channels": ["speed"], "height": 3.0},
    {"channels": ["throttle", "brake"], "height": 1.8},
    {"channels": ["gear"], "height": 1.2},
    {"channels": ["rpm"], "height": 1.6},
    {"channels": ["steering"], "height": 1.6},
    {"channels": [DELTA], "height": 2.0},
]
MIN_HEIGHT, MAX_HEIGHT = 0.5, 10.0
# Channels with a fixed scale: a pedal is 0–100 % whatever the lap did.
FIXED_RANGES = {"throttle": (0.0, 100.0), "brake": (0.0, 100.0), "clutch": (0.0, 100.0)}


def default_plots() -> list[dict]:
    return [dict(p, channels=list(p["channels"])) for p in DEFAULT_PLOTS]


def normalise(plots: object) -> list[dict]:
    """Plots as saved by anyone (a workspace file): keeps well-formed entries, heights clamped."""
    out = []
    for p in plots if isinstance(plots, list) else []:
        if not isinstance(p, dict):
            continue
        channels = [c for c in p.get("channels", []) if isinstance(c, str) and c]
        if not channels:
            continue
        try:
            height = float(p.get("height", 2.0))
        except (TypeError, ValueError):
            height = 2.0
        out.append({"channels": list(dict.fromkeys(channels)), "height": min(max(height, MIN_HEIGHT), MAX_HEIGHT)})
    return out


def add_plot(plots: list[dict], channels: list[str], at: int | None = None, height: float = 2.0) -> list[dict]:
    out = [dict(p) for p in plots]
    out.insert(len(out) if at is None else max(0, min(at, len(out))), {"channels": list(channels), "height": height})
    return out


def remove_plot(plots: list[dict], index: int) -> list[dict]:
    return [dict(p) for i, p in enumerate(plots) if i != index]


def move_plot(plots: list[dict], index: int, step: int) -> list[dict]:
    """Up (step -1) or down (+1); at an end it stays."""
    out = [dict(p) for p in plots]
    to = index + step
    if 0 <= index < len(out) and 0 <= to < len(out):
        out[index], out[to] = out[to], out[index]
    return out


def resize_plot(plots: list[dict], index: int, factor: float) -> list[dict]:
    out = [dict(p) for p in plots]
    if 0 <= index < len(out):
        out[index]["height"] = round(min(max(out[index]["height"] * factor, MIN_HEIGHT), MAX_HEIGHT), 2)
    return out


def set_channels(plots: list[dict], index: int, channels: list[str]) -> list[dict]:
    """A plot's channels; none left removes the plot."""
    if not channels:
        return remove_plot(plots, index)
    out = [dict(p) for p in plots]
    if 0 <= index < len(out):
        out[index]["channels"] = list(dict.fromkeys(channels))
    return out


def label_and_unit(name: str) -> tuple[str, str]:
    if name == DELTA:
        return "Δ time", "s"
    info = channel_info(name)
    return info.label, info.unit


def axis_title(channels: list[str]) -> str:
    """'Speed (km/h)', 'Throttle / Brake (%)', 'Tyre temperature FL inner (°C) / Fuel (l)'."""
    parts = [label_and_unit(c) for c in channels]
    units = {u for _, u in parts}
    if len(units) == 1:
        unit = units.pop()
        names = " / ".join(label for label, _ in parts)
        return f"{names} ({unit})" if unit else names
    return " / ".join(f"{label} ({unit})" if unit else label for label, unit in parts)


def default_channels() -> list[str]:
    """Every channel the default plots show, top to bottom."""
    return [c for p in DEFAULT_PLOTS for c in p["channels"]]
