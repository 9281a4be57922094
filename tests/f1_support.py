"""Helpers for the FastF1 tests: the recorded responses, a network block, every session loaded once."""

import tarfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from app.config import load_settings
from app.services.f1 import F1OpenResult, open_session
from app.store import Store

ARCHIVE = Path(__file__).resolve().parent.parent / "resources" / "demo" / "f1-recorded.tar.xz"

# The sessions in the recording, and their lap counts as documented with the recording.
SESSIONS = {
    (2023, "Azerbaijan", "Q"): 356,
    (2018, "Azerbaijan", "R"): 848,
    (2019, "Italy", "Q"): 275,
    (2024, "British", "FP1"): 459,
    (2025, "Miami", "S"): 331,
    (2025, "Australia", "FP1"): 421,
}


def unpack_recorded(dest: Path) -> Path:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(dest, filter="data")
    return dest


@contextmanager
def block_network():
    attempts: list[str] = []
    original = requests.adapters.HTTPAdapter.send

    def refuse(self, request, *args, **kwargs):
        attempts.append(request.url)
        raise requests.ConnectionError(f"network blocked in tests: {request.url}")

    requests.adapters.HTTPAdapter.send = refuse
    try:
        yield attempts
    finally:
        requests.adapters.HTTPAdapter.send = original


@dataclass
class Loaded:
    store: Store
    settings: object
    results: dict[tuple, F1OpenResult] = field(default_factory=dict)


def load_all(home: Path, recorded: Path) -> Loaded:
    settings = load_settings(home=home, f1_recorded=recorded)
    loaded = Loaded(Store(settings.home), settings)
    for key in SESSIONS:
        loaded.results[key] = open_session(loaded.store, settings, *key)
    return loaded


def load_without_driver_list(recorded: Path, base: Path) -> tuple[Store, F1OpenResult]:
    """2024 British FP1 with its driver list and its Ergast results taken out of a copy of the recording: FastF1
    then builds a minimal driver list from timing data (car numbers only, no names, no team colours)."""
    import json
    import shutil

    copy = base / "recorded"
    shutil.copytree(recorded, copy)
    dropped = 0
    for path in (copy / "http").glob("*.json"):
        url = json.loads(path.read_text())["url"]
        if url.endswith("2024-07-05_Practice_1/DriverList.jsonStream") or "/ergast/f1/2024/12/" in url:
            path.unlink()
            dropped += 1
    assert dropped >= 2, "the recording changed: no driver list / Ergast responses to take out"
    settings = load_settings(home=base / "home", f1_recorded=copy, f1_cache=base / "ff1")
    store = Store(settings.home)
    with block_network() as attempts:
        result = open_session(store, settings, 2024, "British", "FP1")
    assert not attempts, attempts
    return store, result
