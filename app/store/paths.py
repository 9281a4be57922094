"""The one place that decides where Pitwall writes files, all under the data directory."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataPaths:
    home: Path

    @property
    def catalog(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def laps_dir(self) -> Path:
        return self.home / "laps"

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def frames_dir(self) -> Path:
        return self.home / "frames"

    @property
    def recordings_dir(self) -> Path:
        return self.home / "recordings"

    @property
    def fastf1_cache(self) -> Path:
        return self.home / "fastf1-cache"

    @property
    def tracks_dir(self) -> Path:
        """Track models (corners, sector lines), one JSON file per track, with the user's edits."""
        return self.home / "tracks"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def sql_history(self) -> Path:
        return self.home / "sql-history.json"

    @property
    def duckdb_temp(self) -> Path:
        """Where DuckDB may spill large intermediate results; emptied freely."""
        return self.home / "tmp" / "duckdb"

    @property
    def gui_state(self) -> Path:
        return self.home / "gui-state.json"

    @property
    def s3_settings(self) -> Path:
        """The S3 settings saved from the GUI (never the secret key)."""
        return self.home / "s3.json"

    def lap_file(self, race_id: str, lap_id: str) -> Path:
        return self.laps_dir / race_id / f"{lap_id}.parquet"

    @property
    def sessions_dir(self) -> Path:
        return self.home / "sessions"

    def session_table(self, race_id: str, name: str) -> Path:
        """Per-session tables that are not laps (F1 weather, race control messages, track status)."""
        return self.sessions_dir / race_id / f"{name}.parquet"

    def raw_file(self, race_id: str, suffix: str = ".deflate") -> Path:
        return self.raw_dir / race_id / f"raw_data{suffix}"

    def race_lock(self, race_id: str) -> Path:
        """Held (flock) while a job writes the race, so recovery elsewhere leaves it alone (store/locks.py)."""
        return self.home / "locks" / f"{race_id}.lock"

    def frame_file(self, camera_id: str, frame_id: str, suffix: str) -> Path:
        """A camera still as stored: original bytes for imports, JPEG for RTSP grabs."""
        return self.frames_dir / camera_id / f"{frame_id}{suffix}"

    def frame_thumb(self, camera_id: str, frame_id: str) -> Path:
        return self.frames_dir / camera_id / f"{frame_id}.thumb.jpg"

    @property
    def camera_secrets(self) -> Path:
        """Camera passwords, kept out of the catalog (which may be synced or exported); mode 0600."""
        return self.home / "secrets" / "cameras.json"

    def relative(self, path: Path) -> str:
        """Catalog rows hold paths relative to home, so a data directory can be moved or synced."""
        return path.relative_to(self.home).as_posix()

    def absolute(self, rel: str) -> Path:
        return self.home / rel

    def ensure(self) -> None:
        for d in (self.home, self.laps_dir, self.raw_dir, self.frames_dir):
            d.mkdir(parents=True, exist_ok=True)
