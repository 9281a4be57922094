"""S3 / MinIO sync: push the cache to a bucket, pull it into another cache, report status. No Qt here."""

from app.services.sync import secrets
from app.services.sync.config import (
    S3Target,
    SyncError,
    check_bucket,
    check_connection,
    create_bucket,
    target_from,
)
from app.services.sync.pull import PullReport, pull
from app.services.sync.push import PushReport, push
from app.services.sync.state import race_states
from app.services.sync.status import status

__all__ = [
    "PullReport", "PushReport", "S3Target", "SyncError", "check_bucket", "pull", "push", "race_states",
    "check_connection", "create_bucket", "secrets", "status", "target_from",
]
