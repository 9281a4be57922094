"""Nothing in app/ may depend on POSIX-only behaviour outside a guarded place.

Guarded: under `if os.name ...` / `sys.platform` / `platform.system()` / `hasattr(...)`, or in a `try` whose
handlers catch ImportError or AttributeError. app/userfiles.py is the one place that sets file permissions
(chmod on POSIX, an ACL on Windows). The checker itself is tested on snippets, so it can fail.
"""

import ast

import pytest

from tests.conftest import ROOT

POSIX_MODULES = {"fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "posix", "crypt", "syslog"}
POSIX_OS_CALLS = {"fork", "forkpty", "kill", "killpg", "setsid", "setpgrp", "getpgid", "getuid", "geteuid",
                  "getgid", "chown", "lchown", "mkfifo", "wait", "waitpid", "uname", "sync", "nice"}
POSIX_SIGNAL_API = ("SIG", "alarm", "pause", "setitimer", "siginterrupt", "pthread_", "sigwait")
SIGNALS_OK = {"SIGINT", "SIGTERM", "SIG_DFL", "SIG_IGN", "signal", "getsignal", "Signals", "default_int_handler"}
POSIX_PATHS = ("/tmp", "/usr/", "/etc/", "/dev/", "/bin/", "/var/", "~/")
PERMISSIONS_MODULE = "app/userfiles.py"


def _is_guard(test: ast.expr) -> bool:
    text = ast.unparse(test)
    return any(k in text for k in ("os.name", "sys.platform", "platform.system", "hasattr("))


class Scanner(ast.NodeVisitor):
    def __init__(self, rel: str) -> None:
        self.rel, self.problems, self.guarded = rel, [], 0

    def flag(self, node: ast.AST, what: str) -> None:
        if not self.guarded:
            self.problems.append(f"{self.rel}:{getattr(node, 'lineno', '?')}: {what}")

    def visit_If(self, node: ast.If) -> None:
        if _is_guard(node.test):
            self.guarded += 1
            self.generic_visit(node)
            self.guarded -= 1
        else:
            self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
        guard = any(("ImportError" in c or "AttributeError" in c or "ModuleNotFoundError" in c) for c in caught)
        self.guarded += guard
        for stmt in node.body:
            self.visit(stmt)
        self.guarded -= guard
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in POSIX_MODULES:
                self.flag(node, f"imports POSIX-only module {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.split(".")[0] in POSIX_MODULES:
            self.flag(node, f"imports POSIX-only module {node.module}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = ast.unparse(node.value)
        if base == "os" and node.attr in POSIX_OS_CALLS:
            self.flag(node, f"os.{node.attr} is POSIX-only")
        if base == "os" and node.attr in {"chmod", "fchmod"} and self.rel != PERMISSIONS_MODULE:
            self.flag(node, f"os.{node.attr}: protect files with app.userfiles (user-only on every OS)")
        if base == "signal" and node.attr.startswith(POSIX_SIGNAL_API) and node.attr not in SIGNALS_OK:
            self.flag(node, f"signal.{node.attr}: only SIGINT and SIGTERM exist everywhere")
        if node.attr == "chmod" and base not in {"os"} and self.rel != PERMISSIONS_MODULE:
            self.flag(node, f"{base}.chmod: protect files with app.userfiles (user-only on every OS)")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = ast.unparse(node.func)
        if name.startswith("subprocess.") or name in {"os.system", "os.popen"}:
            text = ast.unparse(node)
            if name in {"os.system", "os.popen"}:
                self.flag(node, f"{name} runs a shell")
            if "shell=True" in text:
                self.flag(node, "subprocess with shell=True")
            if any(f"'{sh}" in text or f'"{sh}' in text for sh in ("bash", "sh", "/bin/")):
                self.flag(node, "shells out to bash/sh")
        if name.endswith("set_start_method") and "fork" in ast.unparse(node):
            self.flag(node, "multiprocessing start method fork")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value.startswith(POSIX_PATHS):
            self.flag(node, f"hard-coded POSIX path {node.value!r}: use pathlib/platformdirs/tempfile")


def scan(source: str, rel: str = "app/x.py") -> list[str]:
    scanner = Scanner(rel)
    scanner.visit(ast.parse(source))
    return scanner.problems


def test_app_has_no_posix_only_calls_outside_guards():
    problems = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        problems += scan(path.read_text(encoding="utf-8"), rel)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bad", [
    "import fcntl",
    "from pwd import getpwuid",
    "import os\nos.fork()",
    "import os\nos.kill(pid, 9)",
    "import signal\nsignal.signal(signal.SIGHUP, h)",
    "import signal\nsignal.alarm(3)",
    "import os\nos.chmod(p, 0o600)",
    "p.chmod(0o600)",
    "import subprocess\nsubprocess.run(['bash', '-c', 'ls'])",
    "import subprocess\nsubprocess.run('ls', shell=True)",
    "import os\nos.system('ls')",
    "cache = '/tmp/pitwall'",
    "home = '~/.pitwall'",
])
def test_checker_flags_posix_only_code(bad):
    assert scan(bad), bad


@pytest.mark.parametrize("good", [
    "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None",
    "import os\nif os.name == 'posix':\n    os.kill(pid, 9)",
    "import sys, signal\nif sys.platform != 'win32':\n    signal.signal(signal.SIGHUP, h)",
    "import signal\nsignal.signal(signal.SIGTERM, h)",
    "import subprocess\nsubprocess.run(['icacls', str(p)])",
    "from pathlib import Path\nPath.home() / '.pitwall'",
])
def test_checker_accepts_portable_or_guarded_code(good):
    assert scan(good) == [], good


def test_spec_and_packaging_are_platform_neutral():
    spec = (ROOT / "packaging" / "pitwall.spec").read_text(encoding="utf-8")
    assert scan(spec, "packaging/pitwall.spec") == []
    assert 'sys.platform == "darwin"' in spec  # the .app bundle only where it exists
    assert "pitwall.png" in spec and (ROOT / "resources" / "pitwall.png").is_file()


def test_secrets_file_is_user_only(tmp_path):
    import os
    import stat

    from app.userfiles import write_private_json

    target = tmp_path / "secrets" / "cameras.json"
    write_private_json(target, {"cam": {"password": "x"}})
    assert target.read_text() == '{"cam": {"password": "x"}}'
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert not target.with_suffix(".tmp").exists()
