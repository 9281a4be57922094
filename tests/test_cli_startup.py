"""Commands answer at once: registering them, listing races and reopening a cached F1 session load no heavy
library, and the quick sqlite3 catalog reader gives the same rows as the Store."""

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from app.cli import main
from app.config import load_settings
from app.home import resolve_home
from app.store.catalog_read import CatalogReader, LapRow, RaceRow, open_catalog
from app.store.schema import Lap, Race
from tests.conftest import DEMO_RACE, ROOT

HEAVY = ("fastf1", "pandas", "boto3", "cv2", "duckdb", "pyarrow", "sqlalchemy", "pydantic_settings", "PySide6")
SESSION = ("2025", "Australia", "FP1")


def imported_heavy(code: str, home) -> list[str]:
    """Run `code` in a fresh interpreter and return the heavy modules it left in sys.modules."""
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)")
    env = {**os.environ, "PITWALL_HOME": str(home)}
    env.pop("PITWALL_F1_FRAME_SKIP", None)
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cached_home(tmp_path_factory, f1_recorded):
    """A data directory with the demo race and one F1 session from the recording."""
    home = tmp_path_factory.mktemp("startup-home")
    assert main(["--home", str(home), "ingest", str(DEMO_RACE)]) == 0
    assert main(["--home", str(home), "f1", "load", *SESSION, "--f1-recorded", str(f1_recorded)]) == 0
    return home


def test_registering_commands_loads_nothing_heavy(tmp_path):
    assert imported_heavy("import app.cli; app.cli.build_parser()", tmp_path) == []


def test_listing_races_and_laps_loads_nothing_heavy(cached_home, capsys):
    assert imported_heavy("from app.cli import main; assert main(['races', '--json']) == 0", cached_home) == []
    capsys.readouterr()
    assert main(["--home", str(cached_home), "races", "--json"]) == 0
    race_id = json.loads(capsys.readouterr().out)[0]["race_id"]
    code = f"from app.cli import main; assert main(['laps', '{race_id}']) == 0"
    assert imported_heavy(code, cached_home) == []


def test_cached_f1_load_loads_neither_fastf1_nor_pandas(cached_home):
    code = f"from app.cli import main; assert main(['f1', 'load', *{SESSION!r}, '--json']) == 0"
    assert imported_heavy(code, cached_home) == []


def test_reader_rows_match_the_store(cached_home):
    # One schema: the quick reader's rows carry exactly the ORM columns, with the same values.
    assert [f.name for f in dataclasses.fields(RaceRow)] == list(Race.__table__.columns.keys())
    assert [f.name for f in dataclasses.fields(LapRow)] == list(Lap.__table__.columns.keys())
    from app.store import Store

    store, reader = Store(cached_home), open_catalog(cached_home)
    assert isinstance(reader, CatalogReader)
    try:
        races = store.races()
        assert len(races) == 2
        assert [dataclasses.astuple(r) for r in reader.races()] == \
            [tuple(getattr(r, f.name) for f in dataclasses.fields(RaceRow)) for r in races]
        assert reader.lap_counts() == store.lap_counts()
        for race in races:
            assert reader.race(race.id).created_at == race.created_at
            mine, theirs = reader.laps(race.id), store.laps(race.id)
            assert [dataclasses.astuple(lap) for lap in mine] == \
                [tuple(getattr(lap, f.name) for f in dataclasses.fields(LapRow)) for lap in theirs]
            assert [lap.flag_list for lap in mine] == [lap.flag_list for lap in theirs]
    finally:
        store.close()
        reader.close()


def test_reader_falls_back_to_the_store_for_a_new_home(tmp_path):
    from app.store.store import Store

    store = open_catalog(tmp_path / "fresh")
    assert isinstance(store, Store) and (tmp_path / "fresh" / "catalog.sqlite").is_file()
    store.close()


def test_quick_home_is_the_settings_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PITWALL_HOME", str(tmp_path / "a" / ".." / "b"))
    assert resolve_home() == load_settings().home == tmp_path / "b"
    monkeypatch.delenv("PITWALL_HOME")
    monkeypatch.setenv("pitwall_home", str(tmp_path / "lower"))  # Settings reads the environment in any case
    assert resolve_home() == load_settings().home
    assert resolve_home(tmp_path / "c") == load_settings(home=tmp_path / "c").home


def test_cli_choices_match_the_services():
    from app.cli.races import EXPORT_FORMATS
    from app.services.export import FORMATS

    assert EXPORT_FORMATS == FORMATS
