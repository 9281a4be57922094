"""Vectorised decoding, a chunk at a time: every packet of a type at once, through a structured dtype."""

from dataclasses import dataclass

import numpy as np

from app.sources.ams2 import packets as pk
from app.sources.ams2.walk import u32_view

OLD_FORMAT_TICK_MS = 1000 / 60  # older builds carry no tick count: assume the default 60 Hz send rate
_PARTICIPANTS_AT = 33  # offset of the 32-byte participant records in a timings packet


@dataclass
class Packets:
    """Packets of one kind still in their chunk, copied out as records only once a lap takes them."""

    buf: bytes
    at: np.ndarray  # byte offsets of the packets (after their length prefix)
    dtype: np.dtype

    def __len__(self) -> int:
        return len(self.at)

    def split(self, k: int) -> tuple["Packets", "Packets"]:
        return Packets(self.buf, self.at[:k], self.dtype), Packets(self.buf, self.at[k:], self.dtype)


def gather(parts: list[Packets]) -> np.ndarray:
    """The records of these packets, in order, as one structured array: one memcpy per record (two for a
    lap that spans chunks; numpy copies structured records field by field, so they move as raw bytes)."""
    pieces = [records(p.buf, p.at, p.dtype).view(np.dtype((np.void, p.dtype.itemsize))) for p in parts if len(p)]
    if not pieces:
        return np.empty(0, parts[0].dtype if parts else pk.TELEMETRY_559)
    return (pieces[0] if len(pieces) == 1 else np.concatenate(pieces)).view(parts[0].dtype)


@dataclass
class Batch:
    """Telemetry and the followed car's timings from one stretch of the stream, on one millisecond time base."""

    telemetry: Packets  # TELEMETRY_5xx packets
    tel_ms: np.ndarray  # float64 per telemetry packet
    timing: np.ndarray  # structured PARTICIPANT records of the followed car, once it is on a lap
    timing_ms: np.ndarray  # float64 per timing row


def records(buf: bytes, offsets: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The records at these byte offsets as one contiguous structured array (a memcpy per record)."""
    size = dtype.itemsize
    if not len(offsets):
        return np.empty(0, dtype)
    blobs = np.ndarray((len(buf) - size + 1,), dtype=np.dtype((np.void, size)), buffer=buf, strides=(1,))
    return blobs[offsets].view(dtype)


class PacketDecoder:
    """Keeps what spans chunks: the packet sizes in use, the followed car, the time base, the track."""

    def __init__(self) -> None:
        self.tel_size: int | None = None
        self.tim_size: int | None = None
        self.participant: int | None = None
        self.viewed_counts = np.zeros(32, dtype=np.int64)
        self.telemetry = 0
        self.timings = 0
        self.on_lap = 0
        self.track: str | None = None
        self.track_length: float | None = None
        self._tick: float | None = None  # last raw tick and its place on the time base
        self._ms = 0.0
        self._packets = 0  # telemetry + timings so far (the time base of old builds)

    def decode(self, buf: bytes, starts: np.ndarray) -> Batch:
        u8 = np.frombuffer(buf, np.uint8)
        lengths = u32_view(u8)[starts]
        types = u8[starts + 14]
        body = starts + 4
        if self.tel_size is None:
            self.tel_size = _common_size(lengths[types == pk.TELEMETRY], pk.TELEMETRY_SIZES)
        if self.tim_size is None:
            self.tim_size = _common_size(lengths[types == pk.TIMINGS], pk.TIMINGS_SIZES)
        is_tel = (types == pk.TELEMETRY) & (lengths == self.tel_size)
        is_tim = (types == pk.TIMINGS) & (lengths == self.tim_size)
        race_data = body[(types == pk.RACE_DATA) & (lengths == pk.RACE_DATA_SIZE)]
        if len(race_data):
            self._read_track(buf, race_data[-1])

        tel_dtype = pk.TELEMETRY_559 if self.tel_size == 559 else pk.TELEMETRY_556
        tel_at = body[is_tel]
        tim_at = body[is_tim]
        self.telemetry += len(tel_at)
        self.timings += len(tim_at)
        if self.participant is None:  # chosen at the first timings packet, from the telemetry seen so far
            viewed = u8[tel_at + 12].view(np.int8)
            self.viewed_counts += np.bincount(viewed[(viewed >= 0) & (viewed < 32)], minlength=32)
            if len(tim_at):
                self._choose_participant(u8, tim_at)

        # One time base for both streams: unwrap the ticks in stream order, then split them back.
        either = is_tel | is_tim
        tel_first = is_tel[either]
        if self.tel_size != 556 and self.tim_size != 1059:
            ticks: np.ndarray = np.empty(len(tel_first), dtype=np.float64)
            ticks[tel_first] = u32_view(u8)[tel_at + 555]
            ticks[~tel_first] = u32_view(u8)[tim_at + 1059]
        else:
            ticks = (self._packets + np.arange(len(tel_first))) * OLD_FORMAT_TICK_MS
        self._packets += len(tel_first)
        ms = self._unwrapped_ms(ticks)
        tel_ms, tim_ms = ms[tel_first], ms[~tel_first]

        tel = Packets(buf, tel_at, tel_dtype)
        if self.participant is None or not len(tim_at):
            empty = np.empty(0, pk.PARTICIPANT)
            return Batch(tel, tel_ms, empty, np.empty(0))
        present = u8[tim_at + 12].view(np.int8) > self.participant
        rows = records(buf, tim_at[present] + _PARTICIPANTS_AT + 32 * self.participant, pk.PARTICIPANT)
        started = rows["current_lap"] > 0  # lap 0 rows come before the session is running
        self.on_lap += int(started.sum())
        return Batch(tel, tel_ms, rows[started], tim_ms[present][started])

    def _choose_participant(self, u8: np.ndarray, tim_at: np.ndarray) -> None:
        """The car the telemetry follows (telemetry offset 12), else the local player (timings offset 1057)."""
        if self.viewed_counts.any():
            self.participant = int(self.viewed_counts.argmax())
        else:
            local = u8[tim_at + 1057].astype(np.int64) | (u8[tim_at + 1058].astype(np.int64) << 8)
            self.participant = int(np.bincount(np.clip(local, 0, 31)).argmax())

    def _unwrapped_ms(self, ticks: np.ndarray) -> np.ndarray:
        """Game ticks as a non-decreasing time base: a reset or wrap does not send time backwards."""
        if not len(ticks):
            return ticks
        if self._tick is None:
            self._tick, self._ms = float(ticks[0]), float(ticks[0])
        step = np.diff(ticks, prepend=self._tick)
        step[step < 0] = 0.0
        ms = self._ms + np.cumsum(step)
        self._tick, self._ms = float(ticks[-1]), float(ms[-1])
        return ms

    def _read_track(self, buf: bytes, at: int) -> None:
        rec = records(buf, np.array([at]), pk.RACE_DATA_DTYPE)[0]
        location = rec["track_location"].split(b"\0")[0].decode("utf-8", "replace").strip()
        variation = rec["track_variation"].split(b"\0")[0].decode("utf-8", "replace").strip()
        self.track = " ".join(p for p in (location, variation) if p) or None
        length = float(rec["track_length"])
        self.track_length = length if length > 0 else None


def _common_size(lengths: np.ndarray, sizes: tuple[int, ...]) -> int | None:
    """The known size most packets of a type have (others are skipped); None until one is seen."""
    counts = [int((lengths == s).sum()) for s in sizes]
    return sizes[int(np.argmax(counts))] if max(counts) else None
