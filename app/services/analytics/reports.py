"""Built-in reports: each is a bundled saved query run on the archive."""

from app.errors import PitwallError
from app.services.analytics.archive import Archive
from app.services.analytics.console import QueryResult, run_query
from app.services.analytics.queries import BUNDLED_DIR, expand

ARCHIVE_REPORTS = ("circuits", "drivers")
DEVICE_REPORTS = ("overview", "daily", "list", "latest")


def report_sql(name: str) -> str:
    """The SQL of a report: 'circuits', 'drivers' or 'devices <overview|daily|list|latest>'."""
    if name in ARCHIVE_REPORTS:
        file = f"{name}.sql"
    elif name.startswith("devices ") and name.split(" ", 1)[1] in DEVICE_REPORTS:
        file = f"devices_{name.split(' ', 1)[1]}.sql"
    else:
        known = [*ARCHIVE_REPORTS, *(f"devices {r}" for r in DEVICE_REPORTS)]
        raise PitwallError(f"Unknown report {name!r}; known: {', '.join(known)}")
    return (BUNDLED_DIR / file).read_text(encoding="utf-8")


def run_report(archive: Archive, name: str) -> QueryResult:
    if name.startswith("devices ") and archive.devices is None:
        raise PitwallError("Device reports need a source: a Parquet folder or an s3:// prefix.")
    return run_query(archive, expand(report_sql(name), has_devices=archive.devices is not None))
