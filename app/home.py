"""The data directory and the few settings a command needs before it knows whether it needs the rest.

`app.config.Settings` (pydantic-settings) costs ~0.2 s to import, more than `pitwall races` takes to answer, so
the quick paths read these here, the same way Settings reads them: environment prefix PITWALL_, any case.
Settings takes its defaults from this module, so the two cannot drift apart.
"""

import os
from pathlib import Path

from platformdirs import user_data_dir

from app.errors import PitwallError

ENV_PREFIX = "PITWALL_"
DEFAULT_F1_FRAME_SKIP = 1


def env_setting(name: str) -> str | None:
    """The raw environment value of setting `name` (e.g. "home" → $PITWALL_HOME), None when unset."""
    wanted = (ENV_PREFIX + name).casefold()
    for key, value in os.environ.items():
        if key.casefold() == wanted:
            return value
    return None


def default_home() -> Path:
    return Path(user_data_dir("pitwall", appauthor=False))


def check_home(home: Path) -> Path:
    """Refuse a data directory that is (or sits under) a regular file, with a message instead of a traceback."""
    probe = home
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        what = "is a file" if probe == home else f"is under {probe}, which is a file"
        raise PitwallError(f"The data directory {home} {what}; choose a folder with --home or PITWALL_HOME.")
    return home


def resolve_home(override: str | Path | None = None) -> Path:
    """The data directory: `override` (--home), else $PITWALL_HOME, else the per-user data folder."""
    raw = override if override else env_setting("home")
    home = Path(raw) if raw is not None else default_home()
    return check_home(home.expanduser().resolve())
