"""The race-file container: zlib( (u32 length, datagram)* ), optionally base64 text (the old upload API)."""

import base64
import binascii
import re
import struct
from dataclasses import dataclass

import numpy as np
from zlib_ng import zlib_ng  # same format as zlib, inflates ~3x faster: decompression dominates ingest

from app.errors import InvalidFile

_U32 = struct.Struct("<I")
_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
MAX_DATAGRAM = 65_507  # largest UDP payload; anything bigger is a broken length prefix


def decompress(blob: bytes) -> bytes:
    """Turn the bytes of a race file (binary or base64 text) into the raw packet stream."""
    if not blob:
        raise InvalidFile("The file is empty.")
    if blob[:1] != b"\x78" and _BASE64_TEXT.match(blob[:4096]):
        try:
            blob = base64.b64decode(blob, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise InvalidFile(f"The file looks like base64 text but does not decode: {exc}") from None
        if not blob:
            raise InvalidFile("The base64 text decodes to nothing.")
    if blob[:1] != b"\x78":
        raise InvalidFile(
            "Not an AMS2 race file: expected a zlib stream of UDP packets (or its base64 text), "
            f"found bytes starting {blob[:4].hex()}."
        )
    stream = zlib_ng.decompressobj()
    try:
        raw = stream.decompress(blob)
        raw += stream.flush()
    except zlib_ng.error as exc:
        raise InvalidFile(f"The race file is corrupt (zlib: {exc}).") from None
    if not stream.eof:
        raise InvalidFile("The race file is truncated: the zlib stream ends early.")
    return raw


@dataclass
class PacketIndex:
    """Where each datagram starts in the raw stream, with its type, version and length."""

    offsets: np.ndarray  # int64
    lengths: np.ndarray  # int32
    types: np.ndarray  # uint8
    versions: np.ndarray  # uint8


def index_packets(raw: bytes) -> PacketIndex:
    """Walk the length prefixes. The walk is sequential by nature; the decoding that follows is not."""
    offsets: list[int] = []
    unpack = _U32.unpack_from
    append = offsets.append
    pos, end = 0, len(raw)
    while pos + 4 <= end:
        (n,) = unpack(raw, pos)
        pos += 4
        if n > MAX_DATAGRAM or pos + n > end:
            raise InvalidFile(
                f"The race file is damaged: packet {len(offsets) + 1} at byte {pos - 4} claims {n} bytes "
                f"but only {end - pos} remain."
            )
        append(pos)
        pos += n
    if pos != end:
        raise InvalidFile(f"The race file is damaged: {end - pos} stray bytes at the end.")
    offs = np.fromiter(offsets, dtype=np.int64, count=len(offsets))
    buf = np.frombuffer(raw, dtype=np.uint8)
    lengths = np.empty(len(offs), dtype=np.int32)
    if len(offs):
        lengths[:-1] = np.diff(offs) - 4
        lengths[-1] = end - offs[-1]
    short = lengths < 12
    types = np.full(len(offs), 255, dtype=np.uint8)
    versions = np.zeros(len(offs), dtype=np.uint8)
    types[~short] = buf[offs[~short] + 10]
    versions[~short] = buf[offs[~short] + 11]
    return PacketIndex(offs, lengths, types, versions)


def gather(raw: bytes, offsets: np.ndarray, size: int) -> bytes:
    """Concatenate fixed-size packets into one contiguous buffer for a structured-dtype view."""
    return b"".join([raw[o : o + size] for o in offsets.tolist()])


def write_container(datagrams: list[bytes], level: int = 6) -> bytes:
    """Build a race file from datagrams (used by the recorder, tests and benchmarks)."""
    parts = []
    for d in datagrams:
        parts.append(_U32.pack(len(d)))
        parts.append(d)
    return zlib_ng.compress(b"".join(parts), level)
