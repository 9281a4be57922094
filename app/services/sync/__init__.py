"""S3 / MinIO sync: push the cache to a bucket, pull it into another cache, report status. No Qt here.

The names below load on first use (PEP 562): importing anything from this package must not pull in boto3,
which costs ~0.3 s before the window's first paint and in every command that never touches S3. The functions
`push`, `pull` and `status` share their submodules' names, so they are imported from those modules
(`from app.services.sync.push import push`): once a submodule is imported, the package attribute is the module.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.sync import secrets
    from app.services.sync.config import (
        S3Target,
        SyncError,
        check_bucket,
        check_connection,
        create_bucket,
        target_from,
    )
    from app.services.sync.pull import PullReport
    from app.services.sync.push import PushReport
    from app.services.sync.state import race_states

_HOME = {
    "S3Target": "config", "SyncError": "config", "check_bucket": "config", "check_connection": "config",
    "create_bucket": "config", "target_from": "config", "PullReport": "pull", "PushReport": "push",
    "race_states": "state",
}

__all__ = [
    "PullReport", "PushReport", "S3Target", "SyncError", "check_bucket", "race_states",
    "check_connection", "create_bucket", "secrets", "target_from",
]


def __getattr__(name: str) -> Any:
    if name == "secrets":
        return import_module(f"{__name__}.secrets")
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
