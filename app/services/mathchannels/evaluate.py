"""Evaluate a checked expression tree over one lap's channels, vectorised with numpy.

Every channel is a float64 array of the lap's length; constants broadcast. Conditions are 0/1 arrays.
`derivative` and `integrate` work against the lap's `time` channel (seconds) unless `distance` is named.
"""

import ast
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from app.services.mathchannels.parse import CONSTANTS, MathError, Parsed, _column

Array = Any  # a float64 array or a numpy scalar (a constant, `mean(x)`), broadcast when combined


def evaluate(parsed: Parsed, channels: Mapping[str, np.ndarray],
             converted: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The expression over the lap: a float64 array as long as the lap's channels. `converted` keeps the
    channels already read as float64, shared by the math channels of one lap (each is converted once)."""
    length = _length(channels)
    with np.errstate(all="ignore"):  # 1/0 is inf, sqrt(-1) is NaN, as a spreadsheet would show
        out = _Eval(parsed.text, channels, length, {} if converted is None else converted).run(parsed.tree)
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 0:
        out = np.full(length, float(out))
    return out


def _length(channels: Mapping[str, Array]) -> int:
    for name in ("time", "distance"):
        if name in channels:
            return len(channels[name])
    return len(next(iter(channels.values()))) if channels else 0


class _Eval:
    def __init__(self, text: str, channels: Mapping[str, Array], length: int,
                 converted: dict[str, np.ndarray]) -> None:
        self.text, self.channels, self.length, self.converted = text, channels, length, converted

    def fail(self, message: str, node: ast.AST) -> MathError:
        return MathError(message, _column(self.text, node))

    def run(self, node: ast.AST) -> Array:
        if isinstance(node, ast.Constant):
            return np.float64(node.value)  # type: ignore[arg-type]  # parse() lets only numbers through
        if isinstance(node, ast.Name):
            return self.channel(node)
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](self.run(node.left), self.run(node.right))
        if isinstance(node, ast.UnaryOp):
            value = self.run(node.operand)
            if isinstance(node.op, ast.Not):
                return (~_truth(value)).astype(np.float64)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Compare):
            left = self.run(node.left)
            result = None
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.run(right_node)
                part = _COMPARE[type(op)](left, right)
                result = part if result is None else result & part
                left = right
            return np.asarray(result, dtype=np.float64)
        if isinstance(node, ast.BoolOp):
            parts = [_truth(self.run(v)) for v in node.values]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            acc = parts[0]
            for p in parts[1:]:
                acc = combine(acc, p)
            return np.asarray(acc, dtype=np.float64)
        if isinstance(node, ast.IfExp):
            return np.where(_truth(self.run(node.test)), self.run(node.body), self.run(node.orelse))
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail("not allowed", node)  # parse() never lets one through

    def channel(self, node: ast.Name) -> Array:
        if node.id in CONSTANTS:
            return np.float64(CONSTANTS[node.id])
        done = self.converted.get(node.id)
        if done is not None:
            return done
        col = self.channels.get(node.id)
        if col is None:
            raise self.fail(f"this lap has no channel {node.id!r}", node)
        try:
            col = np.asarray(col, dtype=np.float64)
        except (TypeError, ValueError):
            raise self.fail(f"channel {node.id!r} is not numeric", node) from None
        if col.shape != (self.length,):
            raise self.fail(f"channel {node.id!r} is not one value per sample", node)
        self.converted[node.id] = col
        return col

    def axis(self, call: ast.Call) -> Array:
        name = call.args[1].id if len(call.args) == 2 else "time"  # type: ignore[attr-defined]
        if name in self.converted:
            return self.converted[name]
        col = self.channels.get(name)
        if col is None:
            raise self.fail(f"this lap has no {name} channel to work against", call)
        self.converted[name] = out = np.asarray(col, dtype=np.float64)
        return out

    def call(self, node: ast.Call) -> Array:
        name = node.func.id  # type: ignore[attr-defined]
        if name == "smooth":
            return _smooth(self.full(self.run(node.args[0])), int(node.args[1].value))  # type: ignore[attr-defined]
        if name in ("derivative", "integrate"):
            x = self.full(self.run(node.args[0]))
            axis = self.axis(node)
            return _derivative(x, axis) if name == "derivative" else _integrate(x, axis)
        args = [self.run(a) for a in node.args]
        if name == "mean":
            finite = np.asarray(args[0])[np.isfinite(args[0])]
            return np.float64(finite.mean()) if finite.size else np.float64(np.nan)
        if name == "where":
            return np.where(_truth(args[0]), args[1], args[2])
        return _SIMPLE[name](*args)

    def full(self, value: Array) -> Array:
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (self.length,))


def _truth(value: Array) -> Array:
    """Non-zero is true; NaN is false (a missing sample never satisfies a condition)."""
    v = np.asarray(value, dtype=np.float64)
    return np.isfinite(v) & (v != 0)


def _derivative(x: Array, axis: Array) -> Array:
    """d x / d axis by central differences; NaN where the axis does not move (a repeated sample)."""
    if len(x) < 2:
        return np.full(len(x), np.nan)
    dx = np.gradient(x)
    da = np.gradient(axis)
    out = np.divide(dx, da, out=np.full(len(x), np.nan), where=da != 0)
    out[~np.isfinite(out)] = np.nan
    return out


def _integrate(x: Array, axis: Array) -> Array:
    """Running trapezoid integral from the lap's first sample; a NaN sample adds nothing."""
    if len(x) < 2:
        return np.zeros(len(x))
    v = np.where(np.isfinite(x), x, 0.0)
    steps = (v[1:] + v[:-1]) / 2 * np.diff(axis)
    return np.concatenate(([0.0], np.cumsum(np.where(np.isfinite(steps), steps, 0.0))))


def _smooth(x: Array, n: int) -> Array:
    """Centred moving average over n samples; the ends average what they have; NaN samples are skipped."""
    if n <= 1 or len(x) == 0:
        return np.array(x, dtype=np.float64)
    ok = np.isfinite(x)
    kernel = np.ones(n)
    total = np.convolve(np.where(ok, x, 0.0), kernel, mode="same")
    count = np.convolve(ok.astype(np.float64), kernel, mode="same")
    return np.divide(total, count, out=np.full(len(x), np.nan), where=count > 0)


_BINARY: dict[type, Callable[[Array, Array], Array]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
    ast.Pow: np.power, ast.Mod: np.mod, ast.FloorDiv: np.floor_divide,
}
_COMPARE: dict[type, Callable[[Array, Array], Array]] = {
    ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
    ast.Eq: np.equal, ast.NotEq: np.not_equal,
}
_SIMPLE: dict[str, Callable[..., Array]] = {
    "abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos,
    "min": np.fmin, "max": np.fmax, "clip": lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
}
