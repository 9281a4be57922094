"""Parse a math channel expression into a small checked tree — never Python `eval`.

Python's own parser reads the text (`ast.parse(mode="eval")`); only a whitelist of node types survives, every
call must name a known function, and the text, node count and nesting depth are bounded, so an expression can
only combine channels arithmetically. Every error carries the column (0-based, in characters) of the mistake.
"""

import ast
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LENGTH = 1000  # characters
MAX_NODES = 300
MAX_DEPTH = 40

# name → (min args, max args, description); evaluation lives in evaluate.py
FUNCTIONS: dict[str, tuple[int, int, str]] = {
    "abs": (1, 1, "abs(x): absolute value"),
    "sqrt": (1, 1, "sqrt(x): square root"),
    "exp": (1, 1, "exp(x)"),
    "log": (1, 1, "log(x): natural logarithm"),
    "sin": (1, 1, "sin(x), radians"),
    "cos": (1, 1, "cos(x), radians"),
    "min": (2, 2, "min(a, b): the smaller, sample by sample"),
    "max": (2, 2, "max(a, b): the larger, sample by sample"),
    "clip": (3, 3, "clip(x, lo, hi)"),
    "where": (3, 3, "where(condition, a, b): a where the condition holds, else b"),
    "derivative": (1, 2, "derivative(x[, axis]): dx/dt per second, or per metre with axis `distance`"),
    "integrate": (1, 2, "integrate(x[, axis]): running integral over time (s), or over `distance` (m)"),
    "smooth": (2, 2, "smooth(x, n): centred moving average over n samples"),
    "mean": (1, 1, "mean(x): the lap's mean, on every sample"),
}
CONSTANTS = {"pi": 3.141592653589793, "g": 9.80665}
AXES = ("time", "distance")

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv)
_UNARY = (ast.UAdd, ast.USub, ast.Not)
_COMPARE = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_BOOL = (ast.And, ast.Or)


