"""Shared by the team archive tests: a fresh catalog database and bucket per test, stores and processes on them."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from app.archive.s3 import RemoteArchive
from app.store import Store
from tests.conftest import ROOT
from tests.s3_helpers import new_bucket, settings_for

_counter = itertools.count()
PREFIX = "team-a/"


@dataclass
class Team:
    """One shared catalog (a database of its own on the test server) and one bucket."""

    pg: object
    s3: object
    url: str
    bucket: str

    def store(self, home: Path, cache_mb: int = 512) -> Store:
        settings = settings_for(self.s3, self.bucket, home, s3_prefix=PREFIX, archive_cache_mb=cache_mb)
        return Store(home, catalog=self.url, archive=RemoteArchive.from_settings(settings))

    def env(self, home: Path) -> dict[str, str]:
        """What an engineer's shell sets to work in this team archive."""
        return {**os.environ, "PITWALL_HOME": str(home), "PITWALL_CATALOG_URL": self.url, "PITWALL_ARCHIVE": "s3",
                "PITWALL_S3_ENDPOINT": self.s3.endpoint, "PITWALL_S3_BUCKET": self.bucket,
                "PITWALL_S3_ACCESS_KEY": self.s3.access_key, "PITWALL_S3_SECRET_KEY": self.s3.secret_key,
                "PITWALL_S3_PREFIX": PREFIX, "PITWALL_S3_MAX_ATTEMPTS": "2"}

    def pitwall(self, home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                              env=self.env(home), timeout=timeout)


def new_team(pg, s3) -> Team:
    name = f"team_{os.getpid()}_{next(_counter)}"
    return Team(pg, s3, pg.create_database(name), new_bucket(s3))


def object_keys(team: Team, prefix: str = "") -> list[str]:
    pages = team.s3.client().get_paginator("list_objects_v2").paginate(Bucket=team.bucket, Prefix=PREFIX + prefix)
    return sorted(o["Key"][len(PREFIX):] for page in pages for o in page.get("Contents", []))
