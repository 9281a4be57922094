"""The camera registry: ids, addresses and transports in the catalog; credentials in a separate secrets file.

Why a separate file: the catalog is exported, queried with SQL and synced to S3; passwords must never travel
with it. `secrets/cameras.json` (in the data directory; user-only: mode 0600, an owner-only ACL on Windows) maps
a camera id to its user name and password. Every address shown anywhere is the clean one, or masked as `rtsp://***:***@host/...`.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.errors import PitwallError
from app.sources.camera.urls import (
    TRANSPORTS,
    Credentials,
    check_camera_id,
    host_port,
    is_rtsp_url,
    mask_url,
    split_credentials,
    with_credentials,
)
from app.store import Store
from app.store.schema import Camera, utcnow


@dataclass
class CameraTarget:
    """What a grab needs: where to connect and how, and the id its frames are filed under."""

    camera_id: str
    url: str  # without credentials
    transport: str = "tcp"
    credentials: Credentials = field(default_factory=Credentials, repr=False)

    @property
    def connect_url(self) -> str:
        """Holds the password: pass it to OpenCV only, never print it."""
        return with_credentials(self.url, self.credentials)

    @property
    def display(self) -> str:
        return mask_url(self.connect_url)


def _read_secrets(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise PitwallError(f"Cannot read the camera secrets file {path}: {exc.__class__.__name__}") from None


def _write_secrets(path: Path, secrets: dict[str, dict[str, str]]) -> None:
    from app.userfiles import write_private_json

    write_private_json(path, secrets)  # user-only: mode 0600 on POSIX, an owner-only ACL on Windows


def credentials_for(store: Store, camera_id: str) -> Credentials:
    entry = _read_secrets(store.paths.camera_secrets).get(camera_id) or {}
    return Credentials(entry.get("username", ""), entry.get("password", ""))


def add_camera(store: Store, camera_id: str, url: str, transport: str = "tcp",
               credentials: Credentials | None = None, meta: dict | None = None) -> Camera:
    """Register (or update) a camera. Credentials in the URL are moved to the secrets file."""
    check_camera_id(camera_id)
    if transport not in TRANSPORTS:
        raise PitwallError(f"Unknown transport {transport!r}; use tcp or udp")
    clean, in_url = split_credentials(url)
    creds = credentials if credentials else in_url
    secrets = _read_secrets(store.paths.camera_secrets)
    if creds:
        secrets[camera_id] = {"username": creds.username, "password": creds.password}
    else:
        secrets.pop(camera_id, None)
    _write_secrets(store.paths.camera_secrets, secrets)
    with store.session() as s:
        cam = s.get(Camera, camera_id) or Camera(id=camera_id, created_at=utcnow())
        cam.url, cam.transport, cam.has_credentials = clean, transport, bool(creds)
        cam.meta = json.dumps(meta or json.loads(cam.meta or "{}"))
        s.add(cam)
    return cam


def list_cameras(store: Store) -> list[Camera]:
    with store.session() as s:
        return list(s.scalars(select(Camera).order_by(Camera.id)))


def get_camera(store: Store, camera_id: str) -> Camera | None:
    with store.session() as s:
        return s.get(Camera, camera_id)


def remove_camera(store: Store, camera_id: str) -> None:
    """Forget a camera and its credentials; its frames stay in the gallery."""
    with store.session() as s:
        cam = s.get(Camera, camera_id)
        if cam is None:
            raise PitwallError(f"No camera with id {camera_id}")
        s.delete(cam)
    secrets = _read_secrets(store.paths.camera_secrets)
    if secrets.pop(camera_id, None) is not None:
        _write_secrets(store.paths.camera_secrets, secrets)


def target_for(store: Store, id_or_url: str, camera_id: str | None = None,
               transport: str | None = None) -> CameraTarget:
    """A registered camera by id, or an address given directly (filed under `camera_id` or host_port)."""
    if is_rtsp_url(id_or_url):
        clean, creds = split_credentials(id_or_url)
        if camera_id is None:
            host, port = host_port(clean)
            camera_id = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{host}_{port}")
        return CameraTarget(check_camera_id(camera_id), clean, transport or "tcp", creds)
    cam = get_camera(store, id_or_url)
    if cam is None:
        raise PitwallError(f"No camera with id {id_or_url!r}; add it with `pitwall camera add ID URL`")
    creds = credentials_for(store, cam.id) if cam.has_credentials else Credentials()
    return CameraTarget(camera_id or cam.id, cam.url, transport or cam.transport, creds)


def camera_dict(cam: Camera) -> dict:
    """For display and JSON: the masked address, never the credentials."""
    shown = with_credentials(cam.url, Credentials("***", "***")) if cam.has_credentials else cam.url
    return {"id": cam.id, "url": mask_url(shown), "transport": cam.transport,
            "has_credentials": cam.has_credentials, "meta": json.loads(cam.meta or "{}"),
            "created_at": cam.created_at.isoformat() + "Z"}
