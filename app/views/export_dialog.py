"""File → Export…: the selected laps to CSV / Parquet / MoTeC i2 (.ld + .ldx), the lap overlay plot to PNG / SVG,
or the session report (File → Report…) to PDF / HTML, to a local file or (except MoTeC) an s3://bucket/key URL.
The plot is rendered on the GUI thread (it walks the scene); every write and upload runs on the job runner."""

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

from app.errors import PitwallError
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
    ("Selected laps — MoTeC i2 (.ld + .ldx)", "laps", "motec"),
    ("Session report — PDF", "report", "pdf"),
    ("Session report — HTML", "report", "html"),
)
EXTENSIONS = {"motec": "ld"}  # a format whose file suffix is not its name
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
        want = EXTENSIONS.get(fmt, fmt)
        if dot and ext.lower() in {EXTENSIONS.get(c[2], c[2]) for c in CHOICES} and ext.lower() != want:
            self.dest.setText(f"{stem}.{want}")  # keep the name, follow the format
        laps = len(self.ctx.state.selection)
        if what == "report":
            race = self.ctx.state.race
            self.selection_note.setText("Lap table, best lap vs reference, corners, theoretical best, track map "
                                        "(F1: pace and strategy) of the race in the browser."
                                        if race else "Pick a race in the browser first.")
            self.export_button.setEnabled(bool(race))
        elif what == "laps" and fmt == "motec":
            self.selection_note.setText(f"{laps} selected lap{'s' if laps != 1 else ''} one after another, with "
                                        "lap markers in the .ldx beside the .ld (local files only)."
                                        if laps else "Select laps in the browser first.")
            self.export_button.setEnabled(bool(laps))
        elif what == "laps":
            self.selection_note.setText(f"{laps} selected lap{'s' if laps != 1 else ''}, all channels, one table."
                                        if laps else "Select laps in the browser first.")
            self.export_button.setEnabled(bool(laps))
        else:
            self.selection_note.setText("The lap overlay as it is on screen" + (f" ({laps} laps)." if laps else "."))
            self.export_button.setEnabled(True)

    def _browse(self) -> None:
        _, fmt = self.choice()
        start = "" if is_s3_url(self.dest.text()) else self.dest.text()
        ext = EXTENSIONS.get(fmt, fmt)
        path, _ = QFileDialog.getSaveFileName(self, "Export to", start, f"{ext.upper()} (*.{ext});;All files (*)")
        if path:
            self.dest.setText(path)

    def export(self) -> Job | None:
        what, fmt = self.choice()
        dest, settings, store = self.dest.text().strip(), self.ctx.settings, self.ctx.store
        write: Callable[[Path], object]
        if fmt == "motec" and is_s3_url(dest):
            self._show("<b>Export failed</b> — MoTeC export writes two files (.ld and .ldx): give a local path", ERROR)
            return None
        if what == "report":
            race, reference = self.ctx.state.race, self.ctx.state.reference
            write = lambda path: _write_report(store, race, reference, path)  # noqa: E731
        elif fmt == "motec":
            lap_ids = list(self.ctx.state.selection)
            write = lambda path: _export_motec(store, lap_ids, path)  # noqa: E731
        elif what == "laps":
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
        job = self.ctx.runner.submit(f"Export {what} ({fmt})", lambda _progress: _deliver(settings, dest, write),
                                     kind="export")
        job.result.connect(lambda where: self._show(f"<b>Exported</b> to {where}", OK))
        job.error.connect(lambda message: self._show(f"<b>Export failed</b> — {message}", ERROR))
        job.finished.connect(self._choice_changed)
        return job

    def _show(self, html: str, colour: str) -> None:
        self.result_label.setStyleSheet(f"color: {colour};")
        self.result_label.setText(html)


def _export_motec(store, lap_ids: list[str], path: Path) -> Path:
    from app.services.motec.export import export_motec

    return export_motec(store, lap_ids, path)


def _write_report(store, race_id: str | None, reference: str | None, path: Path) -> Path:
    """Pool thread: gather the report's numbers, paint its charts into QImages, write the file."""
    from app.services.session_report import build_report
    from app.views.session_report import write_report

    if not race_id:
        raise PitwallError("Pick a race in the browser first.")
    try:
        report = build_report(store, race_id, reference)
    except PitwallError:  # the selected reference is not a lap this race can compare with: use the default
        report = build_report(store, race_id)
    return write_report(report, path)


def _deliver(settings, dest: str, write):
    """Pool thread: write the export to a path or an s3:// URL (boto3 loads here, not with the window)."""
    from app.services.sync.objects import deliver

    return deliver(settings, dest, write)
