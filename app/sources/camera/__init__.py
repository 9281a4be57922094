"""Pit-lane cameras: RTSP grabs (OpenCV/FFmpeg) and image import, no Qt. Stored by app.services.frames."""

from app.sources.camera.images import DecodedImage, decode_image, read_image_file
from app.sources.camera.limiter import StreamLimiter, shared_limiter
from app.sources.camera.rtsp import CameraError, GrabOptions, GrabResult, PreviewStream, Still, grab
from app.sources.camera.urls import Credentials, check_camera_id, mask_secrets, mask_url, split_credentials

__all__ = [
    "CameraError", "Credentials", "DecodedImage", "GrabOptions", "GrabResult", "PreviewStream", "Still",
    "StreamLimiter", "check_camera_id", "decode_image", "grab", "mask_secrets", "mask_url", "read_image_file",
    "shared_limiter", "split_credentials",
]
