"""Start the GStreamer RTSP test camera (tests/servers/rtsp_server.py) and a server that never answers."""

import select
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-gi bindings exist only for the system Python
SCRIPT = Path(__file__).with_name("rtsp_server.py")


@dataclass
class RtspServer:
    image: Path
    fps: int = 10
    port: int = 0
    proc: subprocess.Popen | None = None

    def url(self, mount: str, credentials: str = "") -> str:
        auth = f"{credentials}@" if credentials else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}/{mount.lstrip('/')}"

    def start(self, timeout: float = 20.0) -> "RtspServer":
        cmd = [SYSTEM_PYTHON, str(SCRIPT), "--image", str(self.image), "--fps", str(self.fps),
               "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline().decode().strip()
                if line.startswith("PORT "):
                    self.port = int(line.split()[1])
                    return self
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")[-800:]
                raise RuntimeError(f"RTSP test server exited (GStreamer packages installed? ./dev setup): {err}")
        self.kill()
        raise RuntimeError("RTSP test server did not start in time")

    def kill(self) -> None:
        """SIGKILL, like a camera losing power."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    stop = kill


class HungServer:
    """Accepts TCP connections and never says a word: a camera whose software has hung."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, mount: str = "stream") -> str:
        return f"rtsp://127.0.0.1:{self.port}/{mount}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


def refused_url() -> str:
    """An address where nothing listens (a camera that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"rtsp://127.0.0.1:{port}/stream"
