"""Files only the current user may open (the camera secrets): user-only permissions on every OS.

POSIX: mode 0600 (0700 for folders). Windows: an ACL that grants the current user full control and nobody
else (inheritance removed), set with the system's `icacls`; the per-user data folder (%LOCALAPPDATA%) is
already private, this also covers a --home elsewhere. Untried on Windows here (see README, Windows and macOS).
"""

import json
import os
import subprocess
from pathlib import Path

from app.errors import PitwallError


def restrict_to_user(path: Path) -> None:
    path = Path(path)
    if os.name == "nt":
        _windows_user_only(path)
    else:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def _windows_user_only(path: Path) -> None:
    user = os.environ.get("USERNAME") or ""
    domain = os.environ.get("USERDOMAIN")
    if not user:
        raise PitwallError("Cannot protect the secrets file: the Windows user name is unknown (USERNAME)")
    who = f"{domain}\\{user}" if domain else user
    grant = f"{who}:(OI)(CI)F" if path.is_dir() else f"{who}:F"
    done = subprocess.run(["icacls", str(path), "/inheritance:r", "/grant:r", grant],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PitwallError(f"Cannot make {path.name} private to you: {done.stderr.strip() or done.stdout.strip()}")


def write_private_json(path: Path, data: object) -> None:
    """Write JSON readable by this user only; the content never sits in a file others can open, even briefly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    restrict_to_user(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    restrict_to_user(tmp)  # before any secret is written into it
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)
