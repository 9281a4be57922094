"""MoTeC i2 .ld/.ldx export and import.

The files Pitwall writes are read back here by a parser written in this test from the public description of
the format (docs/motec.md), not by Pitwall's own reader; the expected samples are computed here from the lap's
stored samples. A .ld file built here byte by byte, in another logger's style, checks the importer the same way.
"""

import json
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from app.cli import main
from tests.conftest import DEMO_RACE

G = 9.80665


# ---- an independent reader, from the published offsets
def parse_ld(data: bytes) -> dict:
    def s(at: int, n: int) -> str:
        return data[at:at + n].split(b"\0")[0].decode("latin-1")

    assert struct.unpack_from("<I", data, 0)[0] == 0x40
    meta_ptr, data_ptr = struct.unpack_from("<II", data, 8)
    event_ptr = struct.unpack_from("<I", data, 0x24)[0]
    head = {"channels": struct.unpack_from("<I", data, 0x56)[0], "date": s(0x5E, 16), "time": s(0x7E, 16),
            "driver": s(0x9E, 64), "vehicle": s(0xDE, 64), "venue": s(0x15E, 64), "comment": s(0x624, 64),
            "event": s(event_ptr, 64), "data_ptr": data_ptr}
    venue_ptr = struct.unpack_from("<H", data, event_ptr + 64 + 64 + 1024)[0]
    head["event_venue"] = s(venue_ptr, 64)
    chans = {}
    at = meta_ptr
    while at:
        prev, nxt, ptr, n = struct.unpack_from("<IIII", data, at)
        cls, size, rate = struct.unpack_from("<HHH", data, at + 18)
        shift, mul, scale, dec = struct.unpack_from("<hhhh", data, at + 24)
        name, unit = s(at + 32, 32), s(at + 72, 12)
        fmt = {(3, 2): "<i2", (5, 4): "<i4", (7, 4): "<f4"}[(cls, size)]
        raw = np.frombuffer(data, dtype=fmt, count=n, offset=ptr).astype(float)
        chans[name] = {"unit": unit, "rate": rate, "dec": dec, "prev": prev,
                       "values": (raw / scale * 10.0 ** -dec + shift) * mul}
        at = nxt
    return {"head": head, "channels": chans}


def ldx_markers(path) -> list[float]:
    return [float(m.get("Time")) / 1e6 for m in ET.parse(path).getroot().iter("Marker")]


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def exported(home, capsys, tmp_path):
    race = run_json(capsys, "ingest", str(DEMO_RACE))
    timed = [lap for lap in race["laps"] if lap["lap_time"] and not lap["flags"]]
    out = run_json(capsys, "export", "--laps", ",".join(lap["lap_uuid"] for lap in timed), "--format", "motec",
                   "-o", str(tmp_path / "montreal.ld"))
    from app.store import Store

    store = Store(home)
    originals = [store.lap_channels(store.lap(lap["lap_uuid"])) for lap in timed]
    store.close()
    return race, timed, originals, out


def expected_at(original: dict, name: str, at: np.ndarray) -> np.ndarray:
    t = original["time"] - original["time"][0]
    return np.interp(at, t, original[name].astype(float))


def test_export_is_a_valid_ld_with_header_channels_and_lap_markers(exported, tmp_path):
    race, timed, originals, out = exported
    assert out["output"].endswith("montreal.ld") and out["ldx"].endswith("montreal.ldx")
    ld = parse_ld((tmp_path / "montreal.ld").read_bytes())
    head, chans = ld["head"], ld["channels"]
    assert head["venue"] == "Montreal Grand Prix" == head["event_venue"]
    assert head["channels"] == len(chans) and len(chans) > 10
    assert len(head["date"].split("/")) == 3 and len(head["time"].split(":")) == 3
    # one rate per group: inputs and motion fast, temperatures slow
    assert chans["Ground Speed"]["rate"] == chans["Throttle Pos"]["rate"] == chans["Lap Distance"]["rate"] == 50
    assert chans["Oil Temp"]["rate"] == 10
    assert chans["Ground Speed"]["unit"] == "km/h" and chans["G Force Lat"]["unit"] == "G"

    # the samples: the first lap starts at 0; the channel's scaling sets the resolution
    speed = chans["Ground Speed"]
    n1 = int(timed[0]["lap_time"] * 50)
    at = np.arange(n1) / 50
    want = expected_at(originals[0], "speed", at)
    assert np.max(np.abs(speed["values"][:n1] - want)) <= 0.5 * 10.0 ** -speed["dec"] + 1e-9
    glat = chans["G Force Lat"]
    assert np.allclose(glat["values"][:n1], expected_at(originals[0], "accel_x", at) / G,
                       atol=0.5 * 10.0 ** -glat["dec"] + 1e-9)
    # total length: every lap, one after another
    total = sum(lap["lap_time"] for lap in timed)
    assert abs(len(speed["values"]) / 50 - total) < 0.05

    markers = ldx_markers(tmp_path / "montreal.ldx")
    assert np.allclose(markers, np.cumsum([lap["lap_time"] for lap in timed]), atol=1e-6)
    # Lap Distance restarts at each marker, never blended across it
    dist = chans["Lap Distance"]["values"]
    k = int(np.ceil(markers[0] * 50))
    assert dist[k] < 60 and dist[k - 1] > 4000


