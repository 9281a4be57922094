"""Math channels over a real AMS2 lap: values against numpy computed here, errors with their column, safety."""

from pathlib import Path

import numpy as np
import pytest

from app.services.mathchannels import MathError, check_definitions, check_edit, evaluate_all, parse
from app.sources.ams2.reader import RaceReader

DATA = Path(__file__).parent / "data" / "montreal_short.ams2"


@pytest.fixture(scope="module")
def lap() -> dict[str, np.ndarray]:
    with open(DATA, "rb") as fh:
        reader = RaceReader(fh, DATA.stat().st_size)
        laps = list(reader.laps())
    best = max(laps, key=lambda lap: len(lap.channels["time"]))
    return best.channels


def test_brake_times_speed_is_the_product(lap):
    out = evaluate_all(lap, {"brake_speed": "brake * speed"})
    expected = lap["brake"].astype(np.float64) * lap["speed"].astype(np.float64)
    np.testing.assert_allclose(out["brake_speed"], expected)
    assert out["brake_speed"].max() > 0  # the lap does brake: the test can fail


def test_functions_against_numpy(lap):
    speed = lap["speed"].astype(np.float64)
    t = lap["time"].astype(np.float64)
    d = lap["distance"].astype(np.float64)
    out = evaluate_all(lap, {
        "acc": "derivative(speed / 3.6)",
        "dvds": "derivative(speed, distance)",
        "dist": "integrate(speed / 3.6)",
        "smooth5": "smooth(speed, 5)",
        "a": "abs(steering)",
        "c": "clip(throttle, 20, 80)",
        "w": "where(brake > 10, 1, 0)",
        "ifexp": "speed if brake > 10 else -1",
        "chain": "50 < speed < 100 and not brake",
    })
    np.testing.assert_allclose(out["acc"], np.gradient(speed / 3.6) / np.gradient(t))
    gd = np.gradient(d)
    moving = gd != 0  # standing still: no derivative against distance (NaN)
    np.testing.assert_allclose(out["dvds"][moving], np.gradient(speed)[moving] / gd[moving])
    assert np.isnan(out["dvds"][~moving]).all()
    steps = np.diff(t) * (speed[1:] + speed[:-1]) / 2 / 3.6
    np.testing.assert_allclose(out["dist"], np.concatenate(([0], np.cumsum(steps))))
    # integrating speed over time gives about the distance the lap reports
    assert abs(out["dist"][-1] - (d[-1] - d[0])) < 0.02 * (d[-1] - d[0])
    inner = np.convolve(speed, np.ones(5) / 5, mode="valid")
    np.testing.assert_allclose(out["smooth5"][2:-2], inner)
    np.testing.assert_allclose(out["a"], np.abs(lap["steering"]))
    np.testing.assert_allclose(out["c"], np.clip(lap["throttle"], 20, 80))
    np.testing.assert_array_equal(out["w"], (lap["brake"] > 10).astype(float))
    np.testing.assert_allclose(out["ifexp"], np.where(lap["brake"] > 10, speed, -1))
    np.testing.assert_array_equal(out["chain"], ((speed > 50) & (speed < 100) & (lap["brake"] == 0)).astype(float))


def test_math_channels_read_each_other_and_cycles_are_refused(lap):
    defs = {"b": "a * 2", "a": "speed + 1"}  # b defined before the channel it reads
    out = evaluate_all(lap, defs)
    np.testing.assert_allclose(out["b"], (lap["speed"].astype(np.float64) + 1) * 2)
    errors: dict = {}
    out = evaluate_all(lap, {"x": "y + 1", "y": "x * 2", "ok": "speed"}, errors)
    assert set(out) == {"ok"}
    assert "depend on each other" in errors["x"].message and "x → y → x" in errors["x"].message or \
        "y → x → y" in errors["x"].message


@pytest.mark.parametrize(("text", "column", "words"), [
    ("speed * ", 7, "ends too soon"),
    ("speed * (", 8, "never closed"),
    ("speed speed", 6, "not a valid"),
    ("speed + sped", 8, "did you mean 'speed'"),
    ("__import__('os').system('x')", 0, "only the listed functions"),
    ("1 + __import__('os')", 4, "unknown function"),
    ("smoth(speed, 3)", 0, "did you mean smooth"),
    ("speed.real", 0, "attribute"),
    ("smooth(speed, 0)", 14, "whole number"),
    ("derivative(speed, rpm)", 18, "time or distance"),
    ("clip(speed, 1)", 0, "wrong number of arguments"),
    ("'text'", 0, "numbers"),
    ("[speed]", 0, "a list"),
    ("speed ** (1 if brake else 2) @ 2", 29, "operator"),
])
def test_invalid_expressions_name_the_column(text, column, words):
    with pytest.raises(MathError) as info:
        parse(text, known=["speed", "brake", "rpm", "distance", "time"])
    assert words in info.value.message
    assert info.value.column == column
    assert str(info.value).startswith(f"column {column + 1}:")


def test_limits_refuse_huge_expressions():
    with pytest.raises(MathError, match="longer"):
        parse("speed + " * 200 + "1")
    with pytest.raises(MathError, match="nested"):
        parse("(" * 60 + "speed" + ")*1" * 60)
    with pytest.raises(MathError, match="parts"):
        parse("<".join(["a"] * 400))  # one flat comparison chain: shallow but 400 parts


def test_check_edit_changes_nothing_on_error():
    defs = {"a": "speed * 2"}
    with pytest.raises(MathError):
        check_edit(defs, "b", "a +", ["speed"])
    with pytest.raises(MathError, match="already a channel"):
        check_edit(defs, "speed", "1", ["speed"])
    with pytest.raises(MathError, match="break math channel 'b'"):
        check_edit({"a": "1", "b": "a + 1"}, "c", "2", ["speed"], old_name="a")
    assert defs == {"a": "speed * 2"}
    assert check_edit(defs, "b", "a + 1", ["speed"]) == {"a": "speed * 2", "b": "a + 1"}
    assert check_definitions({"x": "speed", "y": "nope"}, ["speed"])["y"].column == 0


def test_exported_table_has_the_math_channels(store, tmp_path):
    import pyarrow.parquet as pq

    from app.services.ingest import ingest_file
    from app.services.lap_export import export_laps

    result = ingest_file(store, DATA)
    lap_ids = [lap.id for lap in result.laps[:2]]
    path = export_laps(store, lap_ids, tmp_path / "laps.parquet", "parquet",
                       {"brake_speed": "brake * speed", "broken": "nope + 1"})
    table = pq.read_table(path).to_pydict()
    brake, speed = np.asarray(table["brake"], dtype=float), np.asarray(table["speed"], dtype=float)
    np.testing.assert_allclose(np.asarray(table["brake_speed"], dtype=float), brake * speed, rtol=1e-6)
    assert "broken" not in table  # a math channel no lap can compute is not a column of NaN
