"""Daily device summary over >= 10 M telemetry rows in Parquet: DuckDB (Pitwall's report) vs pandas groupby.

Both start from the same Parquet files in the same run. Prints a JSON line last:
metric, value (DuckDB seconds), baseline (pandas seconds), ratio (pandas / DuckDB), target, met.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.analytics import DeviceSource, open_archive, run_report  # noqa: E402
from app.store import Store  # noqa: E402

ROWS = 10_000_000
FILES = 10
DEVICES = 200
DAYS = 30


def generate(folder: Path) -> None:
    """Write ROWS readings like a fleet of devices sends them: each device every ~52 s, values that drift,
    sensor resolution (0.01 V, 0.1 °C, 0.1 %), one file per few days in time order (numpy + pyarrow)."""
    rng = np.random.default_rng(1)
    names = np.array([f"dev-{i:04d}" for i in range(DEVICES)])
    span_us = DAYS * 86_400_000_000
    per_device = ROWS // DEVICES
    step = span_us // per_device
    ids = np.repeat(np.arange(DEVICES), per_device)
    ts = (np.tile(np.arange(per_device) * step, DEVICES) + rng.integers(0, step, ROWS)).astype("timedelta64[us]")
    walk = rng.normal(0.0, 1.0, (3, ROWS)).reshape(3, DEVICES, per_device).cumsum(axis=2).reshape(3, ROWS)
    voltage = np.round(48.0 + 0.02 * walk[0], 2)
    temperature = np.round(30.0 + 0.05 * walk[1], 1)
    soc = np.round(np.clip(60.0 + 0.05 * walk[2], 0.0, 100.0), 1)
    order = np.argsort(ts, kind="stable")  # files hold time ranges, rows in arrival order
    start = np.datetime64("2024-01-01T00:00:00", "us")
    for f, part in enumerate(np.array_split(order, FILES)):
        table = pa.table({
            "device_id": pa.array(names[ids[part]]),
            "timestamp": pa.array(start + ts[part]),
            "voltage": voltage[part],
            "temperature": temperature[part],
            "soc": soc[part],
        })
        pq.write_table(table, folder / f"part_{f:03d}.parquet", compression="zstd")


def best_of(n: int, fn) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def pandas_daily(folder: Path) -> pd.DataFrame:
    df = pd.read_parquet(folder)
    df["day"] = df["timestamp"].dt.normalize()  # vectorised (dt.date would make slow Python objects)
    return df.groupby(["device_id", "day"]).agg(
        avg_voltage=("voltage", "mean"), max_temperature=("temperature", "max"), avg_soc=("soc", "mean"),
        readings=("voltage", "size"))  # the same columns the report computes


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-") as tmp:
        data, home = Path(tmp) / "devices", Path(tmp) / "home"
        data.mkdir()
        t = time.perf_counter()
        generate(data)
        print(f"generated {ROWS:,} rows in {FILES} files in {time.perf_counter() - t:.1f} s", file=sys.stderr)

        store = Store(home)
        archive = open_archive(store, DeviceSource.parse(str(data)))
        duck_s, result = best_of(3, lambda: run_report(archive, "devices daily"))
        pandas_s, frame = best_of(2, lambda: pandas_daily(data))
        archive.close()
        store.close()

    assert result.row_count == len(frame) == DEVICES * DAYS, (result.row_count, len(frame))
    ratio = pandas_s / duck_s
    print(f"DuckDB daily summary: {duck_s:.3f} s   pandas read_parquet + groupby: {pandas_s:.3f} s   "
          f"ratio {ratio:.1f}x", file=sys.stderr)
    print(json.dumps({
        "metric": "daily summary over 10M device rows (s)", "value": round(duck_s, 4),
        "baseline": round(pandas_s, 4), "ratio": round(ratio, 2), "target": ">= 5x pandas and < 1 s",
        "met": bool(ratio >= 5 and duck_s < 1.0),
    }))


if __name__ == "__main__":
    main()
