"""What the F1 history dock shows, read in one go on a worker thread: both summaries, or one driver's or one
circuit's page (the archive is opened and closed around each, so an import in between is seen at once)."""

from dataclasses import dataclass, field

from app.services.history import summaries
from app.services.history.store import current
from app.store import Store


@dataclass
class Overview:
    drivers: list[dict]
    circuits: list[dict]
    manifest: dict | None  # the current import (seasons, tables), None before any


@dataclass
class Page:
    kind: str  # "drivers" or "circuits"
    ref: str
    summary: dict  # the row of the summary report
    rows: list[dict] = field(default_factory=list)  # seasons (driver) or races (circuit)


def _archive(store: Store):
    from app.services.analytics.archive import open_archive

    return open_archive(store, threads=2)


def overview(store: Store) -> Overview:
    archive = _archive(store)
    try:
        return Overview(summaries.drivers(archive.conn), summaries.circuits(archive.conn), current(store.paths.home))
    finally:
        archive.close()


def page(store: Store, kind: str, summary: dict) -> Page:
    """A driver's seasons or a circuit's races; a row of the user's own (no ref) has no page rows."""
    ref = summary.get("driver_ref" if kind == "drivers" else "circuit_ref")
    if not ref:
        return Page(kind, "", summary)
    archive = _archive(store)
    try:
        rows = (summaries.driver_seasons(archive.conn, ref) if kind == "drivers"
                else summaries.circuit_races(archive.conn, ref))
    finally:
        archive.close()
    return Page(kind, ref, summary, rows)
