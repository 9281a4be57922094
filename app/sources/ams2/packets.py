"""Byte layouts of the packets Pitwall decodes, as numpy structured dtypes (see specs/ams2-udp.md).

Each dtype names only the fields we use; `itemsize` is the packet size, so a contiguous buffer of N packets
views as an array of N records without a Python loop.
"""

import numpy as np
from numpy.typing import DTypeLike

TELEMETRY = 0
RACE_DATA = 1
TIMINGS = 3
GAME_STATE = 4

TELEMETRY_SIZES = (559, 556)  # current; older Project CARS 2 builds had no tick count
TIMINGS_SIZES = (1063, 1059)
RACE_DATA_SIZE = 308


def _dtype(fields: dict[str, tuple[DTypeLike, int]], size: int) -> np.dtype:
    names = list(fields)
    return np.dtype(
        {
            "names": names,
            "formats": [fields[n][0] for n in names],
            "offsets": [fields[n][1] for n in names],
            "itemsize": size,
        }
    )


_TELEMETRY_FIELDS = {
    "packet_number": ("<u4", 0),
    "viewed": ("i1", 12),
    "oil_temp": ("<i2", 18),
    "water_temp": ("<i2", 22),
    "fuel_capacity": ("u1", 28),
    "brake": ("u1", 29),
    "throttle": ("u1", 30),
    "clutch": ("u1", 31),
    "fuel_level": ("<f4", 32),
    "speed": ("<f4", 36),
    "rpm": ("<u2", 40),
    "max_rpm": ("<u2", 42),
    "steering": ("i1", 44),
    "gear": ("u1", 45),
    "local_accel": ("<3f4", 100),
    "tyre_temp": ("4u1", 176),
    "brake_temp": ("<4i2", 208),
    "tyre_temp_inner": ("<4u2", 256),
    "tyre_temp_centre": ("<4u2", 264),
    "tyre_temp_outer": ("<4u2", 272),
    "ride_height": ("<4f4", 296),
    "tyre_pressure": ("<4u2", 352),
    "brake_bias": ("u1", 554),
}
_WORLD_POSITION = ("<3f4", 542)

TELEMETRY_559 = _dtype({**_TELEMETRY_FIELDS, "position": _WORLD_POSITION, "tick": ("<u4", 555)}, 559)
TELEMETRY_556 = _dtype({**_TELEMETRY_FIELDS, "position": _WORLD_POSITION}, 556)

PARTICIPANT = _dtype(
    {
        "world_position": ("<3i2", 0),
        "lap_distance": ("<u2", 12),
        "race_position": ("u1", 14),
        "sector": ("u1", 15),
        "pit_mode": ("u1", 17),
        "race_state": ("u1", 20),
        "current_lap": ("u1", 21),
        "lap_time": ("<f4", 22),
        "sector_time": ("<f4", 26),
    },
    32,
)

_TIMINGS_FIELDS: dict[str, tuple[DTypeLike, int]] = {
    "packet_number": ("<u4", 0),
    "num_participants": ("i1", 12),
    "participants": ((PARTICIPANT, (32,)), 33),
    "local_index": ("<u2", 1057),
}
TIMINGS_1063 = _dtype({**_TIMINGS_FIELDS, "tick": ("<u4", 1059)}, 1063)
TIMINGS_1059 = _dtype(_TIMINGS_FIELDS, 1059)

RACE_DATA_DTYPE = _dtype(
    {
        "world_fastest": ("<f4", 12),
        "personal_fastest": ("<f4", 16),
        "track_length": ("<f4", 44),
        "track_location": ("S64", 48),
        "track_variation": ("S64", 112),
    },
    RACE_DATA_SIZE,
)

# Participant record bits
LAP_INVALIDATED = 0x80  # race_state
SECTOR_MASK = 0x07  # sector
PIT_MODES_IN_PITS = (1, 2)  # driving into pits, in pit box
PIT_MODES_LEAVING = (3, 4, 5)  # driving out of pits, in garage, driving out of garage
