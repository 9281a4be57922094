"""The store's files in the team archive (PITWALL_ARCHIVE=s3): what Store does with a file, done with objects.

Lap files are written locally first (the lap sink), uploaded when the race is committed, then moved into the
local cache, so the machine that ingested a race reads it without downloading it. The catalog rows of a race
are exported beside its samples inside the committing transaction: if an upload fails, nothing is committed.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from app.archive import layout
from app.store.paths import DataPaths
from app.store.schema import Base, Lap

if TYPE_CHECKING:
    import pyarrow as pa

    from app.archive.s3 import RemoteArchive

log = logging.getLogger(__name__)


class ArchiveFiles:
    def __init__(self, remote: RemoteArchive | Callable[[], RemoteArchive], paths: DataPaths,
                 url: str | None = None) -> None:
        """`remote`, or a function making it on first use (boto3 loads then: a listing needs no bucket);
        `url`: the archive's s3:// URL, known without it."""
        self._remote, self.paths, self._url = remote, paths, url
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """s3://bucket/prefix/ of the archive (for the settings dialog: no boto3 on the GUI thread)."""
        return self._url if self._url is not None and callable(self._remote) else self.remote.url()

    @property
    def remote(self) -> RemoteArchive:
        with self._lock:  # lap workers may be first at once: one client, one cache
            if callable(self._remote):
                self._remote = self._remote()
            return self._remote

    # ---- laps
    def upload_laps(self, race_id: str, source: str, track: str | None, rows: list[Lap]) -> list[tuple[str, Path]]:
        """Upload every lap file the rows point at and point the rows at their keys; returns (key, local file)
        pairs, to move into the cache with `adopt` once the catalog has committed."""
        files: list[tuple[str, Path]] = []
        for row in rows:
            if row.path and not layout.is_key(row.path):
                key = layout.sample_key(source, track, race_id, row.id)
                files.append((key, self.paths.absolute(row.path)))
                row.path = key
        self.remote.put_many(files)
        return files

    def adopt(self, files: list[tuple[str, Path]]) -> None:
        for key, path in files:
            if path.is_file():
                self.remote.cache.adopt(key, path)

    def read_path(self, key: str) -> Path:
        return self.remote.fetch(key)

    # ---- the catalog beside the samples
    def export_catalog(self, conn: Connection, race_id: str) -> None:
        """The race's rows of races, laps and results as Parquet, one object per table (inside the transaction
        that commits them, so the export is there when the catalog says Ready)."""
        for name in layout.CATALOG_TABLES:
            table = Base.metadata.tables[name]
            link = table.c.id if name == "races" else table.c.race_id
            result = conn.execute(select(*table.c).where(link == race_id))
            self.remote.put_bytes(layout.catalog_key(name, race_id), _parquet(table, result.fetchall()))

    # ---- raw files and session tables
    def keep_raw(self, race_id: str, source: Path) -> str:
        key = layout.raw_key(race_id, source.suffix or ".bin")
        self.remote.put_file(key, source)
        return key

    def save_session_table(self, race_id: str, name: str, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        key = layout.session_table_key(race_id, name)
        staged = self.paths.session_table(race_id, name)
        staged.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, staged, compression="zstd")
        self.remote.put_file(key, staged)
        self.remote.cache.adopt(key, staged)

    def session_table(self, race_id: str, name: str) -> Path | None:
        return self.remote.fetch_optional(layout.session_table_key(race_id, name))

    def drop_session_tables(self, race_id: str) -> None:
        self.remote.delete_prefix(f"{layout.race_prefix(race_id)}sessions/")

    # ---- files kept in the data directory too (camera stills): the key is their relative path
    def put_local(self, rels: list[str]) -> None:
        self.remote.put_many([(rel, self.paths.absolute(rel)) for rel in rels])

    def materialize(self, rel: str) -> Path:
        """The file at its place in the data directory, downloaded first when another machine wrote it (when
        the bucket lacks it too, the path of the missing file: the caller sees it missing, as locally)."""
        from app.archive.s3 import ObjectMissing

        path = self.paths.absolute(rel)
        if not path.is_file():
            try:
                self.remote.download_to(rel, path)
            except ObjectMissing:
                pass
        return path

    # ---- removing
    def remove_unlisted(self, race_id: str, source: str, track: str | None, listed: set[str],
                        keep_catalog: bool) -> int:
        """Remove sample objects of the race that no lap row lists (an earlier attempt, a crashed ingest),
        and its catalog export unless `keep_catalog`. Returns how many objects went."""
        stray = [k for k in self.remote.keys(layout.samples_prefix(source, track, race_id)) if k not in listed]
        if not keep_catalog:
            stray += [layout.catalog_key(t, race_id) for t in layout.CATALOG_TABLES]
        if stray:
            self.remote.delete(stray)
        return len(stray)

    def delete_race(self, race_id: str, source: str, track: str | None) -> None:
        keys = self.remote.keys(layout.samples_prefix(source, track, race_id))
        keys += self.remote.keys(layout.race_prefix(race_id))
        keys += [layout.catalog_key(t, race_id) for t in layout.CATALOG_TABLES]
        self.remote.delete(keys)


def _parquet(table, rows) -> bytes:
    """Catalog rows as a Parquet file with the same schema for every race (types from the ORM schema)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(column):
        kind = type(column.type).__name__.lower()
        if "int" in kind:
            return pa.int64()
        if "float" in kind or "numeric" in kind:
            return pa.float64()
        if "bool" in kind:
            return pa.bool_()
        if "date" in kind or "time" in kind:
            return pa.timestamp("us")
        return pa.string()

    arrays = {c.name: pa.array([row[i] for row in rows], arrow_type(c)) for i, c in enumerate(table.c)}
    out = io.BytesIO()
    pq.write_table(pa.table(arrays), out, compression="zstd")
    return out.getvalue()
