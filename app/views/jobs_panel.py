"""Jobs dock: what is running or has run, with progress, the error if any, and a Cancel button."""

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.views.context import AppContext
from app.views.table_model import Index, ListTableModel
from app.views.theme import ERROR, MUTED, OK, WARN
from app.workers.runner import Job

STATUS_COLOURS = {"Done": OK, "Failed": ERROR, "Running": WARN, "Queued": MUTED, "Cancelled": MUTED}
PROGRESS_COL = 2


class JobModel(ListTableModel):
    HEADERS = ("Job", "Status", "Progress", "Message")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []

    def rows(self) -> list:
        return self.jobs

    def add(self, job: Job) -> None:
        if job in self.jobs:
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.jobs.insert(0, job)  # newest first
        self.endInsertRows()
        for signal in (job.started, job.progress, job.finished):
            signal.connect(lambda *_, j=job: self._changed(j))

    def _changed(self, job: Job) -> None:
        if job in self.jobs:
            row = self.jobs.index(job)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))




    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        job = self.jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == PROGRESS_COL:
                return percent(job)
            return (job.title, job.status, None, job.message or job.note)[col]
        if role == Qt.ItemDataRole.ToolTipRole and (job.message or job.note):
            return job.message or job.note
        if role == Qt.ItemDataRole.ForegroundRole and col in (1, 3):
            return QColor(STATUS_COLOURS.get(job.status, MUTED) if col == 1 or job.status == "Failed" else MUTED)
        return None


def percent(job: Job) -> int:
    if job.status == "Done":
        return 100
    return 100 * job.done // job.total if job.total else 0


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a progress bar."""

    def paint(self, painter, option, index) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(index.data() or 0)
        bar.text = f"{bar.progress}%"
        bar.textVisible = True
        bar.state = option.state | QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class JobsDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Jobs")
        self.setObjectName("dock_jobs")
        self.ctx = ctx
        self.model = JobModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(PROGRESS_COL, ProgressDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 140)
        header.setStretchLastSection(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Cancel the selected job, or every running job when none is selected")
        self.cancel_button.clicked.connect(self.cancel_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 4, 6, 4)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        ctx.runner.job_added.connect(self._job_added)
        for job in ctx.runner.jobs:
            self._job_added(job)

    def _job_added(self, job: Job) -> None:
        if job.quiet:  # housekeeping (loading laps) appears only if it fails
            job.error.connect(lambda _msg, j=job: self.model.add(j))
        else:
            self.model.add(job)

    def cancel_selected(self) -> None:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        jobs = [self.model.jobs[r] for r in rows] if rows else self.model.jobs
        for job in jobs:
            job.cancel()
