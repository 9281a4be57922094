"""Push ~500 laps to a real SeaweedFS server: Pitwall's push against boto3's transfer manager uploading the
same files with the same concurrency (Pitwall's worker count, PITWALL_S3_CONCURRENCY) and the same client settings.

Both upload to fresh buckets on the same server in the same run; Pitwall's time includes what the baseline does
not do (hashing, catalog sync state, the manifest). Prints one JSON line last: ratio = baseline time / Pitwall
time (higher is better), target >= 1 (at least as fast as boto3 at equal concurrency).

`--rtt-ms N` puts a real TCP relay with N ms round-trip time between client and server (both measurements go
through it), as over a LAN or the internet. Default 0: straight to localhost, where on a small machine the
client's and the server's CPU, not the network, set the pace.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from boto3.s3.transfer import TransferConfig, create_transfer_manager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import netdelay  # noqa: E402  (bench/ is on sys.path when run as a script)

from app.config import load_settings  # noqa: E402
from app.domain.models import LapData, SessionData  # noqa: E402
from app.services.sync import target_from  # noqa: E402
from app.services.sync.push import push  # noqa: E402
from app.store import Store  # noqa: E402
from tests.servers.seaweedfs import SeaweedFS  # noqa: E402

TARGET = 1.0


def make_race(store: Store, tmp: Path, laps: int, samples: int) -> str:
    rng = np.random.default_rng(7)
    raw = tmp / "bench.deflate"
    raw.write_bytes(rng.bytes(2 * 1024 * 1024))
    race = store.begin_race("ams2", "bench", content_hash="bench")
    store.keep_raw(race.id, raw)
    t = np.linspace(0, 90, samples)
    data = SessionData("ams2", "bench", [LapData(number=i + 1, lap_time=90.0, start_time=90.0 * i, channels={
        "time": t, "distance": np.linspace(0, 4300, samples), "speed": rng.uniform(60, 320, samples),
        "throttle": rng.uniform(0, 100, samples), "brake": rng.uniform(0, 100, samples),
        "rpm": rng.uniform(3000, 12000, samples)}) for i in range(laps)], track="Bench")
    store.save_session(race.id, data)
    return race.id


def baseline(target, files: list[Path], home: Path) -> float:
    """boto3's own way to upload many files at once: one transfer manager, `target.concurrency` threads."""
    client = target.client()  # the client Pitwall's push builds: same retries and connection pool
    config = TransferConfig(max_concurrency=target.concurrency, multipart_threshold=target.multipart_threshold)
    start = time.perf_counter()
    with create_transfer_manager(client, config) as manager:
        futures = [manager.upload(str(path), target.bucket, path.relative_to(home).as_posix()) for path in files]
        for future in futures:
            future.result()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laps", type=int, default=500)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--rtt-ms", type=float, default=0.0, help="network round-trip time to emulate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-") as tmp:
        tmp = Path(tmp)
        server = SeaweedFS(tmp / "seaweedfs").start()
        relay = None
        try:
            store = Store(tmp / "home")
            race_id = make_race(store, tmp, args.laps, args.samples)
            home = store.paths.home
            files = [home / store.race(race_id).raw_path] + [home / lap.path for lap in store.laps(race_id)]
            size = sum(p.stat().st_size for p in files)
            client = server.client()
            for bucket in ("bench-plain", "bench-pitwall"):
                client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key="warm-up", Body=b"x")  # first write allocates a volume

            endpoint = server.endpoint
            if args.rtt_ms > 0:
                port, relay = netdelay.start(server.port, args.rtt_ms / 2000)
                endpoint = f"http://127.0.0.1:{port}"
            settings = load_settings(home=home, s3_endpoint=endpoint, s3_bucket="bench-pitwall",
                                     s3_access_key=server.access_key, s3_secret_key=server.secret_key)
            plain = baseline(target_from(settings, bucket="bench-plain"), files, home)
            start = time.perf_counter()
            report = push(store, target_from(settings))
            ours = time.perf_counter() - start
            assert len(report.uploaded) == len(files) + 1 and not report.failed, report.as_dict()
            store.close()
        finally:
            if relay is not None:
                relay.kill()
            server.stop()
    link = f"{args.rtt_ms:g} ms RTT relay" if args.rtt_ms else "localhost"
    print(f"{len(files)} files, {size / 1e6:.1f} MB over {link}, {settings.s3_concurrency} at a time: boto3 transfer "
          f"manager {plain:.2f} s, "
          f"pitwall push {ours:.2f} s (hash, catalog state, manifest included)", file=sys.stderr)
    ratio = plain / ours
    metric = "sync_push_speedup_vs_boto3_transfer_manager" + (f"_rtt{args.rtt_ms:g}ms" if args.rtt_ms else "")
    print(json.dumps({"metric": metric, "value": round(ours, 3),
                      "baseline": round(plain, 3), "ratio": round(ratio, 2), "target": TARGET,
                      "met": ratio >= TARGET}))


if __name__ == "__main__":
    main()
