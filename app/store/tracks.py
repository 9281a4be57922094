"""Track models kept per track in the data directory (`tracks/{slug}.json`), written atomically."""

import json
import re
from pathlib import Path

from app.domain.track import TrackModel
from app.errors import PitwallError
from app.fileio import write_atomic


def track_slug(track: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", track.lower()).strip("-") or "track"


class TrackModels:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, track: str) -> Path:
        return self.folder / f"{track_slug(track)}.json"

    def load(self, track: str) -> TrackModel | None:
        path = self.path(track)
        if not path.is_file():
            return None
        try:
            return TrackModel.from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError) as exc:
            raise PitwallError(f"The track model {path} is damaged ({exc}); delete it to detect the corners again.") \
                from None

    def save(self, model: TrackModel) -> None:
        data = json.dumps(model.to_json(), indent=1).encode()
        write_atomic(self.path(model.track), lambda tmp: Path(tmp).write_bytes(data))
