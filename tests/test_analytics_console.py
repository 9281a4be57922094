"""The SQL console: read-only by default (refusals tested), cancel, paging, export, history, saved queries."""

import hashlib
import threading
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.errors import Cancelled, PitwallError
from app.services.analytics import RefusedStatement, export_result, open_archive, run_query
from app.services.analytics.history import History
from app.services.analytics.queries import delete_query, expand, find_query, list_queries, save_query
from app.services.ingest import ingest_file
from tests.conftest import SHORT_RACE


@pytest.fixture
def archive(store):
    ingest_file(store, SHORT_RACE)
    a = open_archive(store)
    yield a
    a.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_tables_join_lap_metadata_with_samples(store, archive):
    laps = store.laps(store.races()[0].id)
    rows = run_query(archive, """
        SELECT l.id, l.sample_count, count(*) AS n, max(s.speed) AS top
        FROM laps l JOIN samples s ON s.lap_id = l.id GROUP BY ALL ORDER BY l.id""").records()
    assert [(r["id"], r["n"]) for r in rows] == sorted((lap.id, lap.sample_count) for lap in laps)
    for r in rows:
        lap = next(lap for lap in laps if lap.id == r["id"])
        assert r["top"] == pytest.approx(float(store.lap_channels(lap, ["speed"])["speed"].max()))


