"""A real PostgreSQL server for tests: Debian's `postgresql` binaries, a throwaway cluster in a temporary folder.

`initdb` refuses to run as root, so as root the cluster is created and run by the `postgres` system user (on a
folder it owns); otherwise by the current user. Start with .start(), stop with .stop(); .kill() is the
"server killed" fault (`pg_ctl -m immediate`), and .start() again brings the same cluster back.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers.seaweedfs import free_port

USER = "pitwall"
DATABASE = "pitwall"


def pg_bin() -> Path | None:
    """The folder of initdb/pg_ctl (the newest installed major version), None when PostgreSQL is missing."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin may link pg_ctl alone, not psql
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    return next((r for r in roots if (r / "initdb").exists()), None)


@dataclass
class Postgres:
    """`root` must be reachable by the postgres user when run as root: by default a fresh folder under /tmp
    (pytest's own temporary folders are private to root)."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pitwall-pg-")))
    port: int = field(default_factory=free_port)
    password: str = field(default_factory=lambda: "pw-" + secrets.token_hex(8))

    def __post_init__(self) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL not found: install Debian's postgresql package (scripts/setup.sh does)")
        self.run_as = "postgres" if os.geteuid() == 0 else None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = DATABASE, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        kwargs: dict = {}
        if self.run_as:
            info = pwd.getpwnam(self.run_as)
            kwargs = {"user": info.pw_uid, "group": info.pw_gid, "extra_groups": []}
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=self.root,
                              env={**os.environ, "PGPASSWORD": self.password, "LC_ALL": "C"}, **kwargs)
        if check and done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        return done

    def start(self) -> Postgres:
        if not self.data.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            pwfile = self.root / "pwfile"
            pwfile.write_text(self.password + "\n")
            if self.run_as:
                info = pwd.getpwnam(self.run_as)
                for path in (self.root, pwfile):
                    os.chown(path, info.pw_uid, info.pw_gid)
                os.chmod(self.root, 0o700)
            self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=md5", f"--pwfile={pwfile}",
                      "-E", "UTF8", "--no-sync")
            pwfile.unlink()
            fresh = True
        else:
            fresh = False
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        if fresh:
            self.psql(f"CREATE DATABASE {DATABASE}")
        return self

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", database,
                         "-v", "ON_ERROR_STOP=1", "-At", "-c", sql)
        return done.stdout.strip()

    def create_database(self, name: str) -> str:
        """A fresh, empty database on this server; returns its SQLAlchemy URL."""
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def kill(self) -> None:
        """The server dies: every connection is cut at once, nothing is shut down cleanly."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def remove(self) -> None:
        """Stop the server and delete the cluster."""
        self.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not come back")
            time.sleep(0.1)
