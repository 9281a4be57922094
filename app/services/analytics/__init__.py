"""SQL analytics over the archive (DuckDB): catalog, lap samples, device telemetry, saved queries, reports.

The names below load on first use (PEP 562): the window imports this package, and DuckDB and pandas should
load when a query first runs, not before the first paint.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.analytics.archive import DEVICES_VIEW, Archive, open_archive
    from app.services.analytics.console import QueryResult, export_result, run_query
    from app.services.analytics.devices import DeviceSource, S3Options
    from app.services.analytics.reports import run_report
    from app.services.analytics.safety import RefusedStatement

_HOME = {
    "DEVICES_VIEW": "archive", "Archive": "archive", "open_archive": "archive", "QueryResult": "console",
    "export_result": "console", "run_query": "console", "DeviceSource": "devices", "S3Options": "devices",
    "run_report": "reports", "RefusedStatement": "safety",
}

__all__ = [
    "DEVICES_VIEW", "Archive", "DeviceSource", "QueryResult", "RefusedStatement", "S3Options",
    "export_result", "open_archive", "run_query", "run_report",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
