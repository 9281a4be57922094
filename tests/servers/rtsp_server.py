"""A real RTSP camera for tests: GStreamer's RTSP server, run with Debian's /usr/bin/python3 (it has `gi`).

Mounts (all 640x360 unless the still image is another size):
  /h264          moving test pattern, H.264
  /mjpeg         moving test pattern, MJPEG
  /still_h264    a still image (--image, JPEG) served as a camera, H.264
  /still_mjpeg   the same still image, MJPEG
  /tcp_only      the still image, MJPEG, refusing RTP over UDP (proves the transport option is honoured)

Prints `PORT <n>` on stdout once it listens, then serves until killed.
Usage: /usr/bin/python3 tests/servers/rtsp_server.py --image still.jpg [--fps 10] [--port 0]
"""

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

H264 = "x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} ! rtph264pay name=pay0 pt=96"
MJPEG = "videoconvert ! video/x-raw,format=I420 ! jpegenc ! rtpjpegpay name=pay0 pt=26"


def launch_lines(image: str, fps: int) -> dict[str, str]:
    pattern = f"videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate={fps}/1"
    still = (f"multifilesrc location={image} loop=true ! jpegdec ! videoconvert ! videorate ! "
             f"video/x-raw,framerate={fps}/1")
    h264 = H264.format(fps=fps)
    return {
        "/h264": f"( {pattern} ! {h264} )",
        "/mjpeg": f"( {pattern} ! {MJPEG} )",
        "/still_h264": f"( {still} ! videoconvert ! video/x-raw,format=I420 ! {h264} )",
        "/still_mjpeg": f"( {still} ! {MJPEG} )",
        "/tcp_only": f"( {still} ! {MJPEG} )",
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for path, line in launch_lines(args.image, args.fps).items():
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(line)
        factory.set_shared(True)  # many clients, one pipeline: like a real camera
        if path == "/tcp_only":
            factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
        mounts.add_factory(path, factory)
    if server.attach(None) == 0:
        print("could not listen", file=sys.stderr)
        return 1
    print(f"PORT {server.get_bound_port()}", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
