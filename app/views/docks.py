"""Every dock of the main window, in one list. To add a dock: a QDockWidget subclass taking the AppContext,
with an objectName, and one line here (the area it opens in the first time)."""

from PySide6.QtCore import Qt

from app.views.browser import BrowserDock
from app.views.camera_dock import CameraDock
from app.views.corners_dock import CornersDock
from app.views.f1_browser import F1BrowserDock
from app.views.f1_compare import CompareDriversDock
from app.views.f1_info import SessionInfoDock
from app.views.f1_overview import SessionOverviewDock
from app.views.f1_race import RaceDock
from app.views.f1_strategy import StrategyDock
from app.views.histogram_dock import HistogramDock
from app.views.history_dock import HistoryDock
from app.views.jobs_panel import JobsDock
from app.views.math_dock import MathDock
from app.views.overlay import LapOverlayDock
from app.views.range_stats_dock import RangeStatsDock
from app.views.reports_dock import ReportsDock
from app.views.scatter_dock import ScatterDock
from app.views.sql_console import SqlConsoleDock
from app.views.trackmap import TrackMapDock
from app.views.tyres_dock import TyresDock

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea

DOCKS = [
    (BrowserDock, LEFT),
    (TrackMapDock, LEFT),
    (LapOverlayDock, RIGHT),
    (CornersDock, RIGHT),
    (RangeStatsDock, RIGHT),
    (JobsDock, LEFT),
    (F1BrowserDock, LEFT),
    (SessionInfoDock, LEFT),
    (SqlConsoleDock, RIGHT),
    (ReportsDock, RIGHT),
    (HistoryDock, RIGHT),  # F1 history: a tab beside Reports
    (CameraDock, RIGHT),
    (ScatterDock, RIGHT),  # the worksheet docks: tabs beside the corners table, under the plots
    (HistogramDock, RIGHT),
    (TyresDock, RIGHT),
    (MathDock, RIGHT),
    (SessionOverviewDock, RIGHT),  # F1 session analysis: tabs behind the overlay; compare beside the corners
    (StrategyDock, RIGHT),
    (RaceDock, RIGHT),
    (CompareDriversDock, RIGHT),
]
