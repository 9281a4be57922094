"""Split the followed car's samples into laps, mark them, and derive the lap channels.

Boundaries come from the timings stream: the lap counter changing, or the game's lap timer starting,
restarting or stopping (an out-lap from the garage, a restart, a return to the pits).
"""

import numpy as np

from app.domain.models import Channels, LapData, LapFlag
from app.sources.ams2 import packets as pk
from app.sources.ams2.decode import Streams

AT_LINE_S = 1.0  # a lap timer below this at a boundary means the car just crossed the line
STOPPED_KMH = 5.0


def _boundaries(lap: np.ndarray, lt: np.ndarray) -> np.ndarray:
    """Indices of timing rows that start a new segment (row 0 always does)."""
    prev_lap, prev_lt, cur_lt = lap[:-1], lt[:-1], lt[1:]
    new_lap = lap[1:] != prev_lap
    timer_started = (cur_lt >= 0) & (prev_lt < 0)
    timer_reset = (cur_lt >= 0) & (prev_lt >= 0) & (cur_lt < prev_lt - AT_LINE_S)
    timer_stopped = (cur_lt < 0) & (prev_lt >= 0)
    cut = new_lap | timer_started | timer_reset | timer_stopped
    return np.concatenate(([0], np.flatnonzero(cut) + 1))


def _line_crossing_ms(ms: float, lap_time: float) -> float:
    """When the lap timer read zero, from a row taken lap_time seconds after the line."""
    return ms - lap_time * 1000.0


def _sector_times(rows: np.ndarray, lap_time: float | None) -> tuple[float | None, float | None, float | None]:
    sector = rows["sector"] & pk.SECTOR_MASK
    lt, st = rows["lap_time"], rows["sector_time"]
    # At a sector change the lap timer minus the new sector's timer is the lap time at the split.
    splits: dict[int, float] = {}
    for i in np.flatnonzero(np.diff(sector.astype(np.int16)) == 1) + 1:
        if lt[i] >= 0 and st[i] >= 0:
            splits[int(sector[i])] = float(lt[i] - st[i])
    s1 = splits.get(1)
    s2 = splits[2] - s1 if s1 is not None and 2 in splits else None
    s3 = lap_time - splits[2] if lap_time is not None and 2 in splits else None
    return tuple(None if v is None else round(float(v), 3) for v in (s1, s2, s3))  # type: ignore[return-value]


def _distance(tel_ms: np.ndarray, speed_ms: np.ndarray, row_ms: np.ndarray, row_dist: np.ndarray) -> np.ndarray:
    """Lap distance on the telemetry time base.

    Integrating speed gives a smooth curve; the game's own lap distance (whole metres, sampled less often)
    anchors it to the track so that the same point of the track has the same distance on every lap.
    """
    dt = np.diff(tel_ms, prepend=tel_ms[0]) / 1000.0
    travelled = np.cumsum(dt * np.concatenate(([speed_ms[0]], (speed_ms[1:] + speed_ms[:-1]) / 2)))
    if len(row_ms) and np.ptp(row_dist) >= 1.0:  # in the pit lane the game reports no lap distance
        offset = row_dist - np.interp(row_ms, tel_ms, travelled)
        travelled = travelled + np.interp(tel_ms, row_ms, offset)
    return np.maximum.accumulate(np.clip(travelled, 0.0, None))


