"""Damaged race files open with everything that can be read, marked damaged; only a file with nothing usable is
refused, with one clear line. Property tests mutate the real short Montreal recording."""

import bisect
import functools
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.models import SessionData
from app.errors import PitwallError
from app.sources.ams2.container import decompress, index_packets
from app.sources.ams2.reader import read_race_bytes
from tests.conftest import SHORT_RACE

BLOB = SHORT_RACE.read_bytes()
RAW = decompress(BLOB)
PREFIXES = (index_packets(RAW).offsets - 4).tolist()  # where each length prefix sits in RAW
PREFIXES_SET = set(PREFIXES)
TELEMETRY = 5083  # telemetry packets in the file: every one lands in a lap
PROPERTY = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def clear_answer(blob: bytes) -> SessionData | None:
    """A session whose laps hold consistent channels, or one PitwallError with a one-line message."""
    try:
        session = read_race_bytes(blob)
    except PitwallError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return None
    assert session.laps
    for lap in session.laps:
        n = lap.sample_count
        assert n > 0 and all(len(col) == n for col in lap.channels.values())
        assert np.all(np.diff(lap.channels["distance"]) >= 0)
    assert session.meta["damaged"] == bool(session.meta.get("warnings"))
    return session


def samples(session: SessionData | None) -> int:
    return sum(lap.sample_count for lap in session.laps) if session else 0


def test_the_sound_file_reads_whole():
    session = clear_answer(BLOB)
    assert samples(session) == TELEMETRY and not session.meta["damaged"]


@PROPERTY
@given(st.integers(min_value=0, max_value=len(BLOB) - 1))
def test_truncated_anywhere(cut):
    session = clear_answer(BLOB[:cut])
    if session is not None:
        assert session.meta["damaged"] and any("truncated" in w for w in session.meta["warnings"])
        assert samples(session) <= TELEMETRY


@PROPERTY
@given(st.integers(min_value=2, max_value=len(BLOB) - 1), st.integers(min_value=1, max_value=255))
def test_byte_flipped_in_the_zlib_stream(at, xor):
    blob = bytearray(BLOB)
    blob[at] ^= xor
    session = clear_answer(bytes(blob))
    if session is not None:
        assert samples(session) <= TELEMETRY + 16  # whatever garbage resyncs, it cannot add much


@PROPERTY
@given(st.integers(min_value=0, max_value=len(RAW) - 1), st.integers(min_value=1, max_value=255))
def test_byte_flipped_in_the_packet_stream(at, xor):
    raw = bytearray(RAW)
    raw[at] ^= xor
    session = clear_answer(zlib.compress(bytes(raw), 1))
    # A flipped length prefix or packet type costs that one packet, never the rest of the file.
    assert TELEMETRY - 1 <= samples(session) <= TELEMETRY
    if at in PREFIXES_SET and samples(session) < TELEMETRY:
        assert any("Skipped" in w for w in session.meta["warnings"])


@PROPERTY
@given(st.sampled_from(PREFIXES), st.binary(min_size=1, max_size=3000))
def test_garbage_inserted_between_packets(at, garbage):
    session = clear_answer(zlib.compress(RAW[:at] + garbage + RAW[at:], 1))
    assert TELEMETRY - 1 <= samples(session) <= TELEMETRY + len(garbage) // 559


@PROPERTY
@given(st.binary(min_size=1, max_size=5000))
def test_trailing_garbage(garbage):
    session = clear_answer(BLOB + garbage)
    assert samples(session) == TELEMETRY
    assert session.meta["warnings"] == [f"{len(garbage)} bytes after the end of the zlib stream were ignored."]


def test_broken_length_prefix_costs_one_packet():
    at = PREFIXES[1000]
    raw = bytearray(RAW)
    raw[at : at + 4] = struct.pack("<I", 0xFFFF_FF00)
    session = clear_answer(zlib.compress(bytes(raw)))
    assert samples(session) == TELEMETRY - 1
    (warning,) = session.meta["warnings"]
    assert f"at byte {at} " in warning and "Skipped" in warning


def unclosed_recording(raw: bytes, flush_every: int = 70) -> tuple[bytes, list[int]]:
    """The live recorder's file after a kill: a zlib stream with a sync flush after every ~second of packets
    (ending on a packet boundary) and no end marker. Also returns the file size at each sync point."""
    packer = zlib.compressobj(6)
    out, sync_points = [], []
    size = 0
    bounds = PREFIXES + [len(raw)]
    for i in range(0, len(PREFIXES), flush_every):
        part = packer.compress(raw[bounds[i] : bounds[min(i + flush_every, len(PREFIXES))]])
        part += packer.flush(zlib.Z_SYNC_FLUSH)
        out.append(part)
        size += len(part)
        sync_points.append(size)
    return b"".join(out), sync_points


