"""Object keys of the team archive, relative to the S3 prefix. An open dataset any engine reads in place:

    samples/source={source}/track={track}/race_id={race_id}/{lap_id}.parquet
        one lap's samples; Hive partitions; one schema: lap_id (VARCHAR), then SAMPLE_COLUMNS (DOUBLE)
    catalog/{table}/{race_id}.parquet
        the catalog rows of one race (tables races, laps, results), written with the race; plain files, not
        partitioned: the rows carry their race_id
    races/{race_id}/raw/raw_data{suffix}           the race file as received
    races/{race_id}/sessions/{name}.parquet       per-session tables (F1 weather, race control, track status)
    frames/{camera_id}/{frame_id}{suffix}         camera stills (and .thumb.jpg thumbnails)
"""

from __future__ import annotations

import re

from app.services.sync.layout import safe_id

# The samples' one schema, in this order after lap_id: every file has every column (DOUBLE; NULL where its source
# does not record it). A channel outside this list is appended after them, in that file only.
_WHEEL = ("tyre_temp_{w}_inner", "tyre_temp_{w}_centre", "tyre_temp_{w}_outer", "tyre_temp_{w}", "brake_temp_{w}",
          "tyre_pressure_{w}", "ride_height_{w}")
SAMPLE_COLUMNS: tuple[str, ...] = (
    "time", "session_time", "distance", "speed", "throttle", "brake", "clutch", "steering", "gear", "rpm", "drs",
    "fuel", "x", "y", "z", "accel_x", "accel_y", "accel_z", "oil_temp", "water_temp", "brake_bias",
    *(name.format(w=w) for w in ("fl", "fr", "rl", "rr") for name in _WHEEL),
)
SAMPLES = "samples/"
CATALOG = "catalog/"
CATALOG_TABLES = ("races", "laps", "results")
UNKNOWN = "unknown"


def partition_value(value: str | None) -> str:
    """A Hive partition value every engine reads back unchanged: lower case letters, digits and hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", (value or "").lower()).strip("-")
    return slug or UNKNOWN


def samples_prefix(source: str, track: str | None, race_id: str) -> str:
    return (f"{SAMPLES}source={partition_value(source)}/track={partition_value(track)}/"
            f"race_id={safe_id(race_id, 'race id')}/")


def sample_key(source: str, track: str | None, race_id: str, lap_id: str) -> str:
    return f"{samples_prefix(source, track, race_id)}{safe_id(lap_id, 'lap id')}.parquet"


def race_prefix(race_id: str) -> str:
    return f"races/{safe_id(race_id, 'race id')}/"


def raw_key(race_id: str, suffix: str) -> str:
    return f"{race_prefix(race_id)}raw/raw_data{suffix}"


def session_table_key(race_id: str, name: str) -> str:
    return f"{race_prefix(race_id)}sessions/{safe_id(name, 'table name')}.parquet"


def catalog_key(table: str, race_id: str) -> str:
    return f"{CATALOG}{table}/{safe_id(race_id, 'race id')}.parquet"


def frame_key(camera_id: str, name: str) -> str:
    return f"frames/{safe_id(camera_id, 'camera id')}/{safe_id(name, 'file name')}"


def is_key(path: str | None) -> bool:
    """Whether a catalog path is an archive key (else a path in the data directory, from local mode)."""
    return bool(path) and path.startswith((SAMPLES, "races/", "frames/"))  # type: ignore[union-attr]
