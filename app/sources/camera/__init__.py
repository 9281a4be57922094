"""Pit-lane cameras: RTSP grabs (OpenCV/FFmpeg) and image import, no Qt. Stored by app.services.frames.

The names below load on first use: OpenCV takes a while to import, and the window and the command line
should not pay for it before a camera is used.
"""

from importlib import import_module

_WHERE = {
    "CameraError": "rtsp", "GrabOptions": "rtsp", "GrabResult": "rtsp", "PreviewStream": "rtsp", "Still": "rtsp",
    "grab": "rtsp",
    "DecodedImage": "images", "decode_image": "images", "read_image_file": "images",
    "StreamLimiter": "limiter", "shared_limiter": "limiter",
    "Credentials": "urls", "check_camera_id": "urls", "mask_secrets": "urls", "mask_url": "urls",
    "split_credentials": "urls",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"app.sources.camera.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'app.sources.camera' has no attribute {name!r}")
