"""Camera stills: time from request to first stored still, and stored stills per second across cameras.

A real GStreamer RTSP server (tests/servers/rtsp_server.py) serves four cameras (H.264 and MJPEG, moving
pattern and still image) at a known frame rate. Reference points measured in the same run:
- first still: a bare `cv2.VideoCapture(url)` + first `read()` with OpenCV's default options;
- throughput: the server's own frame rate times the number of cameras (what a grab can at best keep).
Last line: one JSON object.
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.services.cameras import target_for  # noqa: E402
from app.services.capture import grab_stills  # noqa: E402
from app.sources.camera._cv import cv2  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import report  # noqa: E402
from tests.servers.rtsp import RtspServer  # noqa: E402

FPS = 15
MOUNTS = ["h264", "mjpeg", "still_h264", "still_mjpeg"]
BURST_SECONDS = 4
REPEAT = 5


def bare_first_frame(url: str) -> float:
    """OpenCV as most code calls it: default FFmpeg options, constructor, first read."""
    saved = os.environ.pop("OPENCV_FFMPEG_CAPTURE_OPTIONS", None)
    try:
        t0 = time.perf_counter()
        cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG)
        ok, _ = cap.read()
        elapsed = time.perf_counter() - t0
        cap.release()
    finally:
        if saved is not None:
            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = saved
    assert ok, "bare OpenCV could not read the test camera"
    return elapsed


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="pitwall-bench-camera-"))
    server = RtspServer(ROOT / "tests" / "data" / "camera" / "pit_before.jpg", fps=FPS).start()
    try:
        settings = load_settings(home=work / "home")
        store = Store(settings.home)

        first, bare = {}, {}
        for mount in ("h264", "mjpeg"):
            url = server.url(mount)
            target = target_for(store, url, camera_id=f"bench_{mount}")
            times = []
            for _ in range(REPEAT):
                t0 = time.perf_counter()
                out = grab_stills(store, settings, target)
                assert out.frames and store.paths.absolute(out.frames[0].path).is_file()
                times.append(time.perf_counter() - t0)
            first[mount] = statistics.median(times)
            bare[mount] = statistics.median(bare_first_frame(url) for _ in range(REPEAT))
            print(f"{mount}: first stored still {first[mount]:.3f} s (median of {REPEAT}); "
                  f"bare OpenCV open+read {bare[mount]:.3f} s", file=sys.stderr)

        counts: dict[str, int] = {}
        steady: dict[str, float] = {}
        frames = FPS * BURST_SECONDS

        def burst(mount: str) -> None:
            target = target_for(store, server.url(mount), camera_id=f"bench_burst_{mount}")
            stored = grab_stills(store, settings, target, frames=frames).frames
            counts[mount] = len(stored)
            span = (stored[-1].captured_at - stored[0].captured_at).total_seconds()
            steady[mount] = (len(stored) - 1) / span  # stored stills per second once the stream runs

        threads = [threading.Thread(target=burst, args=(m,)) for m in MOUNTS]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        total = sum(counts.values())
        end_to_end = total / elapsed
        rate = sum(steady.values())
        reference = FPS * len(MOUNTS)
        print(f"{len(MOUNTS)} cameras at {FPS} fps, burst of {frames} each: {rate:.1f} stills/s stored while "
              f"streaming (server sends {reference} frames/s in all); {total} stills in {elapsed:.2f} s "
              f"= {end_to_end:.1f}/s with connection set-up", file=sys.stderr)
        store.close()
    finally:
        server.stop()

    first_s = statistics.mean(first.values())
    bare_s = statistics.mean(bare.values())
    ratio = rate / reference
    report("camera_stills_per_second", rate, reference, ratio, ">= 0.95 of the server frame rate", ratio >= 0.95,
           server_fps=FPS, cameras=len(MOUNTS), stills=total, end_to_end_stills_per_second=round(end_to_end, 1),
           first_still_seconds=round(first_s, 3), first_still_bare_opencv_seconds=round(bare_s, 3),
           first_still_ratio=round(first_s / bare_s, 2), first_still_target="<= 1.0 x bare OpenCV",
           first_still_met=first_s <= bare_s,
           first_still_by_codec={k: round(v, 3) for k, v in first.items()})


if __name__ == "__main__":
    main()
