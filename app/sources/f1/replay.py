"""Point FastF1 at its cache, or at a folder of recorded responses, and run FastF1 calls safely.

FastF1 keeps its cache settings in class attributes (process-wide) and is not thread-safe, so every call goes
through `fastf1_call`, which holds one lock, (re)configures the cache when needed, captures FastF1's log
records (they become progress ticks and error details instead of console noise) and maps its failures to
PitwallError messages.
"""

import hashlib
import logging
import shutil
import tarfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import Cancelled, PitwallError, Progress, no_progress

_LOCK = threading.RLock()
_configured: tuple | None = None  # (cache_dir, recorded_dir) FastF1 is currently set up with

# The recorded responses carry `Vary: Accept-Encoding`; requests would add br/zstd when those packages are
# installed, and then every lookup misses.
RECORDED_ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True)
class F1Config:
    """Where FastF1 keeps its own cache, and the recorded responses to replay instead of the network."""

    cache_dir: Path
    recorded: Path | None = None

    @property
    def offline(self) -> bool:
        return self.recorded is not None


@dataclass
class CallLog:
    """What FastF1 said during one call: offline cache misses and warnings."""

    misses: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    messages: int = 0
    cancelled: bool = False


class _Capture(logging.Handler):
    """Collects FastF1's log records; each INFO line is a step of a load, used as a progress tick."""

    def __init__(self, log: CallLog, tick) -> None:
        super().__init__(logging.INFO)
        self.log = log
        self.tick = tick

    def emit(self, record: logging.LogRecord) -> None:
        url = getattr(record, "offline_cache_miss_url", None)
        if url:
            self.log.misses.append(url)
        elif record.levelno >= logging.WARNING:
            self.log.warnings.append(record.getMessage())
        self.log.messages += 1
        self.tick()  # may raise Cancelled: that stops FastF1 at its next log line


def recorded_layout(recorded: Path) -> tuple[Path, Path | None]:
    """The responses folder and the optional FastF1 parsed-cache seed inside a recorded folder.

    Accepted: DIR/http/*.json (+ DIR/stage2_seed/), or DIR/*.json directly.
    """
    recorded = Path(recorded)
    if recorded.is_file():
        raise PitwallError(f"Recorded FastF1 responses must be a folder or a .tar/.tar.gz/.tar.xz archive: {recorded}")
    if not recorded.is_dir():
        raise PitwallError(f"Recorded FastF1 folder not found: {recorded}")
    http = recorded / "http" if (recorded / "http").is_dir() else recorded
    if not any(http.glob("*.json")):
        raise PitwallError(f"No recorded FastF1 responses (*.json, requests-cache filesystem format) in {recorded}")
    seed = recorded / "stage2_seed"
    return http, (seed if seed.is_dir() else None)


def _snapshot(cfg: F1Config) -> tuple[Path, Path]:
    """Copy the recorded folder under FastF1's cache dir once, so nothing ever writes into the original.

    Returns (FastF1 cache dir to use, responses folder). The copy is keyed by the folder's path and file
    list, so editing the recording gives a fresh copy.
    """
    assert cfg.recorded is not None  # only when replaying a recording
    if _is_archive(cfg.recorded):
        return _snapshot_archive(cfg)
    http, seed = recorded_layout(cfg.recorded)
    files = sorted((p.name, p.stat().st_size) for p in http.glob("*.json"))
    key = hashlib.sha256(repr((str(Path(cfg.recorded).resolve()), files)).encode()).hexdigest()[:16]
    base = cfg.cache_dir / "recorded" / key
    done = base / ".complete"
    if not done.exists():
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(http, base / "http", ignore=shutil.ignore_patterns("*.tmp"))
        _seed_fastf1_cache(base, seed)
    return base / "fastf1", base / "http"


def _seed_fastf1_cache(base: Path, seed: Path | None) -> None:
    """FastF1's own cache folder for a snapshot, started from the recording's parsed cache; then mark it done."""
    (base / "fastf1").mkdir(parents=True, exist_ok=True)
    if seed is not None:
        shutil.copytree(seed, base / "fastf1", dirs_exist_ok=True)
    (base / ".complete").touch()


ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz")


def _is_archive(path: Path) -> bool:
    return Path(path).is_file() and Path(path).name.endswith(ARCHIVE_SUFFIXES)


