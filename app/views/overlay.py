"""Lap overlay dock: the worksheet. Configurable stacked plots of any channel of the selected laps against the
reference lap's distance or time, the delta to the reference, an A/B range, and the values at the cursor.

What the plots show is `SharedState.plots` (app.views.plot_config): the dock renders it and writes every edit
(plot menu: channels, add, remove, move, resize) back through `set_plots`, so a workspace can save and restore
it. Everything drawn comes from the selection's analysis in the shared state (app.workers.analysis). Redraws
are coalesced on a zero-delay timer; mouse moves reach the shared cursor through a rate-limited proxy.
"""

import math

import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.range_stats import snap
from app.views import plot_config as pc
from app.views.context import AppContext
from app.views.overlay_text import EMPTY_TEXT, legend_name, summary, where, why_not_drawn
from app.views.plot_channels import ChannelPicker, apply_math, available_channels
from app.views.plot_layer import LayeredView
from app.views.plot_readout import ReadoutTable
from app.views.plot_stack import PlotStack
from app.views.theme import MUTED, TEXT
from app.workers.analysis import SelectionAnalysis

DELTA = pc.DELTA
LEGEND_COLUMNS = 6
LEGEND_ROWS = 3  # more laps than fit in these rows: the legend names the first ones and says how many more



class LapOverlayDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Lap overlay")
        self.setObjectName("dock_overlay")
        self.ctx = ctx
        state = ctx.state
        self.glw = LayeredView()
        self.glw.ci.setSpacing(0)
        self.glw.ci.setContentsMargins(4, 4, 10, 4)
        self.readout = QLabel()  # one line: where the cursor is, or what to do next
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setStyleSheet(f"padding: 4px 8px; color: {TEXT};")
        palette = self.readout.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#181b20"))
        self.readout.setPalette(palette)
        self.readout.setAutoFillBackground(True)  # opaque: a new text repaints the label, not the window behind
        # A fixed box: new text on every mouse move must not re-layout (and so repaint) the plots below.
        self.readout.setFixedHeight(26)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.values = ReadoutTable()
        self.values.setMinimumWidth(150)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.glw)
        self.splitter.addWidget(self.values)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([860, 340])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.splitter)
        self.toolbar = self._build_toolbar()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.readout)
        layout.addWidget(self.pages, 1)
        self.setWidget(body)

        # Row 0: the legend, as a strip above the plots so it never hides a curve.
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS, labelTextColor=TEXT, labelTextSize="9pt",
                                    horSpacing=24)
        self.glw.addItem(self.legend, row=0, col=0)
        self.glw.ci.layout.setRowMaximumHeight(0, 26)
        self.stack = PlotStack(self.glw, 1, self._dragged_range, self.range_tool.isChecked, self._plot_menu,
                               self._heights_dragged)

        self.analysis: SelectionAnalysis | None = None  # what is drawn
        self._legend_entries: list[tuple[pg.PlotDataItem, str]] = []  # (sample item, name) of every lap
        self._drawn_laps: tuple[str, ...] = ()
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._following_range = False
        self._mouse = pg.SignalProxy(self.glw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        state.selection_changed.connect(self._selection_changed)
        state.analysis_changed.connect(lambda _: self._redraw_timer.start())
        state.cursor_changed.connect(self._show_cursor)
        state.range_changed.connect(self._follow_range)
        state.plots_changed.connect(self._plots_changed)
        state.x_mode_changed.connect(self._x_mode_changed)
        state.ab_range_changed.connect(self.stack.show_range)
        state.math_channels_changed.connect(lambda _: self.analysis is not None and self._redraw_timer.start())
        if not state.plots:
            state.set_plots(pc.default_plots())  # quietly builds through plots_changed
        else:
            self._plots_changed(state.plots)
        self._selection_changed(state.selection)

    # ---- toolbar
    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setStyleSheet("QToolBar { border: none; spacing: 4px; padding: 2px 6px; }")
        group = QActionGroup(bar)
        self.x_actions: dict[str, QAction] = {}
        for mode, text, tip in (("distance", "Distance", "x axis: the reference lap's distance (corners line up)"),
                                ("time", "Time", "x axis: each lap's own lap time")):
            action = QAction(text, bar, checkable=True, toolTip=tip)
            action.setChecked(mode == self.ctx.state.x_mode)
            action.triggered.connect(lambda _=False, m=mode: self.ctx.state.set_x_mode(m))
            group.addAction(action)
            bar.addAction(action)
            self.x_actions[mode] = action
        bar.addSeparator()
        self.add_action = QAction("Add plot…", bar, toolTip="A new plot at the bottom: choose its channels")
        self.add_action.triggered.connect(lambda: self.choose_channels(None))
        bar.addAction(self.add_action)
        reset = QAction("Default plots", bar, toolTip="Speed, throttle/brake, gear, rpm, steering and delta")
        reset.triggered.connect(lambda: self.ctx.state.set_plots(pc.default_plots()))
        bar.addAction(reset)
        bar.addSeparator()
        self.range_tool = QAction("A/B range", bar, checkable=True,
                                  toolTip="Drag on a plot to set the A/B range (or Shift+drag at any time)")
        bar.addAction(self.range_tool)
        clear = QAction("Clear A/B", bar, shortcut=QKeySequence("Esc"), toolTip="Remove the A/B range (Esc)")
        clear.triggered.connect(lambda: self.ctx.state.set_ab_range(None))
        bar.addAction(clear)
        return bar

    # ---- the plot layout (shared state → plots)
    def _heights_dragged(self, heights: list[float]) -> None:
        self.ctx.state.set_plots([dict(p, height=h) for p, h in zip(self.stack.config, heights, strict=True)])

    def _plots_changed(self, plots: list[dict]) -> None:
        config = pc.normalise(plots) or pc.default_plots()
        if [p["channels"] for p in config] == [p["channels"] for p in self.stack.config]:
            self.stack.set_heights([p["height"] for p in config])  # only resized: nothing to draw again
            return
        self.stack.x_mode = self.ctx.state.x_mode
        self.stack.build(config)
        first = self.stack.first
        if first is not None:
            first.getViewBox().sigXRangeChanged.connect(self._range_moved)
        self.stack.show_range(self.ctx.state.ab_range)
        if self.analysis is not None:
            self._draw(self.analysis, keep_range=True)

    def _x_mode_changed(self, mode: str) -> None:
        self.x_actions[mode].setChecked(True)
        keep = self.stack.x_range()
        self.stack.x_mode = mode
        if self.analysis is not None:
            self._draw(self.analysis, keep_range=False)
            if keep is not None:
                self.stack.set_x_range(*keep)
        self.stack.show_range(self.ctx.state.ab_range)

    def edit_plots(self, edit) -> None:
        """Apply a plot_config function to the shared layout: `edit(plots) -> plots`."""
        self.ctx.state.set_plots(edit(list(self.stack.config)))

    def choose_channels(self, index: int | None) -> ChannelPicker:
        """The channel picker for plot `index` (None: a new plot). Returns the open dialog."""
        chosen = self.stack.config[index]["channels"] if index is not None else []
        picker = ChannelPicker(available_channels(self.analysis, list(self.ctx.state.math_channels)), chosen, self,
                               "Channels of the plot" if index is not None else "Channels of the new plot")

        def done() -> None:
            names = picker.chosen()
            if index is None:
                if names:
                    self.edit_plots(lambda p: pc.add_plot(p, names))
            else:
                self.edit_plots(lambda p: pc.set_channels(p, index, names))

        picker.accepted.connect(done)
        picker.open()
        self.picker = picker
        return picker

    def _plot_menu(self, vb, screen_pos: QPoint) -> None:
        self.plot_menu(self.stack.index_of(vb)).popup(screen_pos)

    def plot_menu(self, i: int) -> QMenu:
        menu = QMenu(self)
        n = len(self.stack.config)
        for text, enabled, edit in (
                ("Channels…", True, None),
                ("Add plot below…", True, "add"),
                ("Move up", i > 0, lambda p: pc.move_plot(p, i, -1)),
                ("Move down", i < n - 1, lambda p: pc.move_plot(p, i, 1)),
                ("Taller", True, lambda p: pc.resize_plot(p, i, 1.25)),
                ("Shorter", True, lambda p: pc.resize_plot(p, i, 0.8)),
                ("Remove plot", n > 1, lambda p: pc.remove_plot(p, i))):
            action = menu.addAction(text)
            action.setEnabled(enabled)
            if edit is None:
                action.triggered.connect(lambda _=False: self.choose_channels(i))
            elif edit == "add":
                action.triggered.connect(lambda _=False: self._add_below(i))
            else:
                action.triggered.connect(lambda _=False, e=edit: self.edit_plots(e))
        menu.addSeparator()
        menu.addAction("Clear A/B range").triggered.connect(lambda: self.ctx.state.set_ab_range(None))
        return menu

    def _add_below(self, i: int) -> None:
        picker = self.choose_channels(None)
        picker.accepted.disconnect()
        def done() -> None:
            if picker.chosen():
                self.edit_plots(lambda p: pc.add_plot(p, picker.chosen(), at=i + 1))

        picker.accepted.connect(done)

    # ---- drawing
    def _selection_changed(self, lap_ids: list[str]) -> None:
        self.pages.setCurrentIndex(1 if lap_ids else 0)
        if lap_ids:
            self.readout.setText(f"<span style='color:{MUTED}'>Comparing {len(lap_ids)} lap(s)…</span>")
        else:
            self.readout.setText(f"<span style='color:{MUTED}'>Select laps in the browser to compare them.</span>")

    def redraw(self) -> None:
        state = self.ctx.state
        analysis = state.analysis
        if analysis is None or analysis.selection != state.selection:
            return  # a newer selection's analysis is on its way
        self._draw(analysis, keep_range=tuple(analysis.series) == self._drawn_laps)

    def _draw(self, analysis: SelectionAnalysis, keep_range: bool) -> None:
        state = self.ctx.state
        self.analysis = analysis
        apply_math(analysis, state.math_channels)
        firsts = self.stack.draw(analysis, state.colour)
        self._legend_entries = []
        for lap_id in analysis.selection:
            item = firsts.get(lap_id)
            if item is None:  # listed, with the reason, but nothing to draw
                item = pg.PlotDataItem(pen=pg.mkPen(state.colour(lap_id), width=1.4, style=Qt.PenStyle.DotLine))
            self._legend_entries.append((item, legend_name(analysis, lap_id)))
        self._fit_legend()
        comparison = analysis.comparison
        if self.stack.marks is not None:
            lines = comparison.sector_lines if comparison else []
            corners = comparison.corners if comparison else []
            if self.stack.x_mode == "time":  # marks sit where the reference lap passed them
                lines = [float(self.stack.to_x(x)) for x in lines]
                corners = [type(c)(c.name, *(float(self.stack.to_x(v)) for v in (c.start, c.apex, c.end)))
                           for c in corners]
            self.stack.marks.show(lines, corners)
        self._fit_rows(analysis)
        shown = [c for p in self.stack.config for c in p["channels"]]
        self.values.set_rows(analysis, list(dict.fromkeys(shown)), state.colour)
        drawable = [s for s in analysis.series.values() if len(s.distance) > 1]
        if drawable and not keep_range:
            lo = min(float(s.distance[0]) for s in drawable)
            hi = max(float(s.distance[-1]) for s in drawable)
            self.stack.set_x_range(lo, hi, padding=0.01)
        self._drawn_laps = tuple(analysis.series)
        self.stack.show_range(state.ab_range)
        self._show_cursor(state.cursor)
        if math.isnan(state.cursor) or not analysis.series:
            self.readout.setText(summary(analysis))

    def _fit_legend(self) -> None:
        """As many columns as the longest name leaves room for, up to LEGEND_ROWS rows; the rest counted."""
        entries = self._legend_entries
        self.legend.clear()
        if not entries:
            self.glw.ci.layout.setRowMaximumHeight(0, 0)
            return
        per_column = 7 * max(len(name) for _, name in entries) + 60  # ~7 px a character at 9 pt, plus the line
        columns = max(1, min(LEGEND_COLUMNS, (self.glw.width() - 20) // per_column))
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
        room = columns * LEGEND_ROWS
        shown = entries if len(entries) <= room else entries[: room - 1]
        for item, name in shown:
            self.legend.addItem(item, name)
        if len(shown) < len(entries):
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(MUTED)),
                                f"+{len(entries) - len(shown)} more (all in the table)")
        rows = math.ceil(min(len(entries), room) / columns)
        self.glw.ci.layout.setRowMaximumHeight(0, 26 + 20 * max(rows - 1, 0))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._legend_entries:
            self._fit_legend()

    def _fit_rows(self, analysis: SelectionAnalysis) -> None:
        """A plot none of whose channels any lap has (F1 cars send no steering) gives its height to the others."""
        layout = self.glw.ci.layout
        series = list(analysis.series.values())
        for i, (plot, entry) in enumerate(zip(self.stack.plots, self.stack.config, strict=True)):
            shown = not series or any(c == DELTA or c in s.channels for s in series for c in entry["channels"])
            plot.setVisible(shown)
            layout.setRowStretchFactor(i + 1, int(entry["height"] * 10) if shown else 0)
            layout.setRowMaximumHeight(i + 1, 100_000 if shown else 0)

    # ---- what tests and the export read
    @property
    def plots(self) -> dict[str, pg.PlotItem]:
        """channel → the (first) plot showing it."""
        out: dict[str, pg.PlotItem] = {}
        for plot, entry in zip(self.stack.plots, self.stack.config, strict=True):
            for c in entry["channels"]:
                out.setdefault(c, plot)
        return out

    def readout_text(self) -> str:
        """The readout line and the values table, as plain text."""
        return self.readout.text() + "\n" + self.values.plain_text()

    def curves_of(self, channel: str) -> list[pg.PlotDataItem]:
        return list(self.stack.curves.get(channel, []))

    @property
    def cursor_lines(self):
        return self.stack.cursor_lines

    @property
    def marks(self):
        return self.stack.marks

    @property
    def bands(self):
        return self.stack.bands

    # ---- cursor
    def _mouse_moved(self, event) -> None:
        plot = self.stack.plot_at(event[0])
        if plot is not None:
            x = plot.getViewBox().mapSceneToView(event[0]).x()
            self.ctx.state.set_cursor(float(self.stack.to_distance(x)))

    def _show_cursor(self, distance: float) -> None:
        analysis = self.analysis
        visible = analysis is not None and bool(analysis.series) and not math.isnan(distance)
        self.stack.show_cursor(distance if visible else None)
        if visible and analysis is not None:
            self.values.show_at(analysis, distance, lambda i: why_not_drawn(analysis, i, ""))
            self.readout.setText(where(analysis, distance, self.ctx.state.ab_range))

    # ---- A/B range
    def _dragged_range(self, a: float, b: float, finished: bool) -> None:
        lo, hi = sorted((float(self.stack.to_distance(a)), float(self.stack.to_distance(b))))
        if finished:
            comparison = self.analysis.comparison if self.analysis is not None else None
            if comparison is not None:
                lo, hi = snap(comparison.segments, lo, hi)
            self.ctx.state.set_ab_range((lo, hi) if hi - lo > 1.0 else None)
            self.stack.show_range(self.ctx.state.ab_range)
        else:
            self.stack.show_range((lo, hi))

    # ---- shared x range
    def _range_moved(self, _vb, _x_range) -> None:
        if not self._following_range:
            r = self.stack.x_range()
            if r is not None:
                self.ctx.state.set_range(*r)

    def _follow_range(self, lo: float, hi: float) -> None:
        self._following_range = True
        try:
            self.stack.set_x_range(lo, hi)
        finally:
            self._following_range = False
