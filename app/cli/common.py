"""What every command shares: settings, the store, JSON output, a progress bar on stderr.

Registering the commands must stay cheap (`pitwall --help` should answer at once): command modules import
only this module and the standard library at the top, and the rest inside the command that needs it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import Progress

if TYPE_CHECKING:
    from app.config import Settings
    from app.store import Store
    from app.store.catalog_read import CatalogReader


def settings_from(args) -> Settings:
    from app.config import load_settings
    from app.services.sync.saved import with_saved

    overrides = {"home": args.home} if getattr(args, "home", None) else {}
    return with_saved(load_settings(**overrides))  # S3 settings saved from the GUI, where the env sets none


def home_from(args) -> Path:
    """The data directory without loading all the settings (for the quick read-only commands)."""
    from app.home import resolve_home

    return resolve_home(getattr(args, "home", None))


def open_store(args) -> Store:
    from app.store import Store

    store = Store(home_from(args))  # the home is all a Store needs; settings_from also loads the S3 settings
    store.recover()  # races a crashed ingest left Processing become Failed; ingests running elsewhere are kept
    return store


def open_reader(args) -> CatalogReader | Store:
    """A read-only catalog for listings: quick sqlite3 when the catalog is current, else the Store."""
    from app.store.catalog_read import open_catalog
    from app.store.recovery import recover

    home = home_from(args)
    recover(home)  # sqlite3 only, like the reader: listings show an interrupted ingest as Failed
    return open_catalog(home)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def stderr_progress(label: str) -> Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal, so logs stay clean)."""
    last = [0.0]
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> bool:
        now = time.monotonic()
        if tty and (now - last[0] > 0.1 or done >= total):
            last[0] = now
            pct = 100 * done // max(total, 1)
            bar = "#" * (pct // 4)
            sys.stderr.write(f"\r{label} [{bar:<25}] {pct:3d}%")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        return True

    return progress


def table(rows: list[list[Any]], headers: list[str]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)
