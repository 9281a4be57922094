"""Test data for analytics: F1 results from recorded Ergast responses, device telemetry made with numpy."""

import base64
import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from app.domain.models import RaceStatus
from app.store import Store
from app.store.schema import Result

ERGAST = Path(__file__).resolve().parent / "data" / "ergast"


def ergast_races() -> list[tuple[str, dict]]:
    """(session, race) for every recorded response: 'Race' for results.json, 'Qualifying' for qualifying.json."""
    out = []
    for path in sorted(ERGAST.glob("*.json.gz")):
        cached = json.loads(gzip.decompress(path.read_bytes()))
        body = cached.get("_decoded_content")
        if body is None:  # requests-cache keeps undecodable bodies as base64
            body = json.loads(base64.b64decode(cached["_content"]))
        session = "Qualifying" if "qualifying" in cached["url"] else "Race"
        for race in body["MRData"]["RaceTable"]["Races"]:
            out.append((session, race))
    return out


def lap_seconds(text: str | None) -> float | None:
    if not text:
        return None
    minutes, _, seconds = text.rpartition(":")
    return int(minutes or 0) * 60 + float(seconds)


def driver_name(entry: dict) -> str:
    return f"{entry['Driver']['givenName']} {entry['Driver']['familyName']}"


def best_time(session: str, entry: dict) -> float | None:
    if session == "Qualifying":
        times = [lap_seconds(entry.get(q)) for q in ("Q1", "Q2", "Q3")]
        times = [t for t in times if t]
        return min(times) if times else None
    return lap_seconds(entry.get("FastestLap", {}).get("Time", {}).get("time"))


def load_ergast(store: Store) -> None:
    """Store each recorded session as an F1 race with its classification, the way the F1 import will."""
    for session, race in ergast_races():
        rows = race.get("Results") or race.get("QualifyingResults")
        row = store.begin_race(
            "f1", f"{race['season']} {race['raceName']} {session}", track=race["Circuit"]["circuitName"],
            meta={"session": session, "date": race["date"], "year": int(race["season"]), "round": int(race["round"])},
        )
        with store.session() as s:
            for entry in rows:
                s.add(Result(
                    race_id=row.id, driver_number=entry.get("number"), abbreviation=entry["Driver"].get("code"),
                    driver=driver_name(entry), team=entry["Constructor"]["name"], position=int(entry["position"]),
                    classified_position=entry.get("positionText"), grid=int(entry["grid"]) if "grid" in entry else None,
                    points=float(entry["points"]) if "points" in entry else None, status=entry.get("status"),
                    best_lap_time=best_time(session, entry),
                ))
            race_row = s.get(type(row), row.id)
            race_row.status = RaceStatus.READY


def device_table(seed: int = 7, devices: int = 5, days: int = 3, per_day: int = 400) -> pa.Table:
    """Readings from several devices over several days, in random order, like a real telemetry dump."""
    rng = np.random.default_rng(seed)
    n = devices * days * per_day
    start = np.datetime64("2024-03-01T00:00:00", "us")
    offsets = rng.integers(0, days * 86_400_000_000, n)
    return pa.table({
        "device_id": pa.array([f"dev-{i:03d}" for i in rng.integers(0, devices, n)]),
        "timestamp": pa.array(start + offsets.astype("timedelta64[us]")),
        "voltage": pa.array(rng.normal(48.0, 1.5, n)),
        "temperature": pa.array(rng.normal(30.0, 6.0, n)),
        "soc": pa.array(rng.uniform(5.0, 100.0, n)),
    })


def write_device_files(table: pa.Table, folder: Path, parts: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-table.num_rows // parts)
    paths = []
    for i in range(parts):
        path = folder / f"part_{i:03d}.parquet"
        pq.write_table(table.slice(i * size, size), path)
        paths.append(path)
    return paths
