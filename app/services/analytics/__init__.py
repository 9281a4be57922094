"""SQL analytics over the archive (DuckDB): catalog, lap samples, device telemetry, saved queries, reports."""

from app.services.analytics.archive import DEVICES_VIEW, Archive, open_archive
from app.services.analytics.console import QueryResult, export_result, run_query
from app.services.analytics.devices import DeviceSource, S3Options
from app.services.analytics.reports import run_report
from app.services.analytics.safety import RefusedStatement

__all__ = [
    "DEVICES_VIEW", "Archive", "DeviceSource", "QueryResult", "RefusedStatement", "S3Options",
    "export_result", "open_archive", "run_query", "run_report",
]
