"""Smoke test of the app bundle, as a user would start it: no Python, no virtual environment on PATH, from a
folder outside the project, with a fresh data directory. Prints its measurements (size, start-up time) and,
last, one line 'package: N passed, N failed'. Exit 1 when a check failed.

    python packaging/smoke.py [dist/pitwall-VERSION]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
RACE = ROOT / "tests" / "data" / "montreal_short.ams2"


def bundle_dir(arg: str | None) -> Path:
    return Path(arg) if arg else ROOT / "dist" / f"{PROJECT['name']}-{PROJECT['version']}"


def clean_env(home: Path, empty: Path) -> dict[str, str]:
    """The user's environment minus anything Python: PATH is an empty folder, no venv, no PYTHON* variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA", "PITWALL_"))}
    env.update(PATH=str(empty), PITWALL_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def main(argv: list[str]) -> int:
    folder = bundle_dir(argv[1] if len(argv) > 1 else None)
    exe = folder / ("pitwall.exe" if os.name == "nt" else "pitwall")
    results: list[tuple[str, bool, str]] = []
    numbers: dict[str, float] = {}

    def check(name: str, ok: bool, detail: str = "") -> bool:
        results.append((name, ok, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    if not check("bundle exists", exe.is_file(), str(exe)):
        return report(results, numbers)
    files = [f for f in folder.rglob("*") if f.is_file() and not f.is_symlink()]  # a symlinked .so counts once
    numbers["size_mb"] = round(sum(f.stat().st_size for f in files) / 2**20, 1)
    with tempfile.TemporaryDirectory(prefix="pitwall-smoke-") as tmp:
        work, empty = Path(tmp), Path(tmp) / "empty-path"
        empty.mkdir()
        env = clean_env(work / "home", empty)

        def run(*args: str, timeout: float = 180, extra: dict[str, str] | None = None,
                ) -> tuple[subprocess.CompletedProcess, float]:
            t0 = time.perf_counter()
            done = subprocess.run([str(exe), *args], cwd=work, env={**env, **(extra or {})}, capture_output=True,
                                  text=True, timeout=timeout, check=False)
            return done, time.perf_counter() - t0

        done, _ = run("--version")
        check("pitwall --version names the pyproject version",
              done.returncode == 0 and done.stdout.strip() == f"pitwall {PROJECT['version']}", done.stdout.strip())
        startup = min(run("--help")[1] for _ in range(3))
        numbers["startup_help_s"] = round(startup, 3)
        done, _ = run("--help")
        check("pitwall --help lists the commands", done.returncode == 0 and "ingest" in done.stdout and
              "gui" in done.stdout)

        shot = work / "demo.png"
        done, took = run("gui", "--demo", "--screenshot", str(shot), timeout=300)
        numbers["demo_window_s"] = round(took, 2)
        size = shot.stat().st_size if shot.is_file() else 0
        check("the demo window renders to a PNG", done.returncode == 0 and size > 20_000,
              f"{size} bytes in {took:.1f} s {done.stderr.strip()[-300:]}")

        done, took = run("ingest", str(RACE), "--json")
        numbers["ingest_s"] = round(took, 2)
        race = json.loads(done.stdout) if done.returncode == 0 else {}
        check("ingest a race file", race.get("status") == "Ready" and len(race.get("laps", [])) > 0,
              f"{len(race.get('laps', []))} laps in {took:.1f} s {done.stderr.strip()[-300:]}")

        lap = next((x["lap_uuid"] for x in race.get("laps", []) if x.get("samples")), None)
        out = work / "lap.ld"
        done, _ = run("export", "--laps", str(lap), "--format", "motec", "-o", str(out))
        check("export a lap to MoTeC .ld", done.returncode == 0 and out.is_file() and out.with_suffix(".ldx").is_file(),
              done.stderr.strip()[-300:])
        done, _ = run("races", "--json")
        check("the cache lists the race", done.returncode == 0 and race.get("race_id", "?") in done.stdout)
        team_archive(run, check)
        gui = folder / ("pitwall-gui.exe" if os.name == "nt" else "pitwall-gui")
        done = subprocess.run([str(gui), "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        check("pitwall-gui is the window's command", done.returncode == 0 and "pitwall gui" in done.stdout,
              done.stderr.strip()[-300:])
    return report(results, numbers)


def team_archive(run, check) -> None:
    """The team archive's drivers are in the bundle: a PostgreSQL catalog nobody listens for is "cannot reach"
    (psycopg loaded), not an ImportError; a query in S3 mode registers the bucket through fsspec (offline: the
    endpoint is closed, the samples view is empty, the query still answers)."""
    closed = {"PITWALL_CATALOG_URL": "postgresql+psycopg://smoke:hush@127.0.0.1:1/pitwall"}
    done, _ = run("archive", "test", "--json", extra=closed)
    catalog = json.loads(done.stdout).get("catalog", {}) if done.stdout.strip().startswith("{") else {}
    check("PostgreSQL catalog: psycopg is bundled (archive test says cannot reach)",
          done.returncode == 2 and catalog.get("verdict") == "unreachable"
          and catalog.get("message", "").startswith("Cannot reach the catalog server")
          and "hush" not in done.stdout + done.stderr, (catalog.get("message") or done.stderr.strip())[-300:])
    done, _ = run("races", extra=closed)
    err = done.stderr.strip()
    check("PostgreSQL catalog: one-line error from a command", done.returncode == 1 and len(err.splitlines()) == 1
          and err.startswith("pitwall: Cannot open the catalog") and "No module" not in err
          and "hush" not in err, err[-300:])
    s3 = {"PITWALL_ARCHIVE": "s3", "PITWALL_S3_BUCKET": "smoke", "PITWALL_S3_ENDPOINT": "http://127.0.0.1:1",
          "PITWALL_S3_ACCESS_KEY": "smoke", "PITWALL_S3_SECRET_KEY": "hush"}
    done, _ = run("query", "select 42 as answer", "--json", extra=s3)
    check("S3 archive: DuckDB reads the bucket through fsspec", done.returncode == 0 and '"answer": 42' in done.stdout,
          done.stderr.strip()[-300:])


def report(results: list[tuple[str, bool, str]], numbers: dict[str, float]) -> int:
    print(json.dumps(numbers))
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"package: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
