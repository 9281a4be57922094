"""Which database holds the catalog, and an SQLAlchemy engine for it.

The default is the SQLite file in the data directory. `PITWALL_CATALOG_URL` (any SQLAlchemy URL, e.g.
`postgresql+psycopg://user:pass@host/db`) puts it in a shared server instead, so a team works on one catalog.
The URL may hold a password: show it only through `mask_url`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.home import env_setting
from app.store.paths import DataPaths

if TYPE_CHECKING:
    from sqlalchemy import Engine

_PASSWORD = re.compile(r"(?P<head>^[a-z0-9+]+://[^:/@]*:)(?P<secret>[^@]*)(?P<tail>@)", re.IGNORECASE)


def catalog_url(paths: DataPaths, override: str | None = None) -> str:
    """`override`, else $PITWALL_CATALOG_URL, else the SQLite file in the data directory."""
    url = (override or env_setting("catalog_url") or "").strip()
    return url or f"sqlite:///{paths.catalog}"


def is_sqlite(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0].lower() == "sqlite"


def mask_url(url: str) -> str:
    """The URL with its password replaced by ***, for messages, logs and the settings dialog."""
    return _PASSWORD.sub(lambda m: f"{m['head']}***{m['tail']}", url)


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from app.errors import PitwallError

    try:
        if is_sqlite(url):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        # A shared server: check connections before use (a restarted server leaves dead ones in the pool),
        # and keep the pool modest: every Pitwall process of the team holds one.
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise PitwallError(f"Cannot use the catalog URL {mask_url(url)}: {exc}") from None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
