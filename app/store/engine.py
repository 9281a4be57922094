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

CONNECT_TIMEOUT_S = 10  # an unreachable server answers with an error, not a hang
# scheme://user:PASSWORD@host... anywhere in a text; the password runs to the last "@" before the path.
_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<secret>[^/\s]*)(?P<tail>@)", re.IGNORECASE)


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
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if url.lower().startswith("postgresql") else {}
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True,
                             connect_args=connect_args)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise PitwallError(f"Cannot use the catalog URL {mask_url(url)}: {exc}") from None


def error_reason(exc: BaseException) -> str:
    """The driver's first line, without the SQL or parameters SQLAlchemy appends, and no password."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return mask_url(text[0]) if text else type(exc).__name__


def with_password(url: str, password: str | None) -> str:
    """The URL with `password` put in (the settings dialog keeps the password in a field of its own)."""
    if not password:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def without_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        return parsed._replace(password=None).render_as_string(hide_password=False)  # set() ignores a None
    except ArgumentError:
        return mask_url(url)


def check_catalog(url: str) -> tuple[str, str]:
    """The Team archive section's Test connection for the catalog: (verdict, one line), never raises.
    Verdicts: ok, credentials, database (no such database), unreachable, config (a bad URL) or error."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.errors import PitwallError
    from app.store.migrations import LATEST, current_version

    where = mask_url(url)
    try:
        engine = make_engine(url)
    except PitwallError as exc:
        return "config", str(exc)
    try:
        with engine.connect() as conn:
            version = current_version(conn)
            races = int(conn.exec_driver_sql("SELECT count(*) FROM races").scalar() or 0) if version else 0
            name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(conn.dialect.name, conn.dialect.name)
    except SQLAlchemyError as exc:
        text = error_reason(exc)
        low = text.lower()
        if "password" in low or "authentication" in low:
            return "credentials", f"The catalog server at {where} refused the user or password: {text}"
        if "database" in low and "does not exist" in low:
            return "database", f"No such database at {where}: {text}"
        if any(w in low for w in ("refused", "could not connect", "timeout", "timed out", "resolve", "no route")):
            return "unreachable", f"Cannot reach the catalog server at {where}: {text}"
        return "error", f"The catalog at {where} failed: {text}"
    finally:
        engine.dispose()
    if version > LATEST:
        return "error", f"The catalog at {where} was written by a newer Pitwall (schema {version})."
    at = _server(url)
    if version == 0:
        return "ok", f"Connected to {name}{at}: an empty database; Pitwall creates its tables when it starts."
    return "ok", f"Connected to {name}{at}: schema {version}, {races} race{'' if races == 1 else 's'}."


def _server(url: str) -> str:
    """ " at HOST:PORT, database NAME" (words, so a message wraps), or "" for a file."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.host:
        return ""
    return f" at {parsed.host}{':' + str(parsed.port) if parsed.port else ''}, database {parsed.database}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
