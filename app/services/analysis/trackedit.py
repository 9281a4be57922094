"""The user's edits to a track model's corners: rename, merge, split, move. Each returns a new model."""

from dataclasses import replace

from app.domain.track import Corner, TrackModel
from app.errors import PitwallError


def _index(model: TrackModel, name: str) -> int:
    for i, c in enumerate(model.corners):
        if c.name.lower() == name.lower():
            return i
    raise PitwallError(f"No corner {name!r} at {model.track}; corners: {', '.join(c.name for c in model.corners)}.")


def _edited(model: TrackModel, corners: list[Corner]) -> TrackModel:
    return replace(model, corners=sorted(corners, key=lambda c: c.apex), edited=True)


def rename(model: TrackModel, name: str, new_name: str) -> TrackModel:
    if not new_name.strip():
        raise PitwallError("A corner needs a name.")
    corners = list(model.corners)
    i = _index(model, name)
    corners[i] = replace(corners[i], name=new_name.strip())
    return _edited(model, corners)


def merge(model: TrackModel, first: str, second: str) -> TrackModel:
    """Two corners become one (a chicane, a complex), keeping the first one's name and the slower apex."""
    i, j = sorted((_index(model, first), _index(model, second)))
    a, b = model.corners[i], model.corners[j]
    merged = Corner(a.name, min(a.start, b.start), a.apex, max(a.end, b.end))
    corners = [c for k, c in enumerate(model.corners) if k not in (i, j)] + [merged]
    return _edited(model, corners)


def split(model: TrackModel, name: str, at: float) -> TrackModel:
    """One corner becomes two at distance `at`: "T5" and "T5b"."""
    i = _index(model, name)
    c = model.corners[i]
    if not c.start < at < c.end:
        raise PitwallError(f"{c.name} runs from {c.start:.0f} to {c.end:.0f} m: split it inside that range.")
    first = Corner(c.name, c.start, min(c.apex, (c.start + at) / 2) if c.apex >= at else c.apex, at)
    second = Corner(f"{c.name}b", at, c.apex if c.apex > at else (at + c.end) / 2, c.end)
    return _edited(model, [*model.corners[:i], first, second, *model.corners[i + 1:]])


def move(model: TrackModel, name: str, start: float | None = None, apex: float | None = None,
         end: float | None = None) -> TrackModel:
    i = _index(model, name)
    c = model.corners[i]
    moved = Corner(c.name, c.start if start is None else start, c.apex if apex is None else apex,
                   c.end if end is None else end)
    if not 0 <= moved.start <= moved.apex <= moved.end <= model.length:
        raise PitwallError(f"{c.name}: start ≤ apex ≤ end must hold within the lap (0–{model.length:.0f} m).")
    corners = list(model.corners)
    corners[i] = moved
    return _edited(model, corners)
