"""What the F1 history dock shows, read in one go on a worker thread: both summaries, or one driver's or one
circuit's page (read from the data directory each time, so an import in between is seen at once)."""

from dataclasses import dataclass, field

from app.services.history import summaries
from app.services.history.readers import read_history
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


def overview(store: Store) -> Overview:
    home = store.paths.home
    history = read_history(home)
    return Overview(summaries.drivers(home, history), summaries.circuits(home, history), current(home))


def page(store: Store, kind: str, summary: dict) -> Page:
    """A driver's seasons or a circuit's races; a row of the user's own (no ref) has no page rows."""
    ref = summary.get("driver_ref" if kind == "drivers" else "circuit_ref")
    if not ref:
        return Page(kind, "", summary)
    home = store.paths.home
    rows = summaries.driver_seasons(home, ref) if kind == "drivers" else summaries.circuit_races(home, ref)
    return Page(kind, ref, summary, rows)
