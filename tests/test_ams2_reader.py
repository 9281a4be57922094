"""The AMS2 race-file reader on the real Montreal recordings."""

import base64
import struct
import zlib

import numpy as np
import pytest

from app.domain.models import LapFlag
from app.errors import InvalidFile
from app.sources.ams2 import read_race_file
from app.sources.ams2.container import decompress, index_packets, write_container
from app.sources.ams2.reader import read_race_bytes
from tests.conftest import DEMO_RACE, SHORT_RACE

TRACK_LENGTH = 4321.0


@pytest.fixture(scope="module")
def demo():
    return read_race_file(DEMO_RACE)


@pytest.fixture(scope="module")
def datagrams() -> list[bytes]:
    raw = decompress(DEMO_RACE.read_bytes())
    idx = index_packets(raw)
    return [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]


def full_laps(session):
    return [lap for lap in session.laps if not lap.flags]


def test_track_and_packets(demo):
    assert demo.track == "Montreal Grand Prix"
    assert demo.track_length == TRACK_LENGTH
    assert demo.meta["packets"] == 30_009 + 15_005 + 2


def timings_lap_times_at_line(datagrams: list[bytes]) -> dict[int, float]:
    """Independent reading with struct: the local car's lap timer just before its lap counter goes up."""
    last: dict[int, float] = {}
    done: dict[int, float] = {}
    prev_lap = None
    for d in datagrams:
        if d[10] != 3:
            continue
        local = struct.unpack_from("<H", d, 1057)[0]
        rec = 33 + 32 * local
        lap = d[rec + 21]
        lap_time = struct.unpack_from("<f", d, rec + 22)[0]
        if prev_lap is not None and lap == prev_lap + 1 and prev_lap in last:
            done[prev_lap] = last[prev_lap]
        if lap_time >= 0:
            last[lap] = lap_time
        prev_lap = lap
    return done


def test_full_lap_times_match_the_games_timing(demo, datagrams):
    expected = timings_lap_times_at_line(datagrams)
    laps = full_laps(demo)
    assert [lap.number for lap in laps] == sorted(expected)
    for lap in laps:
        assert lap.lap_time == pytest.approx(expected[lap.number], abs=0.0015)
        assert 97.0 < lap.lap_time < 100.0
        s1, s2, s3 = lap.sectors
        assert s1 and s2 and s3
        assert s1 + s2 + s3 == pytest.approx(lap.lap_time, abs=0.002)


def test_full_laps_cover_the_track(demo):
    for lap in full_laps(demo):
        d = lap.channels["distance"]
        assert np.all(np.diff(d) >= 0), "distance never goes backwards"
        assert abs(d[-1] - d[0] - TRACK_LENGTH) / TRACK_LENGTH < 0.005
        t = lap.channels["time"]
        assert t[-1] == pytest.approx(lap.lap_time, abs=0.05)
        # ~71 Hz telemetry over a ~98 s lap
        assert 5500 < lap.sample_count < 7500


def test_every_lap_is_kept_and_marked(demo):
    flags = [set(lap.flags) for lap in demo.laps]
    assert LapFlag.PARTIAL in flags[0], "recording started mid-lap"
    assert LapFlag.PARTIAL in flags[-1] and LapFlag.IN_LAP in flags[-1], "ends with an in-lap stub"
    assert any(LapFlag.OUT_LAP in f for f in flags)
    assert len(full_laps(demo)) == 4
    # nothing dropped: every telemetry packet lands in exactly one lap (except none)
    assert sum(lap.sample_count for lap in demo.laps) == 30_009


def test_channels_are_plausible(demo):
    lap = full_laps(demo)[0]
    ch = lap.channels
    assert set(ch) >= {"time", "distance", "speed", "throttle", "brake", "clutch", "steering", "gear", "rpm", "fuel",
                       "x", "y", "z", "accel_x", "accel_y", "accel_z", "tyre_temp_fl_inner", "tyre_temp_rr_outer",
                       "tyre_temp_fl_centre", "brake_temp_fl"}
    assert 250 < ch["speed"].max() < 350  # km/h on the Montreal straights
    assert ch["throttle"].max() == pytest.approx(100.0) and ch["throttle"].min() >= 0
    assert set(np.unique(ch["gear"])) <= set(range(-1, 9)) and ch["gear"].max() >= 5
    assert ch["rpm"].max() > 5000
    # the car goes round: the map spans hundreds of metres in x and z
    assert np.ptp(ch["x"]) > 500 and np.ptp(ch["z"]) > 500
    # channels are numeric columns of one length
    n = lap.sample_count
    assert all(len(v) == n and v.dtype.kind in "biuf" for v in ch.values())


