"""The channel catalogue: a readable label, a unit and a group for every channel a lap can carry.

The overlay's channel picker, the scatter/histogram docks and the tyres widget list channels from here, so a
channel has one name everywhere. Known channels are the AMS2 lap channels (app/sources/ams2/laps.py) and the F1
ones (app/sources/f1/convert.py); a column nobody described is still listed, with no unit, under "Other".
Pure Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelInfo:
    name: str
    label: str
    unit: str
    group: str


WHEELS = ("fl", "fr", "rl", "rr")
WHEEL_LABELS = {"fl": "FL", "fr": "FR", "rl": "RL", "rr": "RR"}
TREAD = ("inner", "centre", "outer")

# The groups in the order a picker shows them.
GROUPS = ("Timing", "Driver", "Engine", "Motion", "Position", "Tyres", "Brakes", "Suspension", "Math", "Other")
MATH_GROUP = "Math"
OTHER_GROUP = "Other"


def _known() -> dict[str, ChannelInfo]:
    rows = [
        ("time", "Lap time", "s", "Timing"),
        ("session_time", "Session time", "s", "Timing"),
        ("distance", "Lap distance", "m", "Timing"),
        ("throttle", "Throttle", "%", "Driver"),
        ("brake", "Brake", "%", "Driver"),
        ("clutch", "Clutch", "%", "Driver"),
        ("steering", "Steering", "%", "Driver"),
        ("brake_bias", "Brake bias (raw)", "", "Driver"),
        ("drs", "DRS open", "", "Driver"),
        ("gear", "Gear", "", "Engine"),
        ("rpm", "Engine speed", "rpm", "Engine"),
        ("fuel", "Fuel", "l", "Engine"),
        ("oil_temp", "Oil temperature", "°C", "Engine"),
        ("water_temp", "Water temperature", "°C", "Engine"),
        ("speed", "Speed", "km/h", "Motion"),
        # AMS2 local acceleration: x across the car, y up, z along it.
        ("accel_x", "Lateral acceleration", "m/s²", "Motion"),
        ("accel_y", "Vertical acceleration", "m/s²", "Motion"),
        ("accel_z", "Longitudinal acceleration", "m/s²", "Motion"),
        ("x", "Position x", "m", "Position"),
        ("y", "Position y", "m", "Position"),
        ("z", "Position z", "m", "Position"),
    ]
    for wheel in WHEELS:
        w = WHEEL_LABELS[wheel]
        rows.append((f"tyre_temp_{wheel}", f"Tyre temperature {w}", "°C", "Tyres"))
        for part in TREAD:
            rows.append((f"tyre_temp_{wheel}_{part}", f"Tyre temperature {w} {part}", "°C", "Tyres"))
        # The UDP spec gives the air pressure no unit: shown as the game sends it.
        rows.append((f"tyre_pressure_{wheel}", f"Tyre pressure {w}", "", "Tyres"))
        rows.append((f"brake_temp_{wheel}", f"Brake temperature {w}", "°C", "Brakes"))
        rows.append((f"ride_height_{wheel}", f"Ride height {w}", "m", "Suspension"))
    return {name: ChannelInfo(name, label, unit, group) for name, label, unit, group in rows}


KNOWN: dict[str, ChannelInfo] = _known()


def channel_info(name: str, math: bool = False) -> ChannelInfo:
    """What is known about one channel; an unknown one gets a label made from its name and no unit."""
    if name in KNOWN and not math:
        return KNOWN[name]
    return ChannelInfo(name, name.replace("_", " ").capitalize(), "", MATH_GROUP if math else OTHER_GROUP)


def channel_catalogue(columns: Iterable[str], math: Iterable[str] = ()) -> list[ChannelInfo]:
    """Every column (and math channel) once, grouped in `GROUPS` order; known ones in catalogue order, the
    rest in the order given."""
    cols = list(dict.fromkeys(columns))
    known_order = {name: i for i, name in enumerate(KNOWN)}
    present = set(cols)
    out = [KNOWN[n] for n in sorted((n for n in cols if n in KNOWN), key=known_order.__getitem__)]
    out += [channel_info(n) for n in cols if n not in KNOWN]
    out += [channel_info(n, math=True) for n in dict.fromkeys(math) if n not in present]
    rank = {g: i for i, g in enumerate(GROUPS)}
    return sorted(out, key=lambda c: rank.get(c.group, len(GROUPS)))  # stable: order within a group kept


def unit_of(name: str) -> str:
    info = KNOWN.get(name)
    return info.unit if info else ""


def tyre_channels(wheel: str) -> dict[str, str]:
    """The channel names of one wheel's corner: inner/centre/outer/average temperature, pressure, brake."""
    return {
        "inner": f"tyre_temp_{wheel}_inner",
        "centre": f"tyre_temp_{wheel}_centre",
        "outer": f"tyre_temp_{wheel}_outer",
        "average": f"tyre_temp_{wheel}",
        "pressure": f"tyre_pressure_{wheel}",
        "brake": f"brake_temp_{wheel}",
    }
