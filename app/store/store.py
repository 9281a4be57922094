"""Store: the catalog (SQLite through SQLAlchemy) and the lap files, kept consistent with each other."""

import json
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.domain.models import Channels, LapData, RaceStatus, SessionData
from app.errors import Progress, check, no_progress
from app.store.lapfiles import read_lap, write_lap
from app.store.migrations import migrate
from app.store.paths import DataPaths
from app.store.schema import Lap, Race, utcnow

WRITE_THREADS = 4
INTERRUPTED = "Interrupted before it finished (Pitwall was closed or crashed); open the file again to retry."


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

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # ---- reading
    def races(self) -> list[Race]:
        with self.session() as s:
            return list(s.scalars(select(Race).order_by(Race.created_at.desc())))

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

    def lap_channels(self, lap: Lap, columns: list[str] | None = None) -> Channels:
        if not lap.path:
            return {}
        return read_lap(self.paths.absolute(lap.path), columns)

    # ---- writing
    def begin_race(self, source: str, name: str, content_hash: str | None = None, **fields) -> Race:
        """A new race row in Processing, or the Failed one with the same content, reset for a retry."""
        with self.session() as s:
            race = s.scalars(select(Race).where(Race.content_hash == content_hash)).first() if content_hash else None
            if race is None:
                race = Race(id=str(uuid.uuid4()), source=source, content_hash=content_hash, created_at=utcnow())
                s.add(race)
            race.name = name
            race.status = RaceStatus.PROCESSING
            race.error = None
            race.meta = json.dumps(fields.pop("meta", {}))
            for key, value in fields.items():
                setattr(race, key, value)
            race.updated_at = utcnow()
        return race

    def keep_raw(self, race_id: str, source: Path) -> str:
        """Keep the file as received, beside the cache, so the race can be re-processed or synced."""
        dest = self.paths.raw_file(race_id, source.suffix or ".bin")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".part")
        shutil.copyfile(source, tmp)
        tmp.replace(dest)
        rel = self.paths.relative(dest)
        with self.session() as s:
            s.get(Race, race_id).raw_path = rel
        return rel

    def fail_race(self, race_id: str, reason: str) -> None:
        with self.session() as s:
            race = s.get(Race, race_id)
            if race is not None:
                race.status = RaceStatus.FAILED
                race.error = reason
                race.updated_at = utcnow()

    def save_session(self, race_id: str, data: SessionData, progress: Progress = no_progress) -> list[Lap]:
        """Write every lap file, then record laps and Ready in one transaction.

        A crash before the commit leaves files that no catalog row points to; `recover` removes them.
        """
        rows: list[Lap] = []
        pending: list[tuple[Path, LapData]] = []
        for lap in data.laps:
            lap_id = str(uuid.uuid4())
            path = self.paths.lap_file(race_id, lap_id) if lap.channels else None
            if path is not None:
                pending.append((path, lap))
            s1, s2, s3 = lap.sectors
            rows.append(Lap(
                id=lap_id, race_id=race_id, number=lap.number, driver=lap.driver, team=lap.team,
                team_color=lap.team_color, lap_time=lap.lap_time, sector1=s1, sector2=s2, sector3=s3,
                flags=",".join(lap.flags), sample_count=lap.sample_count, start_time=lap.start_time,
                path=self.paths.relative(path) if path else None, meta=json.dumps(lap.extra, default=str),
            ))
        try:
            # Parquet encoding releases the GIL: write laps on a few threads.
            with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
                futures = [pool.submit(write_lap, path, lap.channels) for path, lap in pending]
                for i, future in enumerate(futures):
                    try:
                        future.result()
                        check(progress, i + 1, len(pending))
                    except BaseException:
                        for f in futures:
                            f.cancel()
                        raise
            check(progress, len(pending), len(pending))
            with self.session() as s:
                race = s.get(Race, race_id)
                for old in list(race.laps):
                    s.delete(old)  # a retry replaces what an earlier attempt left
                s.add_all(rows)
                race.track = data.track
                race.track_length = data.track_length
                race.car = data.car
                race.car_class = data.car_class
                race.meta = json.dumps({**json.loads(race.meta or "{}"), **data.meta}, default=str)
                race.status = RaceStatus.READY
                race.error = None
                race.updated_at = utcnow()
        except BaseException:
            for path, _ in pending:  # including any a worker finished after the failure
                path.unlink(missing_ok=True)
            raise
        self._remove_unlisted_files(race_id)
        return rows

    def delete_race(self, race_id: str) -> None:
        with self.session() as s:
            race = s.get(Race, race_id)
            if race is not None:
                s.delete(race)
        shutil.rmtree(self.paths.laps_dir / race_id, ignore_errors=True)
        shutil.rmtree(self.paths.raw_dir / race_id, ignore_errors=True)
        shutil.rmtree(self.paths.session_table(race_id, "x").parent, ignore_errors=True)

    def recover(self) -> int:
        """After a crash: races left Processing become Failed (retryable) and stray lap files go.

        Call once at start-up, before any job runs. Returns how many races were marked.
        """
        with self.session() as s:
            stale = list(s.scalars(select(Race).where(Race.status == RaceStatus.PROCESSING)))
            for race in stale:
                race.status = RaceStatus.FAILED
                race.error = INTERRUPTED
        for folder in self.paths.laps_dir.glob("*"):
            if folder.is_dir():
                self._remove_unlisted_files(folder.name)
        return len(stale)

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
