"""Ingest into the cache: catalog and lap files stay consistent, whatever happens."""

import errno
import json
import sqlite3

import pytest

from app.domain.models import RaceStatus
from app.errors import Cancelled, PitwallError
from app.services.ingest import ingest_file
from app.store import Store
from app.store import lapsink as store_module
from app.store.migrations import LATEST
from tests.conftest import DEMO_RACE, SHORT_RACE


def lap_files(home):
    return sorted(p for p in (home / "laps").rglob("*") if p.is_file())


def test_ingest_stores_laps_and_raw_file(store, home):
    result = ingest_file(store, DEMO_RACE)
    race = result.race
    assert race.status == RaceStatus.READY and race.error is None
    assert race.track == "Montreal Grand Prix" and race.track_length == 4321.0
    assert (home / race.raw_path).read_bytes() == DEMO_RACE.read_bytes(), "raw file kept as received"
    assert len(result.laps) == len(store.laps(race.id)) == len(lap_files(home))
    full = [lap for lap in store.laps(race.id) if not lap.flag_list]
    assert len(full) == 4
    ch = store.lap_channels(full[0])
    assert len(ch["speed"]) == full[0].sample_count
    # no pickles, numeric columns only
    assert all(v.dtype.kind in "biuf" for v in ch.values())


def test_same_file_twice_is_one_race(store):
    first = ingest_file(store, DEMO_RACE)
    again = ingest_file(store, DEMO_RACE)
    assert again.already_cached and again.race.id == first.race.id
    assert len(store.races()) == 1


def test_bad_file_fails_with_reason_and_keeps_catalog_consistent(store, home, tmp_path):
    bad = tmp_path / "broken.ams2"
    bad.write_bytes(DEMO_RACE.read_bytes()[:300])  # a cut so early that nothing usable is left
    with pytest.raises(PitwallError, match="truncated"):
        ingest_file(store, bad)
    (race,) = store.races()
    assert race.status == RaceStatus.FAILED and "truncated" in race.error
    assert store.laps(race.id) == [] and lap_files(home) == []


def test_failed_race_is_retried_in_place(store, tmp_path, monkeypatch):
    real_write = store_module.write_lap
    calls = {"n": 0}

    def disk_full_on_third(path, channels):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, channels)

    monkeypatch.setattr(store_module, "write_lap", disk_full_on_third)
    with pytest.raises(PitwallError, match="No space left"):
        ingest_file(store, DEMO_RACE)
    (race,) = store.races()
    assert race.status == RaceStatus.FAILED
    assert store.laps(race.id) == [] and lap_files(store.paths.home) == [], "no half-written laps counted"

    monkeypatch.setattr(store_module, "write_lap", real_write)
    retried = ingest_file(store, DEMO_RACE)
    assert retried.race.id == race.id and retried.race.status == RaceStatus.READY
    assert len(lap_files(store.paths.home)) == len(retried.laps) == 9


def test_cancel_leaves_a_retryable_race(store):
    with pytest.raises(Cancelled):
        ingest_file(store, SHORT_RACE, progress=lambda done, total: done < 50)
    (race,) = store.races()
    assert race.status == RaceStatus.FAILED and "Cancelled" in race.error
    assert ingest_file(store, SHORT_RACE).race.status == RaceStatus.READY


def test_crash_mid_ingest_is_recovered_at_start(home):
    store = Store(home)
    race = store.begin_race("ams2", "crashed", content_hash="abc")
    orphan = store.paths.lap_file(race.id, "half-written")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"PAR1 half")
    store.close()

    reopened = Store(home)  # next start of the app
    assert reopened.recover() == 1
    (r,) = reopened.races()
    assert r.status == RaceStatus.FAILED and "Interrupted" in r.error
    assert not orphan.exists()


def test_catalog_is_migrated_and_versioned(home):
    Store(home).close()
    con = sqlite3.connect(home / "catalog.sqlite")
    assert con.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"races", "laps", "results"} <= tables
    # opening again does not re-run migrations
    Store(home).close()
    assert con.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_lap_meta_is_json(store):
    result = ingest_file(store, SHORT_RACE)
    for lap in result.laps:
        json.loads(lap.meta)