class MathError(ValueError):
    """An expression that cannot be used; `column` (0-based) points at the mistake."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = max(int(column), 0)

    def __str__(self) -> str:
        return f"column {self.column + 1}: {self.message}"


@dataclass(frozen=True)
class Parsed:
    text: str
    tree: ast.expr
    names: frozenset[str]  # channels (raw or math) the expression reads


def _column(text: str, node: ast.AST) -> int:
    """ast offsets count UTF-8 bytes; the editor counts characters."""
    offset = getattr(node, "col_offset", 0) or 0
    return len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def parse(text: str, known: Iterable[str] | None = None) -> Parsed:
    """Check `text`; with `known` (channel names available), unknown names are errors too."""
    parsed = _parse(text)  # cached: a worksheet's expressions are read once, not once per lap
    if known is not None:
        available = set(known) | set(CONSTANTS)
        for node in ast.walk(parsed.tree):
            if isinstance(node, ast.Name) and node.id not in available and node.id not in FUNCTIONS:
                hint = difflib.get_close_matches(node.id, sorted(available), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise MathError(f"unknown channel {node.id!r}{extra}", _column(_flat(text), node))
    return parsed


def _flat(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ").replace("\t", " ")  # one line: columns stay the same


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> Parsed:
    if not text.strip():
        raise MathError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise MathError(f"the expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    flat = _flat(text)
    try:
        tree = ast.parse(flat, mode="eval")
    except SyntaxError as exc:
        if not exc.offset or (exc.lineno or 1) > 1:  # it ended too soon: point just after the last character
            raise MathError("the expression ends too soon", len(flat.rstrip())) from None
        raise MathError(_syntax_message(exc), min(exc.offset - 1, len(flat))) from None
    names: set[str] = set()
    _check(flat, tree.body, names, 1, [0])
    return Parsed(text, tree.body, frozenset(names))


def _operator_column(text: str, node: ast.BinOp) -> int:
    """Where the operator between two operands is written (ast does not record it)."""
    start, end = _column(text, node.left), _column(text, node.right)
    left_end = getattr(node.left, "end_col_offset", None)
    if left_end is not None:
        start = len(text.encode("utf-8")[:left_end].decode("utf-8", errors="ignore"))
    for i in range(start, end):
        if text[i] not in " )":
            return i
    return end


def _syntax_message(exc: SyntaxError) -> str:
    msg = (exc.msg or "invalid syntax").replace("'(' was never closed", "a bracket is never closed")
    return msg if msg != "invalid syntax" else "this is not a valid expression here"


def _check(text: str, node: ast.AST, names: set[str], depth: int, count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise MathError(f"the expression has more than {MAX_NODES} parts", _column(text, node))
    if depth > MAX_DEPTH:
        raise MathError(f"the expression is nested deeper than {MAX_DEPTH} levels", _column(text, node))
    col = _column(text, node)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise MathError("only numbers can be written as constants", col)
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise MathError(f"{node.id} is a function: write {node.id}(…)", col)
        if node.id not in CONSTANTS:
            names.add(node.id)
        return
    children: list[ast.AST]
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise MathError("this operator is not allowed (use + - * / ** % //)", _operator_column(text, node))
        children = [node.left, node.right]
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise MathError("this operator is not allowed", col)
        children = [node.operand]
    elif isinstance(node, ast.Compare):
        if not all(isinstance(op, _COMPARE) for op in node.ops):
            raise MathError("only < <= > >= == != compare values", col)
        children = [node.left, *node.comparators]
    elif isinstance(node, ast.BoolOp):
        if not isinstance(node.op, _BOOL):
            raise MathError("only and / or combine conditions", col)
        children = list(node.values)
    elif isinstance(node, ast.IfExp):
        children = [node.body, node.test, node.orelse]
    elif isinstance(node, ast.Call):
        children = _check_call(text, node)
    else:
        raise MathError(f"{_describe(node)} is not allowed in a math channel", col)
    for child in children:
        _check(text, child, names, depth + 1, count)


def _check_call(text: str, node: ast.Call) -> list[ast.AST]:
    col = _column(text, node)
    if not isinstance(node.func, ast.Name):
        raise MathError("only the listed functions can be called", col)
    name = node.func.id
    if name not in FUNCTIONS:
        hint = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
        extra = f" (did you mean {hint[0]}?)" if hint else ""
        raise MathError(f"unknown function {name!r}{extra}", col)
    if node.keywords:
        raise MathError(f"{name}() takes no named arguments", _column(text, node.keywords[0].value))
    lo, hi, usage = FUNCTIONS[name]
    if any(isinstance(a, ast.Starred) for a in node.args) or not lo <= len(node.args) <= hi:
        raise MathError(f"wrong number of arguments — {usage}", col)
    args: list[ast.AST] = list(node.args)
    if name in ("derivative", "integrate") and len(args) == 2:
        axis = args[1]
        if not (isinstance(axis, ast.Name) and axis.id in AXES):
            raise MathError(f"{name}() integrates over time or distance: write `time` or `distance`",
                            _column(text, axis))
    if name == "smooth":
        n = args[1]
        if not (isinstance(n, ast.Constant) and isinstance(n.value, int) and not isinstance(n.value, bool)
                and 1 <= n.value <= 10001):
            raise MathError("smooth(x, n): n is a whole number of samples from 1 to 10001", _column(text, n))
        args = args[:1]
    return args


def _describe(node: ast.AST) -> str:
    kinds = {ast.Attribute: "an attribute (a.b)", ast.Subscript: "indexing (a[...])", ast.Lambda: "a lambda",
             ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
             ast.NamedExpr: "an assignment", ast.JoinedStr: "a string", ast.ListComp: "a comprehension",
             ast.GeneratorExp: "a comprehension", ast.Await: "await", ast.Starred: "unpacking"}
    for kind, label in kinds.items():
        if isinstance(node, kind):
            return label
    return type(node).__name__


def suggest_name(name: str) -> str | None:
    """Why `name` cannot name a math channel, or None when it can."""
    if not name.isidentifier():
        return "a name is letters, digits and _ and does not start with a digit"
    if name in FUNCTIONS or name in CONSTANTS or name in AXES:
        return f"{name} is a built-in name"
    import keyword
    if keyword.iskeyword(name):
        return f"{name} is a reserved word"
    return None
