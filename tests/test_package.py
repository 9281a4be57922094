"""Install and package: the lock file covers pyproject and set-up honours it; the bundle's entry point and spec.

The bundle itself is built and smoke-tested by `./dev package` (packaging/smoke.py), which CI runs
(.ci/run) before the test suite: a PyInstaller build takes minutes, too long to repeat inside pytest.
"""

import hashlib
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements.lock"
STALE = "requirements.lock is out of date with pyproject.toml: run ./dev lock"


def locked() -> dict[str, list[tuple[Version, str | None]]]:
    """name -> [(version, marker)] from the lock (a package may be pinned per Python version)."""
    out: dict[str, list[tuple[Version, str | None]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;]+)\s*(?:;\s*(.+))?$", line.strip())
        if m:
            out.setdefault(canonicalize_name(m[1]), []).append((Version(m[2]), m[3]))
    return out


def here(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate()


def declared() -> list[Requirement]:
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for extra in ("test", "package"):
        reqs += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]]
    return reqs


def test_lock_pins_every_declared_dependency_within_its_range():
    pins = locked()
    assert len(pins) > 50
    for req in declared():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in the lock. {STALE}"
        for version, marker in pins[name]:
            if here(marker):
                assert req.specifier.contains(version, prereleases=True), f"{req} vs {version}. {STALE}"


def test_the_pyside6_pin_holds_in_the_lock():
    (version, _), *_ = locked()["pyside6-essentials"]
    assert Version("6.6") <= version < Version("6.12")


def test_setup_installed_exactly_the_locked_versions():
    venv = ROOT / ".venv"
    stamp = venv / ".pitwall-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()).hexdigest()
    if Path(sys.prefix).resolve() != venv.resolve() or not stamp.is_file() or stamp.read_text().strip() != want:
        pytest.skip("this environment was not set up from this lock by ./dev setup (CI's always is)")
    wrong = []
    for name, pins in locked().items():
        for version, marker in pins:
            if not here(marker):
                continue
            try:
                have = Version(metadata.version(name))
            except metadata.PackageNotFoundError:
                wrong.append(f"{name}: not installed (lock {version})")
                continue
            if have != version:
                wrong.append(f"{name}: {have} installed, lock {version}")
    assert not wrong, "\n".join(wrong) + "\n(./dev setup installs the lock; a hand-installed version differs)"


def test_setup_and_dev_install_from_the_lock():
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "-r requirements.lock" in setup and "requirements.lock" in setup.split("want=")[1].split("\n")[0]
    dev = (ROOT / "dev").read_text(encoding="utf-8")
    assert "package)" in dev and "lock)" in dev and "-o requirements.lock" in dev


def test_bundle_entry_is_the_cli_and_names_the_pyproject_version():
    out = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), "--version"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == f"pitwall {PYPROJECT['project']['version']}"
    import app

    assert app.__version__ == PYPROJECT["project"]["version"]  # the bundle's --version is pyproject's


def test_spec_takes_name_version_and_icon_from_the_project():
    spec = (ROOT / "packaging" / "pitwall.spec").read_text(encoding="utf-8")
    assert 'project["name"], project["version"]' in spec and 'name=f"{name}-{version}"' in spec
    assert 'name="pitwall"' in spec and "icon=icon" in spec
    assert (ROOT / "resources" / "pitwall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_wheel_carries_the_resources():
    """`pip install .` (not editable) must bring the demo race and the SQL reports along."""
    found = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert "resources*" in found and data["resources.demo"] == ["*"] and data["resources.queries"] == ["*"]
    assert (ROOT / "resources" / "demo" / "montreal_4laps.ams2").is_file()
    assert any((ROOT / "resources" / "queries").glob("*.sql"))


def _smoke():
    """packaging/smoke.py as a module (a file, not a package: `packaging` is the PyPI library's name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pitwall_smoke", ROOT / "packaging" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_smoke_team_archive_checks_pass_with_the_drivers_and_fail_without(tmp_path):
    """The bundle's team-archive checks, run on the installed command: psycopg and fsspec present → all three
    pass; a catalog URL whose driver is not installed (an ImportError inside) → the catalog checks fail."""
    smoke = _smoke()
    pitwall = Path(sys.executable).with_name("pitwall")
    env = smoke.clean_env(tmp_path / "home", tmp_path)
    catalog: dict[str, str] = {}  # replaces the smoke's catalog URL when set

    def run(*args, timeout=120, extra=None):
        extra = dict(extra or {})
        if "PITWALL_CATALOG_URL" in extra:
            extra.update(catalog)
        done = subprocess.run([str(pitwall), *args], cwd=tmp_path, env={**env, **extra}, capture_output=True,
                              text=True, timeout=timeout, check=False)
        return done, 0.0

    results: list[tuple[str, bool, str]] = []

    def check(name, ok, detail=""):
        results.append((name, ok, detail))
        return ok

    smoke.team_archive(run, check)
    assert [ok for _, ok, _ in results] == [True, True, True], results

    assert "pg8000" not in {(d.metadata["Name"] or "").lower() for d in metadata.distributions()}
    catalog["PITWALL_CATALOG_URL"] = "postgresql+pg8000://smoke:hush@127.0.0.1:1/pitwall"  # driver not installed
    results.clear()
    smoke.team_archive(run, check)
    assert [ok for _, ok, _ in results] == [False, False, True], results
    assert "pg8000" in results[0][2] and "hush" not in results[0][2]
