"""The channel catalogue over a real AMS2 lap: every channel listed once, with units; unknown columns kept."""

from pathlib import Path

from app.services.channels import KNOWN, channel_catalogue, channel_info
from app.sources.ams2.reader import RaceReader

DATA = Path(__file__).parent / "data" / "montreal_short.ams2"


def _first_lap_columns() -> list[str]:
    with open(DATA, "rb") as fh:
        reader = RaceReader(fh, DATA.stat().st_size)
        laps = reader.laps()
        lap = next(laps)
        laps.close()
    return list(lap.channels)


def test_every_ams2_channel_is_described_with_its_unit():
    columns = _first_lap_columns()
    assert len(columns) >= 45
    cat = channel_catalogue(columns)
    assert sorted(c.name for c in cat) == sorted(columns)  # each once, none invented
    unknown = [c.name for c in cat if c.group == "Other"]
    assert unknown == []  # every AMS2 column is in the catalogue
    by_name = {c.name: c for c in cat}
    assert by_name["tyre_temp_fl_inner"].unit == "°C" and by_name["tyre_temp_fl_inner"].group == "Tyres"
    assert by_name["brake_temp_rr"].group == "Brakes"
    assert by_name["ride_height_rl"].unit == "m"
    assert by_name["speed"].unit == "km/h"


def test_unknown_columns_and_math_channels_are_listed():
    cat = channel_catalogue(["speed", "wing_angle", "speed"], math=["power"])
    assert [c.name for c in cat] == ["speed", "power", "wing_angle"]  # Motion, Math, Other
    assert cat[2].unit == "" and cat[2].label == "Wing angle"
    assert cat[1].group == "Math"
    assert channel_info("drs") is KNOWN["drs"]
