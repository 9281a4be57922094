"""Math channels: named expressions over a lap's channels (`brake * speed`, `derivative(speed)`, …).

One entry point for every view and export: `evaluate_all(channels, definitions)` returns the math channels of
one lap, evaluated in dependency order (a math channel may read another; cycles are refused). Expressions are
parsed by a restricted AST checker (parse.py), never by Python `eval`. Pure numpy, no Qt.
"""

from collections import ChainMap
from collections.abc import Iterable, Mapping

import numpy as np

from app.services.mathchannels.evaluate import evaluate
from app.services.mathchannels.parse import AXES, CONSTANTS, FUNCTIONS, MathError, Parsed, parse, suggest_name

__all__ = ["AXES", "CONSTANTS", "FUNCTIONS", "MathError", "Parsed", "parse", "evaluate", "evaluate_all",
           "with_math", "check_definitions", "dependency_order", "check_edit"]


def dependency_order(definitions: Mapping[str, str]) -> tuple[list[str], dict[str, MathError]]:
    """Names in an order where each comes after the math channels it reads, and the errors of the rest
    (their own parse error, a cycle, or depending on a broken channel)."""
    errors: dict[str, MathError] = {}
    deps: dict[str, set[str]] = {}
    for name, text in definitions.items():
        why = suggest_name(name)
        if why:
            errors[name] = MathError(f"{name!r} cannot name a math channel: {why}")
            continue
        try:
            deps[name] = {n for n in parse(text).names if n in definitions}
        except MathError as exc:
            errors[name] = exc
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> bool:
        if name in errors:
            return False
        if state.get(name) == 2:
            return True
        if state.get(name) == 1:
            loop = path[path.index(name):] + [name]
            for member in loop[:-1]:
                errors[member] = MathError(f"math channels depend on each other: {' → '.join(loop)}")
            return False
        state[name] = 1
        ok = True
        for dep in sorted(deps[name]):
            if not visit(dep, path + [name]):
                ok = False
                if name not in errors:
                    errors[name] = MathError(f"it reads math channel {dep!r}, which has an error")
        state[name] = 2
        if ok and name not in errors:
            order.append(name)
        return ok and name not in errors

    for name in deps:
        visit(name, [])
    return order, errors


def check_definitions(definitions: Mapping[str, str], available: Iterable[str] | None = None
                      ) -> dict[str, MathError]:
    """Every problem, per math channel: syntax, unknown names (when `available` channels are given),
    names that hide a real channel, cycles."""
    _, errors = dependency_order(definitions)
    if available is not None:
        raw = set(available)
        known = raw | set(definitions)
        for name, text in definitions.items():
            if name in errors:
                continue
            if name in raw:
                errors[name] = MathError(f"{name!r} is already a channel of these laps; choose another name")
                continue
            try:
                parse(text, known)
            except MathError as exc:
                errors[name] = exc
    return errors


def check_edit(definitions: Mapping[str, str], name: str, text: str, available: Iterable[str] | None,
               old_name: str | None = None) -> dict[str, str]:
    """The definitions with `name` set to `text` (replacing `old_name` when renaming), or MathError naming
    what is wrong with this one edit. Nothing changes on error: the caller keeps its dict."""
    name = name.strip()
    why = suggest_name(name)
    if why:
        raise MathError(f"name: {why}")
    if name != old_name and name in definitions:
        raise MathError(f"name: there is already a math channel {name!r}")
    new = {k: v for k, v in definitions.items() if k != old_name}
    new[name] = text
    errors = check_definitions(new, available)
    if name in errors:
        raise errors[name]
    broken = sorted(k for k in errors if k not in check_definitions(definitions, available))
    if broken:
        raise MathError(f"this would break math channel {broken[0]!r}: {errors[broken[0]].message}")
    return new


def evaluate_all(channels: Mapping[str, np.ndarray], definitions: Mapping[str, str],
                 errors: dict[str, MathError] | None = None) -> dict[str, np.ndarray]:
    """The math channels of one lap (float64, one value per sample of `channels`), in dependency order.

    A math channel that cannot be evaluated over this lap is left out; pass `errors` to learn why.
    `channels` must not already contain the math names (a real channel wins: that math channel is skipped).
    """
    order, problems = dependency_order(definitions)
    out: dict[str, np.ndarray] = {}
    scope = ChainMap(out, channels)  # type: ignore[arg-type]  # lazy: only the channels an expression reads
    converted: dict[str, np.ndarray] = {}  # channels read as float64, once for all the math channels
    for name in order:
        if name in channels:
            problems[name] = MathError(f"{name!r} is already a channel of this lap")
            continue
        try:
            value = evaluate(parse(definitions[name]), scope, converted)
        except MathError as exc:
            problems[name] = exc
            continue
        out[name] = value
    if errors is not None:
        errors.update(problems)
    return out


def with_math(channels: Mapping[str, np.ndarray], definitions: Mapping[str, str]) -> dict[str, np.ndarray]:
    """The lap's channels and its math channels in one dict."""
    return {**channels, **evaluate_all(channels, definitions)}
