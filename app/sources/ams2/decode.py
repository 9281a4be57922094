"""Vectorised decoding: every packet of a type at once, through a structured dtype."""

from dataclasses import dataclass

import numpy as np

from app.errors import InvalidFile
from app.sources.ams2 import packets as pk
from app.sources.ams2.container import PacketIndex, gather

OLD_FORMAT_TICK_MS = 1000 / 60  # older builds carry no tick count: assume the default 60 Hz send rate


@dataclass
class Streams:
    """Telemetry and timings of one participant, both on one monotonic millisecond time base."""

    telemetry: np.ndarray  # structured, TELEMETRY_5xx
    tel_ms: np.ndarray  # float64 per telemetry packet
    timing: np.ndarray  # structured, PARTICIPANT records of the followed car
    timing_ms: np.ndarray  # float64 per timings packet
    participant: int
    track: str | None
    track_length: float | None


def _of_type(index: PacketIndex, ptype: int, sizes: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Offsets of the packets of one type in its most common known size (others are skipped)."""
    best: tuple[np.ndarray, int] = (np.empty(0, np.int64), sizes[0])
    for size in sizes:
        sel = index.offsets[(index.types == ptype) & (index.lengths == size)]
        if len(sel) > len(best[0]):
            best = (sel, size)
    return best


def _unwrapped_ms(ticks: np.ndarray) -> np.ndarray:
    """Game ticks as a non-decreasing time base: a reset or wrap does not send time backwards."""
    t = ticks.astype(np.float64)
    if len(t) < 2:
        return t
    step = np.diff(t)
    step[step < 0] = 0.0
    return np.concatenate(([t[0]], t[0] + np.cumsum(step)))


def _track(raw: bytes, index: PacketIndex) -> tuple[str | None, float | None]:
    offs, _ = _of_type(index, pk.RACE_DATA, (pk.RACE_DATA_SIZE,))
    if not len(offs):
        return None, None
    rec = np.frombuffer(gather(raw, offs[-1:], pk.RACE_DATA_SIZE), dtype=pk.RACE_DATA_DTYPE)[0]
    location = rec["track_location"].split(b"\0")[0].decode("utf-8", "replace").strip()
    variation = rec["track_variation"].split(b"\0")[0].decode("utf-8", "replace").strip()
    name = " ".join(p for p in (location, variation) if p) or None
    length = float(rec["track_length"])
    return name, (length if length > 0 else None)


def decode_streams(raw: bytes, index: PacketIndex) -> Streams:
    tel_offs, tel_size = _of_type(index, pk.TELEMETRY, pk.TELEMETRY_SIZES)
    tim_offs, tim_size = _of_type(index, pk.TIMINGS, pk.TIMINGS_SIZES)
    if not len(tel_offs):
        raise InvalidFile("The file holds no telemetry packets (type 0): nothing to show.")
    if not len(tim_offs):
        raise InvalidFile("The file holds no timings packets (type 3), so its laps cannot be split.")

    tel_dtype = pk.TELEMETRY_559 if tel_size == 559 else pk.TELEMETRY_556
    tim_dtype = pk.TIMINGS_1063 if tim_size == 1063 else pk.TIMINGS_1059
    tel = np.frombuffer(gather(raw, tel_offs, tel_size), dtype=tel_dtype)
    tim = np.frombuffer(gather(raw, tim_offs, tim_size), dtype=tim_dtype)

    # One time base for both streams: unwrap the ticks in stream order, then split them back.
    order = np.concatenate((tel_offs, tim_offs)).argsort(kind="stable")
    if "tick" in tel.dtype.names and "tick" in tim.dtype.names:
        ticks = np.concatenate((tel["tick"], tim["tick"]))[order]
    else:
        ticks = np.arange(len(order)) * OLD_FORMAT_TICK_MS
    merged = np.empty(len(order))
    merged[order] = _unwrapped_ms(ticks)
    tel_ms, tim_ms = merged[: len(tel)], merged[len(tel) :]

    viewed = tel["viewed"]
    viewed = viewed[(viewed >= 0) & (viewed < 32)]
    if len(viewed):
        participant = int(np.bincount(viewed).argmax())
    else:
        participant = int(np.bincount(np.clip(tim["local_index"], 0, 31)).argmax())

    present = tim["num_participants"] > participant
    timing = tim["participants"][present, participant]
    timing_ms = tim_ms[present]
    started = timing["current_lap"] > 0  # lap 0 rows come before the session is running
    if not started.any():
        raise InvalidFile("The timings packets never show the followed car on a lap: no laps to split.")
    track, track_length = _track(raw, index)
    return Streams(tel, tel_ms, timing[started], timing_ms[started], participant, track, track_length)
