"""A result as a line or scatter plot: pick the x and y columns (numbers or times)."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.errors import PitwallError
from app.services.analytics.console import QueryResult
from app.views.theme import ACCENT, MUTED

MAX_POINTS = 200_000  # more than this draws as points without lines (a line through a cloud says nothing)


class ResultPlot(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: QueryResult | None = None
        self.x_column, self.y_column = QComboBox(), QComboBox()
        self.points = QCheckBox("Points")
        self.points.setToolTip("Draw points instead of a line")
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {MUTED}")
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(ACCENT, width=2))
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        for label, widget in (("x", self.x_column), ("y", self.y_column)):
            text = QLabel(label)
            text.setStyleSheet(f"color: {MUTED}")
            top.addWidget(text)
            top.addWidget(widget)
        top.addWidget(self.points)
        top.addSpacing(12)
        top.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot_widget, 1)
        for combo in (self.x_column, self.y_column):
            combo.setMinimumContentsLength(14)
            combo.currentTextChanged.connect(lambda _: self.redraw())
        self.points.toggled.connect(lambda _: self.redraw())

    def set_result(self, result: QueryResult | None) -> None:
        """Offer the result's plottable columns; x defaults to the first, y to the second (or the first)."""
        self.result = result
        columns = result.numeric_columns() if result else []
        for combo in (self.x_column, self.y_column):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(columns)
            combo.blockSignals(False)
        if len(columns) > 1:
            self.y_column.setCurrentIndex(1)
        self.redraw()

    def choose(self, x: str, y: str) -> None:
        self.x_column.setCurrentText(x)
        self.y_column.setCurrentText(y)
        self.redraw()

    def redraw(self) -> None:
        x_name, y_name = self.x_column.currentText(), self.y_column.currentText()
        if self.result is None or not x_name or not y_name:
            self.curve.setData([], [])
            self.message.setText("Nothing to plot: the result has no number or time columns."
                                 if self.result is not None else "")
            return
        try:
            x, y = self.result.xy(x_name, y_name)
        except PitwallError as exc:
            self.curve.setData([], [])
            self.message.setText(str(exc))
            return
        as_points = self.points.isChecked() or len(x) > MAX_POINTS or len(x) == 1
        if as_points:
            self.curve.setData(x, y, pen=None, symbol="o", symbolSize=4, symbolPen=None,
                               symbolBrush=pg.mkBrush(ACCENT))
        else:
            self.curve.setData(x, y, pen=pg.mkPen(ACCENT, width=2), symbol=None, connect="finite")
        self.plot.setLabel("bottom", x_name)
        self.plot.setLabel("left", y_name)
        shown = int(np.count_nonzero(np.isfinite(x) & np.isfinite(y)))
        note = " (first rows only: the result was truncated)" if self.result.truncated else ""
        self.message.setText(f"{shown:,} points{note}")
        self.plot.enableAutoRange()
