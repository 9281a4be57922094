"""RTSP addresses: split credentials out, put them back for the connection, and mask them for display.

Credentials live in `rtsp://user:pass@host/...`; everything a person or a log sees goes through `mask_url`
or `mask_secrets`, which replace the user-info part with `***:***@`.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from app.errors import PitwallError

SCHEMES = ("rtsp", "rtsps")
TRANSPORTS = ("tcp", "udp")  # RTSP over TCP or UDP
MASK = "***:***"
# scheme://userinfo@ — anywhere in a text (error messages from libraries, exceptions, logs)
_USERINFO = re.compile(r"(?i)\b(rtsps?|https?)://[^/@\s]*@")
CAMERA_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = ""

    def __bool__(self) -> bool:
        return bool(self.username or self.password)


def check_camera_id(camera_id: str) -> str:
    """Camera ids name folders on disk, so they are kept to letters, digits, `_`, `-` and `.`."""
    if not CAMERA_ID.match(camera_id or ""):
        raise PitwallError(
            f"Invalid camera id {camera_id!r}: use letters, digits, '_', '-' or '.', up to 64 characters"
        )
    return camera_id


def is_rtsp_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in SCHEMES


def split_credentials(url: str) -> tuple[str, Credentials]:
    """`rtsp://u:p@host:554/x` -> (`rtsp://host:554/x`, Credentials(u, p)); checks the address on the way."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise PitwallError(f"Not an RTSP address: {mask_url(url)} (expected rtsp://host[:port]/path)")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise PitwallError(f"Bad port in camera address {mask_url(url)}") from None
    creds = Credentials(unquote(parts.username or ""), unquote(parts.password or ""))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")), creds


def with_credentials(url: str, creds: Credentials | None) -> str:
    """The address to connect to; never show or log what this returns."""
    if not creds:
        return url
    parts = urlsplit(url)
    userinfo = quote(creds.username, safe="")
    if creds.password:
        userinfo += ":" + quote(creds.password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", parts.path, parts.query, ""))


def mask_url(url: str) -> str:
    """The address as shown to people: credentials replaced by `***:***`."""
    return _USERINFO.sub(lambda m: f"{m.group(1)}://{MASK}@", url)


def mask_secrets(text: str, *secrets: str) -> str:
    """Mask user-info in any URL inside `text`, and any known secret string that appears on its own."""
    text = mask_url(text)
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text



def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default = 322 if parts.scheme.lower() == "rtsps" else 554
    return parts.hostname or "127.0.0.1", parts.port or default
