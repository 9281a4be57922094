"""The team archive against a real PostgreSQL server and a real SeaweedFS: two data directories sharing one
catalog and one bucket see each other's races at once, read any lap without a sync step, and lose nothing when
they ingest or edit at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect

from app.domain.models import RaceStatus
from app.services.ingest import ingest_file
from app.store import Store
from app.store.migrations import LATEST
from tests.conftest import DEMO_RACE, ROOT, SHORT_RACE
from tests.team_support import new_team, object_keys


@pytest.fixture
def team(pg_server, s3_server):
    return new_team(pg_server, s3_server)


def test_migrations_run_on_postgres_as_on_sqlite(team, tmp_path):
    """The same tables and columns on both engines, the version recorded, and two first starts at once
    migrate once (the second waits for the first)."""
    errors: list[BaseException] = []

    def open_store(name: str) -> None:
        try:
            Store(tmp_path / name, catalog=team.url, archive="local").close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store, args=(f"h{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert team.pg.psql("SELECT version FROM pitwall_schema", team.url.rsplit("/", 1)[1]) == str(LATEST)

    local = Store(tmp_path / "local", archive="local")
    shapes = []
    for engine in (local.engine, create_engine(team.url)):
        found = inspect(engine)
        shapes.append({t: sorted(c["name"] for c in found.get_columns(t))
                       for t in found.get_table_names() if t not in ("pitwall_schema",)})
        engine.dispose()
    assert shapes[0] == shapes[1]
    assert {"races", "laps", "results", "frames", "sync_items"} <= set(shapes[1])


def test_what_one_ingests_the_other_lists_and_reads_at_once(team, tmp_path):
    a, b = team.store(tmp_path / "a"), team.store(tmp_path / "b")
    before = b.catalog_stamp()
    result = ingest_file(a, DEMO_RACE)
    assert result.race.status == RaceStatus.READY
    assert b.catalog_stamp() != before and b.catalog_stamp()[0] == 1  # what B polls to notice it

    # B lists it straight from the shared catalog, with A's laps.
    assert [r.id for r in b.races()] == [result.race.id]
    laps = b.laps(result.race.id)
    assert [lap.id for lap in laps] == [lap.id for lap in result.laps]

    # The objects are in the bucket, as the open layout says; nothing was committed before they were.
    keys = object_keys(team)
    for lap in laps:
        if lap.path:
            assert lap.path in keys and lap.path.startswith("samples/source=ams2/track=")
    assert f"races/{result.race.id}/raw/raw_data.ams2" in keys
    assert f"catalog/laps/{result.race.id}.parquet" in keys

    # B reads a lap it never had: downloaded once into its cache, the same samples as a local ingest.
    local = Store(tmp_path / "local", archive="local")
    reference = {lap.number: lap for lap in ingest_file(local, DEMO_RACE).laps}
    lap = max((x for x in laps if x.path), key=lambda x: x.sample_count)
    got = b.lap_channels(lap)
    want = local.lap_channels(reference[lap.number])
    assert set(got) == set(want) and len(got["speed"]) == lap.sample_count
    for name in ("speed", "distance", "throttle", "gear"):
        np.testing.assert_array_equal(got[name], want[name].astype(np.float64))
    cached = list((tmp_path / "b" / "archive-cache").rglob("*.parquet"))
    assert len(cached) == 1
    # A keeps what it ingested in its own cache (moved there, not downloaded again); no local lap folder left.
    assert len(list((tmp_path / "a" / "archive-cache").rglob("samples/**/*.parquet"))) == sum(
        1 for x in laps if x.path)
    assert not list((tmp_path / "a" / "laps").rglob("*.parquet"))


def test_the_command_line_of_another_engineer_lists_the_race(team, tmp_path):
    a = team.store(tmp_path / "a")
    race = ingest_file(a, SHORT_RACE).race
    done = team.pitwall(tmp_path / "b", "races", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [(r["race_id"], r["status"]) for r in listed] == [(race.id, "Ready")]
    laps = team.pitwall(tmp_path / "b", "laps", race.id, "--json")
    assert laps.returncode == 0, laps.stderr
    assert len(json.loads(laps.stdout)) == len(a.laps(race.id))
    # The password of the catalog and the S3 secret appear nowhere in what the commands print.
    for text in (done.stdout, done.stderr, laps.stdout, laps.stderr):
        assert team.pg.password not in text and team.s3.secret_key not in text


INGEST = """
import json, sys
from pathlib import Path
from app.errors import PitwallError
from app.services.ingest import ingest_file
from app.store import Store

store = Store(Path(sys.argv[1]))
out = []
for name in sys.argv[2:]:
    for _attempt in range(20):  # the other process may be writing the same race: wait for it, then it is cached
        try:
            result = ingest_file(store, Path(name))
            out.append([result.race.id, len(result.laps)])
            break
        except PitwallError as exc:
            if "being processed" not in str(exc):
                raise
            import time; time.sleep(0.2)
