"""The F1 session analysis on real FastF1 data (2024 Abu Dhabi qualifying, tests/data/f1_real_telemetry): real
irregular telemetry for the mini-sector dominance, real lap tables for stints and bests."""

import json

import numpy as np
import pytest

from app.services.f1_session.compare import bests_table, column_leaders, dominance_of
from app.services.f1_session.laps import F1Lap
from app.services.f1_session.stints import stints
from tests.analysis_support import REAL_F1, real_f1_laps


def none(value):
    return None if value == "None" else value


def real_laps(driver: str) -> list[F1Lap]:
    """A driver's session laps from the exporter's laptimes.json (parallel arrays, "None" for missing)."""
    t = json.loads((REAL_F1 / f"{driver}_laptimes.json").read_text())
    out = []
    start = 0.0
    for k, number in enumerate(t["lap"]):
        lap_time = none(t["time"][k])
        sectors = tuple(none(t[s][k]) for s in ("s1", "s2", "s3"))
        meta = {"compound": t["compound"][k], "stint": t["stint"][k], "tyre_life": t["life"][k],
                "track_status": t["status"][k], "pit_out": lap_time is None and k == 0}
        out.append(F1Lap(id=f"{driver}-{int(number)}", race_id="abu-dhabi-q", driver=driver, number=int(number),
                         lap_time=lap_time, sectors=sectors, start_time=start, end_time=None, flags=[], team=None,
                         team_color=None, has_telemetry=False, meta=meta))
        start += lap_time or 100.0
    return out


@pytest.fixture(scope="module")
def dominance():
    traces = real_f1_laps()
    for t in traces:
        t.label = t.label.split()[0]  # "NOR L15" → "NOR": the driver
    return dominance_of(traces), {t.label: t for t in traces}


def test_minisector_dominance_on_real_telemetry(dominance):
    result, traces = dominance
    assert result is not None and sorted(result.drivers) == ["LEC", "NOR", "VER"]
    count = len(result.owner)
    assert count == 25 and sum(result.wins.values()) == count and all(result.wins.values())
    # Each lap's mini-sector times add up to its official lap time (pinned line to line, despite the gaps).
    for i, code in enumerate(result.drivers):
        assert result.times[i].sum() == pytest.approx(traces[code].lap_time, abs=2e-3)
    assert list(result.owner) == list(np.argmin(result.times, axis=0))
    best = result.times.min(axis=0).sum()
    assert 0.97 * min(t.lap_time for t in traces.values()) < best < min(t.lap_time for t in traces.values())
    # The quickest driver in each official sector (laptimes.json) is quickest in some mini-sector of it.
    middle = (result.edges[:-1] + result.edges[1:]) / 2
    sector_of = np.searchsorted(result.sector_lines, middle)
    for k in range(3):
        fastest = min(traces.values(), key=lambda t: t.sectors[k]).label
        owners = {result.drivers[i] for i in result.owner[sector_of == k]}
        assert fastest in owners, (k, fastest, owners)
    # The map line is the reference (fastest) lap's x/y: it spans Yas Marina (~5.2 km of path).
    path = np.hypot(np.diff(result.x), np.diff(result.y)).sum()
    assert path == pytest.approx(result.distance[-1], rel=0.02) and 5000 < path < 5400


def test_real_stints_and_bests():
    laps = [lap for driver in ("NOR", "VER", "LEC") for lap in real_laps(driver)]
    raw = {d: json.loads((REAL_F1 / f"{d}_laptimes.json").read_text()) for d in ("NOR", "VER", "LEC")}
    for s in stints(laps):
        t = raw[s.driver]
        numbers = [int(n) for n, stint in zip(t["lap"], t["stint"], strict=True) if stint == s.stint]
        assert (s.first_lap, s.last_lap, s.laps) == (min(numbers), max(numbers), len(numbers))
        assert s.tyre_life_start == t["life"][[int(n) for n in t["lap"]].index(s.first_lap)]
    rows = {r["driver"]: r for r in bests_table(laps, ["NOR", "VER", "LEC"])}
    assert (rows["NOR"]["fastest"], rows["NOR"]["fastest_lap"]) == (82.595, 15)  # the README's table
    for d, t in raw.items():
        sectors = [min(v for v in t[s] if v != "None") for s in ("s1", "s2", "s3")]
        assert rows[d]["sectors"] == sectors and rows[d]["theoretical"] == pytest.approx(sum(sectors), abs=1e-3)
    leaders = column_leaders(list(rows.values()))
    assert leaders["fastest"] == "NOR" and leaders["s2"] == min(rows, key=lambda d: rows[d]["sectors"][1])
