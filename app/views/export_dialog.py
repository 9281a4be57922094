"""File → Export…: the selected laps to CSV / Parquet, or the lap overlay plot to PNG / SVG, to a local file
or an s3://bucket/key URL. The plot is rendered on the GUI thread (it walks the scene); every write and upload
runs on the job runner."""

import importlib
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app.services.lap_export import export_laps
from app.services.sync.names import is_s3_url
from app.views.context import AppContext
from app.views.theme import ERROR, MUTED, OK
from app.workers.export_files import write_bytes, write_png
from app.workers.runner import Job

# (label, what, format)
CHOICES = (
    ("Selected laps — CSV", "laps", "csv"),
    ("Selected laps — Parquet", "laps", "parquet"),
    ("Lap overlay plot — PNG", "plot", "png"),
    ("Lap overlay plot — SVG", "plot", "svg"),
)
svg_module: Any = importlib.import_module("pyqtgraph.exporters.SVGExporter")  # the module, not the class of that name


def render_png(layout: pg.GraphicsLayout) -> QImage:
    """The plot at its size on screen: scaling up would leave the legend's fixed-size text tiny."""
    return ImageExporter(layout).export(toBytes=True)


def render_svg(layout: pg.GraphicsLayout) -> bytes:
    with _svg_closepath_shim():
        return SVGExporter(layout).export(toBytes=True)


@contextmanager
def _svg_closepath_shim():
    """Qt 6 writes closed paths (a ViewBox's outline and clip rectangle) ending in a lone "Z", which pyqtgraph
    0.14's SVG exporter cannot parse (it expects only "x,y" pairs). Drop the "Z" while it rewrites coordinates
    and put it back after; GUI thread only, restored on exit."""
    original = svg_module.correctCoordinates

    def correct(node, defs, item, options):
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if any(t in ("Z", "z") for t in tokens):
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
                closed.append(path)
        original(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", path.getAttribute("d").rstrip() + " Z")

    svg_module.correctCoordinates = correct
    try:
        yield
    finally:
        svg_module.correctCoordinates = original


class ExportDialog(QDialog):
    def __init__(self, ctx: AppContext, plot_layout: pg.GraphicsLayout, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.plot_layout = ctx, plot_layout
        self.setWindowTitle("Export")
        self.setMinimumWidth(560)
        self.what = QComboBox()
        for label, *_ in CHOICES:
            self.what.addItem(label)
        self.dest = QLineEdit(str(Path.home() / "pitwall-laps.csv"))
        self.dest.setPlaceholderText("a file path, or s3://bucket/key")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest, 1)
        dest_row.addWidget(browse)
        self.selection_note = QLabel()
        self.selection_note.setWordWrap(True)
        self.selection_note.setStyleSheet(f"color: {MUTED};")
        self.result_label = QLabel()
        self.result_label.setObjectName("export_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Export", self.what)
        form.addRow("To", dest_row)
        form.addRow("", self.selection_note)

        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result_label, 1)
        buttons.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignBottom)
        buttons.addWidget(close, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.what.currentIndexChanged.connect(self._choice_changed)
        ctx.state.selection_changed.connect(lambda _: self._choice_changed())
        self._choice_changed()

    def choice(self) -> tuple[str, str]:
        _, what, fmt = CHOICES[self.what.currentIndex()]
        return what, fmt

    def set_choice(self, what: str, fmt: str) -> None:
        self.what.setCurrentIndex(next(i for i, c in enumerate(CHOICES) if c[1:] == (what, fmt)))

    def _choice_changed(self) -> None:
        what, fmt = self.choice()
        dest = self.dest.text().strip()
        stem, dot, ext = dest.rpartition(".")
        if dot and ext.lower() in {c[2] for c in CHOICES} and ext.lower() != fmt:
            self.dest.setText(f"{stem}.{fmt}")  # keep the name, follow the format
        laps = len(self.ctx.state.selection)
        if what == "laps":
            self.selection_note.setText(f"{laps} selected lap{'s' if laps != 1 else ''}, all channels, one table."
                                        if laps else "Select laps in the browser first.")
            self.export_button.setEnabled(bool(laps))
        else:
            self.selection_note.setText("The lap overlay as it is on screen" + (f" ({laps} laps)." if laps else "."))
            self.export_button.setEnabled(True)

    def _browse(self) -> None:
        _, fmt = self.choice()
        start = "" if is_s3_url(self.dest.text()) else self.dest.text()
        path, _ = QFileDialog.getSaveFileName(self, "Export to", start, f"{fmt.upper()} (*.{fmt});;All files (*)")
        if path:
            self.dest.setText(path)

    def export(self) -> Job:
        what, fmt = self.choice()
        dest, settings, store = self.dest.text().strip(), self.ctx.settings, self.ctx.store
        write: Callable[[Path], object]
        if what == "laps":
            lap_ids, math = list(self.ctx.state.selection), dict(self.ctx.state.math_channels)
            write = lambda path: export_laps(store, lap_ids, path, fmt, math)  # noqa: E731
        elif fmt == "png":
            image = render_png(self.plot_layout)
            write = lambda path: write_png(image, path)  # noqa: E731
        else:
            data = render_svg(self.plot_layout)
            write = lambda path: write_bytes(data, path)  # noqa: E731
        self.export_button.setEnabled(False)
        self._show(f"Exporting to {dest}…", MUTED)
        job = self.ctx.runner.submit(f"Export {what} ({fmt})", lambda _progress: _deliver(settings, dest, write))
        job.result.connect(lambda where: self._show(f"<b>Exported</b> to {where}", OK))
        job.error.connect(lambda message: self._show(f"<b>Export failed</b> — {message}", ERROR))
        job.finished.connect(self._choice_changed)
        return job

    def _show(self, html: str, colour: str) -> None:
        self.result_label.setStyleSheet(f"color: {colour};")
        self.result_label.setText(html)


def _deliver(settings, dest: str, write):
    """Pool thread: write the export to a path or an s3:// URL (boto3 loads here, not with the window)."""
    from app.services.sync.objects import deliver

    return deliver(settings, dest, write)
