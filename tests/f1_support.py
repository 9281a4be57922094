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