def _snapshot_archive(cfg: F1Config) -> tuple[Path, Path]:
    """A recording shipped as one archive (the bundled demo): unpack it once under FastF1's cache dir."""
    assert cfg.recorded is not None
    archive = Path(cfg.recorded)
    stat = archive.stat()
    key = hashlib.sha256(repr((str(archive.resolve()), stat.st_size, stat.st_mtime_ns)).encode()).hexdigest()[:16]
    base = cfg.cache_dir / "recorded" / key
    if not (base / ".complete").exists():
        shutil.rmtree(base, ignore_errors=True)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(base / "source", filter="data")  # "data": no paths outside, no devices
        except (tarfile.TarError, OSError) as exc:
            shutil.rmtree(base, ignore_errors=True)
            raise PitwallError(f"Cannot unpack the recorded FastF1 responses {archive.name}: {exc}") from exc
        _seed_fastf1_cache(base, recorded_layout(base / "source")[1])
    http, _ = recorded_layout(base / "source")
    return base / "fastf1", http


def _configure(cfg: F1Config) -> None:
    global _configured
    import fastf1

    want = (cfg.cache_dir, cfg.recorded)
    if _configured == want:
        return
    fastf1.logger.LoggingManager._root_logger.removeHandler(fastf1.logger.LoggingManager._console_handler)
    logging.getLogger("fastf1").propagate = False  # FastF1 chatter is captured per call, never printed
    if cfg.offline:
        from requests_cache import FileCache

        ff1_dir, http_dir = _snapshot(cfg)
        # _backend is the (private) hook FastF1's own test-suite uses to replay a filesystem recording.
        fastf1.Cache.configure(cache_dir=str(ff1_dir), ignore_version=True, _backend=FileCache(str(http_dir)))
        fastf1.Cache.offline_mode(True)
        fastf1.Cache._requests_session_cached.headers["Accept-Encoding"] = RECORDED_ACCEPT_ENCODING
    else:
        cfg.cache_dir.mkdir(parents=True, exist_ok=True)
        fastf1.Cache.configure(cache_dir=str(cfg.cache_dir))
        fastf1.Cache.offline_mode(False)
    _configured = want


@contextmanager
def fastf1_call(cfg: F1Config, what: str, progress: Progress = no_progress,
                lo: int = 0, hi: int = 100, steps: int = 20) -> Iterator[CallLog]:
    """Run FastF1 code: one at a time, configured for `cfg`, quiet, with failures as PitwallError.

    Progress moves from `lo` toward `hi` percent with each FastF1 log line (about `steps` per call).
    """
    log = CallLog()

    def tick() -> None:
        done = lo + (hi - lo) * min(log.messages, steps) // steps
        if log.cancelled or progress(done, 100) is False:
            log.cancelled = True
            raise Cancelled()

    handler = _Capture(log, tick)
    with _LOCK:
        try:
            _configure(cfg)
        except OSError as exc:
            raise PitwallError(f"Could not prepare FastF1's cache in {cfg.cache_dir}: {exc.strerror or exc}") from exc
        logger = logging.getLogger("fastf1")
        logger.addHandler(handler)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # FastF1/Ergast warn for every missing response; `log` has them
                yield log
            if log.cancelled:  # FastF1 catches broad exceptions in places; the cancel must still win
                raise Cancelled()
        except (PitwallError, Cancelled):
            raise
        except Exception as exc:
            if log.cancelled:
                raise Cancelled() from exc
            raise PitwallError(explain(exc, what, cfg, log)) from exc
        finally:
            logger.removeHandler(handler)


def explain(exc: BaseException, what: str, cfg: F1Config, log: CallLog) -> str:
    """One line a person can act on, for a FastF1 / network failure."""
    import requests
    from fastf1.exceptions import RateLimitExceededError

    text = str(exc) or type(exc).__name__
    if isinstance(exc, RateLimitExceededError) or "calls/h" in text:
        return (f"{what}: FastF1's API rate limit was reached ({text}); F1 allows 500 calls per hour — "
                "wait and retry, sessions already in the cache open without it.")
    if cfg.offline and log.misses:
        return (f"{what}: the recorded FastF1 responses in {cfg.recorded} do not contain what is needed "
                f"({len(log.misses)} missing, e.g. {log.misses[0]}).")
    if isinstance(exc, requests.ConnectionError | requests.Timeout) or "Failed to load any schedule" in text:
        where = f"the recorded responses in {cfg.recorded}" if cfg.offline else "the network"
        return f"{what}: FastF1 could not reach its data through {where} ({text})."
    return f"{what}: {text}"
