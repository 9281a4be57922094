"""What the SQL console and the reports dock share: a job's outcome and how a result table's columns are sized.

Both docks import this module, never each other.
"""

from dataclasses import dataclass

from PySide6.QtWidgets import QTableView

from app.services.analytics import QueryResult

MAX_COLUMN_WIDTH = 320  # a long text column does not push the others out of sight; the tooltip has the rest


@dataclass
class Outcome:
    """What a console or report job hands back: the result or the one-line reason there is none, the table list."""

    result: QueryResult | None = None
    error: str | None = None
    cancelled: bool = False
    schema: dict[str, list[tuple[str, str]]] | None = None
    seconds: float = 0.0


def fit_columns(table: QTableView, padding: int = 12) -> None:
    """Columns as wide as their content (the first rows), plus padding, at most MAX_COLUMN_WIDTH."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    model = table.model()
    for col in range(model.columnCount() if model is not None else 0):
        header.resizeSection(col, min(header.sectionSize(col) + padding, MAX_COLUMN_WIDTH))
