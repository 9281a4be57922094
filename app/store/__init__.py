"""The local cache: a SQLite catalog and columnar lap files, all under the data directory."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.store.store import Store

__all__ = ["Store"]


def __getattr__(name: str):
    # Store pulls in SQLAlchemy and pyarrow; load it on first use so app.store.paths and the quick
    # read-only catalog stay cheap to import.
    if name == "Store":
        from app.store.store import Store

        return Store
    raise AttributeError(f"module 'app.store' has no attribute {name!r}")
