"""The console's result table: a large result is shown in steps and converted only where the user looks."""

import pyarrow as pa
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.services.analytics.console import QueryResult
from app.views.sql_model import PAGE, STEP, ResultTableModel

pytestmark = pytest.mark.gui


def test_large_result_is_paged(qtbot):
    n = 1_000_000
    result = QueryResult(pa.table({"i": pa.array(range(n)), "x": pa.array([i / 3 for i in range(n)]),
                                   "s": pa.array([None if i % 7 == 0 else f"r{i}" for i in range(n)])}), False, 0.1)
    model = ResultTableModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_result(result)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)

    assert model.rowCount() == STEP and model.total_rows() == n
    assert model.headerData(2, Qt.Orientation.Horizontal) == "s"
    assert model.data(model.index(0, 2)) == "NULL"
    assert model.data(model.index(1, 1)) == "0.333333"
    assert model.converted_rows() <= 2 * PAGE  # only what was painted or asked for

    view.scrollToBottom()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == n
    assert model.data(model.index(n - 1, 0)) == str(n - 1)
    assert model.converted_rows() <= 16 * PAGE

    model.set_result(None)
    assert model.rowCount() == 0 and model.columnCount() == 0
