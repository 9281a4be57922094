"""Device telemetry reports over Parquet in a real SeaweedFS bucket (auth on) and in a local folder."""

import io
import json

import pandas as pd
import pytest

from app.cli import main
from app.errors import PitwallError
from app.services.analytics import DeviceSource, S3Options, open_archive, run_query, run_report
from tests.analytics_support import device_table, write_device_files

BUCKET = "telemetry-test"
PREFIX = "fleet/2024"


@pytest.fixture(scope="module")
def devices(tmp_path_factory):
    table = device_table()
    folder = tmp_path_factory.mktemp("devices")
    files = write_device_files(table, folder)
    return table.to_pandas(), folder, files


@pytest.fixture(scope="module")
def bucket(s3_server, devices):
    _, _, files = devices
    client = s3_server.client()
    client.create_bucket(Bucket=BUCKET)
    for path in files:
        client.upload_file(str(path), BUCKET, f"{PREFIX}/{path.name}")
    client.put_object(Bucket=BUCKET, Key=f"{PREFIX}/README.txt", Body=b"not parquet")  # ignored
    return f"s3://{BUCKET}/{PREFIX}/"


def s3_options(server, secret: str | None = None) -> S3Options:
    return S3Options(server.endpoint, server.access_key, secret or server.secret_key, server.region)


@pytest.fixture(params=["s3", "local"])
def archive(request, store, s3_server, bucket, devices):
    if request.param == "s3":
        source = DeviceSource.parse(bucket, s3_options(s3_server))
    else:
        source = DeviceSource.parse(str(devices[1]))
    a = open_archive(store, source)
    yield a
    a.close()


def test_overview(archive, devices):
    df = devices[0]
    (row,) = run_report(archive, "devices overview").records()
    assert row["total_rows"] == len(df)
    assert row["device_count"] == df["device_id"].nunique()
    assert pd.Timestamp(row["first_timestamp"]) == df["timestamp"].min()
    assert pd.Timestamp(row["last_timestamp"]) == df["timestamp"].max()


def test_daily_summary(archive, devices):
    df = devices[0].assign(day=lambda d: d["timestamp"].dt.date)
    want = df.groupby(["device_id", "day"]).agg(
        avg_voltage=("voltage", "mean"), max_temperature=("temperature", "max"), avg_soc=("soc", "mean"),
        readings=("voltage", "size"))
    rows = run_report(archive, "devices daily").records()
    assert len(rows) == len(want) == 5 * 3
    for r in rows:
        w = want.loc[(r["device_id"], r["day"])]
        assert r["avg_voltage"] == pytest.approx(w["avg_voltage"], rel=1e-12)
        assert r["max_temperature"] == pytest.approx(w["max_temperature"], rel=1e-12)
        assert r["avg_soc"] == pytest.approx(w["avg_soc"], rel=1e-12)
        assert r["readings"] == w["readings"]
    assert [(r["day"], r["device_id"]) for r in rows] == sorted((r["day"], r["device_id"]) for r in rows)


def test_device_list_and_latest(archive, devices):
    df = devices[0]
    listed = run_report(archive, "devices list").records()
    assert [r["device_id"] for r in listed] == sorted(df["device_id"].unique())
    counts = df["device_id"].value_counts()
    assert all(r["readings"] == counts[r["device_id"]] for r in listed)

    latest = df.loc[df.groupby("device_id")["timestamp"].idxmax()].set_index("device_id")
    for r in run_report(archive, "devices latest").records():
        w = latest.loc[r["device_id"]]
        assert pd.Timestamp(r["timestamp"]) == w["timestamp"]
        assert (r["voltage"], r["temperature"], r["soc"]) == (w["voltage"], w["temperature"], w["soc"])


def test_console_joins_device_view_but_cannot_reach_s3_directly(store, s3_server, bucket):
    a = open_archive(store, DeviceSource.parse(bucket, s3_options(s3_server)))
    try:
        n = run_query(a, "SELECT count(*) AS n FROM device_telemetry WHERE soc > 50").records()[0]["n"]
        assert n > 0
        with pytest.raises(PitwallError):
            run_query(a, f"SELECT * FROM read_parquet('{bucket}part_000.parquet')")
    finally:
        a.close()


def test_wrong_secret_is_a_clear_error_without_the_secret(store, s3_server, bucket):
    bad = "wrong-secret-do-not-show-42"
    with pytest.raises(PitwallError) as err:
        open_archive(store, DeviceSource.parse(bucket, s3_options(s3_server, bad)))
    assert bad not in str(err.value)
    assert "\n" not in str(err.value)
    assert repr(s3_options(s3_server, bad)).count(bad) == 0


def test_missing_prefix_and_wrong_schema(store, s3_server, bucket, tmp_path):
    with pytest.raises(PitwallError, match="Nothing at"):
        open_archive(store, DeviceSource.parse(f"s3://{BUCKET}/no/such/prefix/", s3_options(s3_server)))
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"device_id": ["a"], "volts": [1.0]}), tmp_path / "x.parquet")
    with pytest.raises(PitwallError, match="missing column"):
        open_archive(store, DeviceSource.parse(str(tmp_path)))


def test_cli_report_devices_from_s3(home, s3_server, bucket, devices, monkeypatch, capsys):
    monkeypatch.setenv("PITWALL_S3_ENDPOINT", s3_server.endpoint)
    monkeypatch.setenv("PITWALL_S3_ACCESS_KEY", s3_server.access_key)
    monkeypatch.setenv("PITWALL_S3_SECRET_KEY", s3_server.secret_key)
    monkeypatch.setenv("PITWALL_S3_REGION", s3_server.region)
    assert main(["report", "devices", "overview", "--source", bucket, "--json"]) == 0
    (overview,) = json.loads(capsys.readouterr().out)
    assert overview["total_rows"] == len(devices[0])

    assert main(["report", "devices", "daily", "--source", bucket, "--csv"]) == 0
    daily = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(daily.columns) == ["device_id", "day", "avg_voltage", "max_temperature", "avg_soc", "readings"]
    assert daily["readings"].sum() == len(devices[0])

    monkeypatch.setenv("PITWALL_S3_SECRET_KEY", "bad-secret-xyz")
    assert main(["report", "devices", "list", "--source", bucket]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pitwall: ") and "bad-secret-xyz" not in err
