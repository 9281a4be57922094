"""Store: the catalog (SQLite through SQLAlchemy) and the lap files, kept consistent with each other."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.domain.models import Channels, RaceStatus, SessionData
from app.errors import PitwallError, Progress, check, no_progress
from app.fileio import write_atomic
from app.store.lapsink import LapSink
from app.store.locks import RaceLock, lock
from app.store.migrations import migrate
from app.store.paths import DataPaths
from app.store.recovery import recover
from app.store.schema import Lap, Race, Result, utcnow

if TYPE_CHECKING:  # pyarrow loads only where a table is read or written: `pitwall races` stays quick
    import pyarrow as pa

BUSY = "This race is being processed by another Pitwall job or process; try again once it has finished."


class Store:
    def __init__(self, home: Path) -> None:
        self.paths = DataPaths(Path(home))
        self.paths.ensure()
        self.engine = create_engine(
            f"sqlite:///{self.paths.catalog}", connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        with self.engine.begin() as conn:
            migrate(conn)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._locks: dict[str, RaceLock] = {}  # races this store is writing (see app/store/locks.py)

    def close(self) -> None:
        for held in self._locks.values():
            held.release()
        self._locks.clear()
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # ---- reading
    def races(self) -> list[Race]:
        with self.session() as s:
            return list(s.scalars(select(Race).order_by(Race.created_at.desc())))

    def lap_counts(self) -> dict[str, int]:
        """Laps per race, in one query (the browsers show it for every race)."""
        with self.session() as s:
            return dict(s.execute(select(Lap.race_id, func.count()).group_by(Lap.race_id)).all())

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

        path = self.paths.session_table(race_id, name)
        return pq.read_table(path) if path.is_file() else None

    def lap_channels(self, lap: Lap, columns: list[str] | None = None) -> Channels:
        from app.store.lapfiles import read_lap

        if not lap.path:
            return {}
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
        held = None if race_id in self._locks else lock(self.paths.race_lock(race_id))
        if held is None:
            raise PitwallError(BUSY)
        self._locks[race_id] = held

    def _release(self, race_id: str) -> None:
        held = self._locks.pop(race_id, None)
        if held is not None:
            held.release()

    def save_session_table(self, race_id: str, name: str, table: pa.Table) -> None:
        """Write a per-session table atomically; write these before `save_session` marks the race Ready."""
        import pyarrow.parquet as pq

        path = self.paths.session_table(race_id, name)
        write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))

    def drop_session_tables(self, race_id: str) -> None:
        shutil.rmtree(self.paths.session_table(race_id, "x").parent, ignore_errors=True)

    def keep_raw(self, race_id: str, source: Path) -> str:
        """Keep the file as received, beside the cache, so the race can be re-processed or synced."""
        dest = self.paths.raw_file(race_id, source.suffix or ".bin")
        write_atomic(dest, lambda tmp: shutil.copyfile(source, tmp))
        rel = self.paths.relative(dest)
        with self.session() as s:
            race = s.get(Race, race_id)
            assert race is not None, race_id
            race.raw_path = rel
        return rel

    def fail_race(self, race_id: str, reason: str) -> None:
        with self.session() as s:
            race = s.get(Race, race_id)
            if race is not None:
                race.status = RaceStatus.FAILED
                race.error = reason
                race.updated_at = utcnow()
        self._release(race_id)

    def lap_sink(self, race_id: str) -> LapSink:
        """Lap files written as laps arrive (a streaming source); finish with `commit_laps`."""
        return LapSink(self.paths, race_id)

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
        """After `sink.finish()`: the sink's laps, data's race fields and meta, and Ready, in one transaction."""
        try:
            with self.session() as s:
                race = s.get(Race, race_id)
                assert race is not None, race_id
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
        except BaseException:
            sink.abort()
            raise
        self._remove_unlisted_files(race_id)
        self._release(race_id)
        return sink.rows

    def delete_race(self, race_id: str) -> None:
        with self.session() as s:
            race = s.get(Race, race_id)
            if race is not None:
                s.delete(race)
        shutil.rmtree(self.paths.laps_dir / race_id, ignore_errors=True)
        shutil.rmtree(self.paths.raw_dir / race_id, ignore_errors=True)
        self.drop_session_tables(race_id)
        self._release(race_id)
        self.paths.race_lock(race_id).unlink(missing_ok=True)

    def recover(self) -> int:
        """After a crash: races left Processing become Failed (retryable) and stray lap files go.

        Safe while other processes ingest (see app/store/recovery.py). Returns how many races were marked.
        """
        return recover(self.paths.home, writing=set(self._locks))

    def _remove_unlisted_files(self, race_id: str) -> None:
        folder = self.paths.laps_dir / race_id
        if not folder.is_dir():
            return
        with self.session() as s:
            listed = set(s.scalars(select(Lap.path).where(Lap.race_id == race_id)))
        for path in folder.iterdir():
            if self.paths.relative(path) not in listed:
                path.unlink(missing_ok=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
