"""Where to sync: the S3 target from settings, a boto3 client for it, and errors a user can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from pydantic import SecretStr

from app.config import Settings
from app.errors import PitwallError
from app.services.sync import secrets
from app.services.sync.names import normalise_prefix, target_id

CREDENTIAL_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "Forbidden"}
MISSING_BUCKET_CODES = {"NoSuchBucket", "404", "NotFound"}
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class SyncError(PitwallError):
    """A sync failure, phrased for the user; never contains the secret key."""


class Unreachable(SyncError):
    """The server cannot be reached: stop the whole job rather than fail every item one by one."""


class CredentialsRefused(SyncError):
    """The server answered but refused the access key / secret key."""


class BucketMissing(SyncError):
    """The server answered but has no such bucket."""


class BucketNotCreated(SyncError):
    """The bucket is missing and the server would not create it (no permission, name taken or invalid)."""


@dataclass(frozen=True)
class S3Target:
    endpoint: str | None
    bucket: str
    access_key: str | None
    secret_key: SecretStr | None = field(repr=False)
    region: str = "us-east-1"
    path_style: bool = True
    prefix: str = ""
    concurrency: int = 8
    max_attempts: int = 5
    multipart_threshold: int = 16 * 1024 * 1024

    @property
    def id(self) -> str:
        """What sync state is recorded against: another endpoint, bucket or prefix starts afresh."""
        return target_id(self.endpoint, self.bucket, self.prefix)

    @property
    def where(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" + (f" at {self.endpoint}" if self.endpoint else "")

    def key(self, rel: str) -> str:
        return f"{self.prefix}{rel}"

    def client(self):
        """A thread-safe boto3 client with retries and backoff on transient errors."""
        config = Config(
            retries={"mode": "standard", "max_attempts": self.max_attempts},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=self.concurrency + 4,
            s3={"addressing_style": "path" if self.path_style else "auto"},
        )
        secret = self.secret_key.get_secret_value() if self.secret_key else None
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint or None, region_name=self.region,
            aws_access_key_id=self.access_key or None, aws_secret_access_key=secret, config=config,
        )


    def putter(self):
        """The lean PUT for small objects (see put.py), or None where boto3 must do it (no keys, a proxy)."""
        from app.services.sync.put import Putter

        if not (self.access_key and self.secret_key) or not Putter.usable(self.endpoint):
            return None
        return Putter(self.endpoint, self.bucket, self.access_key, self.secret_key.get_secret_value(), self.region,
                      path_style=self.path_style, max_attempts=self.max_attempts)


def target_from(settings: Settings, bucket: str | None = None) -> S3Target:
    """The target the settings describe; the secret comes from the settings/environment, else the keyring."""
    bucket = bucket or settings.s3_bucket
    if not bucket:
        raise SyncError("No S3 bucket configured: set PITWALL_S3_BUCKET or fill in the S3 settings.")
    secret = settings.s3_secret_key
    if secret is None and settings.s3_access_key:
        stored = secrets.load_secret(settings.s3_endpoint, settings.s3_access_key)
        secret = SecretStr(stored) if stored else None
    if not settings.s3_access_key or secret is None:
        raise SyncError("No S3 credentials: set PITWALL_S3_ACCESS_KEY and PITWALL_S3_SECRET_KEY "
                        "(or save the secret in the S3 settings, which keeps it in the OS keyring).")
    return S3Target(
        endpoint=settings.s3_endpoint, bucket=bucket, access_key=settings.s3_access_key, secret_key=secret,
        region=settings.s3_region, path_style=settings.s3_path_style, prefix=normalise_prefix(settings.s3_prefix),
        concurrency=settings.s3_concurrency, max_attempts=settings.s3_max_attempts,
        multipart_threshold=settings.s3_multipart_threshold,
    )


def error_code(exc: ClientError) -> str:
    err = exc.response.get("Error", {})
    return str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def explain(exc: BaseException, target: S3Target, what: str = "") -> SyncError:
    """Turn a boto error into one line a user can act on."""
    where = target.where
    doing = f" while {what}" if what else ""
    if isinstance(exc, SyncError):
        return exc
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in CREDENTIAL_CODES:
            return CredentialsRefused(f"The S3 server refused the credentials for {where}{doing} ({code}): "
                             "check the access key and secret key.")
        if code in MISSING_BUCKET_CODES:
            return BucketMissing(f"Bucket {target.bucket!r} does not exist at {target.endpoint or 'AWS S3'}{doing}; "
                                 "`pitwall sync push` (or Create bucket in Sync → S3 settings) creates it.")
        if code == "BadDigest":
            return SyncError(f"The S3 server received a damaged copy{doing} (checksum mismatch); try again.")
        message = exc.response.get("Error", {}).get("Message", "")
        return SyncError(f"S3 error {code}{doing} at {where}: {message}".rstrip(": "))
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError, ReadTimeoutError)):
        return Unreachable(f"Cannot reach the S3 server at {target.endpoint or 'AWS S3'}{doing}: "
                           "check the endpoint URL and the network, then try again.")
    if isinstance(exc, NoCredentialsError):
        return CredentialsRefused("No S3 credentials: set PITWALL_S3_ACCESS_KEY and PITWALL_S3_SECRET_KEY.")
    if isinstance(exc, BotoCoreError):
        return SyncError(f"S3 request failed{doing} at {where}: {exc}")
    return SyncError(f"S3 request failed{doing} at {where}: {exc!r}")


def check_bucket(target: S3Target, client=None) -> None:
    """Raise a clear SyncError unless the credentials work and the bucket exists."""
    client = client or target.client()
    try:
        client.head_bucket(Bucket=target.bucket)
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, target, "opening the bucket") from None


def create_bucket(target: S3Target, client=None) -> bool:
    """Create the target's bucket: True when this call created it, False when it was there already (ours)."""
    if not _BUCKET_NAME.match(target.bucket):  # S3's rules; some servers accept more, AWS and MinIO do not
        raise BucketNotCreated(f"{target.bucket!r} is not a valid bucket name: use 3–63 lower-case letters, digits, "
                               "dots and hyphens, starting and ending with a letter or digit.")
    client = client or target.client()
    kwargs: dict = {"Bucket": target.bucket}
    if target.region and target.region != "us-east-1":  # AWS refuses an explicit us-east-1 constraint
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": target.region}
    try:
        client.create_bucket(**kwargs)
    except ClientError as exc:
        code = error_code(exc)
        if code == "BucketAlreadyOwnedByYou":  # created meanwhile (another push, another window)
            return False
        raise _not_created(exc, code, target) from None
    except BotoCoreError as exc:
        raise explain(exc, target, "creating the bucket") from None
    return True


