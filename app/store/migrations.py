"""Schema migrations, applied in order; PRAGMA user_version records how far a catalog has come.

Append a step to change the schema; never edit a step that has shipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

MIGRATIONS: list[str] = [
    # 1: races and laps
    """
    CREATE TABLE races (
        id VARCHAR(36) PRIMARY KEY,
        source VARCHAR(16) NOT NULL,
        name TEXT NOT NULL,
        track TEXT,
        track_length FLOAT,
        car TEXT,
        car_class TEXT,
        status VARCHAR(16) NOT NULL,
        error TEXT,
        raw_path TEXT,
        content_hash VARCHAR(64) UNIQUE,
        meta TEXT NOT NULL DEFAULT '{}',
        created_at DATETIME NOT NULL,
        updated_at DATETIME NOT NULL
    );
    CREATE TABLE laps (
        id VARCHAR(36) PRIMARY KEY,
        race_id VARCHAR(36) NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        driver TEXT,
        team TEXT,
        team_color VARCHAR(16),
        lap_time FLOAT,
        sector1 FLOAT,
        sector2 FLOAT,
        sector3 FLOAT,
        flags TEXT NOT NULL DEFAULT '',
        sample_count INTEGER NOT NULL,
        start_time FLOAT NOT NULL DEFAULT 0,
        path TEXT,
        meta TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX ix_laps_race_id ON laps(race_id);
    """,
    # 2: classification of a session (F1 results from FastF1/Ergast), one row per driver
    """
    CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        race_id VARCHAR(36) NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        driver_number VARCHAR(8),
        abbreviation VARCHAR(8),
        driver TEXT,
        team TEXT,
        team_color VARCHAR(16),
        position INTEGER,
        classified_position VARCHAR(8),
        grid INTEGER,
        points FLOAT,
        status TEXT,
        best_lap_time FLOAT
    );
    CREATE INDEX ix_results_race_id ON results(race_id);
    """,
    # 3 (S3 sync; the lead may renumber at merge): sync state of every file Pitwall mirrors to a bucket.
    # target = endpoint|bucket|prefix, so pointing Pitwall at another bucket starts from "local-only".
    """
    CREATE TABLE sync_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        target TEXT NOT NULL,
        kind VARCHAR(16) NOT NULL,
        race_id VARCHAR(36),
        local_path TEXT NOT NULL,
        object_key TEXT NOT NULL,
        sha256 VARCHAR(64),
        size INTEGER,
        mtime_ns INTEGER,
        state VARCHAR(16) NOT NULL,
        error TEXT,
        updated_at DATETIME NOT NULL,
        UNIQUE (target, object_key)
    );
    CREATE INDEX ix_sync_items_race ON sync_items(target, race_id);
    """,
    # 4: pit-lane cameras and their stills. Camera credentials are NOT stored here (see services/cameras.py).
    """
    CREATE TABLE cameras (
        id VARCHAR(64) PRIMARY KEY,
        url TEXT NOT NULL,
        transport VARCHAR(8) NOT NULL DEFAULT 'tcp',
        has_credentials BOOLEAN NOT NULL DEFAULT 0,
        meta TEXT NOT NULL DEFAULT '{}',
        created_at DATETIME NOT NULL
    );
    CREATE TABLE frames (
        id VARCHAR(36) PRIMARY KEY,
        camera_id VARCHAR(64) NOT NULL,
        path TEXT NOT NULL,
        thumb_path TEXT NOT NULL,
        captured_at DATETIME NOT NULL,
        source VARCHAR(8) NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sha256 VARCHAR(64) NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        race_id VARCHAR(36) REFERENCES races(id) ON DELETE SET NULL,
        lap_id VARCHAR(36) REFERENCES laps(id) ON DELETE SET NULL,
        session_time FLOAT,
        burst_id VARCHAR(36),
        burst_index INTEGER,
        partial BOOLEAN NOT NULL DEFAULT 0,
        created_at DATETIME NOT NULL
    );
    CREATE INDEX ix_frames_camera_time ON frames(camera_id, captured_at);
    CREATE INDEX ix_frames_race_id ON frames(race_id);
    CREATE INDEX ix_frames_sha256 ON frames(sha256);
    """,
]

LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def migrate(conn: Connection) -> int:
    """Bring the catalog to the latest schema; returns the version it was at."""
    from sqlalchemy import text  # here, so the quick read path (catalog_read) can know LATEST without SQLAlchemy

    start = current_version(conn)
    if start > LATEST:
        raise RuntimeError(
            f"This catalog was written by a newer Pitwall (schema {start}, this one knows {LATEST})."
        )
    for version in range(start, LATEST):
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(text(statement))
        conn.exec_driver_sql(f"PRAGMA user_version = {version + 1}")
    return start
