"""Object keys in the bucket (documented in docs/s3.md). Keys are relative to the target's prefix.

    races/{race_id}/raw_data.deflate          the race file as received (raw_data{suffix})
    races/{race_id}/laps/{lap_uuid}.parquet   one lap's samples
    races/{race_id}/manifest.json             catalog rows + object list; written LAST = race complete
    frames/{camera_id}/{frame_id}.{jpg|png}   camera stills
"""

import re

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
MANIFEST = "manifest.json"


def safe_id(value: str, what: str = "id") -> str:
    """Ids become file and key names: refuse anything that could escape a folder."""
    if not SAFE_ID.match(value or "") or ".." in value:
        raise ValueError(f"unsafe {what} {value!r}")
    return value


def raw_key(race_id: str, suffix: str = ".deflate") -> str:
    return f"races/{safe_id(race_id, 'race id')}/raw_data{suffix}"


def lap_key(race_id: str, lap_id: str) -> str:
    return f"races/{safe_id(race_id, 'race id')}/laps/{safe_id(lap_id, 'lap id')}.parquet"


def manifest_key(race_id: str) -> str:
    return f"races/{safe_id(race_id, 'race id')}/{MANIFEST}"


def frame_key(camera_id: str, frame_id: str, ext: str) -> str:
    ext = ext.lower().lstrip(".")
    return f"frames/{safe_id(str(camera_id), 'camera id')}/{safe_id(str(frame_id), 'frame id')}.{ext}"


def race_of_manifest(key: str, prefix: str = "") -> str | None:
    """The race id when `key` is a race manifest, else None."""
    rel = key[len(prefix):] if key.startswith(prefix) else None
    if rel is None:
        return None
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == "races" and parts[2] == MANIFEST and SAFE_ID.match(parts[1]):
        return parts[1]
    return None
