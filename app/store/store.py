"""Store: the catalog (SQLite through SQLAlchemy, or a shared server) and the lap files, kept consistent.

The embedded default: catalog.sqlite and the lap files in the data directory. A team archive: the catalog in
the database `PITWALL_CATALOG_URL` names (PostgreSQL), and with `PITWALL_ARCHIVE=s3` the files in the S3
bucket, read through a local LRU cache (app/store/remote.py, app/archive/). Callers see the same methods.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.domain.models import Channels, RaceStatus, SessionData
from app.errors import PitwallError, Progress, check, no_progress
from app.fileio import write_atomic
from app.store.dblocks import race_lock
from app.store.engine import catalog_url, error_reason, is_sqlite, make_engine, mask_url
from app.store.lapsink import LapSink
from app.store.migrations import migrate
from app.store.paths import DataPaths
from app.store.recovery import recover
from app.store.remote_setup import archive_files_for
from app.store.schema import Lap, Race, Result, utcnow

if TYPE_CHECKING:  # pyarrow loads only where a table is read or written: `pitwall races` stays quick
    import pyarrow as pa

    from app.archive.s3 import RemoteArchive
    from app.store.remote import ArchiveFiles

class CatalogUnavailable(PitwallError):
    """The catalog database could not be used (a server down or unreachable, a disk full)."""


BUSY = "This race is being processed by another Pitwall job or process; try again once it has finished."


class Store:
    def __init__(self, home: Path, catalog: str | None = None, archive: RemoteArchive | str | None = None) -> None:
        """`catalog`: an SQLAlchemy URL (default $PITWALL_CATALOG_URL, else the SQLite file in `home`).
        `archive`: a RemoteArchive, or "local"/"s3" (default $PITWALL_ARCHIVE, else local)."""
        from sqlalchemy.exc import SQLAlchemyError

        self.paths = DataPaths(Path(home))
        self.paths.ensure()
        self.catalog_url = catalog_url(self.paths, catalog)
        self.engine = make_engine(self.catalog_url)
        # Races locked across machines through the server (dblocks.py); an SQLite catalog uses lock files.
        self.shared = self.engine.dialect.name == "postgresql"
        try:
            with self.engine.begin() as conn:
                migrate(conn)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise PitwallError(f"Cannot open the catalog at {mask_url(self.catalog_url)}: "
                               f"{error_reason(exc)}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._locks: dict = {}  # races this store is writing: RaceLock (locks.py) or ServerLock (dblocks.py)
        self.archive_files: ArchiveFiles | None = archive_files_for(self.paths, archive)

    @property
    def location(self) -> str:
        """Where the catalog is, for messages (no password)."""
        return str(self.paths.catalog) if is_sqlite(self.catalog_url) else mask_url(self.catalog_url)

    def close(self) -> None:
        for held in self._locks.values():
            held.release()
        self._locks.clear()
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        from sqlalchemy.exc import OperationalError

        try:
            with self._sessions.begin() as s:
                yield s
        except OperationalError as exc:  # a server gone, a disk full: one line for the user, no SQL, no password
            raise CatalogUnavailable(f"The catalog at {self.location} failed: {error_reason(exc)}") from exc

    # ---- reading
    def races(self) -> list[Race]:
        with self.session() as s:
            return list(s.scalars(select(Race).order_by(Race.created_at.desc())))

    def lap_counts(self) -> dict[str, int]:
        """Laps per race, in one query (the browsers show it for every race)."""
        with self.session() as s:
            return dict(s.execute(select(Lap.race_id, func.count()).group_by(Lap.race_id)).all())

    def search_races(self, text: str, limit: int = 200) -> list[Race]:
        """Races whose name, track or car contains `text` (any case), newest first: one indexed-size query, so
        a catalog of a whole season answers as fast as a small one."""
        pattern = f"%{text.lower()}%"
        query = select(Race).where(func.lower(Race.name).like(pattern) | func.lower(Race.track).like(pattern)
                                   | func.lower(Race.car).like(pattern))
        with self.session() as s:
            return list(s.scalars(query.order_by(Race.created_at.desc()).limit(limit)))

    def catalog_stamp(self) -> tuple[int, str]:
        """(races, latest change) in one cheap query: poll it to notice what other machines wrote."""
        with self.session() as s:
            count, latest = s.execute(select(func.count(), func.max(Race.updated_at)).select_from(Race)).one()
        return int(count), str(latest or "")

    def race(self, race_id: str) -> Race | None:
        with self.session() as s:
            return s.get(Race, race_id)

    def laps(self, race_id: str) -> list[Lap]:
        with self.session() as s:
            return list(s.scalars(select(Lap).where(Lap.race_id == race_id).order_by(Lap.start_time)))

    def lap(self, lap_id: str) -> Lap | None:
        with self.session() as s:
            return s.scalars(select(Lap).options(selectinload(Lap.race)).where(Lap.id == lap_id)).first()

    def find_by_hash(self, content_hash: str) -> Race | None:
        with self.session() as s:
            return s.scalars(select(Race).where(Race.content_hash == content_hash)).first()

    def results(self, race_id: str) -> list[Result]:
        with self.session() as s:
            query = select(Result).where(Result.race_id == race_id)
            return list(s.scalars(query.order_by(Result.position.is_(None), Result.position)))

    def session_table(self, race_id: str, name: str) -> pa.Table | None:
        """A per-session table (F1 weather, race control, track status), None when the session has none."""
        import pyarrow.parquet as pq

        if self.archive_files is not None:
            found = self.archive_files.session_table(race_id, name)
            return pq.read_table(found) if found is not None else None
        path = self.paths.session_table(race_id, name)
        return pq.read_table(path) if path.is_file() else None

    def lap_channels(self, lap: Lap, columns: list[str] | None = None) -> Channels:
        from app.archive.layout import is_key
        from app.store.lapfiles import read_lap

        if not lap.path:
            return {}
        if is_key(lap.path):  # in the team archive: through the local cache
            if self.archive_files is None:
                raise PitwallError("This lap is in the team archive (S3): set PITWALL_ARCHIVE=s3 and the S3 "
                                   "settings to open it.")
            return read_lap(self.archive_files.read_path(lap.path), columns)
        return read_lap(self.paths.absolute(lap.path), columns)

    # ---- writing
    def begin_race(self, source: str, name: str, content_hash: str | None = None, **fields) -> Race:
        """A new race row in Processing, or the Failed one with the same content, reset for a retry.

        Takes the race's lock first (released when it is Ready or Failed): recovery in another process then
        knows it is being written. Raises PitwallError when someone else is writing the same race.
        """
        meta = json.dumps(fields.pop("meta", {}))
        for _attempt in range(2):
            known = self.find_by_hash(content_hash) if content_hash else None
            race_id = known.id if known is not None else str(uuid.uuid4())
            self._hold(race_id)
            try:
                with self.session() as s:
                    race = s.get(Race, race_id)
                    if race is None:
                        race = Race(id=race_id, source=source, content_hash=content_hash, created_at=utcnow())
                        s.add(race)
                    race.name = name
                    race.status = RaceStatus.PROCESSING
                    race.error = None
                    race.meta = meta
                    for key, value in fields.items():
                        setattr(race, key, value)
                    race.updated_at = utcnow()
                return race
            except IntegrityError:  # another process added the same content a moment ago: lock that one
                self._release(race_id)
            except BaseException:
                self._release(race_id)
                raise
        raise PitwallError(BUSY)

    def _hold(self, race_id: str) -> None:
        held = None if race_id in self._locks else race_lock(self, race_id, wait=True)
        if held is None:
            raise PitwallError(BUSY)
        self._locks[race_id] = held

    def try_race_lock(self, race_id: str):
        """The race's lock when nobody (no job here, no process anywhere) is writing it, else None."""
        return None if race_id in self._locks else race_lock(self, race_id, wait=False)

    def _release(self, race_id: str) -> None:
        held = self._locks.pop(race_id, None)
        if held is not None:
            held.release()

    def save_session_table(self, race_id: str, name: str, table: pa.Table) -> None:
        """Write a per-session table atomically; write these before `save_session` marks the race Ready."""
        import pyarrow.parquet as pq

        if self.archive_files is not None:
            self.archive_files.save_session_table(race_id, name, table)
            return
        path = self.paths.session_table(race_id, name)
        write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))

    def drop_session_tables(self, race_id: str) -> None:
        if self.archive_files is not None:
            self.archive_files.drop_session_tables(race_id)
        shutil.rmtree(self.paths.session_table(race_id, "x").parent, ignore_errors=True)

    def keep_raw(self, race_id: str, source: Path) -> str:
        """Keep the file as received, beside the cache (or in the team archive), so the race can be
        re-processed or synced."""
        if self.archive_files is not None:
            rel = self.archive_files.keep_raw(race_id, source)
        else:
            dest = self.paths.raw_file(race_id, source.suffix or ".bin")
            write_atomic(dest, lambda tmp: shutil.copyfile(source, tmp))
            rel = self.paths.relative(dest)
        with self.session() as s:
            race = s.get(Race, race_id)
            assert race is not None, race_id
            race.raw_path = rel
        return rel

    def update_race_meta(self, race_id: str, changes: dict) -> dict:
        """Merge `changes` into a race's meta in one transaction and return the result. On a catalog server
        the row is locked meanwhile, so two edits from different machines at once both land."""
        with self.session() as s:
            race = s.get(Race, race_id, with_for_update=True)
            if race is None:
                raise PitwallError(f"No race with id {race_id}")
            meta = {**json.loads(race.meta or "{}"), **changes}
            race.meta = json.dumps(meta, default=str)
            race.updated_at = utcnow()
        return meta

    def fail_race(self, race_id: str, reason: str) -> None:
        try:
            with self.session() as s:
                race = s.get(Race, race_id)
                if race is not None:
                    race.status = RaceStatus.FAILED
                    race.error = reason
                    race.updated_at = utcnow()
            if self.archive_files is not None:
                from app.store.shared_recovery import remove_uncommitted

                remove_uncommitted(self, race_id)  # objects uploaded before the failure
        finally:  # the catalog server gone too: it is Processing with its lock free, recovery marks it later
            self._release(race_id)

    def lap_sink(self, race_id: str) -> LapSink:
        """Lap files written as laps arrive (a streaming source); finish with `commit_laps`."""
        if self.archive_files is not None:
            self.archive_files.remote.warm_up()  # the S3 client is ready by the time the laps go up
        return LapSink(self.paths, race_id, dataset=self.archive_files is not None)

    def save_session(self, race_id: str, data: SessionData, progress: Progress = no_progress,
                     results: list[dict] | None = None) -> list[Lap]:
        """Write every lap file, then record laps (and results, when given) and Ready in one transaction.

        A lap without channels gets no file (path None, 0 samples). A crash before the commit leaves files
        that no catalog row points to; `recover` removes them.
        """
        sink = self.lap_sink(race_id)
        try:
            for lap in data.laps:
                sink.add(lap)
                check(progress, sink.written(), len(data.laps))
            sink.finish()
            check(progress, len(data.laps), len(data.laps))
        except BaseException:
            sink.abort()  # including any file a worker finished after the failure
            raise
        return self.commit_laps(race_id, sink, data, results)

    def commit_laps(self, race_id: str, sink: LapSink, data: SessionData,
                    results: list[dict] | None = None) -> list[Lap]:
        """After `sink.finish()`: the sink's laps, data's race fields and meta, and Ready, in one transaction.

        In the team archive the lap files are uploaded first and the race's catalog rows exported inside the
        transaction: the catalog says Ready only once every object exists.
        """
        files = self.archive_files
        uploaded: list = []
        try:
            if files is not None:
                uploaded = self.upload_laps(race_id, sink, data.track)
            with self.session() as s:
                race = s.get(Race, race_id, with_for_update=True)  # row-locked on a server: no lost update
                if race is None:  # forgotten (--force) while it was being written, here or elsewhere
                    raise PitwallError(f"Race {race_id} was removed while it was being processed.")
                if race.status != RaceStatus.PROCESSING:  # recovered elsewhere (this writer lost its lock)
                    raise PitwallError(f"Race {race_id} was marked {race.status} meanwhile ({race.error}); "
                                       "open the file again to retry.")
                for old in list(race.laps):
                    s.delete(old)  # a retry replaces what an earlier attempt left
                s.add_all(sink.rows)
                if results is not None:
                    s.execute(delete(Result).where(Result.race_id == race_id))
                    s.add_all(Result(race_id=race_id, **r) for r in results)
                race.track = data.track
                race.track_length = data.track_length
                race.car = data.car
                race.car_class = data.car_class
                race.meta = json.dumps({**json.loads(race.meta or "{}"), **data.meta}, default=str)
                race.status = RaceStatus.READY
                race.error = None
                race.updated_at = utcnow()
                if files is not None:
                    s.flush()
                    files.export_catalog(s.connection(), race_id)
        except BaseException:
            sink.abort()
            raise
        if files is not None:
            files.adopt(uploaded)
            from app.store.shared_recovery import remove_uncommitted

            remove_uncommitted(self, race_id)  # what an earlier attempt at this race left in the bucket
        self._remove_unlisted_files(race_id)
        self._release(race_id)
        return sink.rows

    def upload_laps(self, race_id: str, sink: LapSink, track: str | None) -> list:
        """Team archive, the first half of `commit_laps`: record where the race's objects go (so a recovery
        finds them if this process dies now), then upload the sink's files and point its rows at them."""
        assert self.archive_files is not None
        with self.session() as s:
            s.execute(update(Race).where(Race.id == race_id).values(track=track))
            source = s.scalar(select(Race.source).where(Race.id == race_id)) or "unknown"
        return self.archive_files.upload_laps(race_id, source, track, sink.rows)

    def delete_race(self, race_id: str) -> None:
        with self.session() as s:
            race = s.get(Race, race_id)
            if race is not None:
                where = (race.source, race.track)
                s.delete(race)
        if race is not None:
            self.delete_archived(race_id, *where)
        shutil.rmtree(self.paths.laps_dir / race_id, ignore_errors=True)
        shutil.rmtree(self.paths.raw_dir / race_id, ignore_errors=True)
        self.drop_session_tables(race_id)
        self._release(race_id)
        self.paths.race_lock(race_id).unlink(missing_ok=True)

    def archive_local_files(self, rels: list[str]) -> None:
        """Team archive: upload files written under the data directory (camera stills) to the bucket, at their
        relative path; call before committing the rows that list them. Nothing in local mode."""
        if self.archive_files is not None:
            self.archive_files.put_local(rels)

    def local_file(self, rel: str) -> Path:
        """A file of the data directory by its catalog path; in a team archive downloaded first if another
        machine wrote it."""
        return self.archive_files.materialize(rel) if self.archive_files is not None else self.paths.absolute(rel)

    def unarchive_local_files(self, rels: list[str]) -> None:
        if self.archive_files is not None:
            self.archive_files.remote.delete(rels)

    def delete_archived(self, race_id: str, source: str, track: str | None) -> None:
        """The race's objects in the team archive (after its rows are gone); nothing in local mode."""
        if self.archive_files is not None:
            self.archive_files.delete_race(race_id, source, track)

    def recover(self) -> int:
        """After a crash: races left Processing become Failed (retryable) and stray lap files go.

        Safe while other processes ingest (see app/store/recovery.py, shared_recovery.py for a shared
        catalog). Returns how many races were marked.
        """
        from app.store import shared_recovery

        if self.shared:
            return shared_recovery.recover_shared(self)
        if self.archive_files is None:
            return recover(self.paths.home, writing=set(self._locks))
        return shared_recovery.recover_local_with_archive(self, lambda: recover(self.paths.home, set(self._locks)))

    def _remove_unlisted_files(self, race_id: str) -> None:
        folder = self.paths.laps_dir / race_id
        if not folder.is_dir():
            return
        with self.session() as s:
            listed = set(s.scalars(select(Lap.path).where(Lap.race_id == race_id)))
        for path in folder.iterdir():
            if self.paths.relative(path) not in listed:
                path.unlink(missing_ok=True)