def test_short_file(tmp_path):
    session = read_race_file(SHORT_RACE)
    assert session.track == "Montreal Grand Prix"
    assert sum(lap.sample_count for lap in session.laps) == 5083
    assert all(lap.flags for lap in session.laps), "no full lap in this short run"


def test_base64_upload_form_reads_the_same(demo):
    session = read_race_bytes(base64.b64encode(DEMO_RACE.read_bytes()))
    assert [lap.lap_time for lap in session.laps] == [lap.lap_time for lap in demo.laps]


def test_unknown_packet_types_and_versions_are_skipped(datagrams, demo):
    odd = [bytes(12 + 20)[:10] + bytes([42, 9]) + bytes(20), b"\x00" * 10 + bytes([0, 99]) + bytes(100)]
    session = read_race_bytes(write_container(odd + datagrams + odd))
    assert [lap.lap_time for lap in session.laps] == [lap.lap_time for lap in demo.laps]


@pytest.mark.parametrize(
    "blob, message",
    [
        (b"", "empty"),
        (bytes(range(256)) * 40, "Not an AMS2 race file"),
        (b"!!not base64!!" * 10, "Not an AMS2 race file"),
        (b"QUJD" * 3 + b"=", "Not an AMS2 race file"),
    ],
)
def test_bad_input_is_refused_clearly(blob, message):
    with pytest.raises(InvalidFile, match=message):
        read_race_bytes(blob)


def test_truncated_zlib_keeps_what_precedes_the_cut(demo):
    blob = DEMO_RACE.read_bytes()
    session = read_race_bytes(blob[: len(blob) // 2])
    assert session.meta["damaged"] is True
    assert any("truncated" in w for w in session.meta["warnings"])
    whole = [lap for lap in session.laps[:-1]]  # the last one stops at the cut
    assert [lap.lap_time for lap in whole] == [lap.lap_time for lap in demo.laps[: len(whole)]]
    assert 10_000 < sum(lap.sample_count for lap in session.laps) < 30_009


def test_corrupt_zlib_is_reported():
    blob = bytearray(DEMO_RACE.read_bytes())
    blob[1000:1100] = bytes(100)
    try:
        session = read_race_bytes(bytes(blob))
    except InvalidFile as exc:
        assert "damaged" in str(exc)
    else:
        assert session.meta["damaged"] and any("corrupt" in w for w in session.meta["warnings"])


def test_length_prefix_past_the_end(datagrams, demo):
    raw = b"".join(struct.pack("<I", len(d)) + d for d in datagrams)
    raw += struct.pack("<I", 5000) + b"\x00" * 100
    session = read_race_bytes(zlib.compress(raw))
    assert session.meta["warnings"] == ["The packet stream ends inside a packet: its last 104 bytes were lost."]
    assert [lap.lap_time for lap in session.laps] == [lap.lap_time for lap in demo.laps]


def test_sound_file_is_not_damaged(demo):
    assert demo.meta["damaged"] is False and "warnings" not in demo.meta


def test_no_timings(datagrams):
    only_telemetry = [d for d in datagrams if d[10] != 3]
    with pytest.raises(InvalidFile, match="no timings"):
        read_race_bytes(write_container(only_telemetry))


def test_no_telemetry(datagrams):
    with pytest.raises(InvalidFile, match="no telemetry"):
        read_race_bytes(write_container([d for d in datagrams if d[10] != 0]))


def _edit_followed_car(datagrams, lap_number, offset, value):
    """Real packets with one byte of the followed car's record changed on every timings row of one lap."""
    out = []
    for d in datagrams:
        if d[10] == 3 and len(d) == 1063:
            rec = 33 + 32 * struct.unpack_from("<H", d, 1057)[0]
            if d[rec + 21] == lap_number and struct.unpack_from("<f", d, rec + 22)[0] > 50:
                d = bytearray(d)
                d[rec + offset] |= value
                d = bytes(d)
        out.append(d)
    return out


def test_invalidated_lap_is_marked_not_dropped(datagrams):
    session = read_race_bytes(write_container(_edit_followed_car(datagrams, 3, 20, 0x80)))
    by_number = {lap.number: lap for lap in session.laps if LapFlag.PARTIAL not in lap.flags
                 and LapFlag.OUT_LAP not in lap.flags}
    assert by_number[3].flags == [LapFlag.INVALID]
    assert by_number[3].lap_time == pytest.approx(99.045, abs=0.002)
    assert by_number[2].flags == [] and by_number[4].flags == []


def test_pit_entry_marks_an_in_lap(datagrams):
    session = read_race_bytes(write_container(_edit_followed_car(datagrams, 4, 17, 1)))  # 1 = driving into pits
    lap4 = next(lap for lap in session.laps if lap.number == 4)
    assert LapFlag.IN_LAP in lap4.flags
