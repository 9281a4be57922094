"""The window's remembered state (layout, recent files) as a small versioned JSON file in the data directory."""

import json
import logging
from pathlib import Path

from app.fileio import write_atomic

log = logging.getLogger(__name__)
VERSION = 1
MAX_RECENT = 10


def load_ui_state(path: Path) -> dict:
    """The saved state, or {} when there is none or it cannot be read (a bad file must not stop the app)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable window state %s: %s", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    return data


def save_ui_state(path: Path, data: dict) -> None:
    text = json.dumps({**data, "version": VERSION}, indent=1)
    write_atomic(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def add_recent(recent: list[str], path: str) -> list[str]:
    """Most recent first, no duplicates, at most MAX_RECENT."""
    return [path, *[p for p in recent if p != path]][:MAX_RECENT]
