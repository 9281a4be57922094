"""Split the followed car's samples into laps as the stream goes by, mark them, and derive the lap channels.

Boundaries come from the timings stream: the lap counter changing, or the game's lap timer starting,
restarting or stopping (an out-lap from the garage, a restart, a return to the pits). A lap is handed on as
soon as the next one begins, so only the lap being driven is held in memory.
"""

import numpy as np

from app.domain.models import Channels, LapData, LapFlag
from app.sources.ams2 import packets as pk
from app.sources.ams2.decode import Batch, Packets, gather

AT_LINE_S = 1.0  # a lap timer below this at a boundary means the car just crossed the line
STOPPED_KMH = 5.0


def _boundaries(lap: np.ndarray, lt: np.ndarray) -> np.ndarray:
    """Indices of timing rows that start a new segment, row 0 excluded (it continues the row before)."""
    prev_lap, prev_lt, cur_lt = lap[:-1], lt[:-1], lt[1:]
    new_lap = lap[1:] != prev_lap
    timer_started = (cur_lt >= 0) & (prev_lt < 0)
    timer_reset = (cur_lt >= 0) & (prev_lt >= 0) & (cur_lt < prev_lt - AT_LINE_S)
    timer_stopped = (cur_lt < 0) & (prev_lt >= 0)
    cut = new_lap | timer_started | timer_reset | timer_stopped
    return np.flatnonzero(cut) + 1


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
    speed_ms = np.where(np.isfinite(speed_ms), speed_ms, 0.0)  # a garbled sample must not poison the whole lap
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


class LapSplitter:
    """Feed it batches in stream order; it returns each lap once the lap after it has begun."""

    def __init__(self) -> None:
        self._tel: list[Packets] = []  # telemetry from the current lap's first sample on, still in its chunks
        self._tel_ms = np.empty(0)
        self._tel_base = 0  # stream index of the first buffered telemetry sample
        self._rows: list[np.ndarray] = []  # timing rows of the current lap
        self._rows_ms: list[np.ndarray] = []
        self._cut = 0  # stream index of the current lap's first telemetry sample
        self._prev: tuple[int, float] | None = None  # lap counter and timer of the last row seen
        self._session_start: float | None = None

    def feed(self, batch: Batch) -> list[LapData]:
        if len(batch.telemetry):
            self._tel.append(batch.telemetry)
            self._tel_ms = np.concatenate((self._tel_ms, batch.tel_ms))
            if self._session_start is None:
                self._session_start = float(batch.tel_ms[0])
        rows, ms = batch.timing, batch.timing_ms
        if not len(rows):
            return []
        lap = rows["current_lap"].astype(np.int32)
        lt = rows["lap_time"].astype(np.float64)
        if self._prev is None:
            cuts = _boundaries(lap, lt)  # row 0 opens the first lap, which takes all telemetry before it
        else:
            cuts = _boundaries(np.append(self._prev[0], lap), np.append(self._prev[1], lt)) - 1
        laps: list[LapData] = []
        pos = 0
        for b in cuts.tolist():
            self._rows.append(rows[pos:b])
            self._rows_ms.append(ms[pos:b])
            begin = _line_crossing_ms(ms[b], lt[b]) if 0 <= lt[b] < AT_LINE_S else ms[b]
            cut = max(self._cut, self._tel_base + int(np.searchsorted(self._tel_ms, begin, side="left")))
            done = self._close(cut, (int(lap[b]), float(lt[b])))
            if done is not None:
                laps.append(done)
            pos = b
        self._rows.append(rows[pos:])
        self._rows_ms.append(ms[pos:])
        self._prev = (int(lap[-1]), float(lt[-1]))
        return laps

    def finish(self) -> list[LapData]:
        if self._prev is None:
            return []
        done = self._close(self._tel_base + len(self._tel_ms), None)
        return [done] if done is not None else []

    def _take(self, n: int) -> tuple[list[Packets], int]:
        """The first n buffered telemetry packets (fewer if fewer are buffered), leaving the rest."""
        taken: list[Packets] = []
        count = 0
        while self._tel and count < n:
            part = self._tel.pop(0)
            if count + len(part) > n:
                part, rest = part.split(n - count)
                self._tel.insert(0, rest)
            taken.append(part)
            count += len(part)
        return taken, count

    def _close(self, cut: int, nxt: tuple[int, float] | None) -> LapData | None:
        """Hand on the current lap (telemetry up to stream index cut) and start the next one there."""
        seg = np.concatenate(self._rows)
        seg_ms = np.concatenate(self._rows_ms)
        self._rows, self._rows_ms = [], []
        taken, t1 = self._take(cut - self._tel_base)  # the current lap's telemetry starts the buffer
        lap = None
        if t1 > 0 and len(seg):
            lap = _lap(seg, seg_ms, gather(taken), self._tel_ms[:t1], nxt, self._session_start or 0.0)
        self._tel_ms = self._tel_ms[t1:]
        self._tel_base, self._cut = cut, cut
        return lap


def _lap(seg: np.ndarray, ms: np.ndarray, tel: np.ndarray, tel_ms: np.ndarray, nxt: tuple[int, float] | None,
         session_start: float) -> LapData:
    """One lap from its timing rows and telemetry; nxt is the first row of the lap after it (None at the end)."""
    number = int(seg["current_lap"][0])
    seg_lt = seg["lap_time"].astype(np.float64)
    timed = seg_lt[0] >= 0
    from_line = timed and seg_lt[0] < AT_LINE_S
    to_line = timed and nxt is not None and 0 <= nxt[1] < AT_LINE_S and nxt[0] == number + 1
    flags: list[LapFlag] = []
    if not timed:
        flags.append(LapFlag.OUT_LAP)
    elif not from_line or not to_line:
        flags.append(LapFlag.PARTIAL)
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
    start_ms = _line_crossing_ms(ms[0], seg_lt[0]) if timed else float(tel_ms[0])
    with np.errstate(over="ignore", invalid="ignore"):  # values a damaged file garbled: stored as they come
        channels = lap_channels(tel, tel_ms, start_ms, session_start, ms, seg["lap_distance"].astype(np.float64))
    return LapData(
        number=number,
        channels=channels,
        lap_time=lap_time,
        sectors=_sector_times(seg, lap_time) if timed else (None, None, None),
        flags=flags,
        start_time=round((start_ms - session_start) / 1000.0, 3),
    )
