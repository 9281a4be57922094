"""Device telemetry sources (seed 004 schema: device_id, timestamp, voltage, temperature, soc).

A source is a local Parquet file or folder, or an S3 prefix. Local files are read by DuckDB itself; S3 is read
through pyarrow's S3 filesystem and handed to DuckDB as a dataset, because DuckDB's httpfs extension cannot be
installed offline.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import duckdb

if TYPE_CHECKING:  # both load pandas (~0.35 s): only when an S3 source is read
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

from app.errors import PitwallError

DEVICE_COLUMNS = ("device_id", "timestamp", "voltage", "temperature", "soc")


@dataclass(frozen=True)
class S3Options:
    """Where an S3-compatible store is and how to sign in. The secret is never shown (repr hides it)."""

    endpoint: str | None = None  # e.g. http://127.0.0.1:8333; None means AWS
    access_key: str | None = None
    secret_key: str | None = None
    region: str = "us-east-1"

    def __repr__(self) -> str:
        return f"S3Options(endpoint={self.endpoint!r}, region={self.region!r}, access_key={self.access_key!r})"

    @classmethod
    def from_env(cls) -> S3Options:
        # Interim: the S3 settings will come from Settings once the sync feature lands.
        return cls(
            endpoint=os.environ.get("PITWALL_S3_ENDPOINT") or None,
            access_key=os.environ.get("PITWALL_S3_ACCESS_KEY") or None,
            secret_key=os.environ.get("PITWALL_S3_SECRET_KEY") or None,
            region=os.environ.get("PITWALL_S3_REGION") or "us-east-1",
        )

    def filesystem(self) -> pafs.S3FileSystem:
        import pyarrow.fs as pafs

        kwargs: dict = {"region": self.region}
        if self.access_key and self.secret_key:
            kwargs.update(access_key=self.access_key, secret_key=self.secret_key)
        else:
            kwargs["anonymous"] = True
        if self.endpoint:
            url = urlparse(self.endpoint if "://" in self.endpoint else f"http://{self.endpoint}")
            kwargs.update(endpoint_override=url.netloc, scheme=url.scheme or "http", force_virtual_addressing=False)
        return pafs.S3FileSystem(**kwargs)


@dataclass(frozen=True)
class DeviceSource:
    """A local path or an s3://bucket/prefix URL holding device telemetry Parquet files."""

    location: str
    s3: S3Options | None = None

    @property
    def is_s3(self) -> bool:
        return self.location.startswith("s3://")

    @classmethod
    def parse(cls, location: str, s3: S3Options | None = None) -> DeviceSource:
        if location.startswith("s3://"):
            return cls(location, s3 or S3Options.from_env())
        path = Path(location).expanduser().resolve()
        if not path.exists():
            raise PitwallError(f"No such file or folder: {location}")
        return cls(str(path))


def register_devices(conn: duckdb.DuckDBPyConnection, view: str, source: DeviceSource) -> list[str]:
    """Create `view` over the source; returns the local files DuckDB must be allowed to read.

    A folder is expanded to its Parquet files here, and only those files are allowed afterwards: allowing the
    folder would also open whatever else sits in it (a source folder may be the user's home, or hold secrets).
    """
    if source.is_s3:
        conn.register(view, _s3_dataset(source))
        _check_columns(conn, view, source.location)
        return []
    path = Path(source.location)
    files = sorted(str(p) for p in path.rglob("*.parquet") if p.is_file()) if path.is_dir() else [str(path)]
    if not files:
        raise PitwallError(f"No Parquet files under {path}")
    literals = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    try:
        conn.execute(f'CREATE VIEW "{view}" AS SELECT * FROM read_parquet([{literals}], union_by_name = true)')
    except duckdb.Error as exc:
        raise PitwallError(f"Cannot read device telemetry from {path}: {str(exc).splitlines()[0]}") from exc
    _check_columns(conn, view, source.location)
    return files


def _s3_dataset(source: DeviceSource) -> ds.Dataset:
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    url = urlparse(source.location)
    bucket, prefix = url.netloc, url.path.lstrip("/")
    if not bucket:
        raise PitwallError(f"Not an S3 URL with a bucket: {source.location}")
    opts = source.s3 or S3Options()
    try:
        fs = opts.filesystem()
        target = f"{bucket}/{prefix}".rstrip("/")
        info = fs.get_file_info(target)
        if info.type == pafs.FileType.NotFound:
            raise PitwallError(f"Nothing at {source.location}")
        if info.type == pafs.FileType.Directory:
            selector = pafs.FileSelector(target, recursive=True)
            files = sorted(f.path for f in fs.get_file_info(selector) if f.path.endswith(".parquet"))
            if not files:
                raise PitwallError(f"No Parquet files under {source.location}")
            return ds.dataset(files, format="parquet", filesystem=fs)
        return ds.dataset(target, format="parquet", filesystem=fs)
    except OSError as exc:
        raise PitwallError(f"Cannot read {source.location}: {_clean(str(exc), opts)}") from exc


def _clean(message: str, opts: S3Options) -> str:
    """One line, and never the secret."""
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return line.replace(opts.secret_key, "***") if opts.secret_key else line


def _check_columns(conn: duckdb.DuckDBPyConnection, view: str, where: str) -> None:
    names = {r[0] for r in conn.execute(f'DESCRIBE "{view}"').fetchall()}
    missing = [c for c in DEVICE_COLUMNS if c not in names]
    if missing:
        raise PitwallError(f"{where} is not device telemetry: missing column(s) {', '.join(missing)}")
