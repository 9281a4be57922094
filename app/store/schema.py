"""Catalog tables (SQLAlchemy 2 ORM). The DDL that creates them lives in migrations.py."""

from datetime import UTC, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Race(Base):
    """A race file or session: one row per thing the user opened."""

    __tablename__ = "races"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    track: Mapped[str | None] = mapped_column(Text)
    track_length: Mapped[float | None] = mapped_column(Float)
    car: Mapped[str | None] = mapped_column(Text)
    car_class: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    raw_path: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    meta: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    laps: Mapped[list["Lap"]] = relationship(
        back_populates="race", cascade="all, delete-orphan", order_by="Lap.start_time"
    )


class Lap(Base):
    __tablename__ = "laps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    race_id: Mapped[str] = mapped_column(ForeignKey("races.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    driver: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    team_color: Mapped[str | None] = mapped_column(String(16))
    lap_time: Mapped[float | None] = mapped_column(Float)
    sector1: Mapped[float | None] = mapped_column(Float)
    sector2: Mapped[float | None] = mapped_column(Float)
    sector3: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[str] = mapped_column(Text, default="")  # comma-separated LapFlag values
    sample_count: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[float] = mapped_column(Float, default=0.0)  # session time (s) at lap start
    path: Mapped[str | None] = mapped_column(Text)  # lap file, relative to the data directory
    meta: Mapped[str] = mapped_column(Text, default="{}")

    race: Mapped[Race] = relationship(back_populates="laps")

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


class Result(Base):
    """A driver's classification in a session (position, points, status)."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    race_id: Mapped[str] = mapped_column(ForeignKey("races.id", ondelete="CASCADE"), index=True)
    driver_number: Mapped[str | None] = mapped_column(String(8))
    abbreviation: Mapped[str | None] = mapped_column(String(8))
    driver: Mapped[str | None] = mapped_column(Text)
    team: Mapped[str | None] = mapped_column(Text)
    team_color: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int | None] = mapped_column(Integer)
    classified_position: Mapped[str | None] = mapped_column(String(8))
    grid: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(Text)
    best_lap_time: Mapped[float | None] = mapped_column(Float)


class Camera(Base):
    """A pit-lane camera. `url` never holds credentials; they live in the secrets file (services/cameras.py)."""

    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    transport: Mapped[str] = mapped_column(String(8), default="tcp")
    has_credentials: Mapped[bool] = mapped_column(Boolean, default=False)
    meta: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Frame(Base):
    """A still from a camera (RTSP grab or imported file), optionally linked to a race, a lap and a time."""

    __tablename__ = "frames"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    camera_id: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)  # original bytes, relative to the data directory
    thumb_path: Mapped[str] = mapped_column(Text)
    captured_at: Mapped[datetime] = mapped_column()  # UTC, naive
    source: Mapped[str] = mapped_column(String(8))  # rtsp | upload
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    meta: Mapped[str] = mapped_column(Text, default="{}")
    race_id: Mapped[str | None] = mapped_column(ForeignKey("races.id", ondelete="SET NULL"))
    lap_id: Mapped[str | None] = mapped_column(ForeignKey("laps.id", ondelete="SET NULL"))
    session_time: Mapped[float | None] = mapped_column(Float)  # seconds since the session's time 0
    burst_id: Mapped[str | None] = mapped_column(String(36))
    burst_index: Mapped[int | None] = mapped_column(Integer)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)  # from a burst that stopped early
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncItem(Base):
    """Sync state of one file mirrored to an S3 bucket: local-only (no row), uploading, synced or failed."""

    __tablename__ = "sync_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(Text)  # endpoint|bucket|prefix
    kind: Mapped[str] = mapped_column(String(16))  # raw, lap, frame, manifest
    race_id: Mapped[str | None] = mapped_column(String(36))
    local_path: Mapped[str] = mapped_column(Text)  # relative to the data directory
    object_key: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    mtime_ns: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
