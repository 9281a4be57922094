"""Import OpenCV through here: FFmpeg prints addresses in its messages, so it is kept quiet.

The log levels are read when the FFmpeg backend first loads, so they are set before anything opens a stream.
"""

import os

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2  # noqa: E402

__all__ = ["cv2"]
