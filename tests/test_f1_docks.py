"""The F1 analysis docks as a person sees them, on recorded sessions (a race and a qualifying): drivers in the
legend, points in compound colours, stint bars per driver, positions and results, the driver comparison; team
colours readable on the dark theme; the overview of a cached session opens without FastF1 or the network."""

import colorsys
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFontMetrics  # noqa: E402
from PySide6.QtWidgets import QStyle  # noqa: E402

from app.config import load_settings  # noqa: E402
from app.views.context import AppContext  # noqa: E402
from app.views.f1_compare import CompareDriversDock  # noqa: E402
from app.views.f1_overview import SYMBOLS, SessionOverviewDock  # noqa: E402
from app.views.f1_race import RaceDock  # noqa: E402
from app.views.f1_strategy import StrategyDock  # noqa: E402
from app.views.state import SharedState  # noqa: E402
from app.views.theme import ALT_BASE, BACKGROUND, BASE, compound_palette, readable  # noqa: E402
from app.workers.runner import JobRunner  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

pytestmark = pytest.mark.usefixtures("no_network")
RACE, QUALI, FP1 = (2018, "Azerbaijan", "R"), (2023, "Azerbaijan", "Q"), (2025, "Australia", "FP1")


def wcag(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, computed here from the definition (not with the theme's helper)."""
    def lum(c: str) -> float:
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture
def ctx(qtbot, f1_loaded):
    context = AppContext(f1_loaded.settings, f1_loaded.store, JobRunner(2), SharedState())
    yield context
    context.runner.wait_all(30000)


def open_dock(qtbot, ctx, f1_loaded, cls, key):
    dock = cls(ctx)
    qtbot.addWidget(dock)
    dock.resize(1100, 650)
    dock.show()
    ctx.state.set_race(f1_loaded.results[key].race.id)
    qtbot.waitUntil(lambda: dock.view is not None and dock.view.race_id == ctx.state.race, timeout=20000)
    return dock


def metas(f1_loaded, key) -> dict[tuple[str, int], dict]:
    return {(lap.driver, lap.number): json.loads(lap.meta) for lap in f1_loaded.results[key].laps}


@pytest.mark.parametrize("key", [RACE, QUALI], ids=["race", "quali"])
def test_overview_legend_and_compound_colours(qtbot, ctx, f1_loaded, key, tmp_path):
    dock = open_dock(qtbot, ctx, f1_loaded, SessionOverviewDock, key)
    legend = dock.legend.list
    assert legend.count() == 20  # every driver of the session
    codes = dock.legend.drivers()
    for i in range(legend.count()):  # in team colours that read on the dark background
        colour = legend.item(i).foreground().color().name()
        assert wcag(colour, BASE) >= 4.5 and codes[i] in legend.item(i).text()
    assert list(dock.curves) == codes[:5]  # the top five are drawn first
    meta = metas(f1_loaded, key)
    palette = compound_palette({m["compound"] for m in meta.values() if m["compound"]})
    for code, (_line, points) in dock.curves.items():
        for spot in points.points():
            lap = int(spot.pos().x())
            m = meta[(code, lap)]
            assert spot.brush().color().name() == palette[m["compound"]].lower()
            if m["pit_out"] and not m["deleted"]:
                assert spot.symbol() == SYMBOLS["out"]
    # Clicking a lap adds it to the shared selection (overlay, delta, map), clicking it again takes it out.
    _line, points = next(iter(dock.curves.values()))
    spot = points.points()[0]
    points.sigClicked.emit(points, [spot], None)
    assert ctx.state.selection == [spot.data()]
    assert ctx.state.colour(spot.data()) == dock.legend.colours[next(iter(dock.curves))]
    points.sigClicked.emit(points, [spot], None)
    assert ctx.state.selection == []
    shown = sum(len(p.points()) for _, p in dock.curves.values())
    dock.hide_slow.setChecked(False)
    assert sum(len(p.points()) for _, p in dock.curves.values()) > shown  # the slow laps come back
    dock.legend.check_first(None)
    timed = {lap.driver for lap in f1_loaded.results[key].laps if lap.lap_time is not None}
    assert set(dock.curves) == timed and len(timed) >= 18  # all: every driver with a lap time
    dock.grab().save(str(tmp_path / "overview.png"))


@pytest.mark.parametrize("key", [RACE, QUALI], ids=["race", "quali"])
def test_strategy_bars_per_driver(qtbot, ctx, f1_loaded, key):
    dock = open_dock(qtbot, ctx, f1_loaded, StrategyDock, key)
    meta = metas(f1_loaded, key)
    want: dict[str, set] = {}
    for (driver, _lap), m in meta.items():
        if m["stint"] is not None:
            want.setdefault(driver, set()).add(m["stint"])
    assert {d: len(s) for d, s in dock.bars.items()} == {d: len(s) for d, s in want.items()}
    palette = compound_palette({m["compound"] for m in meta.values() if m["compound"]})
    drawn = sorted((s for stints in dock.bars.values() for s in stints),
                   key=lambda s: (list(dock.bars).index(s.driver), s.stint))  # the order the bars were drawn in
    assert [b.color().name() for b in dock.brushes] == [palette[s.compound].lower() for s in drawn]
    hatched = [b.style() == Qt.BrushStyle.Dense3Pattern for b in dock.brushes]
    assert hatched == [s.fresh is False for s in drawn] and any(hatched)  # used sets are hatched
    ticks = [label for _, label in dock.plot.getAxis("left")._tickLevels[0]]  # abbreviations here
    results = [r.abbreviation for r in f1_loaded.store.results(f1_loaded.results[key].race.id)]
    assert ticks == [code for code in results if code in dock.bars]  # finishing / classification order
    long_used = [s for s in drawn if s.fresh is False and s.laps >= 8]  # room for "· used N"
    assert sum("used" in label.toPlainText() for label in dock.labels) == len(long_used)


def elided(table) -> list[str]:
    """Cells whose text is wider than their column (a person would see it cut)."""
    metrics = QFontMetrics(table.font())
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)  # Qt's text margins
    cut = []
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            if item and metrics.horizontalAdvance(item.text()) + margin > table.columnWidth(c):
                cut.append(item.text())
    return cut


def test_race_dock_positions_gaps_and_results(qtbot, ctx, f1_loaded):
    dock = open_dock(qtbot, ctx, f1_loaded, RaceDock, RACE)
    assert not dock.positions_empty.isVisible()
    assert len(dock.position_lines) >= 18 and len(dock.gap_lines) >= 18
    hamilton = dock.position_lines["HAM"].getData()
    assert hamilton[0][0] == 0 and hamilton[1][0] == 2 and hamilton[1][-1] == 1  # from P2 on the grid to the win
    table = dock.results
    dock.tabs.setCurrentWidget(table)
    assert table.rowCount() == 20 and table.item(0, 1).text() == "HAM" and table.item(0, 5).text() == "25"
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["Pos", "Driver", "Team"]
    assert elided(table) == []
    quali = open_dock(qtbot, ctx, f1_loaded, RaceDock, QUALI)
    assert quali.tabs.currentWidget() is quali.results and quali.results.rowCount() == 20
    quali.tabs.setCurrentIndex(0)
    assert quali.positions_empty.isVisible() and "races and sprints" in quali.positions_empty.text()


def test_compare_dock(qtbot, ctx, f1_loaded):
    dock = open_dock(qtbot, ctx, f1_loaded, CompareDriversDock, FP1)
    assert dock.legend.checked() == ["NOR", "SAI"] and dock.table.rowCount() == 2
    qtbot.waitUntil(lambda: dock.dominance is not None, timeout=20000)
    assert sum(dock.dominance.wins.values()) == 25 and len(dock.segments) > 3
    assert "mini-sectors" in dock.wins.text()
    dock.overlay_button.click()
    laps = {lap.id: lap for lap in f1_loaded.results[FP1].laps}
    chosen = [laps[i] for i in ctx.state.selection]
    assert [lap.driver for lap in chosen] == ["NOR", "SAI"] and ctx.state.reference == chosen[0].id
    assert ctx.state.map_channel == "fastest lap (mini-sectors)"  # the track map shows the dominance too
    assert all(wcag(ctx.state.colour(lap.id), BACKGROUND) >= 4.5 for lap in chosen)
    quali = open_dock(qtbot, ctx, f1_loaded, CompareDriversDock, (2019, "Italy", "Q"))
    assert "No telemetry" in quali.wins.text() and not quali.overlay_button.isEnabled()
    assert quali.table.rowCount() == 2 and elided(quali.table) == []


@pytest.mark.parametrize(("colour", "before"), [("#9b0000", 1.99), ("#1e41ff", 2.71), ("#3671C6", 3.6)])
def test_team_colours_are_lifted_to_readable_contrast_keeping_their_hue(colour, before):
    assert wcag(colour, BASE) == pytest.approx(before, abs=0.05)  # the numbers (on the tables)
    lifted = readable(colour)
    for surface in (BACKGROUND, BASE, ALT_BASE):
        assert wcag(lifted, surface) >= 4.5
    hue = [colorsys.rgb_to_hls(*(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0] for c in (colour, lifted)]
    assert hue[0] == pytest.approx(hue[1], abs=0.01)
    assert wcag(lifted, ALT_BASE) < 5.0  # lifted just enough, not washed out to white
    assert readable("#FF8000") == "#ff8000"  # McLaren orange reads well already


def test_overview_of_a_cached_session_needs_no_fastf1_and_no_network(f1_loaded):
    """A fresh interpreter opens the overview of a cached session with sockets refused: FastF1 is never
    imported (so never called) and nothing connects."""
    race_id = f1_loaded.results[RACE].race.id
    code = f"""
import socket, sys, time
attempts = []
def refuse(self, *args, **kwargs):
    attempts.append(args)
    raise OSError("network blocked")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.config import load_settings
from app.store import Store
from app.views.context import AppContext
from app.views.f1_overview import SessionOverviewDock
from app.views.state import SharedState
from app.workers.runner import JobRunner
settings = load_settings()
ctx = AppContext(settings, Store(settings.home), JobRunner(2), SharedState())
dock = SessionOverviewDock(ctx)
ctx.state.set_race({race_id!r})
end = time.time() + 30
while dock.view is None and time.time() < end:
    app.processEvents()
    time.sleep(0.01)
assert dock.view is not None and dock.legend.list.count() == 20, "overview not shown"
ctx.runner.wait_all(10000)
print("fastf1" in sys.modules, attempts, flush=True)
import os
os._exit(0)  # skip Qt's interpreter-exit teardown (pool threads and widgets going in random order)
"""
    env = {**os.environ, "PITWALL_HOME": str(f1_loaded.store.paths.home), "QT_QPA_PLATFORM": "offscreen",
           "PITWALL_F1_RECORDED": str(f1_loaded.store.paths.home / "nowhere")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False []"


def test_lap_table_flags_fit(qtbot, f1_loaded):
    """The F1 lap table's Flags column shows its words whole (short forms: out, in, invalid)."""
    from app.views.models import LapModel

    model = LapModel()
    model.set_laps(f1_loaded.results[FP1].laps)
    flags = model.F1_KEYS.index("flags")
    texts = {model.index(r, flags).data() for r in range(model.rowCount())}
    assert texts >= {"out", "in"} and all(len(t) <= len("out, in, invalid") for t in texts)
    tooltip = next(model.index(r, flags).data(Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())
                   if model.index(r, flags).data() == "in")
    assert tooltip == "Not comparable as a full lap: in-lap"



def test_docks_for_a_session_without_a_driver_list(qtbot, f1_recorded, tmp_path):
    """Car numbers in the legend and the strategy rows, fallback colours that read well, and the note says why."""
    from tests.f1_support import load_without_driver_list

    store, result = load_without_driver_list(f1_recorded, tmp_path)
    context = AppContext(load_settings(home=store.paths.home), store, JobRunner(2), SharedState())
    try:
        overview, strategy = SessionOverviewDock(context), StrategyDock(context)
        for dock in (overview, strategy):
            qtbot.addWidget(dock)
        context.state.set_race(result.race.id)
        qtbot.waitUntil(lambda: overview.view is not None and strategy.view is not None, timeout=20000)
        numbers = {json.loads(lap.meta)["driver_number"] for lap in result.laps}
        assert set(overview.legend.drivers()) == numbers and len(numbers) == 20
        assert "No driver list" in overview.note.text() and "car number" in overview.note.text()
        assert all(wcag(c, BASE) >= 4.5 for c in overview.legend.colours.values())
        assert set(strategy.bars) == numbers
        assert {overview.legend.list.item(i).text().split()[1] for i in range(20)} == {f"#{n}" for n in numbers}
        assert len(overview.curves) == 5
    finally:
        context.runner.wait_all(30000)
        store.close()