def test_recording_killed_between_sync_points_opens():
    blob, sync_points = unclosed_recording(RAW)
    whole = clear_answer(blob)
    assert samples(whole) == TELEMETRY
    assert whole.meta["warnings"] == [w for w in whole.meta["warnings"] if "truncated" in w]  # nothing else lost
    cut = sync_points[len(sync_points) // 2]
    half = clear_answer(blob[:cut])
    assert 0 < samples(half) < TELEMETRY
    assert len(half.meta["warnings"]) == 1, "a cut at a sync point loses no packet"
    assert [lap.lap_time for lap in half.laps[:-1]] == [lap.lap_time for lap in whole.laps[: len(half.laps) - 1]]


@functools.cache
def unclosed_short() -> bytes:
    return unclosed_recording(RAW)[0]


@PROPERTY
@given(st.integers(min_value=1, max_value=307_000))
def test_recording_killed_anywhere_opens(cut):
    clear_answer(unclosed_short()[:cut])


@pytest.mark.parametrize("blob", [BLOB[:40], b"\x78\x9c" + bytes(1000), b"\x78" + bytes(range(256)) * 8])
def test_nothing_usable_is_one_clear_error(blob):
    with pytest.raises(PitwallError) as info:
        read_race_bytes(blob)
    assert "\n" not in str(info.value)


def test_a_garbled_speed_does_not_poison_the_lap():
    raw = bytearray(RAW)
    tel = [p + 4 for p in PREFIXES if RAW[p + 14] == 0]
    at = next(o for o in tel if 64 <= struct.unpack_from("<f", RAW, o + 36)[0] < 128)
    raw[at + 39] ^= 0x3D  # the exponent byte: 80 m/s becomes NaN
    assert not np.isfinite(struct.unpack_from("<f", raw, at + 36)[0])
    session = clear_answer(zlib.compress(bytes(raw), 1))  # distances stay finite and never go backwards
    assert samples(session) == TELEMETRY
    assert all(np.isfinite(lap.channels["distance"]).all() for lap in session.laps)


def test_the_live_recorders_file_after_a_kill(tmp_path):
    """The recorder's own writer, never closed (what SIGKILL leaves): every packet up to its last sync is read."""
    from app.sources.ams2.live import StreamWriter

    path = tmp_path / "killed.ams2"
    writer = StreamWriter(path)
    bounds = PREFIXES + [len(RAW)]
    synced_telemetry = 0
    for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        datagram = RAW[a + 4 : b]
        writer.add(datagram)
        if i % 70 == 69 and i < 6000:
            writer.sync()
            synced_telemetry = sum(1 for p in PREFIXES[: i + 1] if RAW[p + 14] == 0)
    session = clear_answer(path.read_bytes())  # the packets after the last sync were still in memory: lost
    assert samples(session) == synced_telemetry > 3000
    (warning,) = session.meta["warnings"]
    assert "truncated" in warning
    writer.close()


def python_walk(raw: bytes) -> list[int]:
    """The sequential length-prefix walk, the obvious way: the reference for the vectorised one."""
    out, pos = [], 0
    while pos + 4 <= len(raw):
        out.append(pos)
        pos += 4 + struct.unpack_from("<I", raw, pos)[0]
    return out


@PROPERTY
@given(st.lists(st.integers(min_value=16, max_value=len(RAW) - 8), min_size=50, max_size=3000), st.integers(0, 7))
def test_false_region_starts_never_make_wrong_packets(decoys, shift):
    """Payload bytes that look like a length prefix make the lock-step walk guess wrong region starts; the walk
    must still find exactly the packets the sequential walk finds."""
    from app.sources.ams2.walk import walk

    raw = bytearray(RAW)
    for at in (d + shift for d in decoys):
        i = bisect.bisect_right(PREFIXES, at)
        if all(not p - 4 < at < p + 16 for p in PREFIXES[max(i - 1, 0) : i + 1]):  # inside a body, off headers
            raw[at : at + 4] = struct.pack("<I", 559)
    assert python_walk(bytes(raw)) == PREFIXES
    assert walk(bytes(raw)).starts.tolist() == PREFIXES
