"""Write rendered exports (a PNG image, SVG bytes) atomically; called on the job runner, never the GUI thread."""

from pathlib import Path

from PySide6.QtGui import QImage

from app.errors import PitwallError
from app.store.lapfiles import write_atomic


def write_png(image: QImage, path: Path) -> None:
    """QImage is safe to use off the GUI thread (unlike QPixmap), so encoding happens on the runner."""
    def save(tmp: str) -> None:
        if not image.save(tmp, "PNG"):  # type: ignore[call-overload]  # stub says bytes; the binding wants str
            raise PitwallError(f"Could not write the PNG image to {path}")
    write_atomic(Path(path), save)


def write_bytes(data: bytes, path: Path) -> None:
    write_atomic(Path(path), lambda tmp: Path(tmp).write_bytes(data))
