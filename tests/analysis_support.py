"""Laps for the analysis tests: the real AMS2 demo laps, recorded F1 laps, real FastF1 telemetry (Abu Dhabi)."""

import gzip
import json
from pathlib import Path

import numpy as np

from app.services.analysis.archive import trace_of
from app.services.analysis.trace import LapTrace
from app.store import Store

DATA = Path(__file__).parent / "data"
DEMO = Path(__file__).parent.parent / "resources" / "demo" / "montreal_4laps.ams2"
REAL_F1 = DATA / "f1_real_telemetry"


def full_traces(store: Store, race_id: str) -> list[LapTrace]:
    """Every lap of a race timed line to line (invalid ones included), with its telemetry."""
    race = store.race(race_id)
    out = [trace_of(store, lap, race) for lap in store.laps(race_id)]
    return [t for t in out if t.is_full and t.has_telemetry]


def real_f1_laps() -> list[LapTrace]:
    """The three real 2024 Abu Dhabi qualifying laps as FastF1 sampled them (irregular, with a 0.96 s gap)."""
    out = []
    for tel_file in sorted(REAL_F1.glob("*_tel.json.gz")):
        driver, lap_part = tel_file.name.split("_")[:2]
        number = int(lap_part.removeprefix("lap"))
        tel = json.loads(gzip.decompress(tel_file.read_bytes()))["tel"]
        times = json.loads((REAL_F1 / f"{driver}_laptimes.json").read_text())
        k = [int(x) for x in times["lap"]].index(number)
        channels = {
            "time": np.asarray(tel["time"], float), "distance": np.asarray(tel["distance"], float),
            "speed": np.asarray(tel["speed"], float), "throttle": np.asarray(tel["throttle"], float),
            "brake": np.asarray(tel["brake"], float) * 100.0, "gear": np.asarray(tel["gear"], float),
            "x": np.asarray(tel["x"], float) / 10.0, "y": np.asarray(tel["y"], float) / 10.0,
        }
        out.append(LapTrace(f"{driver}-{number}", f"{driver} L{number}", channels, float(times["time"][k]),
                            tuple(float(times[s][k]) for s in ("s1", "s2", "s3")), track="Yas Marina"))
    return out
