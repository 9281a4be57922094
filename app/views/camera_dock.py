"""Camera dock: live preview of a camera, grab buttons, image import (dialog or drop), a gallery filtered
by camera and race, before/after comparison, and the camera strip on the lap distance axis.

Everything slow runs elsewhere: grabs and imports are jobs (they show in the jobs panel), thumbnails and
comparisons load on the runner, the preview reads on its own thread."""

import json
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.cameras import Credentials, add_camera, camera_dict, list_cameras
from app.services.frames import LinkRequest, list_frames
from app.views.camera_widgets import CameraStrip, CompareView, ImageView, distance_at
from app.views.context import AppContext
from app.workers.camera import PreviewWorker, start_compare, start_gallery, start_grab, start_import
from app.workers.runner import Job

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.webp);;All files (*)"
DEFAULT_CAMERA = "upload"


class AddCameraDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add camera")
        form = QFormLayout(self)
        self.camera_id = QLineEdit(placeholderText="Haas_Pit_1")
        self.url = QLineEdit(placeholderText="rtsp://host:554/stream")
        self.username = QLineEdit()
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.transport = QComboBox()
        self.transport.addItems(["tcp", "udp"])
        for label, w in (("Camera id", self.camera_id), ("RTSP address", self.url), ("User", self.username),
                         ("Password", self.password), ("Transport", self.transport)):
            form.addRow(label, w)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CameraDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Cameras")
        self.setObjectName("dock_camera")
        self.ctx = ctx
        self.preview: PreviewWorker | None = None
        self._stopping: set[PreviewWorker] = set()  # stopped, still finishing their last read
        self.race_frames: list = []
        self.jobs: list[Job] = []  # kept so tests and the status line can follow them

        # -- controls
        self.camera = QComboBox(editable=True)
        self.camera.setToolTip("Camera to preview and grab from; also the camera id given to imported images")
        self.add_button = QPushButton("Add…")
        self.preview_button = QPushButton("Preview")
        self.preview_button.setCheckable(True)
        self.grab_button = QPushButton("Grab still")
        self.frames = QSpinBox(minimum=2, maximum=500, value=10, suffix=" frames")
        self.fps = QDoubleSpinBox(minimum=0.1, maximum=60.0, value=5.0, suffix=" fps", decimals=1)
        self.burst_button = QPushButton("Burst")
        self.import_button = QPushButton("Import…")
        top = QHBoxLayout()
        for w in (self.camera, self.add_button, self.preview_button, self.grab_button, self.frames, self.fps,
                  self.burst_button, self.import_button):
            top.addWidget(w)
        top.addStretch(1)
        self.status = QLabel("Drop JPEG/PNG/WebP files here to import them.")

        # -- live view, gallery, comparison
        self.live = ImageView("No preview. Pick a camera and press Preview.")
        self.gallery_camera = QComboBox()
        self.gallery_race = QComboBox()
        self.gallery_race.addItems(["All races", "Current race"])
        self.compare_button = QPushButton("Compare")
        self.compare_button.setEnabled(False)
        filters = QHBoxLayout()
        for widget in (QLabel("Camera"), self.gallery_camera, self.gallery_race, self.compare_button):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListWidget.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(160, 90))
        self.gallery.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.gallery.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        gallery_page = QWidget()
        g = QVBoxLayout(gallery_page)
        g.setContentsMargins(0, 0, 0, 0)
        g.addLayout(filters)
        g.addWidget(self.gallery, 1)
        self.compare = CompareView()
        self.tabs = QTabWidget()
        self.tabs.addTab(gallery_page, "Gallery")
        self.tabs.addTab(self.compare, "Compare")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.live)
        split.addWidget(self.tabs)
        self.strip = CameraStrip()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.strip)
        layout.addWidget(self.status)
        self.setWidget(body)
        self.setAcceptDrops(True)

        # -- wiring
        self.add_button.clicked.connect(self.add_camera_dialog)
        self.preview_button.toggled.connect(self.set_preview)
        self.grab_button.clicked.connect(lambda: self.capture(1))
        self.burst_button.clicked.connect(lambda: self.capture(self.frames.value(), self.fps.value()))
        self.import_button.clicked.connect(self.import_dialog)
        self.compare_button.clicked.connect(self.compare_selected)
        self.gallery.itemSelectionChanged.connect(
            lambda: self.compare_button.setEnabled(len(self.gallery.selectedItems()) == 2))
        self.gallery_camera.currentIndexChanged.connect(lambda _i: self.refresh_gallery())
        self.gallery_race.currentIndexChanged.connect(lambda _i: self.refresh_gallery())
        self.strip.frame_clicked.connect(self._strip_clicked)
        ctx.state.cursor_changed.connect(self.strip.show_cursor)
        ctx.state.range_changed.connect(lambda lo, hi: self.strip.setXRange(lo, hi, padding=0))
        ctx.state.race_changed.connect(lambda _r: self.refresh())
        ctx.state.selection_changed.connect(lambda _ids: self.update_strip())
        ctx.laps.loaded.connect(lambda _ids: self.update_strip())
        self.refresh_cameras()
        self.refresh()

    # ---- cameras
    def refresh_cameras(self, select: str | None = None) -> None:
        job = self.ctx.runner.submit("List cameras", lambda p: [camera_dict(c) for c in list_cameras(self.ctx.store)],
                                     quiet=True)
        job.result.connect(lambda cams: self._show_cameras(cams, select))

    def _show_cameras(self, cams: list[dict], select: str | None) -> None:
        current = select or self.camera.currentText()
        self.camera.clear()
        for cam in cams:
            self.camera.addItem(cam["id"])
            self.camera.setItemData(self.camera.count() - 1, cam["url"], Qt.ItemDataRole.ToolTipRole)
        self.camera.setEditText(current)
        self.gallery_camera.blockSignals(True)
        chosen = self.gallery_camera.currentText()
        self.gallery_camera.clear()
        self.gallery_camera.addItem("All cameras")
        self.gallery_camera.addItems([c["id"] for c in cams])
        self.gallery_camera.setCurrentText(chosen or "All cameras")
        self.gallery_camera.blockSignals(False)

    def add_camera_dialog(self) -> None:
        dialog = AddCameraDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        cam_id, url = dialog.camera_id.text().strip(), dialog.url.text().strip()
        transport = dialog.transport.currentText()
        creds = Credentials(dialog.username.text(), dialog.password.text())
        job = self._watch(self.ctx.runner.submit(
            f"Add camera {cam_id}", lambda p: camera_dict(add_camera(self.ctx.store, cam_id, url, transport, creds))))
        job.result.connect(lambda cam: self.refresh_cameras(select=cam["id"]))

    def camera_id(self) -> str:
        return self.camera.currentText().strip() or DEFAULT_CAMERA

    # ---- preview and grabs
    def set_preview(self, on: bool) -> None:
        self.stop_preview()
        if not on:
            return
        worker = PreviewWorker(self.ctx.store, self.camera_id(), self.ctx.settings)
        worker.frame.connect(self._show_preview_frame)
        worker.failed.connect(self._preview_failed)
        worker.finished.connect(lambda: self._stopping.discard(worker))
        self.preview = worker
        self._message(f"Connecting to {self.camera_id()}…")
        worker.start()  # after every connection: the first frame must not go unseen

    def _show_preview_frame(self, image) -> None:
        if self.preview is None or self.sender() is not self.preview:
            return  # a late frame from a preview that was stopped
        if self.live.image is None or "Live" not in self.status.text():
            self._message(f"Live: {self.preview.camera}")
        self.live.set_image(image)

    def _preview_failed(self, message: str) -> None:
        self._message(message, error=True)
        self.preview_button.setChecked(False)

    def stop_preview(self) -> None:
        """Ask the preview thread to stop without waiting for it (a frozen stream takes a read timeout)."""
        if self.preview is not None:
            self.preview.stop()
            self._stopping.add(self.preview)
            self.preview = None

    def capture(self, frames: int = 1, fps: float | None = None) -> Job:
        link = LinkRequest(race_id=self.ctx.state.race) if self.ctx.state.race else None
        return self._watch(start_grab(self.ctx.runner, self.ctx.store, self.ctx.settings, self.camera_id(), frames,
                                      fps, link=link), refresh=True)

    # ---- import
    def import_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import camera stills", "", IMAGE_FILTER)
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, files: list[Path]) -> Job:
        link = LinkRequest(race_id=self.ctx.state.race) if self.ctx.state.race else None
        job = start_import(self.ctx.runner, self.ctx.store, self.ctx.settings, files, self.camera_id(), link=link)
        job.result.connect(self._imported)
        return self._watch(job, refresh=True)

    def _imported(self, items) -> None:
        failed = [i.error for i in items if i.error]
        done = len(items) - len(failed)
        self._message(f"Imported {done} of {len(items)} image(s)" + (f"; {'; '.join(failed)}" if failed else ""),
                      error=bool(failed))

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.import_files(files)
        event.acceptProposedAction()

    # ---- gallery, comparison, strip
    def refresh(self) -> None:
        self.refresh_gallery()
        race = self.ctx.state.race
        job = self.ctx.runner.submit("Load race stills", lambda p: list_frames(self.ctx.store, race_id=race)
                                     if race else [], quiet=True)
        job.result.connect(self._race_frames_loaded)

    def refresh_gallery(self) -> None:
        cam = self.gallery_camera.currentText()
        camera_id = None if self.gallery_camera.currentIndex() <= 0 or not cam else cam
        race_id = self.ctx.state.race if self.gallery_race.currentIndex() == 1 else None
        start_gallery(self.ctx.runner, self.ctx.store, camera_id, race_id).result.connect(self._show_gallery)

    def _show_gallery(self, items) -> None:
        self.gallery.clear()
        for entry in items:
            f = entry.frame
            session = json.loads(f.meta or "{}").get("session", "")
            label = f"{f.camera_id}\n{f.captured_at:%H:%M:%S}{' ' + session if session else ''}"
            if f.partial:
                label += " (partial)"
            item = QListWidgetItem(QIcon(QPixmap.fromImage(entry.thumb)), label)
            item.setData(Qt.ItemDataRole.UserRole, f)
            self.gallery.addItem(item)

    def select_frames(self, frame_ids: list[str]) -> None:
        self.gallery.clearSelection()
        for i in range(self.gallery.count()):
            item = self.gallery.item(i)
            if item.data(Qt.ItemDataRole.UserRole).id in frame_ids:
                item.setSelected(True)

    def compare_selected(self) -> Job | None:
        frames = sorted((i.data(Qt.ItemDataRole.UserRole) for i in self.gallery.selectedItems()),
                        key=lambda f: f.captured_at)
        if len(frames) != 2:
            return None
        job = start_compare(self.ctx.runner, self.ctx.store, frames[0], frames[1])
        job.result.connect(self.compare.show_comparison)
        job.result.connect(lambda _r: self.tabs.setCurrentWidget(self.compare))
        return self._watch(job)

    def _race_frames_loaded(self, frames: list) -> None:
        self.race_frames = frames
        self.update_strip()

    def update_strip(self) -> None:
        selected = self.ctx.state.selection
        on_laps = [f for f in self.race_frames if f.lap_id in selected and f.session_time is not None]
        if on_laps and not self.ctx.laps.request(sorted({f.lap_id for f in on_laps})):
            return  # laps are loading; `loaded` calls back
        markers = []
        for f in on_laps:
            trace = self.ctx.laps.get(f.lap_id)
            distance = distance_at(trace.channels, f.session_time) if trace else None
            if distance is not None:
                markers.append((f, distance, self.ctx.state.colour(f.lap_id)))
        self.strip.set_markers(markers)

    def _strip_clicked(self, frame, distance: float) -> None:
        self.ctx.state.set_cursor(distance)
        self.select_frames([frame.id])
        self._message(f"{frame.camera_id} at {distance:.0f} m ({frame.captured_at:%H:%M:%S} UTC)")

    # ---- helpers
    def _watch(self, job: Job, refresh: bool = False) -> Job:
        self.jobs.append(job)
        job.error.connect(lambda msg: self._message(msg, error=True))
        if refresh:
            job.finished.connect(self.refresh)
        return job

    def _message(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #ff6b6b;" if error else "")

    def shutdown(self, timeout_ms: int = 8000) -> None:
        self.stop_preview()
        for worker in list(self._stopping):
            worker.wait(timeout_ms)
