"""Read an AMS2 race file into a SessionData: decompress, index, decode, split."""

from pathlib import Path

from app.domain.models import SessionData
from app.errors import Progress, check, no_progress
from app.sources.ams2.container import decompress, index_packets
from app.sources.ams2.decode import decode_streams
from app.sources.ams2.laps import split_laps


def read_race_bytes(blob: bytes, name: str = "AMS2 session", progress: Progress = no_progress) -> SessionData:
    check(progress, 0, 100)
    raw = decompress(blob)
    check(progress, 40, 100)
    index = index_packets(raw)
    check(progress, 55, 100)
    streams = decode_streams(raw, index)
    check(progress, 75, 100)
    laps = split_laps(streams)
    check(progress, 100, 100)
    return SessionData(
        source="ams2",
        name=name,
        laps=laps,
        track=streams.track,
        track_length=streams.track_length,
        meta={"packets": int(len(index.offsets)), "participant": streams.participant},
    )


def read_race_file(path: Path, progress: Progress = no_progress) -> SessionData:
    path = Path(path)
    return read_race_bytes(path.read_bytes(), name=path.stem, progress=progress)
