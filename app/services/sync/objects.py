"""Single files to and from s3:// URLs (exports), with the configured endpoint and credentials."""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from app.config import Settings
from app.fileio import file_sha256
from app.services.sync.config import S3Target, SyncError, explain, target_from
from app.services.sync.names import is_s3_url
from app.services.sync.state import Item
from app.services.sync.transfer import upload

S3_URL = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(.+)$")


def parse_s3_url(url: str) -> tuple[str, str]:
    match = S3_URL.match(url)
    if not match or match.group(2).endswith("/"):
        raise SyncError(f"Not an object URL: {url!r} (expected s3://bucket/path/to/file)")
    return match.group(1), match.group(2)


def put_file(target: S3Target, local: Path, url: str) -> str:
    """Upload one local file to `url` (the bucket in the URL wins over the configured one; no prefix)."""
    bucket, key = parse_s3_url(url)
    target = dataclasses.replace(target, bucket=bucket, prefix="")
    item = Item("export", None, local.name, key, size=local.stat().st_size, sha256=file_sha256(local))
    try:
        upload(target.client(), target, local.parent, item, lambda _n: None)
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, target, f"uploading {url}") from None
    return url


def deliver(settings: Settings, dest: str, write: Callable[[Path], object]) -> str:
    """Write an export to a local path, or to a temporary file that is then uploaded to an s3:// URL.
    `write(path)` produces the file; returns where it went."""
    dest = str(dest).strip()
    if not dest:
        raise SyncError("No destination: give a file path or an s3://bucket/key URL.")
    if not is_s3_url(dest):
        write(Path(dest).expanduser())
        return str(Path(dest).expanduser())
    bucket, key = parse_s3_url(dest)
    target = target_from(settings, bucket=bucket)
    with tempfile.TemporaryDirectory(prefix="pitwall-export-") as tmp:
        local = Path(tmp) / Path(key).name
        write(local)
        return put_file(target, local, dest)
