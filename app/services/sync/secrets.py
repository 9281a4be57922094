"""The S3 secret key in the OS keyring, when there is one. Nothing else in Pitwall stores the secret."""

from __future__ import annotations

SERVICE = "pitwall-s3"


def _backend():
    """The keyring module when it has a usable backend, else None (no keyring on this machine)."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        return None
    try:
        if isinstance(keyring.get_keyring(), NoKeyring):
            return None
    except Exception:  # a broken keyring configuration counts as "no keyring"
        return None
    return keyring


def _account(endpoint: str | None, access_key: str) -> str:
    return f"{endpoint or 'aws'}|{access_key}"


def available() -> bool:
    return _backend() is not None


def load_secret(endpoint: str | None, access_key: str) -> str | None:
    kr = _backend()
    if kr is None:
        return None
    try:
        return kr.get_password(SERVICE, _account(endpoint, access_key))
    except Exception:  # locked or failing keyring: behave as if nothing is stored
        return None


def save_secret(endpoint: str | None, access_key: str, secret: str) -> bool:
    """Store the secret; False when no keyring is available (use PITWALL_S3_SECRET_KEY then)."""
    kr = _backend()
    if kr is None:
        return False
    kr.set_password(SERVICE, _account(endpoint, access_key), secret)
    return True


def delete_secret(endpoint: str | None, access_key: str) -> None:
    kr = _backend()
    if kr is not None:
        try:
            kr.delete_password(SERVICE, _account(endpoint, access_key))
        except Exception:  # nothing stored: nothing to delete
            pass
