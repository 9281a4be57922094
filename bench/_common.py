"""Shared bench helpers: timing and the one-line JSON result every bench prints last."""

import json
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def report(metric: str, value: float, baseline: float, ratio: float, target: str, met: bool, **extra) -> None:
    print(json.dumps({"metric": metric, "value": round(value, 4), "baseline": round(baseline, 4),
                      "ratio": round(ratio, 2), "target": target, "met": bool(met), **extra}))
