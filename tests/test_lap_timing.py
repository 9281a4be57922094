"""The one timing-screen rule set (app/services/lap_timing.py) the lap table and the F1 views share, on a
recorded F1 session: best lap, gaps, purple (session best) and green (a driver's own best)."""

import pytest

from app.services.lap_timing import best_lap, fastest_full, gap, gap_text, is_full_valid, timing_marks

pytestmark = pytest.mark.usefixtures("no_network")
COLUMNS = ("lap_time", "sector1", "sector2", "sector3")


def test_best_lap_and_gaps(f1_loaded):
    laps = f1_loaded.results[(2023, "Azerbaijan", "Q")].laps
    full = [lap for lap in laps if lap.lap_time is not None and not lap.flags]
    best = min(full, key=lambda lap: lap.lap_time)
    assert best_lap(laps) is best and (best.driver, best.lap_time) == ("LEC", 100.203)
    assert [lap.id for lap in fastest_full(laps, 3)] == [lap.id for lap in sorted(full, key=lambda x: x.lap_time)[:3]]
    for lap in laps:
        if lap.lap_time is None:
            assert gap(lap, best) is None and gap_text(lap, best) == ""
        elif lap is best:
            assert gap_text(lap, best) == "best"
        else:
            assert gap(lap, best) == pytest.approx(lap.lap_time - best.lap_time)
            assert gap_text(lap, best) == f"{lap.lap_time - best.lap_time:+.3f}"
    assert not any(is_full_valid(lap) for lap in laps if "invalid" in lap.flags)


@pytest.mark.parametrize("per_driver", [True, False], ids=["f1", "single-driver"])
def test_purple_and_green(f1_loaded, per_driver):
    laps = f1_loaded.results[(2023, "Azerbaijan", "Q")].laps
    marks = timing_marks(laps, per_driver=per_driver)
    # Which laps count: F1 every lap not deleted; otherwise only full valid laps (no flag at all).
    counted = [lap for lap in laps if ("invalid" not in lap.flags if per_driver else is_full_valid(lap))]
    for col in COLUMNS:
        values = [getattr(lap, col) for lap in counted if getattr(lap, col) is not None]
        purple = [lap for lap in laps if marks.get(lap.id, {}).get(col) == "purple"]
        assert len(purple) == 1 and getattr(purple[0], col) == min(values)
        greens = [lap for lap in laps if marks.get(lap.id, {}).get(col) == "green"]
        if not per_driver:
            assert greens == []
            continue
        drivers = {lap.driver for lap in counted if getattr(lap, col) is not None}
        assert {lap.driver for lap in greens} | {purple[0].driver} == drivers and len(greens) == len(drivers) - 1
        for lap in greens:
            own = [getattr(x, col) for x in counted if x.driver == lap.driver and getattr(x, col) is not None]
            assert getattr(lap, col) == min(own)
    assert not any(marks.get(lap.id) for lap in laps if "invalid" in lap.flags)  # deleted laps never count