def test_round_trip_same_laps_and_samples(exported, capsys, tmp_path):
    race, timed, originals, _ = exported
    back = run_json(capsys, "ingest", str(tmp_path / "montreal.ld"))
    assert back["status"] == "Ready" and back["source"] == "motec" and back["track"] == "Montreal Grand Prix"
    assert [round(lap["lap_time"], 6) for lap in back["laps"]] == [round(lap["lap_time"], 6) for lap in timed]
    assert all(not lap["flags"] for lap in back["laps"])

    dec = parse_ld((tmp_path / "montreal.ld").read_bytes())["channels"]["Ground Speed"]["dec"]
    from app.store import Store

    store = Store(tmp_path / "pitwall-home")
    for lap, original in zip(back["laps"], originals, strict=True):
        ch = store.lap_channels(store.lap(lap["lap_uuid"]))
        assert {"speed", "throttle", "brake", "gear", "rpm", "distance", "time"} <= set(ch)
        inside = ch["time"] <= original["time"][-1] - original["time"][0]  # past it, the next lap's samples count
        want = expected_at(original, "speed", ch["time"][inside])
        assert inside.sum() > 0.99 * len(inside)
        assert np.max(np.abs(ch["speed"][inside] - want)) <= 0.5 * 10.0 ** -dec + 1e-6
        assert abs(ch["distance"][-1] - original["distance"][-1]) < 2.0  # metres, one 20 ms sample at most
        assert set(np.unique(ch["gear"])) <= set(np.unique(original["gear"]).astype(float))
    store.close()


def test_without_ldx_the_lap_channel_splits_the_laps(exported, capsys, tmp_path):
    _, timed, _, _ = exported
    (tmp_path / "montreal.ldx").unlink()
    back = run_json(capsys, "ingest", str(tmp_path / "montreal.ld"))
    assert len(back["laps"]) == len(timed)
    got = [lap["lap_time"] for lap in back["laps"][:-1]]
    assert np.allclose(got, [lap["lap_time"] for lap in timed[:-1]], atol=0.021)  # one 50 Hz sample


def build_other_logger_ld(path, speed_ms: np.ndarray, laps: np.ndarray, rate: int, chans=None) -> None:
    """A .ld written as another logger would: different names and units, no .ldx, int16 with a multiplier."""
    meta_ptr = 0x6E2 + 1154 + 1100 + 260
    n = len(speed_ms)
    chans = chans or [("Speed", "m/s", (3, 2), 2, 1, speed_ms), ("Lap Number", "", (3, 2), 0, 1, laps),
                      ("Engine Speed", "rpm", (3, 2), 0, 10, np.full(n, 650.0))]
    data_ptr = meta_ptr + 124 * len(chans)
    head = bytearray(0x6E2)
    struct.pack_into("<I", head, 0, 0x40)
    struct.pack_into("<IIxxxxxxxxxxxxxxxxxxxxI", head, 8, meta_ptr, data_ptr, 0x6E2)
    struct.pack_into("<I", head, 0x56, len(chans))
    head[0x5E:0x68] = b"03/04/2024"
    head[0x7E:0x86] = b"14:05:09"
    head[0x9E:0xA4] = b"Tester"
    head[0x15E:0x167] = b"Test Ring"
    event = bytearray(1154)
    event[:8] = b"Practice"
    struct.pack_into("<H", event, 1152, 0x6E2 + 1154)
    venue = bytearray(1100)
    venue[:9] = b"Test Ring"
    out = bytearray(head + event + venue + bytes(260))
    at = data_ptr
    blobs = []
    for i, (name, unit, (cls, size), dec, mul, values) in enumerate(chans):
        raw = np.rint(values / mul * 10**dec).astype("<i2")
        meta = bytearray(124)
        nxt = meta_ptr + 124 * (i + 1) if i + 1 < len(chans) else 0
        struct.pack_into("<IIIIHHHHhhhh", meta, 0, 0, nxt, at, n, 0, cls, size, rate, 0, mul, 1, dec)
        meta[32:32 + len(name)] = name.encode()
        meta[72:72 + len(unit)] = unit.encode()
        out += meta
        blobs.append(raw.tobytes())
        at += len(raw.tobytes())
    for blob in blobs:
        out += blob
    path.write_bytes(bytes(out))


