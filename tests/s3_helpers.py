"""Shared by the S3 sync tests: buckets on the test server, settings for it, races to push, catalog dumps."""

import hashlib
import itertools
import os
from pathlib import Path

import numpy as np
from keyring.backend import KeyringBackend
from sqlalchemy import text

from app.config import load_settings
from app.domain.models import LapData, SessionData
from app.services.sync import target_from
from app.store import Store

_counter = itertools.count()


def new_bucket(server) -> str:
    name = f"pitwall-{os.getpid()}-{next(_counter)}"
    server.client().create_bucket(Bucket=name)
    return name


def settings_for(server, bucket: str, home: Path, **overrides):
    values = dict(home=home, s3_endpoint=server.endpoint, s3_bucket=bucket, s3_access_key=server.access_key,
                  s3_secret_key=server.secret_key, s3_region=server.region, s3_max_attempts=2)
    values.update(overrides)
    return load_settings(**values)


def target_for(server, bucket: str, home: Path, **overrides):
    return target_from(settings_for(server, bucket, home, **overrides))


def synthetic_race(store: Store, tmp: Path, laps: int = 20, samples: int = 200, raw_bytes: int = 4096,
                   name: str = "synthetic") -> str:
    """A Ready race stored the way ingest stores one: a raw file and one Parquet file per lap."""
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    raw = tmp / f"{name}.deflate"
    raw.write_bytes(rng.bytes(raw_bytes))
    race = store.begin_race("ams2", name, content_hash=hashlib.sha256(raw.read_bytes()).hexdigest())
    store.keep_raw(race.id, raw)
    data = SessionData("ams2", name, [
        LapData(number=i + 1, lap_time=80 + i, start_time=80.0 * i, channels={
            "time": np.linspace(0, 80, samples), "distance": np.linspace(0, 4000, samples),
            "speed": rng.uniform(50, 300, samples),
        }) for i in range(laps)
    ], track="Test Track", track_length=4000.0)
    store.save_session(race.id, data)
    return race.id


def catalog_dump(store: Store) -> dict:
    """Every catalog row a user can see (not sync state), in a stable order."""
    out = {}
    with store.engine.connect() as conn:
        for table, order in (("races", "id"), ("laps", "id"), ("results", "race_id, driver")):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
            out[table] = [{k: v for k, v in r._mapping.items() if not (table == "results" and k == "id")}
                          for r in rows]
    return out


def file_hashes(home: Path) -> dict[str, str]:
    """sha256 of every data file under home, by relative path (the catalog, temp files and locks excluded)."""
    out = {}
    for path in sorted(home.rglob("*")):
        if path.is_file() and path.parent not in (home, home / "locks") and not path.name.startswith("."):
            out[path.relative_to(home).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def keys(server, bucket: str) -> list[str]:
    pages = server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in memory (the test machine has no desktop keyring)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)
