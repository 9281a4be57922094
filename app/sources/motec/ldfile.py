"""Read and write `.ld` files: a header, event/venue/vehicle blocks, a linked list of channel metas, then the
raw samples of each channel (see docs/motec.md). Channels carry engineering values; scaling happens here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from app.errors import InvalidFile
from app.fileio import write_atomic
from app.sources.motec import layout as L


@dataclass
class LdChannel:
    name: str
    unit: str
    rate: int  # Hz, one rate for the whole channel
    values: np.ndarray  # engineering values
    short: str = ""
    decimals: int = 0  # raw integers are value * 10**decimals
    dtype: str = "<i2"  # "<i2", "<i4" or "<f4"

    @property
    def resolution(self) -> float:
        return 0.0 if self.dtype.startswith("<f") else 10.0 ** -self.decimals


@dataclass
class LdSession:
    driver: str = ""
    vehicle: str = ""
    venue: str = ""
    event: str = ""
    session: str = ""
    comment: str = ""
    when: datetime = field(default_factory=datetime.now)
    vehicle_type: str = ""


def encoding_for(values: np.ndarray, max_decimals: int = 3) -> tuple[str, int]:
    """The narrowest integer type and the most decimals that hold every value; float32 when nothing fits."""
    peak = float(np.max(np.abs(values))) if len(values) else 0.0
    for dtype, limit in (("<i2", 32767), ("<i4", 2**31 - 1)):
        for dec in range(max_decimals, -1, -1):
            if peak * 10**dec <= limit:
                return dtype, dec
    return "<f4", 0


# ---- writing
def write_ld(path: Path, session: LdSession, channels: list[LdChannel]) -> None:
    write_atomic(Path(path), lambda tmp: Path(tmp).write_bytes(encode_ld(session, channels)))


def encode_ld(session: LdSession, channels: list[LdChannel]) -> bytes:
    event_ptr = L.HEADER.size
    venue_ptr = event_ptr + L.EVENT.size
    vehicle_ptr = venue_ptr + L.VENUE.size
    meta_ptr = vehicle_ptr + L.VEHICLE.size
    data_ptr = meta_ptr + L.CHANNEL.size * len(channels)
    raws = [_raw(ch) for ch in channels]

    out = bytearray()
    out += L.HEADER.pack(
        L.LD_MARKER, meta_ptr if channels else 0, data_ptr if channels else 0, event_ptr, *L.HEADER_CONSTANTS,
        L.DEVICE_SERIAL, L.DEVICE_TYPE, L.DEVICE_VERSION, L.HEADER_CONSTANT, len(channels),
        L.field(session.when.strftime("%d/%m/%Y"), 16), L.field(session.when.strftime("%H:%M:%S"), 16),
        L.field(session.driver, 64), L.field(session.vehicle, 64), L.field(session.venue, 64), L.PRO_LOGGING,
        L.field(session.comment, 64))
    out += L.EVENT.pack(L.field(session.event, 64), L.field(session.session, 64), L.field(session.comment, 1024),
                        venue_ptr)
    out += L.VENUE.pack(L.field(session.venue, 64), vehicle_ptr)
    out += L.VEHICLE.pack(L.field(session.vehicle, 64), 0, L.field(session.vehicle_type, 32), b"")
    at = data_ptr
    for i, (ch, raw) in enumerate(zip(channels, raws, strict=True)):
        prev = meta_ptr + L.CHANNEL.size * (i - 1) if i else 0
        nxt = meta_ptr + L.CHANNEL.size * (i + 1) if i + 1 < len(channels) else 0
        cls = L.FLOAT_CLASS if ch.dtype.startswith("<f") else (0x03 if ch.dtype == "<i2" else 0x05)
        out += L.CHANNEL.pack(prev, nxt, at, len(raw), L.CHANNEL_COUNTER_BASE + i, cls, raw.itemsize, ch.rate,
                              0, 1, 1, 0 if cls == L.FLOAT_CLASS else ch.decimals, L.field(ch.name, 32),
                              L.field(ch.short or ch.name[:7], 8), L.field(ch.unit, 12))
        at += raw.nbytes
    for raw in raws:
        out += raw.tobytes()
    return bytes(out)


def _raw(ch: LdChannel) -> np.ndarray:
    values = np.asarray(ch.values, dtype=np.float64)
    if ch.dtype.startswith("<f"):
        return values.astype(ch.dtype)
    info = np.iinfo(np.dtype(ch.dtype))
    return np.clip(np.rint(values * 10.0**ch.decimals), info.min, info.max).astype(ch.dtype)


# ---- reading
@dataclass
class LdFile:
    session: LdSession
    channels: list[LdChannel]

    def channel(self, name: str) -> LdChannel | None:
        return next((c for c in self.channels if c.name == name), None)


def read_ld(path: Path) -> LdFile:
    data = Path(path).read_bytes()
    try:
        return decode_ld(data)
    except InvalidFile as exc:
        raise InvalidFile(f"{Path(path).name}: {exc}") from None


def decode_ld(data: bytes) -> LdFile:
    if len(data) < L.HEADER.size:
        raise InvalidFile("not a MoTeC .ld file (too short for the header)")
    h = L.HEADER.unpack_from(data)
    if h[0] != L.LD_MARKER:
        raise InvalidFile("not a MoTeC .ld file (no .ld marker at the start)")
    meta_ptr, event_ptr = h[1], h[3]
    session = LdSession(driver=L.text(h[14]), vehicle=L.text(h[15]), venue=L.text(h[16]),
                        comment=L.text(h[18]), when=_when(L.text(h[12]), L.text(h[13])))
    if 0 < event_ptr <= len(data) - L.EVENT.size:
        name, sess, _comment, venue_ptr = L.EVENT.unpack_from(data, event_ptr)
        session.event, session.session = L.text(name), L.text(sess)
        if 0 < venue_ptr <= len(data) - L.VENUE.size:
            venue, vehicle_ptr = L.VENUE.unpack_from(data, venue_ptr)
            session.venue = L.text(venue) or session.venue
            if 0 < vehicle_ptr <= len(data) - L.VEHICLE.size:
                session.vehicle_type = L.text(L.VEHICLE.unpack_from(data, vehicle_ptr)[2])
    channels: list[LdChannel] = []
    seen: set[int] = set()
    while meta_ptr:
        if meta_ptr in seen or meta_ptr > len(data) - L.CHANNEL.size:
            raise InvalidFile(f"damaged channel list (pointer {meta_ptr:#x})")
        seen.add(meta_ptr)
        channels.append(_channel(data, meta_ptr))
        meta_ptr = L.CHANNEL.unpack_from(data, meta_ptr)[1]
    return LdFile(session, channels)


def _channel(data: bytes, at: int) -> LdChannel:
    _prev, _next, ptr, count, _n, cls, size, rate, shift, mul, scale, dec, name, short, unit = \
        L.CHANNEL.unpack_from(data, at)
    dtype = L.DTYPES.get((cls, size))
    label = L.text(name)
    if dtype is None:
        raise InvalidFile(f"channel {label!r} has an unknown sample type ({cls:#x}, {size} bytes)")
    if ptr + count * size > len(data):
        raise InvalidFile(f"channel {label!r} runs past the end of the file")
    raw = np.frombuffer(data, dtype=dtype, count=count, offset=ptr).astype(np.float64)
    values = (raw / (scale or 1) * 10.0 ** -dec + shift) * (mul or 1)
    return LdChannel(label, L.text(unit), int(rate), values, L.text(short), dec, dtype)


def _when(date: str, time: str) -> datetime:
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(f"{date} {time}", fmt)
        except ValueError:
            pass
    return datetime(1970, 1, 1)
