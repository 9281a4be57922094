"""The local cache: a SQLite catalog and columnar lap files, all under the data directory."""

from app.store.store import Store

__all__ = ["Store"]
