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
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.views.context import AppContext
from app.views.dock_body import wrapping_policy
from app.views.table_model import Index, ListTableModel
from app.views.theme import ERROR, MUTED, OK, WARN
from app.workers.runner import Job

STATUS_COLOURS = {"Done": OK, "Failed": ERROR, "Running": WARN, "Queued": MUTED, "Cancelled": MUTED}
PROGRESS_COL = 2
MIN_WIDTH, MIN_HEIGHT = 360, 120


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
            signal.connect(lambda *_, j=job: self.changed(j))

    def changed(self, job: Job) -> None:
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
        header.resizeSection(2, 100)
        header.setStretchLastSection(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)  # one line per job; the detail line has it all
        # The whole message of the selected job (or the newest one that has a message), wrapped: an error is
        # read here, not guessed from a cut cell.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setSizePolicy(wrapping_policy())
        self.detail.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 4, 6, 4)
        buttons.addWidget(self.detail, 1)
        buttons.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        body.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)  # a job or two, and two lines of message
        self.setWidget(body)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.view.selectionModel().selectionChanged):
            signal.connect(lambda *_: self._update())
        ctx.runner.job_added.connect(self._job_added)
        for job in ctx.runner.jobs:
            self._job_added(job)
        self._update()

    def _job_added(self, job: Job) -> None:
        if job.quiet:  # housekeeping (loading laps) appears only if it fails
            job.error.connect(lambda _msg, j=job: self.model.add(j))
        else:
            self.model.add(job)

    def _targets(self) -> list[Job]:
        """The jobs Cancel would stop: the selected ones still running or queued, else every such job."""
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        jobs = [self.model.jobs[r] for r in sorted(rows)] if rows else self.model.jobs
        return [job for job in jobs if not job.is_finished and not job.cancel_requested]

    def _update(self) -> None:
        self._update_cancel()
        self._update_detail()

    def _update_detail(self) -> None:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        jobs = [self.model.jobs[r] for r in rows] or self.model.jobs
        job = next((j for j in jobs if j.message or j.note), None)
        if job is None:
            self.detail.hide()
            return
        self.detail.setText(f"{job.title}: {job.message or job.note}")
        self.detail.setStyleSheet(f"color: {ERROR if job.status == 'Failed' else MUTED};")
        self.detail.show()

    def _update_cancel(self) -> None:
        targets = self._targets()
        self.cancel_button.setEnabled(bool(targets))
        if not targets:
            self.cancel_button.setToolTip("Nothing to cancel: no job is running")
        elif len(targets) == 1:
            self.cancel_button.setToolTip(f"Cancel {targets[0].title}")
        else:
            self.cancel_button.setToolTip(f"Cancel {len(targets)} jobs (select one to cancel only that)")

    def cancel_selected(self) -> None:
        for job in self._targets():
            job.cancel()
            self.model.changed(job)  # shows "Cancelling…" until the job stops