REFUSED = [
    "COPY laps TO '{out}/laps.csv'",
    "COPY (SELECT 1) TO '{home}/inside.csv'",
    "EXPORT DATABASE '{out}/db'",
    "ATTACH '{out}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "DROP TABLE laps",
    "DELETE FROM races",
    "CREATE TABLE x AS SELECT 1",
    "SET enable_external_access = true",
    "EXPLAIN ANALYZE COPY laps TO '{out}/explained.csv'",
    "SELECT 1; DROP TABLE laps",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('{out}/outside.parquet')",
    "SELECT * FROM read_parquet('{home}/../outside.parquet')",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_console_refuses_writes_and_reads_outside(sql, store, archive, tmp_path):
    out = tmp_path / "outside"
    out.mkdir()
    pq.write_table(pa.table({"a": [1]}), out / "outside.parquet")
    pq.write_table(pa.table({"a": [1]}), store.paths.home.parent / "outside.parquet")
    before = digest(store.paths.catalog)
    files_before = sorted(p for p in store.paths.home.rglob("*") if "tmp" not in p.parts)
    with pytest.raises(RefusedStatement) as err:
        run_query(archive, sql.format(out=out, home=store.paths.home))
    message = str(err.value)
    assert message.startswith("Refused") or message.startswith("Run one statement")
    assert "\n" not in message
    assert sorted(out.iterdir()) == [out / "outside.parquet"]  # nothing written outside
    assert sorted(p for p in store.paths.home.rglob("*") if "tmp" not in p.parts) == files_before
    assert digest(store.paths.catalog) == before
    assert run_query(archive, "SELECT count(*) AS n FROM laps").records()[0]["n"] == len(store.laps(
        store.races()[0].id))


def test_passwd_refusal_says_why(archive):
    with pytest.raises(RefusedStatement, match='reads only lap files.*not "/etc/passwd"'):
        run_query(archive, "SELECT * FROM read_csv('/etc/passwd')")


def test_read_only_statement_kinds_run(archive):
    for sql in ("WITH x AS (SELECT 1 AS a) SELECT * FROM x", "EXPLAIN SELECT * FROM laps", "SUMMARIZE laps",
                "DESCRIBE samples", "SHOW TABLES", "FROM races"):
        assert run_query(archive, sql).row_count > 0, sql


def test_errors_are_one_line(archive):
    with pytest.raises(PitwallError) as err:
        run_query(archive, "SELECT nope FROM laps")
    assert "nope" in str(err.value) and "\n" not in str(err.value)


def test_opt_in_allows_writes(store, tmp_path):
    a = open_archive(store, unrestricted=True)
    try:
        run_query(a, f"COPY (SELECT 42 AS answer) TO '{tmp_path / 'answer.csv'}'")
    finally:
        a.close()
    assert (tmp_path / "answer.csv").read_text().split() == ["answer", "42"]


def test_cancel_a_long_query(archive):
    threading.Timer(0.3, archive.interrupt).start()
    start = time.monotonic()
    with pytest.raises(Cancelled):
        run_query(archive, "SELECT count(*) FROM range(20000000000) a WHERE hash(a.range) = 1")
    assert time.monotonic() - start < 5
    assert run_query(archive, "SELECT 1 AS one").records() == [{"one": 1}]  # connection still usable


def test_large_result_is_capped_and_paged(archive, tmp_path):
    result = run_query(archive, "SELECT range AS i, range * 2 AS j FROM range(300000)", max_rows=250_000)
    assert result.truncated and result.row_count == 250_000
    assert result.rows(100_000, 2) == [(100_000, 200_000), (100_001, 200_002)]
    assert result.numeric_columns() == ["i", "j"]
    export_result(result, tmp_path / "r.parquet")
    assert pq.read_table(tmp_path / "r.parquet").num_rows == 250_000
    export_result(result, tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text().splitlines()[:2] == ['"i","j"', "0,0"]
    with pytest.raises(PitwallError, match="Unknown export format"):
        export_result(result, tmp_path / "r.xlsx")


def test_history_keeps_recent_unique_queries(store):
    h = History(store.paths.sql_history)
    for sql in ("SELECT 1", "SELECT 2", "SELECT 1", "  "):
        h.add(sql)
    assert History(store.paths.sql_history).items == ["SELECT 2", "SELECT 1"]
    store.paths.sql_history.write_text("{broken")
    assert History(store.paths.sql_history).items == []


def test_saved_queries_bundled_user_and_placeholders(store, archive):
    names = {q.name: q for q in list_queries(store.paths.queries_dir)}
    assert {"circuits", "drivers", "devices_daily", "devices_overview", "devices_list", "devices_latest",
            "lap_top_speed"} <= set(names)
    assert names["devices_daily"].placeholders == {"S3_PATH"}
    timed = [lap for lap in store.laps(store.races()[0].id) if lap.lap_time is not None]
    assert run_query(archive, expand(names["lap_top_speed"].text)).row_count == len(timed)

    save_query(store.paths.queries_dir, "my laps", "SELECT count(*) AS n FROM {{LAPS}}")
    mine = find_query(store.paths.queries_dir, "my laps")
    assert not mine.bundled
    assert run_query(archive, expand(mine.text)).records()[0]["n"] == len(store.laps(store.races()[0].id))
    save_query(store.paths.queries_dir, "circuits", "SELECT 1 AS edited")  # editing a bundled one: user copy
    assert find_query(store.paths.queries_dir, "circuits").text == "SELECT 1 AS edited"
    delete_query(store.paths.queries_dir, "circuits")
    assert find_query(store.paths.queries_dir, "circuits").bundled

    assert expand("SELECT * FROM read_parquet({{S3_PATH}})") == "SELECT * FROM device_telemetry"
    with pytest.raises(PitwallError, match="Unknown placeholder"):
        expand("SELECT * FROM {{NOPE}}")
    with pytest.raises(PitwallError, match="device telemetry"):
        expand(names["devices_daily"].text, has_devices=False)
    with pytest.raises(PitwallError, match="query name"):
        save_query(store.paths.queries_dir, "../evil", "SELECT 1")


def test_any_catalog_table_is_exposed(store):
    """Tables added by later migrations (a made-up one here) appear without analytics knowing them."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE future_stills (id INTEGER PRIMARY KEY, race_id TEXT, taken_at DATETIME, "
                             "width INTEGER, exposure FLOAT)")
        conn.exec_driver_sql("INSERT INTO future_stills VALUES (1, 'r', '2024-05-01 10:00:00.250000', 640, 0.5)")
    a = open_archive(store)
    try:
        assert "future_stills" in a.tables and "frames" in a.tables
        (row,) = run_query(a, "SELECT * FROM future_stills").records()
        assert row["taken_at"].isoformat() == "2024-05-01T10:00:00.250000"
        assert (row["width"], row["exposure"]) == (640, 0.5)
    finally:
        a.close()


def test_plot_columns_as_numbers(archive):
    result = run_query(archive, """
        SELECT TIMESTAMP '2024-01-01 00:00:10' + INTERVAL (range) SECOND AS t, range * 1.5 AS v,
               CASE WHEN range = 2 THEN NULL ELSE range END AS maybe, 'a' AS label
        FROM range(4)""")
    x, y = result.xy("t", "v")
    assert x.tolist() == [1704067210.0 + i for i in range(4)] and y.tolist() == [0, 1.5, 3.0, 4.5]
    _, maybe = result.xy("t", "maybe")
    assert maybe[2] != maybe[2] and maybe[3] == 3.0  # NULL is NaN
    assert "label" not in result.numeric_columns()
    with pytest.raises(PitwallError, match="cannot be plotted"):
        result.xy("t", "label")
