"""The S3 settings a user saves in the GUI: `s3.json` in the data directory, never the secret key.

The secret goes to the OS keyring when there is one, else it lives in memory for the session only.
PITWALL_S3_* environment variables win over the file, so what a script or the shell sets is never overridden.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import SecretStr

from app.config import Settings
from app.fileio import write_atomic
from app.services.sync import secrets
from app.services.sync.names import target_id
from app.store.paths import DataPaths

log = logging.getLogger(__name__)
VERSION = 1


@dataclass
class S3Form:
    """What the S3 settings dialog edits (no secret here, on purpose)."""

    endpoint: str = ""
    region: str = "us-east-1"
    bucket: str = ""
    access_key: str = ""
    path_style: bool = True
    prefix: str = ""

    def updates(self) -> dict:
        """The Settings fields this form sets."""
        return {"s3_endpoint": self.endpoint.strip() or None, "s3_region": self.region.strip() or "us-east-1",
                "s3_bucket": self.bucket.strip() or None, "s3_access_key": self.access_key.strip() or None,
                "s3_path_style": self.path_style, "s3_prefix": self.prefix.strip()}


def settings_file(settings: Settings) -> Path:
    return DataPaths(settings.home).s3_settings


def load_form(path: Path) -> S3Form | None:
    """The saved form, or None when there is none or it cannot be read (a bad file must not stop the app)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable S3 settings %s: %s", path, exc)
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    fields = S3Form.__dataclass_fields__
    return S3Form(**{k: v for k, v in data.items() if k in fields and isinstance(v, type(getattr(S3Form(), k)))})


def with_saved(settings: Settings) -> Settings:
    """Settings with the saved S3 fields filled in where the environment did not set them."""
    form = load_form(settings_file(settings))
    if form is None:
        return settings
    updates = {k: v for k, v in form.updates().items() if k not in settings.model_fields_set}
    return settings.model_copy(update=updates)


def form_of(settings: Settings) -> S3Form:
    return S3Form(endpoint=settings.s3_endpoint or "", region=settings.s3_region, bucket=settings.s3_bucket or "",
                  access_key=settings.s3_access_key or "", path_style=settings.s3_path_style,
                  prefix=settings.s3_prefix)


def applied(settings: Settings, form: S3Form, secret: str | None = None) -> Settings:
    """Settings as the form (and a newly typed secret, if any) describe them, for this session."""
    updates = form.updates()
    if secret:
        updates["s3_secret_key"] = SecretStr(secret)
    return settings.model_copy(update=updates)


def save(settings: Settings, form: S3Form, secret: str | None = None) -> bool:
    """Write s3.json (atomically) and, when a secret is given, put it in the OS keyring.
    Returns True when the secret is in the keyring, False when it can only be kept for this session."""
    path = settings_file(settings)
    text = json.dumps({**asdict(form), "version": VERSION}, indent=1)
    write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    if secret and form.access_key.strip():
        return secrets.save_secret(form.endpoint.strip() or None, form.access_key.strip(), secret)
    return False


def sync_target_id(settings: Settings) -> str | None:
    """The id sync state is recorded against, without needing the secret; None when no bucket is set."""
    if not settings.s3_bucket:
        return None
    return target_id(settings.s3_endpoint, settings.s3_bucket, settings.s3_prefix)
