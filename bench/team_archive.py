"""A team's season in the catalog: 10,000 sessions x 30 laps on a real PostgreSQL server against the same on
SQLite, both measured in this run. Listing (the browser: every race and its lap count), searching (races by
name/track/car) and opening (a session's laps, then one lap's samples) must stay interactive.

The engines are measured turn about, run by run, so the machine's other load falls on both alike. Prints p95
times per operation and engine; the last line is one JSON object for the operation where PostgreSQL fares worst
against SQLite: value = its PostgreSQL p95 (ms), baseline = SQLite's, ratio = value / baseline, target ratio
<= 2; `interactive` says whether every p95 stayed under half a second. Listing is dominated by building 10,000
race objects, the same work on both engines. `--sessions N` for a smaller run.
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

TARGET_RATIO = 2.0  # a shared server over a socket, against a file in the same process
INTERACTIVE_MS = 500.0  # every p95 under half a second on this (shared, two-core) machine
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


def operations(store: Store, race_ids: list[str], seed: int) -> dict:
    rng = random.Random(seed)  # the same sequence of races and terms on both engines
    terms = ["monza", "gt3", "session 77", "interlagos", "stock"]

    def listing():
        store.races()
        store.lap_counts()

    def search():
        store.search_races(rng.choice(terms))

    def open_session():
        laps = store.laps(rng.choice(race_ids))
        store.lap_channels(laps[len(laps) // 2])

    return {"list": listing, "search": search, "open": open_session}


def measure(stores: dict[str, tuple[Store, list[str]]], runs: int) -> dict[str, dict[str, float]]:
    """p95 per engine and operation, the engines interleaved run by run."""
    ops = {engine: operations(store, ids, 2) for engine, (store, ids) in stores.items()}
    times: dict[str, dict[str, list[float]]] = {e: {op: [] for op in o} for e, o in ops.items()}
    for run in range(runs):
        for op in ("list", "search", "open"):
            if op == "list" and run % 2:
                continue  # the heaviest one, half as often
            for engine in sorted(ops, reverse=bool(run % 2)):
                t0 = time.perf_counter()
                ops[engine][op]()
                times[engine][op].append(time.perf_counter() - t0)
    return {e: {op: float(np.percentile(t, 95) * 1000) for op, t in per.items()} for e, per in times.items()}


def make_store(home: Path, url: str | None, sessions: int, laps: int) -> tuple[Store, list[str]]:
    store = Store(home, catalog=url, archive="local")
    rng = np.random.default_rng(3)
    files = []
    for k in range(3):
        path = home / "laps" / "bench" / f"lap{k}.parquet"
        write_lap(path, {"time": np.linspace(0, 85, 1500), "distance": np.linspace(0, 5000, 1500),
                         "speed": rng.uniform(60, 320, 1500), "throttle": rng.uniform(0, 100, 1500)})
        files.append(store.paths.relative(path))
    t0 = time.perf_counter()
    race_ids = fill(store, sessions, laps, files)
    print(f"{store.engine.dialect.name}: {sessions} sessions x {laps} laps inserted in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return store, race_ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--laps", type=int, default=30)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pitwall-bench-team-"))
    pg = Postgres().start()
    try:
        stores = {"sqlite": make_store(tmp / "sqlite", None, args.sessions, args.laps),
                  "postgresql": make_store(tmp / "postgresql", pg.url(), args.sessions, args.laps)}
        results = measure(stores, args.runs)
        for store, _ids in stores.values():
            store.close()
        for op in ("list", "search", "open"):
            pg_ms, lite_ms = results["postgresql"][op], results["sqlite"][op]
            print(f"{op:7s} p95: PostgreSQL {pg_ms:7.1f} ms   SQLite {lite_ms:7.1f} ms")
    finally:
        pg.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    ratios = {op: results["postgresql"][op] / results["sqlite"][op] for op in results["sqlite"]}
    worst = max(ratios, key=lambda op: ratios[op])
    interactive = all(v < INTERACTIVE_MS for r in results.values() for v in r.values())
    report("team_archive_p95_ms", results["postgresql"][worst], results["sqlite"][worst], ratios[worst],
           f"PostgreSQL p95 <= {TARGET_RATIO:g} x SQLite's for list, search and open", ratios[worst] <= TARGET_RATIO,
           worst_operation=worst, interactive=interactive, sessions=args.sessions, laps_per_session=args.laps,
           **{f"{e}_{op}_p95_ms": round(v, 1) for e, r in results.items() for op, v in r.items()})


if __name__ == "__main__":
    main()