print(json.dumps(out))
"""

EDIT = """
import sys
from pathlib import Path
from app.store import Store

store = Store(Path(sys.argv[1]))
for i in range(int(sys.argv[4])):
    store.update_race_meta(sys.argv[2], {f"{sys.argv[3]}-{i}": i})
"""


def test_two_processes_ingesting_and_editing_at_once_lose_nothing(team, tmp_path):
    files = [str(DEMO_RACE), str(SHORT_RACE)]
    procs = [subprocess.Popen([sys.executable, "-c", INGEST, str(tmp_path / name), *order], cwd=ROOT, text=True,
                              env=team.env(tmp_path / name), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name, order in (("a", files), ("b", files[::-1]))]
    outputs = [p.communicate(timeout=180) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    seen = [dict(json.loads(out)) for out, _err in outputs]
    assert seen[0] == seen[1]  # both processes ended with the same two races, not copies

    store = team.store(tmp_path / "c")
    races = store.races()
    assert len(races) == 2 and all(r.status == RaceStatus.READY for r in races)
    counts = store.lap_counts()
    assert counts == seen[0]
    listed = {lap.path for r in races for lap in store.laps(r.id) if lap.path}
    assert set(object_keys(team, "samples/")) == listed  # every committed lap has its object, and no stray one

    # Two engineers editing the same race at the same time: every change lands.
    race_id = races[0].id
    edits = [subprocess.Popen([sys.executable, "-c", EDIT, str(tmp_path / name), race_id, name, "25"], cwd=ROOT,
                              env=team.env(tmp_path / name), stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]
    for p in edits:
        assert p.wait(120) == 0, p.stderr.read() if p.stderr else ""
    meta = json.loads(store.race(race_id).meta)
    assert {k for k in meta if k[:2] in ("a-", "b-")} == {f"{n}-{i}" for n in "ab" for i in range(25)}


def test_the_embedded_default_is_unchanged(tmp_path, monkeypatch):
    """No catalog URL, no archive setting: catalog.sqlite and lap files in the data directory, as before, and
    the command line's quick sqlite3 reader."""
    import pyarrow.parquet as pq

    from app.store.catalog_read import CatalogReader, open_catalog

    for name in ("PITWALL_CATALOG_URL", "PITWALL_ARCHIVE"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "solo"
    store = Store(home)
    assert store.engine.dialect.name == "sqlite" and store.archive_files is None and not store.shared
    result = ingest_file(store, SHORT_RACE)
    files = sorted((home / "laps" / result.race.id).glob("*.parquet"))
    assert {f"laps/{result.race.id}/{f.name}" for f in files} == {lap.path for lap in result.laps if lap.path}
    assert "lap_id" not in pq.read_schema(files[0]).names  # local lap files keep their own types
    assert not (home / "archive-cache").exists()
    assert set(inspect(store.engine).get_table_names()).isdisjoint({"pitwall_schema"})
    store.close()
    reader = open_catalog(home)
    assert isinstance(reader, CatalogReader) and [r.id for r in reader.races()] == [result.race.id]
    reader.close()


def test_the_catalog_password_stays_out_of_settings_and_messages(team, tmp_path, monkeypatch):
    from app.config import load_settings

    monkeypatch.setenv("PITWALL_CATALOG_URL", team.url)
    settings = load_settings(home=tmp_path / "x")
    assert team.pg.password not in repr(settings) and team.pg.password not in str(settings.model_dump())
    store = Store(tmp_path / "x", archive="local")
    assert store.catalog_url == team.url and team.pg.password not in store.location
    store.close()


def test_archive_test_and_status_on_the_command_line(team, tmp_path):
    a = team.store(tmp_path / "a")
    ingest_file(a, SHORT_RACE)
    done = team.pitwall(tmp_path / "b", "archive", "test", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["catalog"]["verdict"] == "ok" and "1 race." in answer["catalog"]["message"]
    assert answer["archive"] == {**answer["archive"], "mode": "s3", "verdict": "ok"}
    status = team.pitwall(tmp_path / "b", "archive", "status", "--json")
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["shared"] is True and shown["races"] == 1 and shown["archive_url"] == f"s3://{team.bucket}/team-a/"
    assert shown["cache_bytes"] == 0 and shown["cache_limit_bytes"] == 2048 * 1024 * 1024

    wrong = dict(team.env(tmp_path / "b"), PITWALL_CATALOG_URL=team.url.replace(team.pg.password, "nope-123"))
    refused = subprocess.run([sys.executable, "-m", "app.cli", "archive", "test"], cwd=ROOT, env=wrong,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stdout.startswith("catalog: credentials")
    for out in (done.stdout, status.stdout, refused.stdout, refused.stderr):
        assert team.pg.password not in out and "nope-123" not in out and team.s3.secret_key not in out
