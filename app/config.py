"""Typed settings, read once from the environment (prefix PITWALL_) and an optional settings file."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.home import DEFAULT_F1_FRAME_SKIP, ENV_PREFIX, check_home, default_home


class Settings(BaseSettings):
    """Everything configurable lives here; only app.home reads a few of these early, the same way."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    home: Path = Field(default_factory=default_home, description="Data directory; everything is written here")
    f1_recorded: Path | None = Field(default=None, description="Recorded FastF1 responses, folder or .tar.xz")
    f1_cache: Path | None = Field(default=None, description="FastF1's own cache (default: <home>/fastf1-cache)")
    f1_frame_skip: int = Field(default=DEFAULT_F1_FRAME_SKIP, ge=1, le=100,
                               description="Keep every Nth F1 telemetry sample (1 = all)")
    ams2_udp_port: int = Field(default=5606, ge=1, le=65535, description="UDP port AMS2 sends telemetry to")
    worker_threads: int = Field(default=2, ge=1, le=64)
    sql_unrestricted: bool = Field(
        default=False,
        description="Let the SQL console write files, attach databases and read anywhere (off: read-only archive)",
    )

    # Pit-lane cameras (RTSP) and image import; the defaults follow the ingestion service this replaces.
    camera_open_timeout: float = Field(default=5.0, gt=0, description="Seconds to connect, reconnects included")
    camera_read_timeout: float = Field(default=5.0, gt=0, description="Seconds without a frame before giving up")
    camera_reconnects: int = Field(default=2, ge=0, le=20, description="Reconnect attempts per grab")
    camera_max_streams: int = Field(default=10, ge=1, le=256, description="Camera streams open at once")
    camera_queue_timeout: float = Field(default=30.0, ge=0, description="Seconds to wait for a free stream slot")
    upload_max_file_size: int = Field(default=50 * 1024 * 1024, ge=1, description="Bytes per imported image")
    upload_max_batch_size: int = Field(default=10, ge=1, description="Images per import")

    # S3 / MinIO sync (PITWALL_S3_*). The secret is a SecretStr so it never shows in reprs or logs.
    s3_endpoint: str | None = Field(default=None, description="S3 endpoint URL; empty = AWS S3")
    s3_region: str = Field(default="us-east-1")
    s3_bucket: str | None = Field(default=None)
    s3_access_key: str | None = Field(default=None)
    s3_secret_key: SecretStr | None = Field(default=None, description="Prefer the OS keyring; see docs/s3.md")
    s3_path_style: bool = Field(default=True, description="Path-style addressing (MinIO, SeaweedFS)")
    s3_prefix: str = Field(default="", description="Key prefix inside the bucket, e.g. team-a/")
    s3_concurrency: int = Field(default=8, ge=1, le=64)
    s3_max_attempts: int = Field(default=5, ge=1, le=20, description="Tries per request on transient errors")
    s3_multipart_threshold: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024)

    # Team archive (docs/team-archive.md). The URL may hold the database password: a SecretStr, never shown.
    catalog_url: SecretStr | None = Field(default=None, description="SQLAlchemy URL of a shared catalog; "
                                          "empty = the SQLite file in the data directory")
    archive: str = Field(default="local", description="Where lap files live: local (data directory) or s3 (the "
                         "S3 settings' bucket); checked by app.archive.archive_mode, with a one-line error")
    archive_cache_mb: int = Field(default=2048, ge=16, description="Local cache of the S3 archive, in MB (LRU)")


def load_settings(**overrides: object) -> Settings:
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.home = check_home(settings.home.expanduser().resolve())
    return settings