def test_import_another_loggers_ld(home, capsys, tmp_path):
    rate = 20
    t = np.arange(0, 30, 1 / rate)
    speed = 30 + 10 * np.sin(t / 3)  # m/s
    laps = np.where(t < 10, 0, np.where(t < 21.5, 1, 2)).astype(float)  # out-lap, one lap, partial
    build_other_logger_ld(tmp_path / "other.ld", speed, laps, rate)
    back = run_json(capsys, "ingest", str(tmp_path / "other.ld"))
    assert back["track"] == "Test Ring" and back["source"] == "motec"
    flags = [lap["flags"] for lap in back["laps"]]
    assert flags == [["out-lap"], [], ["partial"]]
    assert abs(back["laps"][1]["lap_time"] - 11.5) < 1e-6

    from app.store import Store

    store = Store(home)
    ch = store.lap_channels(store.lap(back["laps"][1]["lap_uuid"]))
    assert np.allclose(ch["speed"], np.interp(ch["session_time"], t, speed) * 3.6, atol=0.005 * 3.6 + 1e-6)
    assert np.allclose(ch["rpm"], 650)  # raw 65 * multiplier 10
    assert abs(ch["distance"][-1] - np.trapezoid(speed[(t >= 10) & (t < 21.5)], dx=1 / rate)) < 5
    store.close()


def test_import_acc_style_names_and_units(home, capsys, tmp_path):
    """Upper-case names, lateral G in G, the lap counter called 'Lap' (as sim exporters write them)."""
    rate = 10
    t = np.arange(0, 20, 1 / rate)
    speed = np.full(len(t), 180.0)
    glat = np.sin(t) * 2.5
    lap = (t >= 8).astype(float)
    chans = [("SPEED", "km/h", (3, 2), 1, 1, speed), ("G_LAT", "G", (3, 2), 3, 1, glat),
             ("RPMS", "rpm", (3, 2), 0, 1, np.full(len(t), 7000.0)), ("Lap", "", (3, 2), 0, 1, lap)]
    build_other_logger_ld(tmp_path / "acc.ld", speed, lap, rate, chans)
    back = run_json(capsys, "ingest", str(tmp_path / "acc.ld"))
    assert [lap["flags"] for lap in back["laps"]] == [["out-lap"], ["partial"]]
    from app.store import Store

    store = Store(home)
    ch = store.lap_channels(store.lap(back["laps"][1]["lap_uuid"]))
    assert {"speed", "accel_x", "rpm", "distance"} <= set(ch) and "lap_number" not in ch
    assert np.allclose(ch["accel_x"], np.interp(ch["session_time"], t, glat) * G, atol=0.0005 * G + 1e-6)
    assert np.allclose(ch["rpm"], 7000) and np.allclose(ch["speed"], 180)
    store.close()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "loop"])
def test_damaged_ld_is_a_clear_error_and_a_failed_race(exported, capsys, tmp_path, damage):
    data = (tmp_path / "montreal.ld").read_bytes()
    bad = tmp_path / "bad.ld"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        bad.write_bytes(b"\x07" * 5000)
    else:  # the first channel's 'next' points at itself
        meta_ptr = struct.unpack_from("<I", data, 8)[0]
        bad.write_bytes(data[: meta_ptr + 4] + struct.pack("<I", meta_ptr) + data[meta_ptr + 8:])
    assert main(["ingest", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.ld" in err
    races = run_json(capsys, "races", "--failed")
    assert [r["name"] for r in races] == ["bad"] and races[0]["lap_count"] == 0


def test_motec_export_refuses_s3_and_unknown_laps(exported, capsys):
    race, timed, _, _ = exported
    assert main(["export", "--laps", timed[0]["lap_uuid"], "--format", "motec", "-o", "s3://b/x.ld"]) == 1
    assert "local path" in capsys.readouterr().err
    assert main(["export", "--laps", "nope", "--format", "motec", "-o", "x.ld"]) == 1
    assert "No lap with uuid nope" in capsys.readouterr().err
