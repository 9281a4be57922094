"""A team's season in the catalog: 10,000 sessions x 30 laps on a real PostgreSQL server against the same on
SQLite, both measured in this run. Listing (the browser: every race and its lap count), searching (races by
name/track/car) and opening (a session's laps, then one lap's samples) must stay interactive.

Prints p95 times per operation and engine; the last line is one JSON object: value = PostgreSQL's worst p95
(ms), baseline = SQLite's for the same operation, ratio = value / baseline, target: every p95 under 250 ms
(interactive) with a live server on this machine. `--sessions N` for a smaller run.
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import report  # noqa: E402

from app.store import Store  # noqa: E402
from app.store.lapfiles import write_lap  # noqa: E402
from app.store.schema import Lap, Race  # noqa: E402
from tests.servers.postgres import Postgres  # noqa: E402

TARGET_MS = 250.0
TRACKS = ["Monza", "Spa-Francorchamps", "Silverstone", "Interlagos", "Suzuka", "Montreal", "Imola", "Zandvoort"]
CARS = ["Formula Ultimate", "GT3 Porsche", "GT3 Ferrari", "Stock Car", "F-Reiza", "LMDh"]


def fill(store: Store, sessions: int, laps: int, files: list[str]) -> list[str]:
    """Insert a season's races and laps in bulk; laps point at a few real lap files (open reads one)."""
    rng = random.Random(1)
    start = datetime(2026, 3, 1)
    race_ids = []
    with store.engine.begin() as conn:
        for chunk in range(0, sessions, 1000):
            races, lap_rows = [], []
            for i in range(chunk, min(chunk + 1000, sessions)):
                race_id = str(uuid.uuid4())
                race_ids.append(race_id)
                when = start + timedelta(minutes=17 * i)
                track, car = rng.choice(TRACKS), rng.choice(CARS)
                races.append(dict(id=race_id, source="ams2", name=f"{track} session {i}", track=track,
                                  track_length=5000.0, car=car, car_class="", status="Ready", error=None,
                                  raw_path=None, content_hash=uuid.uuid4().hex * 2, meta="{}", created_at=when,
                                  updated_at=when))
                for n in range(laps):
                    lap_rows.append(dict(id=str(uuid.uuid4()), race_id=race_id, number=n + 1, driver=None,
                                         team=None, team_color=None, lap_time=80 + rng.random() * 5,
                                         sector1=None, sector2=None, sector3=None, flags="", sample_count=1500,
                                         start_time=85.0 * n, path=files[n % len(files)], meta="{}"))
            conn.execute(Race.__table__.insert(), races)
            conn.execute(Lap.__table__.insert(), lap_rows)
    # Statistics and the visibility map, as a server's autovacuum (or SQLite's ANALYZE) keeps them after a
    # season of inserts; without them PostgreSQL scans the heap instead of the race_id index.
    vacuum = "VACUUM ANALYZE" if store.engine.dialect.name == "postgresql" else "ANALYZE"
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(vacuum)
    return race_ids


def p95(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.percentile(times, 95) * 1000)


def measure(store: Store, race_ids: list[str], runs: int) -> dict[str, float]:
    rng = random.Random(2)
    terms = ["monza", "gt3", "session 77", "interlagos", "stock"]

    def listing():
        store.races()
        store.lap_counts()

    def search():
        store.search_races(rng.choice(terms))

    def open_session():
        laps = store.laps(rng.choice(race_ids))
        store.lap_channels(laps[len(laps) // 2])

    return {"list": p95(listing, max(runs // 4, 5)), "search": p95(search, runs), "open": p95(open_session, runs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--laps", type=int, default=30)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pitwall-bench-team-"))
    pg = Postgres().start()
    try:
        results = {}
        for engine in ("sqlite", "postgresql"):
            home = tmp / engine
            store = Store(home, catalog=pg.url() if engine == "postgresql" else None, archive="local")
            rng = np.random.default_rng(3)
            files = []
            for k in range(3):
                path = home / "laps" / "bench" / f"lap{k}.parquet"
                write_lap(path, {"time": np.linspace(0, 85, 1500), "distance": np.linspace(0, 5000, 1500),
                                 "speed": rng.uniform(60, 320, 1500), "throttle": rng.uniform(0, 100, 1500)})
                files.append(store.paths.relative(path))
            t0 = time.perf_counter()
            race_ids = fill(store, args.sessions, args.laps, files)
            print(f"{engine}: {args.sessions} sessions x {args.laps} laps inserted in "
                  f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
            results[engine] = measure(store, race_ids, args.runs)
            store.close()
        for op in ("list", "search", "open"):
            pg_ms, lite_ms = results["postgresql"][op], results["sqlite"][op]
            print(f"{op:7s} p95: PostgreSQL {pg_ms:7.1f} ms   SQLite {lite_ms:7.1f} ms")
    finally:
        pg.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    worst = max(results["postgresql"], key=lambda op: results["postgresql"][op])
    value, baseline = results["postgresql"][worst], results["sqlite"][worst]
    report("team_archive_p95_ms", value, baseline, value / baseline, f"every p95 < {TARGET_MS:.0f} ms",
           all(v < TARGET_MS for r in results.values() for v in r.values()), worst_operation=worst,
           sessions=args.sessions, laps_per_session=args.laps,
           **{f"{e}_{op}_p95_ms": round(v, 1) for e, r in results.items() for op, v in r.items()})


if __name__ == "__main__":
    main()