def lap_channels(tel: np.ndarray, tel_ms: np.ndarray, start_ms: float, session_start_ms: float,
                 row_ms: np.ndarray, row_dist: np.ndarray) -> Channels:
    speed = tel["speed"].astype(np.float64)
    gear = (tel["gear"] & 0x0F).astype(np.int8)
    gear[gear == 15] = -1
    accel = tel["local_accel"]
    ch: Channels = {
        "time": (tel_ms - start_ms) / 1000.0,
        "session_time": (tel_ms - session_start_ms) / 1000.0,
        "distance": _distance(tel_ms, speed, row_ms, row_dist),
        "speed": (speed * 3.6).astype(np.float32),
        "throttle": (tel["throttle"] * (100 / 255)).astype(np.float32),
        "brake": (tel["brake"] * (100 / 255)).astype(np.float32),
        "clutch": (tel["clutch"] * (100 / 255)).astype(np.float32),
        "steering": (tel["steering"] * (100 / 127)).astype(np.float32),
        "gear": gear,
        "rpm": tel["rpm"].astype(np.float32),
        "fuel": (tel["fuel_level"] * tel["fuel_capacity"]).astype(np.float32),
        "x": tel["position"][:, 0].astype(np.float32),
        "y": tel["position"][:, 1].astype(np.float32),
        "z": tel["position"][:, 2].astype(np.float32),
        "accel_x": accel[:, 0].astype(np.float32),
        "accel_y": accel[:, 1].astype(np.float32),
        "accel_z": accel[:, 2].astype(np.float32),
        "oil_temp": tel["oil_temp"].astype(np.float32),
        "water_temp": tel["water_temp"].astype(np.float32),
        "brake_bias": tel["brake_bias"].astype(np.float32),
    }
    for i, wheel in enumerate(("fl", "fr", "rl", "rr")):
        ch[f"tyre_temp_{wheel}_inner"] = tel["tyre_temp_inner"][:, i].astype(np.float32)
        ch[f"tyre_temp_{wheel}_centre"] = tel["tyre_temp_centre"][:, i].astype(np.float32)
        ch[f"tyre_temp_{wheel}_outer"] = tel["tyre_temp_outer"][:, i].astype(np.float32)
        ch[f"tyre_temp_{wheel}"] = tel["tyre_temp"][:, i].astype(np.float32)
        ch[f"brake_temp_{wheel}"] = tel["brake_temp"][:, i].astype(np.float32)
        ch[f"tyre_pressure_{wheel}"] = tel["tyre_pressure"][:, i].astype(np.float32)
        ch[f"ride_height_{wheel}"] = tel["ride_height"][:, i].astype(np.float32)
    return ch


def split_laps(s: Streams) -> list[LapData]:
    rows, ms = s.timing, s.timing_ms
    lap = rows["current_lap"].astype(np.int32)
    lt = rows["lap_time"].astype(np.float64)
    starts = _boundaries(lap, lt)
    ends = np.append(starts[1:], len(rows))

    # Where each segment begins on the time base: the line crossing when it starts timed from the line,
    # otherwise the first row that shows it; the first segment also takes the telemetry before it.
    begin_ms = np.array([
        _line_crossing_ms(ms[b], lt[b]) if 0 <= lt[b] < AT_LINE_S else ms[b] for b in starts
    ])
    begin_ms[0] = min(begin_ms[0], s.tel_ms[0])
    cuts = np.searchsorted(s.tel_ms, begin_ms, side="left")
    cuts = np.append(cuts, len(s.tel_ms))
    session_start = float(s.tel_ms[0])

    laps: list[LapData] = []
    for k, (b, e) in enumerate(zip(starts, ends, strict=True)):
        t0, t1 = cuts[k], cuts[k + 1]
        if t1 <= t0:
            continue  # a timing glitch with no telemetry inside: nothing to store
        seg = rows[b:e]
        seg_lt = lt[b:e]
        timed = seg_lt[0] >= 0
        from_line = timed and seg_lt[0] < AT_LINE_S
        nxt = ends[k] if k + 1 < len(starts) else None
        to_line = (
            timed and nxt is not None and 0 <= lt[nxt] < AT_LINE_S and lap[nxt] == lap[b] + 1
        )
        flags: list[LapFlag] = []
        if not timed:
            flags.append(LapFlag.OUT_LAP)
        elif not from_line or not to_line:
            flags.append(LapFlag.PARTIAL)
        tel = s.telemetry[t0:t1]
        pit = seg["pit_mode"]
        stopped_at_end = float(tel["speed"][-1]) * 3.6 < STOPPED_KMH
        if np.isin(pit, pk.PIT_MODES_IN_PITS).any() or (timed and not to_line and stopped_at_end):
            flags.append(LapFlag.IN_LAP)
        if np.isin(pit, pk.PIT_MODES_LEAVING).any() and LapFlag.OUT_LAP not in flags:
            flags.append(LapFlag.OUT_LAP)
        if (seg["race_state"] & pk.LAP_INVALIDATED).any():
            flags.append(LapFlag.INVALID)

        # The game's own lap time: its timer's last reading before the line. Extrapolating to the crossing
        # is no better: tick counts and the lap timer jitter against each other by about 10 ms.
        lap_time = round(float(seg_lt[-1]), 3) if to_line else None
        start_ms = _line_crossing_ms(ms[b], seg_lt[0]) if timed else float(s.tel_ms[t0])
        channels = lap_channels(
            tel, s.tel_ms[t0:t1], start_ms, session_start, ms[b:e], seg["lap_distance"].astype(np.float64)
        )
        laps.append(
            LapData(
                number=int(lap[b]),
                channels=channels,
                lap_time=lap_time,
                sectors=_sector_times(seg, lap_time) if timed else (None, None, None),
                flags=flags,
                start_time=round((start_ms - session_start) / 1000.0, 3),
            )
        )
    return laps
