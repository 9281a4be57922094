"""Every dock of the main window, in one list. To add a dock: a QDockWidget subclass taking the AppContext,
with an objectName, and one line here (the area it opens in the first time)."""

from PySide6.QtCore import Qt

from app.views.browser import BrowserDock
from app.views.camera_dock import CameraDock
from app.views.jobs_panel import JobsDock
from app.views.overlay import LapOverlayDock
from app.views.trackmap import TrackMapDock

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea

DOCKS = [
    (BrowserDock, LEFT),
    (TrackMapDock, LEFT),
    (LapOverlayDock, RIGHT),
    (JobsDock, LEFT),
    (CameraDock, BOTTOM),
]
