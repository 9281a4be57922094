"""Validate an image by its content: JPEG, PNG or WebP by magic bytes, complete, and decodable by OpenCV."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.errors import InvalidFile
from app.sources.camera._cv import cv2

MB = 1024 * 1024
FORMATS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}


@dataclass
class DecodedImage:
    data: bytes  # the original bytes, kept as received
    format: str  # jpeg | png | webp
    image: np.ndarray  # BGR
    width: int
    height: int

    @property
    def suffix(self) -> str:
        return FORMATS[self.format]


def sniff(data: bytes) -> str | None:
    """The image format the bytes start with, whatever the file is called."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _jpeg_complete(data: bytes) -> bool:
    """Walk the JPEG markers from start to end-of-image.

    libjpeg decodes a cut-off or scrambled file into a grey or garbled picture and only prints a warning, so
    the structure is checked here: header segments chain by their lengths, and inside compressed data a 0xFF
    byte is only ever followed by 0x00, a restart marker or the next segment.
    """
    i, n = 2, len(data)
    while i + 1 < n:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of image
            return True
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return False
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if length < 2:
            return False
        i += 2 + length
        if marker == 0xDA:  # start of scan: skip compressed data up to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return False
                follower = data[j + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7:
                    i = j + 2
                elif follower == 0xFF:
                    i = j + 1
                else:
                    i = j
                    break
    return False


def _complete(data: bytes, fmt: str) -> bool:
    """Decoders fill a cut-off image with grey and call it fine; check the structure ourselves."""
    if fmt == "jpeg":
        return _jpeg_complete(data)
    if fmt == "png":
        return data.rfind(b"IEND") > 8
    return len(data) >= int.from_bytes(data[4:8], "little") + 8  # webp: RIFF size covers the file


def decode_image(data: bytes, name: str = "image") -> DecodedImage:
    fmt = sniff(data)
    if fmt is None:
        raise InvalidFile(f"{name}: not a JPEG, PNG or WebP image (the content does not match any of them)")
    if not _complete(data, fmt):
        raise InvalidFile(f"{name}: the {fmt.upper()} image is damaged or cut off")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or not image.size:
        raise InvalidFile(f"{name}: the {fmt.upper()} image is damaged and cannot be decoded")
    height, width = image.shape[:2]
    return DecodedImage(data=data, format=fmt, image=image, width=width, height=height)


def read_image_file(path: Path, max_bytes: int) -> DecodedImage:
    """Read and validate one file; InvalidFile (one line, with the file name) when it cannot be imported."""
    path = Path(path)
    if not path.is_file():
        raise InvalidFile(f"{path.name}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidFile(f"{path.name}: {size / MB:.1f} MB is over the {max_bytes / MB:g} MB limit per image")
    if size == 0:
        raise InvalidFile(f"{path.name}: the file is empty")
    return decode_image(path.read_bytes(), path.name)


def encode_jpeg(image: np.ndarray, quality: int = 92) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise InvalidFile("Could not encode the frame as JPEG")
    return buf.tobytes()


def thumbnail(image: np.ndarray, max_side: int = 320) -> bytes:
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(image, (max(1, round(width * scale)), max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
    return encode_jpeg(image, 85)
