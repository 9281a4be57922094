"""The archive's objects in S3: put, fetch through the LRU cache, list, delete. Errors are one line, no secret."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from app.archive.cache import LruCache
from app.config import Settings
from app.errors import PitwallError
from app.fileio import file_sha256
from app.services.sync.config import S3Target, error_code, explain, target_from
from app.services.sync.state import Item
from app.services.sync.transfer import upload

MISSING = {"404", "NoSuchKey", "NotFound"}


class ObjectMissing(PitwallError):
    """The catalog lists an object the bucket does not have."""


class RemoteArchive:
    def __init__(self, target: S3Target, cache: LruCache) -> None:
        self.target, self.cache = target, cache
        self._client = None
        self._putter = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteArchive:
        target = target_from(settings)
        where = hashlib.sha256(target.id.encode()).hexdigest()[:12]  # another bucket or prefix: another cache
        cache = LruCache(settings.home / "archive-cache" / where, settings.archive_cache_mb * 1024 * 1024)
        return cls(target, cache)

    @property
    def client(self):
        with self._lock:
            if self._client is None:
                self._client = self.target.client()
                self._putter = self.target.putter()
            return self._client

    def warm_up(self) -> None:
        """Build the client on a thread now (botocore loads its models: ~0.3 s of CPU) rather than when needed."""
        if self._client is None:
            threading.Thread(target=lambda: self.client, name="s3-warm-up", daemon=True).start()

    def url(self, key: str = "") -> str:
        """The s3:// URL of a key (or of the whole archive), as DuckDB, Spark or Trino name it."""
        return f"s3://{self.target.bucket}/{self.target.key(key)}"

    # ---- writing
    def put_file(self, key: str, path: Path) -> None:
        """Upload one file; the object appears only once complete (S3 never shows half an object)."""
        client = self.client
        size = path.stat().st_size
        item = Item("archive", None, str(path.resolve()), key, size=size, sha256=file_sha256(path))
        try:
            upload(client, self.target, Path("/"), item, lambda _n: None, self._putter)
        except (ClientError, BotoCoreError) as exc:
            raise explain(exc, self.target, f"uploading {key}") from None

    def put_bytes(self, key: str, data: bytes) -> None:
        item = Item("archive", None, key, key, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
        client = self.client
        try:
            upload(client, self.target, Path("/"), item, lambda _n: None, self._putter)
        except (ClientError, BotoCoreError) as exc:
            raise explain(exc, self.target, f"uploading {key}") from None

    def put_many(self, files: list[tuple[str, Path]]) -> None:
        """Upload several files at once; the first failure is raised after the others finished or stopped."""
        if not files:
            return
        self.client  # noqa: B018  (build the client once, before the threads race for it)
        with ThreadPoolExecutor(max_workers=min(self.target.concurrency, len(files)),
                                thread_name_prefix="archive-put") as pool:
            futures = [pool.submit(self.put_file, key, path) for key, path in files]
        for fut in futures:
            fut.result()

    # ---- reading
    def fetch(self, key: str) -> Path:
        """The object's local copy, downloaded once into the cache; ObjectMissing when the bucket lacks it."""
        def download(tmp: Path) -> None:
            try:
                self.client.download_file(self.target.bucket, self.target.key(key), str(tmp))
            except ClientError as exc:
                if error_code(exc) in MISSING:
                    raise ObjectMissing(f"The team archive has no object {key} (listed in the catalog); "
                                        "the race may have been removed meanwhile.") from None
                raise explain(exc, self.target, f"reading {key}") from None
            except BotoCoreError as exc:
                raise explain(exc, self.target, f"reading {key}") from None

        return self.cache.get(key, download)

    def download_to(self, key: str, dest: Path) -> Path:
        """The object written to `dest` (atomically), outside the LRU cache: files the data directory keeps."""
        from app.fileio import write_atomic

        def download(tmp: str) -> None:
            try:
                self.client.download_file(self.target.bucket, self.target.key(key), tmp)
            except ClientError as exc:
                if error_code(exc) in MISSING:
                    raise ObjectMissing(f"The team archive has no object {key}.") from None
                raise explain(exc, self.target, f"reading {key}") from None
            except BotoCoreError as exc:
                raise explain(exc, self.target, f"reading {key}") from None

        write_atomic(dest, download)
        return dest

    def fetch_optional(self, key: str) -> Path | None:
        try:
            return self.fetch(key)
        except ObjectMissing:
            return None

    def keys(self, prefix: str) -> list[str]:
        """Keys under `prefix` (relative to the archive's prefix)."""
        out: list[str] = []
        strip = len(self.target.prefix)
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.target.bucket, Prefix=self.target.key(prefix))
            for page in pages:
                out += [o["Key"][strip:] for o in page.get("Contents", [])]
        except (ClientError, BotoCoreError) as exc:
            raise explain(exc, self.target, f"listing {prefix}") from None
        return out

    # ---- removing
    def delete(self, keys: list[str]) -> None:
        for key in keys:
            self.cache.discard(key)
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": self.target.key(k)} for k in keys[start:start + 1000]]
            try:
                self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            except (ClientError, BotoCoreError) as exc:
                raise explain(exc, self.target, "removing objects") from None

    def delete_prefix(self, prefix: str) -> None:
        self.delete(self.keys(prefix))


def check_archive(settings: Settings) -> str:
    """The Team archive dialog's Test connection for the bucket: one line, raises PitwallError on failure."""
    from app.services.sync.config import check_connection

    return check_connection(target_from(settings))
