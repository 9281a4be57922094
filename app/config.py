"""Typed settings, read once from the environment (prefix PITWALL_) and an optional settings file."""

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    return Path(user_data_dir("pitwall", appauthor=False))


class Settings(BaseSettings):
    """Everything configurable lives here; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_prefix="PITWALL_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Data directory; everything is written here")
    f1_recorded: Path | None = Field(default=None, description="Folder of recorded FastF1 responses (offline)")
    worker_threads: int = Field(default=2, ge=1, le=64)
    sql_unrestricted: bool = Field(
        default=False,
        description="Let the SQL console write files, attach databases and read anywhere (off: read-only archive)",
    )


def load_settings(**overrides: object) -> Settings:
    settings = Settings(**overrides)  # type: ignore[arg-type]
    settings.home = settings.home.expanduser().resolve()
    return settings
