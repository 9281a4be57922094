"""F1 failures as people meet them: a clear one-line message and nothing half-written in the cache."""

import json
import shutil
from pathlib import Path

import pytest

from app.config import load_settings
from app.errors import Cancelled, PitwallError
from app.services.f1 import open_session, schedule
from app.sources.f1.replay import CallLog, F1Config, explain
from app.store import Store

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def fresh(home, f1_loaded):
    """An empty store, sharing FastF1's warm cache with the session-wide load (so FastF1 parses less)."""
    settings = load_settings(home=home, f1_recorded=f1_loaded.settings.f1_recorded,
                             f1_cache=f1_loaded.store.paths.fastf1_cache)
    store = Store(settings.home)
    yield store, settings
    store.close()


def assert_nothing_written(store: Store) -> None:
    assert store.races() == []
    assert not any(store.paths.laps_dir.rglob("*.parquet"))
    assert not (store.paths.home / "sessions").exists() or not any((store.paths.home / "sessions").rglob("*"))


def test_schedule_lists_events_and_sessions(fresh):
    store, settings = fresh
    events = schedule(settings, store, 2025)
    assert len(events) == 24
    first = events[0]
    assert (first.round, first.name, first.country, first.date) == (1, "Australian Grand Prix", "Australia",
                                                                    "2025-03-16")
    assert [s.name for s in first.sessions] == ["Practice 1", "Practice 2", "Practice 3", "Qualifying", "Race"]
    miami = next(e for e in events if e.name == "Miami Grand Prix")
    assert {"Sprint Qualifying", "Sprint"} <= {s.name for s in miami.sessions}


def test_season_missing_from_recording(fresh):
    store, settings = fresh
    with pytest.raises(PitwallError, match="recorded FastF1 responses .* do not contain"):
        schedule(settings, store, 2026)


def test_session_not_in_recording_writes_nothing(fresh):
    store, settings = fresh
    with pytest.raises(PitwallError, match="hold no lap timing") as err:
        open_session(store, settings, 2025, "Australia", "Q")
    assert "\n" not in str(err.value)
    assert_nothing_written(store)


@pytest.mark.parametrize(("event", "session", "message"), [
    ("Atlantis", "FP1", "No F1 session 2025 Atlantis FP1"),
    ("Australia", "SQ", "does not exist for this event"),
    ("99", "R", "Invalid round"),
])
def test_session_that_does_not_exist(fresh, event, session, message):
    store, settings = fresh
    with pytest.raises(PitwallError, match=message):
        open_session(store, settings, 2025, event, session)
    assert_nothing_written(store)


def test_recorded_folder_missing(fresh, tmp_path):
    store, settings = fresh
    settings = settings.model_copy(update={"f1_recorded": tmp_path / "nowhere"})
    with pytest.raises(PitwallError, match="Recorded FastF1 folder not found"):
        open_session(store, settings, 2019, "Italy", "Q")


def test_partially_recorded_cache(fresh, f1_recorded, tmp_path):
    """A recording that lost the timing stream of a session: a clear error, no race row."""
    store, settings = fresh
    partial = tmp_path / "partial"
    shutil.copytree(f1_recorded, partial)
    lost = [p for p in (partial / "http").glob("*.json")
            if json.loads(p.read_text())["url"].endswith("2019-09-07_Qualifying/TimingData.jsonStream")]
    assert len(lost) == 1
    lost[0].unlink()
    settings = settings.model_copy(update={"f1_recorded": partial, "f1_cache": tmp_path / "ff1"})
    with pytest.raises(PitwallError, match="recorded FastF1 responses .*(missing|no lap timing)"):
        open_session(store, settings, 2019, "Italy", "Q")
    assert_nothing_written(store)


def test_cancel_during_load_writes_nothing(fresh):
    store, settings = fresh
    with pytest.raises(Cancelled):
        open_session(store, settings, 2019, "Italy", "Q", progress=lambda done, total: done < 30)
    assert_nothing_written(store)


def test_rate_limit_and_no_network_messages():
    from fastf1.exceptions import RateLimitExceededError
    from requests import ConnectionError as RequestsConnectionError

    online = F1Config(cache_dir=Path("unused"))
    msg = explain(RateLimitExceededError("any API: 500 calls/h"), "2025 Monza R", online, CallLog())
    assert "rate limit" in msg and "500 calls per hour" in msg
    msg = explain(RequestsConnectionError("Max retries exceeded"), "Schedule 2025", online, CallLog())
    assert msg.startswith("Schedule 2025: FastF1 could not reach its data through the network")


def test_frame_skip_is_a_separate_downsampled_copy(fresh, f1_loaded):
    store, settings = fresh
    full = f1_loaded.results[(2025, "Australia", "FP1")]
    skipped = open_session(store, settings, 2025, "Australia", "FP1", frame_skip=4)
    assert len(skipped.laps) == len(full.laps)
    by_key = {(lap.driver, lap.number): lap.sample_count for lap in full.laps}
    for lap in skipped.laps:
        assert lap.sample_count == pytest.approx(by_key[(lap.driver, lap.number)] / 4, abs=1)
    assert skipped.race.content_hash.endswith(":skip4")


def test_no_network(home, tmp_path):
    """Online mode with the network down (blocked here): FastF1 tries, Pitwall says so in one line."""
    from tests.f1_support import block_network

    settings = load_settings(home=home, f1_cache=tmp_path / "ff1-online")
    store = Store(settings.home)
    with block_network() as attempts:
        with pytest.raises(PitwallError, match="could not reach its data through the network"):
            schedule(settings, store, 2025)
        with pytest.raises(PitwallError, match="2025 Australia FP1: FastF1 could not reach its data"):
            open_session(store, settings, 2025, "Australia", "FP1")
    assert attempts  # it did try the network
    assert_nothing_written(store)
    store.close()
