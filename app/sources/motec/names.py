"""Pitwall channel names <-> the names MoTeC i2 and sim loggers use, and which rate group each channel is in."""

# Pitwall name -> (MoTeC name, short name). The reverse map also knows other loggers' spellings.
TO_MOTEC: dict[str, tuple[str, str]] = {
    "speed": ("Ground Speed", "Speed"),
    "throttle": ("Throttle Pos", "Thr"),
    "brake": ("Brake Pos", "Brk"),
    "clutch": ("Clutch Pos", "Clu"),
    "steering": ("Steering Pos", "Steer"),
    "gear": ("Gear", "Gear"),
    "rpm": ("Engine RPM", "RPM"),
    "fuel": ("Fuel Level", "Fuel"),
    "distance": ("Lap Distance", "LapDist"),
    "x": ("Car Pos X", "PosX"),
    "y": ("Car Pos Y", "PosY"),
    "z": ("Car Pos Z", "PosZ"),
    "accel_x": ("G Force Lat", "GLat"),
    "accel_y": ("G Force Vert", "GVert"),
    "accel_z": ("G Force Long", "GLong"),
    "drs": ("DRS", "DRS"),
    "oil_temp": ("Oil Temp", "OilT"),
    "water_temp": ("Water Temp", "WatT"),
    "brake_bias": ("Brake Bias", "BBias"),
}
# Accelerations: Pitwall stores m/s², MoTeC shows G.
G = 9.80665
IN_G = {"accel_x", "accel_y", "accel_z"}

FROM_MOTEC: dict[str, str] = {motec.lower(): ours for ours, (motec, _) in TO_MOTEC.items()}
FROM_MOTEC.update({
    "speed": "speed", "vehicle speed": "speed", "corr speed": "speed",
    "throttle": "throttle", "throttle position": "throttle",
    "brake": "brake", "brake position": "brake", "clutch": "clutch",
    "steering": "steering", "steering angle": "steering_angle", "steer angle": "steering_angle",
    "rpm": "rpm", "engine speed": "rpm", "lap dist": "distance", "distance": "distance",
    "lateral acceleration": "accel_x", "longitudinal acceleration": "accel_z",
    # other sims' MoTeC exports (ACC, iRacing and rFactor-style plugins)
    "rpms": "rpm", "engine rpm": "rpm", "steerangle": "steering_angle", "steeringwheelangle": "steering_angle",
    "g_lat": "accel_x", "g_lon": "accel_z", "g_long": "accel_z", "g force lat": "accel_x", "g force long": "accel_z",
    "lataccel": "accel_x", "longaccel": "accel_z", "vertaccel": "accel_y", "lapdist": "distance",
    "lap distance": "distance", "lap number": "lap_number", "lap": "lap_number", "lap count": "lap_number",
    "fuel level": "fuel", "fuellevel": "fuel", "clutch pos": "clutch",
})

# One rate per group: what the driver does and how the car moves is fast; temperatures and levels are slow.
FAST_HZ = 50
SLOW_HZ = 10
SLOW_PREFIXES = ("tyre_", "brake_temp", "oil_", "water_", "fuel", "brake_bias", "ride_height")
# Channels that are steps, not curves: resampled by holding the last value, never interpolated.
STEPPED = {"gear", "drs", "lap_number"}


def rate_for(name: str) -> int:
    return SLOW_HZ if name.startswith(SLOW_PREFIXES) else FAST_HZ


def motec_name(name: str) -> tuple[str, str]:
    if name in TO_MOTEC:
        return TO_MOTEC[name]
    label = name.replace("_", " ").title()  # tyre_temp_fl -> "Tyre Temp Fl"
    return label[:31], name[:7]


def pitwall_name(motec: str) -> str:
    """The Pitwall name for a MoTeC channel: a known one, else the name in snake case."""
    key = motec.strip().lower()
    if key in FROM_MOTEC:
        return FROM_MOTEC[key]
    return "_".join("".join(c if c.isalnum() else " " for c in key).split()) or "channel"
