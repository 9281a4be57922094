"""Draw resources/pitwall.png (the app icon, also the window's; PyInstaller turns it into .ico/.icns with Pillow).
Run once after a design change: `QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py`."""

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen


def draw(size: int = 256) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#1d2330"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8, 8, size - 16, size - 16), 40, 40)
    # a speed trace over a chequered strip: telemetry on the pit wall
    for i in range(8):
        p.setBrush(QColor("#e8e8e8") if i % 2 else QColor("#2f3747"))
        p.drawRect(QRectF(40 + i * 22, 190, 22, 16))
    trace = QPainterPath(QPointF(40, 160))
    for x, y in ((70, 70), (100, 120), (130, 60), (160, 140), (190, 80), (216, 100)):
        trace.lineTo(QPointF(x, y))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor("#ff4d3d"), 14, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.drawPath(trace)
    p.end()
    return img


if __name__ == "__main__":
    app = QGuiApplication([])
    draw().save(str(Path(__file__).resolve().parent.parent / "resources" / "pitwall.png"))
