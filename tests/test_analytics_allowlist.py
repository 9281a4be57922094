"""The read-only SQL console reads an allow-list, not "the data directory": laps/, sessions/, queries/ and the
device source's files. Camera passwords (written by the camera service), the raw catalog and window state are
refused whatever reader, glob or replacement scan asks for them."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.cli import main
from app.services.analytics import DeviceSource, RefusedStatement, S3Options, open_archive, run_query
from app.services.analytics.queries import save_query
from app.services.cameras import add_camera
from app.services.ingest import ingest_file
from tests.analytics_support import device_table, write_device_files
from tests.conftest import SHORT_RACE

PASSWORD = "Pit-Lane-Secret-4711"


@pytest.fixture
def home_with_secrets(store):
    """A data directory as a user has it: a race, a camera with a password, window state, a session table."""
    ingest_file(store, SHORT_RACE)
    add_camera(store, "pit-entry", f"rtsp://admin:{PASSWORD}@10.1.2.3:554/stream1")
    secrets = store.paths.camera_secrets
    assert PASSWORD in secrets.read_text()  # the camera service wrote it there (and not in the catalog)
    store.paths.gui_state.write_text(json.dumps({"geometry": "abc", "note": PASSWORD}))
    race_id = store.races()[0].id
    weather = store.paths.session_table(race_id, "weather")
    weather.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"air_temp": [21.5, 22.0]}), weather)
    save_query(store.paths.queries_dir, "speed", "SELECT max(speed) FROM {{SAMPLES}}")
    return store


@pytest.fixture
def archive(home_with_secrets):
    a = open_archive(home_with_secrets)
    yield a
    a.close()


ESCAPES = [
    "SELECT * FROM read_text('{home}/secrets/cameras.json')",
    "SELECT * FROM read_blob('{home}/secrets/cameras.json')",
    "SELECT * FROM read_csv('{home}/secrets/cameras.json')",
    "SELECT * FROM read_csv_auto('{home}/secrets/cameras.json', header = false)",
    "SELECT * FROM read_json('{home}/secrets/cameras.json')",
    "SELECT * FROM read_json_auto('{home}/secrets/cameras.json')",
    "SELECT * FROM read_json_objects('{home}/secrets/*.json')",
    "SELECT * FROM read_parquet('{home}/secrets/cameras.json')",
    "SELECT * FROM parquet_metadata('{home}/catalog.sqlite')",
    "SELECT * FROM read_blob('{home}/catalog.sqlite')",
    "SELECT * FROM read_text('{home}/gui-state.json')",
    "SELECT * FROM read_text('{home}/raw/*/*')",
    "SELECT * FROM glob('{home}/*')",
    "SELECT * FROM glob('{home}/**')",
    "SELECT * FROM glob('{home}/secrets/*')",
    "SELECT * FROM read_text('{home}/s*/*.json')",
    "SELECT * FROM read_text('{home}/laps/../secrets/cameras.json')",
    "SELECT * FROM read_text('{home}/laps/*/../../secrets/cameras.json')",
    "SELECT * FROM read_text('{home}/queries/../secrets/cameras.json')",
    "SELECT * FROM read_text('{home}/history/../secrets/cameras.json')",
    "SELECT * FROM read_text('{home}/history/ergast/*/../../../secrets/cameras.json')",
    "SELECT * FROM read_parquet('{home}/history/../laps/../catalog.sqlite')",
    "SELECT * FROM read_text(['{home}/queries/speed.sql', '{home}/secrets/cameras.json'])",
    "SELECT * FROM read_text('file://{home}/secrets/cameras.json')",
    "SELECT * FROM sqlite_scan('{home}/catalog.sqlite', 'races')",
    "SELECT * FROM '{home}/secrets/cameras.json'",
    "SELECT * FROM 'secrets/cameras.json'",
    "FROM 'gui-state.json'",
    "SELECT * FROM read_text('secrets/cameras.json')",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_secrets_and_the_rest_of_home_are_refused(sql, archive, home_with_secrets, monkeypatch):
    monkeypatch.chdir(home_with_secrets.paths.home)  # relative paths would land in the data directory
    with pytest.raises(RefusedStatement) as err:
        run_query(archive, sql.format(home=home_with_secrets.paths.home))
    message = str(err.value)
    assert message.startswith("Refused: ") and "\n" not in message
    assert PASSWORD not in message
    assert "reads only lap files" in message or "extension" in message


def test_refusal_names_the_path_and_the_opt_out(archive, home_with_secrets):
    secrets = home_with_secrets.paths.camera_secrets
    with pytest.raises(RefusedStatement, match=f'not "{secrets}".*--unrestricted'):
        run_query(archive, f"SELECT * FROM read_text('{secrets}')")


def test_cli_refuses_without_printing_the_password(home_with_secrets, capsys):
    home = home_with_secrets.paths.home
    for sql in (f"SELECT content FROM read_text('{home}/secrets/cameras.json')",
                f"SELECT * FROM read_csv('{home}/secrets/cameras.json', header = false)",
                f"SELECT * FROM glob('{home}/**')"):
        assert main(["query", sql, "--json"]) == 1
        out = capsys.readouterr()
        assert out.out == "" and out.err.startswith("pitwall: Refused: ") and out.err.count("\n") == 1
        assert PASSWORD not in out.err


def test_unrestricted_opts_out(home_with_secrets, capsys):
    home = home_with_secrets.paths.home
    assert main(["query", f"SELECT content FROM read_text('{home}/secrets/cameras.json')", "--json",
                 "--unrestricted"]) == 0
    assert PASSWORD in capsys.readouterr().out


def test_lap_files_session_tables_and_queries_still_read(archive, home_with_secrets):
    store = home_with_secrets
    race_id = store.races()[0].id
    laps = store.laps(race_id)
    assert run_query(archive, "SELECT count(*) AS n FROM samples").records()[0]["n"] == sum(
        lap.sample_count for lap in laps)
    assert run_query(archive, "SELECT count(*) AS n FROM laps").records()[0]["n"] == len(laps)
    lap_file = store.paths.lap_file(race_id, laps[0].id)
    assert run_query(archive, f"SELECT count(*) AS n FROM '{lap_file}'").records()[0]["n"] == laps[0].sample_count
    rows = run_query(archive, f"SELECT file FROM glob('{store.paths.laps_dir}/*/*.parquet')").records()
    assert len(rows) == len(laps)
    weather = store.paths.sessions_dir / "*" / "weather.parquet"
    assert run_query(archive, f"SELECT max(air_temp) AS t FROM read_parquet('{weather}')").records() == [{"t": 22.0}]
    (sql,) = run_query(archive, f"SELECT content FROM read_text('{store.paths.queries_dir}/*.sql')").records()
    assert "max(speed)" in sql["content"]


def test_f1_history_reads_through_its_views_and_nothing_more(home_with_secrets):
    """The imported Ergast tables are there to join in the restricted console; the allow-list grows by history/
    (Parquet tables and their manifest) only, so everything else stays refused (ESCAPES above, with history/)."""
    from app.services.history.importer import import_ergast
    from tests.history_support import DUMP, csv_rows

    store = home_with_secrets
    import_ergast(store.paths.home, DUMP)
    a = open_archive(store)
    try:
        n = run_query(a, "SELECT count(*) AS n FROM ergast.results JOIN drivers USING (driverId)").records()
        assert n == [{"n": len(csv_rows("results"))}]
        assert run_query(a, "SELECT count(*) AS n FROM laps").records()[0]["n"] == len(store.laps(store.races()[0].id))
        with pytest.raises(RefusedStatement):
            run_query(a, f"SELECT * FROM read_text('{store.paths.home}/history/../secrets/cameras.json')")
        with pytest.raises(RefusedStatement):
            run_query(a, "CREATE VIEW ergast.mine AS SELECT 1")
    finally:
        a.close()


def test_device_folder_exposes_only_its_parquet_files(store, tmp_path):
    folder = tmp_path / "fleet"
    write_device_files(device_table(), folder / "2024")
    (folder / "notes.txt").write_text(f"wifi password {PASSWORD}")
    a = open_archive(store, DeviceSource.parse(str(folder)))
    try:
        assert run_query(a, "SELECT count(*) AS n FROM device_telemetry").records()[0]["n"] == device_table().num_rows
        part = folder / "2024" / "part_000.parquet"
        assert run_query(a, f"SELECT count(*) AS n FROM '{part}'").records()[0]["n"] > 0
        for sql in (f"SELECT * FROM read_text('{folder}/notes.txt')", f"SELECT * FROM glob('{folder}/*')"):
            with pytest.raises(RefusedStatement) as err:
                run_query(a, sql)
            assert PASSWORD not in str(err.value)
    finally:
        a.close()


def test_device_source_on_s3_still_reads(home_with_secrets, s3_server):
    client = s3_server.client()
    bucket = "allowlist-devices"
    client.create_bucket(Bucket=bucket)
    table = device_table(seed=3)
    for i in range(2):
        sink = pa.BufferOutputStream()
        pq.write_table(table.slice(i * 1000, 1000), sink)
        client.put_object(Bucket=bucket, Key=f"fleet/part_{i}.parquet", Body=sink.getvalue().to_pybytes())
    opts = S3Options(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, s3_server.region)
    a = open_archive(home_with_secrets, DeviceSource.parse(f"s3://{bucket}/fleet/", opts))
    try:
        assert run_query(a, "SELECT count(*) AS n FROM device_telemetry").records()[0]["n"] == 2000
        home = home_with_secrets.paths.home
        with pytest.raises(RefusedStatement):
            run_query(a, f"SELECT * FROM read_text('{home}/secrets/cameras.json')")
    finally:
        a.close()
