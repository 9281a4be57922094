"""The console session the dock uses: history, refresh after ingest, cancel from another thread."""

import threading
import time

import pytest

from app.config import load_settings
from app.errors import Cancelled, PitwallError
from app.services.analytics.session import ConsoleSession
from app.services.ingest import ingest_file
from tests.conftest import SHORT_RACE


def test_session_runs_refreshes_and_cancels(store, home):
    session = ConsoleSession(store, load_settings(home=home))
    assert session.run("SELECT count(*) AS n FROM {{LAPS}}").records() == [{"n": 0}]
    ingest_file(store, SHORT_RACE)
    assert session.run("SELECT count(*) AS n FROM laps").records() == [{"n": 0}]  # same snapshot until refresh
    session.refresh()
    assert session.run("SELECT count(*) AS n FROM laps").records() == [{"n": len(store.laps(store.races()[0].id))}]

    errors: list[BaseException] = []

    def long_query() -> None:
        try:
            session.run("SELECT count(*) FROM range(20000000000) a WHERE hash(a.range) = 1")
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=long_query)
    worker.start()
    time.sleep(0.3)
    with pytest.raises(PitwallError, match="already running"):
        session.run("SELECT 1")
    session.cancel()
    worker.join(5)
    assert not worker.is_alive() and isinstance(errors[0], Cancelled)
    assert session.run("SELECT 2 AS two").records() == [{"two": 2}]
    assert session.history.items[-1] == "SELECT 2 AS two"
    session.close()
