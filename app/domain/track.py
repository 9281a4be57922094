"""A circuit as the lap analysis sees it: its reference length, sector lines and corners (plain data).

Distances are metres from the start/finish line along the reference lap the model was built from. The JSON
form is versioned so that a file saved by an older Pitwall stays loadable (`from_json` upgrades it).
"""

from dataclasses import asdict, dataclass, field

TRACK_MODEL_VERSION = 1


@dataclass
class Corner:
    name: str  # "T1"…, or what the user renamed it to
    start: float
    apex: float
    end: float


@dataclass
class TrackModel:
    track: str
    length: float
    sector_lines: list[float] = field(default_factory=list)  # distances of the sector lines (not the finish)
    corners: list[Corner] = field(default_factory=list)
    source_lap: str | None = None  # lap uuid the model was derived from
    edited: bool = False  # the user changed the corners: never replace them by a new detection

    def to_json(self) -> dict:
        return {"version": TRACK_MODEL_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict) -> "TrackModel":
        version = int(data.get("version", 1))
        if version > TRACK_MODEL_VERSION:
            raise ValueError(f"track model version {version} is newer than this Pitwall understands")
        corners = [Corner(**{k: c[k] for k in ("name", "start", "apex", "end")}) for c in data.get("corners", [])]
        return cls(track=data["track"], length=float(data["length"]),
                   sector_lines=[float(x) for x in data.get("sector_lines", [])], corners=corners,
                   source_lap=data.get("source_lap"), edited=bool(data.get("edited", False)))
