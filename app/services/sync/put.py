"""A lean S3 PutObject for the bulk of a push: one SigV4-signed HTTP request per object, no botocore machinery.

botocore spends about 1 ms of Python (under the GIL) per request on events, serialisation, signing and parsing,
so uploading hundreds of small lap files is bound by the client's CPU and threads do not help. This PUT keeps
the same guarantees for less than a quarter of that:

- the payload hash signed into the request (x-amz-content-sha256) is the file's SHA-256, so the server refuses a
  body that does not match it, and x-amz-checksum-sha256 asks it to check again and store the checksum;
- x-amz-meta-sha256 carries the digest readers verify (the same metadata boto3 uploads carry);
- errors come back as botocore exceptions (ClientError with the S3 error code, EndpointConnectionError...), so
  `config.explain` and the pool's "stop when unreachable" treat them exactly as boto3's;
- transient failures (connection errors, 5xx, throttling) are retried with backoff, `max_attempts` in all.

Everything else (HEAD, multipart uploads, downloads, listings) stays on boto3. When the environment asks for
an HTTP proxy, uploads go through boto3 too (it knows proxies; this does not).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import os
import random
import re
import socket
import ssl
import threading
import time
import urllib.request
from urllib.parse import quote, urlsplit

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

RETRY_CODES = {"SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable",
               "Throttling", "ThrottlingException"}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_XML_FIELD = re.compile(r"<(Code|Message)>(.*?)</\1>", re.DOTALL)


class Putter:
    """PUTs objects to one bucket; thread-safe (one keep-alive connection per thread)."""

    def __init__(self, endpoint: str | None, bucket: str, access_key: str, secret_key: str, region: str,
                 path_style: bool = True, max_attempts: int = 5, connect_timeout: float = 5,
                 read_timeout: float = 60) -> None:
        url = urlsplit(endpoint if endpoint else f"https://s3.{region}.amazonaws.com")
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"unsupported endpoint {endpoint!r}")
        self.endpoint_url = f"{url.scheme}://{url.netloc}"
        self.https = url.scheme == "https"
        self.port = url.port or (443 if self.https else 80)
        self.bucket, self.region, self.access_key = bucket, region, access_key
        self._secret = secret_key
        if path_style or "." in bucket:  # dotted names break TLS on virtual hosts
            self.host, self.base = url.hostname, url.path.rstrip("/") + "/" + quote(bucket, safe="")
        else:
            self.host, self.base = f"{bucket}.{url.hostname}", url.path.rstrip("/")
        self.host_header = self.host if url.port is None else f"{self.host}:{url.port}"
        self.max_attempts = max(1, max_attempts)
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self._local = threading.local()
        self._keys: dict[str, bytes] = {}
        self._ssl = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or None) if self.https \
            else None

    @staticmethod
    def usable(endpoint: str | None) -> bool:
        """False when a proxy applies to the endpoint (then boto3, which honours proxy settings, uploads)."""
        url = urlsplit(endpoint or "https://s3.amazonaws.com")
        proxies = urllib.request.getproxies()
        if not proxies.get(url.scheme) and not proxies.get("all"):
            return True
        return bool(url.hostname and urllib.request.proxy_bypass(url.hostname))

    # -- signing ---------------------------------------------------------------------------------------------

    def _signing_key(self, day: str) -> bytes:
        key = self._keys.get(day)
        if key is None:
            key = hmac.new(("AWS4" + self._secret).encode(), day.encode(), hashlib.sha256).digest()
            for part in (self.region, "s3", "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            self._keys = {day: key}
        return key

    def _headers(self, method: str, path: str, payload_sha256: str, extra: dict[str, str]) -> dict[str, str]:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        day = stamp[:8]
        headers = {"host": self.host_header, "x-amz-content-sha256": payload_sha256, "x-amz-date": stamp, **extra}
        names = sorted(headers)
        canonical = "\n".join([method, path, "", "".join(f"{k}:{' '.join(headers[k].split())}\n" for k in names),
                               ";".join(names), payload_sha256])
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        signature = hmac.new(self._signing_key(day), to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                                    f"SignedHeaders={';'.join(names)}, Signature={signature}")
        return headers

    # -- transport -------------------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.https:
                conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.connect_timeout,
                                                   context=self._ssl)
            else:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
            self._local.conn = conn
        return conn

    def _drop_connection(self) -> None:
        self._local.connecting = False
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def put(self, key: str, body: bytes, sha256_hex: str, content_type: str = "application/octet-stream",
            metadata: dict[str, str] | None = None) -> None:
        """PUT `body` under `key` (full key in the bucket). Raises botocore exceptions like boto3 would."""
        extra = {"content-length": str(len(body)), "content-type": content_type,
                 "x-amz-checksum-sha256": base64.b64encode(bytes.fromhex(sha256_hex)).decode()}
        for name, value in (metadata or {}).items():
            extra[f"x-amz-meta-{name.lower()}"] = str(value)
        self._call("PUT", self.base + "/" + quote(key, safe="/~"), body, sha256_hex, extra, "PutObject")

    def head_bucket(self) -> None:
        """HEAD the bucket: returns when it exists and the keys may use it; ClientError 403/404 otherwise."""
        self._call("HEAD", self.base or "/", b"", EMPTY_SHA256, {}, "HeadBucket")

    def _call(self, method: str, path: str, body: bytes, payload_sha256: str, extra: dict[str, str],
              operation: str) -> None:
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                status, code, message = self._send(method, path, body, payload_sha256, extra)
            except (OSError, http.client.HTTPException) as exc:
                error = self._transport_error(exc)
                self._drop_connection()
                if last:
                    raise error from exc
            else:
                if status < 300:
                    return
                retry = status >= 500 or status == 429 or code in RETRY_CODES
                if last or not retry:
                    raise ClientError({"Error": {"Code": code or str(status), "Message": message},
                                       "ResponseMetadata": {"HTTPStatusCode": status}}, operation)
            time.sleep(random.random() * min(20.0, 0.05 * 2 ** attempt))  # jittered exponential backoff

    def _send(self, method: str, path: str, body: bytes, payload_sha256: str,
              extra: dict[str, str]) -> tuple[int, str, str]:
        conn = self._connection()
        if conn.sock is None:
            response = self._exchange(conn, method, path, body, payload_sha256, extra)
        else:
            try:
                response = self._exchange(conn, method, path, body, payload_sha256, extra)
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                # The server closed the idle keep-alive connection: one fresh try, not counted as an attempt.
                self._drop_connection()
                conn = self._connection()
                response = self._exchange(conn, method, path, body, payload_sha256, extra)
        data = response.read()
        if response.will_close:
            self._drop_connection()
        if response.status < 300:
            return response.status, "", ""
        fields = dict(_XML_FIELD.findall(data.decode("utf-8", "replace")))
        return response.status, fields.get("Code", ""), fields.get("Message", response.reason or "")

    def _exchange(self, conn: http.client.HTTPConnection, method: str, path: str, body: bytes,
                  payload_sha256: str, extra: dict[str, str]) -> http.client.HTTPResponse:
        if conn.sock is None:
            self._local.connecting = True
            conn.connect()
            self._local.connecting = False
        conn.sock.settimeout(self.read_timeout)
        conn.request(method, path, body=body or None, headers=self._headers(method, path, payload_sha256, extra))
        return conn.getresponse()

    def _transport_error(self, exc: BaseException) -> Exception:
        if isinstance(exc, (socket.timeout, TimeoutError)):
            if getattr(self._local, "connecting", False):
                return ConnectTimeoutError(endpoint_url=self.endpoint_url, error=exc)
            return ReadTimeoutError(endpoint_url=self.endpoint_url, error=exc)
        if isinstance(exc, (ConnectionRefusedError, socket.gaierror)):
            return EndpointConnectionError(endpoint_url=self.endpoint_url, error=exc)
        if isinstance(exc, (ConnectionError, http.client.HTTPException)):
            return ConnectionClosedError(endpoint_url=self.endpoint_url, error=exc)
        return EndpointConnectionError(endpoint_url=self.endpoint_url, error=exc)