def _not_created(exc: ClientError, code: str, target: S3Target) -> SyncError:
    where = f"Bucket {target.bucket!r} does not exist at {target.endpoint or 'AWS S3'}"
    if code in CREDENTIAL_CODES:
        return BucketNotCreated(
            f"{where} and these credentials may not create it ({code}): create it with an administrator account "
            "(the MinIO/AWS console, or `mc mb` / `aws s3 mb`), or use keys allowed s3:CreateBucket, then try again.")
    if code == "BucketAlreadyExists":
        return BucketNotCreated(f"The bucket name {target.bucket!r} is taken by another account: choose another.")
    if code == "InvalidBucketName":
        return BucketNotCreated(f"The server refused {target.bucket!r} as a bucket name: choose another.")
    return BucketNotCreated(f"{where} and creating it failed: {explain(exc, target)}")


def check_connection(target: S3Target) -> str:
    """The answer for the settings dialog's "Test connection" button (raises SyncError on failure)."""
    client = target.client()
    check_bucket(target, client)
    try:
        client.list_objects_v2(Bucket=target.bucket, Prefix=target.prefix, MaxKeys=1)
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, target, "listing the bucket") from None
    return f"Connected: bucket {target.bucket!r} is reachable and readable at {target.endpoint or 'AWS S3'}."


def probe(settings: Settings) -> tuple[str, str]:
    """Test the settings without raising: (verdict, one line), verdict one of ok, credentials, bucket,
    unreachable, config (something missing in the settings) or error."""
    try:
        return "ok", check_connection(target_from(settings))
    except CredentialsRefused as exc:
        return "credentials", str(exc)
    except BucketMissing as exc:
        return "bucket", str(exc)
    except Unreachable as exc:
        return "unreachable", str(exc)
    except SyncError as exc:
        text = str(exc)
        return ("config" if text.startswith("No S3") else "error"), text
    except (ValueError, BotoCoreError) as exc:  # e.g. a malformed endpoint URL
        return "config", f"Invalid S3 settings: {exc}"


def create_and_probe(settings: Settings) -> tuple[str, str]:
    """The settings dialog's "Create bucket": create the bucket, then test again. Never raises; a refusal is
    the verdict "not_created" with what to do."""
    try:
        target = target_from(settings)
        created = create_bucket(target)
    except SyncError as exc:
        return "not_created", str(exc)
    except (ValueError, BotoCoreError) as exc:
        return "config", f"Invalid S3 settings: {exc}"
    verdict, message = probe(settings)
    if created and verdict == "ok":
        message = f"Created bucket {target.bucket!r}. {message}"
    return verdict, message
