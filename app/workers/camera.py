"""Camera jobs for the window: grab, import, gallery thumbnails, comparisons (on the job runner), and the
live preview (its own thread: a stream stays open for as long as the preview runs, so it must not hold
one of the runner's few pool threads)."""

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from app.config import Settings
from app.errors import PitwallError
from app.services.cameras import target_for
from app.services.frames import LinkRequest, ensure_thumbnail, list_frames
from app.sources.camera.limiter import shared_limiter
from app.sources.camera.urls import mask_url
from app.store import Store
from app.store.schema import Frame
from app.workers.runner import Job, JobRunner

PREVIEW_FPS = 8
# OpenCV (capture, imagediff, rtsp) is imported inside the jobs: the window paints before it loads.


def to_qimage(image: np.ndarray) -> QImage:
    """BGR array -> QImage that owns its pixels (safe to hand to the GUI thread)."""
    rgb = np.ascontiguousarray(image[:, :, ::-1])
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def start_grab(runner: JobRunner, store: Store, settings: Settings, camera: str, frames: int = 1,
               fps: float | None = None, meta: dict | None = None, link: LinkRequest | None = None) -> Job:
    """`camera` is a registered camera id (or an RTSP address); it is looked up on the pool thread."""
    what = "still" if frames == 1 else f"burst of {frames}"

    def run(progress):
        from app.services.capture import grab_stills

        target = target_for(store, camera)
        return grab_stills(store, settings, target, frames, fps, meta, link, progress)

    return runner.submit(f"Grab {what} from {mask_url(camera)}", run)


def start_import(runner: JobRunner, store: Store, settings: Settings, files: list[Path], camera_id: str,
                 meta: dict | None = None, link: LinkRequest | None = None) -> Job:
    def run(progress):
        from app.services.capture import import_images

        return import_images(store, settings, files, camera_id, meta, link, progress=progress)

    return runner.submit(f"Import {len(files)} image(s) as {camera_id}", run)


@dataclass
class GalleryItem:
    frame: Frame
    thumb: QImage


def start_gallery(runner: JobRunner, store: Store, camera_id: str | None, race_id: str | None,
                  limit: int = 200) -> Job:
    def load(progress) -> list[GalleryItem]:
        return [GalleryItem(f, QImage(str(ensure_thumbnail(store, f))))
                for f in list_frames(store, camera_id=camera_id, race_id=race_id, limit=limit)]

    return runner.submit("Load camera stills", load, quiet=True)


@dataclass
class Comparison:
    before: Frame
    after: Frame
    before_image: QImage
    after_image: QImage
    diff_image: QImage
    changed_fraction: float
    regions: int


def start_compare(runner: JobRunner, store: Store, before: Frame, after: Frame) -> Job:
    def compare(progress) -> Comparison:
        from app.services.imagediff import difference, read_still

        a = read_still(store.paths.absolute(before.path))
        b = read_still(store.paths.absolute(after.path))
        diff = difference(a, b)
        return Comparison(before, after, to_qimage(a), to_qimage(b), to_qimage(diff.image),
                          diff.changed_fraction, len(diff.boxes))

    return runner.submit("Compare stills", compare, quiet=True)


class PreviewWorker(QThread):
    """Reads the selected camera until stopped and emits frames at ~PREVIEW_FPS; never touches widgets."""

    frame = Signal(QImage)
    failed = Signal(str)

    def __init__(self, store: Store, camera: str, settings: Settings) -> None:
        super().__init__()
        self.store, self.camera, self.settings = store, camera, settings
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        from app.services.capture import grab_options
        from app.sources.camera.rtsp import PreviewStream

        try:
            target = target_for(self.store, self.camera)
            opts = grab_options(self.settings, target.transport)
            limiter = shared_limiter(self.settings.camera_max_streams)
            label = f"{target.camera_id} ({target.display})"
            with PreviewStream(target.connect_url, opts, limiter, label) as stream:
                last = 0.0
                while not self._stop.is_set():
                    image = stream.read()  # bounded by the read timeout
                    now = time.monotonic()
                    if now - last >= 1 / PREVIEW_FPS:
                        last = now
                        self.frame.emit(to_qimage(image))
        except PitwallError as exc:  # messages are built from masked addresses
            if not self._stop.is_set():
                self.failed.emit(mask_url(str(exc)))
