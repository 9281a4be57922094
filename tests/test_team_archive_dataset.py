"""The bucket as an open dataset: DuckDB reads it by glob with hive_partitioning; the SQL console reads the
archive's Parquet in S3 in place; the local cache keeps to its size limit, least recently used out first."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from app.archive.cache import LruCache
from app.archive.duck import register_archive
from app.archive.layout import SAMPLE_COLUMNS, partition_value
from app.archive.s3 import RemoteArchive
from app.services.analytics.archive import open_archive
from app.services.ingest import ingest_file
from app.store.lapfiles import read_lap
from tests.conftest import DEMO_RACE, SHORT_RACE
from tests.team_support import PREFIX, new_team


@pytest.fixture(scope="module")
def archive(pg_server, s3_server, tmp_path_factory):
    """Two races ingested by engineer A into a team archive."""
    team = new_team(pg_server, s3_server)
    home = tmp_path_factory.mktemp("team-a")
    a = team.store(home)
    races = [ingest_file(a, path).race for path in (DEMO_RACE, SHORT_RACE)]
    yield team, a, races
    a.close()


def test_duckdb_reads_the_bucket_by_glob_with_hive_partitioning(archive):
    team, a, races = archive
    conn = duckdb.connect()
    register_archive(conn, a.archive_files.remote)
    base = f"s3://{team.bucket}/{PREFIX}"
    rows = conn.execute(f"""
        SELECT source, track, race_id, count(DISTINCT lap_id), count(*)
        FROM read_parquet('{base}samples/**/*.parquet', hive_partitioning = true)
        GROUP BY ALL ORDER BY race_id""").fetchall()
    want = []
    for race in sorted(races, key=lambda r: r.id):
        laps = [lap for lap in a.laps(race.id) if lap.path]
        want.append(("ams2", partition_value(race.track), race.id, len(laps), sum(x.sample_count for x in laps)))
    assert rows == want

    # One schema: every channel is DOUBLE in every file, lap_id the only other column in the files.
    types = dict(conn.execute(f"""
        SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{base}samples/**/*.parquet',
        union_by_name = true, hive_partitioning = false))""").fetchall())
    assert types.pop("lap_id") == "VARCHAR" and set(types.values()) == {"DOUBLE"} and "speed" in types
    schemas = conn.execute(f"""
        SELECT DISTINCT list(name ORDER BY column_id) FROM parquet_schema('{base}samples/**/*.parquet')
        WHERE name != 'schema' GROUP BY file_name""").fetchall()
    assert schemas == [(["lap_id", *SAMPLE_COLUMNS],)]  # the same columns, in the same order, in every file

    # The catalog tables beside the samples join to them: lap numbers and sample counts agree.
    joined = conn.execute(f"""
        SELECT l.id, l.number, l.sample_count, count(*) AS n
        FROM read_parquet('{base}samples/**/*.parquet', hive_partitioning = true) s
        JOIN read_parquet('{base}catalog/laps/*.parquet') l ON s.lap_id = l.id
        GROUP BY ALL""").fetchall()
    catalog = {lap.id: (lap.number, lap.sample_count) for r in races for lap in a.laps(r.id) if lap.path}
    assert {lap_id: (number, count) for lap_id, number, count, _n in joined} == catalog
    assert all(count == n for _id, _number, count, n in joined)
    names = conn.execute(f"SELECT name FROM read_parquet('{base}catalog/races/*.parquet') ORDER BY 1").fetchall()
    assert [n for (n,) in names] == sorted(r.name for r in races)


def test_the_sql_console_of_another_engineer_reads_the_archive_in_place(archive, tmp_path):
    team, a, races = archive
    b = team.store(tmp_path / "b")
    console = open_archive(b)
    try:
        total = sum(lap.sample_count for r in races for lap in b.laps(r.id) if lap.path)
        assert console.conn.execute("SELECT count(*) FROM samples").fetchall() == [(total,)]
        laps = console.conn.execute("SELECT count(*) FROM laps").fetchall()  # the catalog, copied from PostgreSQL
        assert laps == [(sum(len(b.laps(r.id)) for r in races),)]
        fastest = console.conn.execute("""
            SELECT l.id, max(s.speed) FROM samples s JOIN laps l ON l.id = s.lap_id
            WHERE s.race_id = ? GROUP BY ALL ORDER BY 2 DESC LIMIT 1""", [races[0].id]).fetchall()
        cache = tmp_path / "b" / "archive-cache"
        assert not list(cache.rglob("samples/**/*.parquet"))  # the console read the bucket in place
        lap = next(x for x in b.laps(races[0].id) if x.id == fastest[0][0])
        assert fastest[0][1] == pytest.approx(float(np.max(b.lap_channels(lap)["speed"])))
        with pytest.raises(duckdb.Error):  # still locked down: nothing outside the archive and its folders
            console.conn.execute("SELECT * FROM read_text('/etc/passwd')").fetchall()
    finally:
        console.close()


def test_the_cache_keeps_to_its_limit_least_recently_used_out_first(archive, tmp_path):
    _team, a, races = archive
    laps = sorted((x for x in a.laps(races[0].id) if x.path), key=lambda x: x.number)
    remote = a.archive_files.remote
    size = {x.id: remote.client.head_object(Bucket=remote.target.bucket, Key=remote.target.key(x.path))[
        "ContentLength"] for x in laps}
    first, second, third, fourth = sorted(laps, key=lambda x: -size[x.id])[:4]  # full laps, of similar size
    # Room for three of them (eviction goes down to 90% of the limit), not for four.
    limit = int((size[first.id] + size[third.id] + size[fourth.id]) / 0.9) + 1
    four = (first, second, third, fourth)
    assert sum(size[x.id] for x in four[:3]) <= limit < sum(size[x.id] for x in four)
    cache = RemoteArchive(remote.target, LruCache(tmp_path / "cache", limit))

    def read(lap):
        return cache.fetch(lap.path)

    read(first)
    read(second)
    read(first)  # used again: now the second is the least recently used
    read(third)
    read(fourth)
    assert cache.cache.size() <= limit
    kept = {p.name for p in (tmp_path / "cache").rglob("*.parquet")}
    assert kept == {f"{x.id}.parquet" for x in (first, third, fourth)}  # the least recently used went
    assert cache.cache.size() == sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*.parquet"))
    for lap in laps:  # every lap still opens (evicted ones come back from the bucket), the cache stays bounded
        assert len(read_lap(read(lap))["speed"]) == lap.sample_count
        assert cache.cache.size() <= limit
