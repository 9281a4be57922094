"""The race-file container: zlib( (u32 length, datagram)* ), optionally base64 text (the old upload API).

Read as a stream (compressed blocks in, raw chunks out) so that memory does not grow with the recording. A file
cut short or damaged gives everything that can be read, and `Damage` says in words what was lost.
"""

import base64
import binascii
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
from zlib_ng import zlib_ng  # same format as zlib, inflates ~3x faster: decompression dominates ingest

from app.errors import InvalidFile
from app.sources.ams2.walk import walk

_U32 = struct.Struct("<I")
_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_NOT_BASE64 = bytes(sorted(set(range(256)) - set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")))
READ_BLOCK = 4 << 20  # compressed bytes read at a time
CHUNK = 16 << 20  # raw bytes per inflate call: what the walk and the decoder work on at once
SALVAGE_STEP = 64 << 10  # after a zlib error, re-inflate in steps this small to keep what precedes it


@dataclass
class Damage:
    """What could not be read, as sentences for the user; empty for a sound file."""

    warnings: list[str] = field(default_factory=list)
    read: int = 0  # bytes of the file read so far (progress)

    def add(self, message: str) -> None:
        self.warnings.append(message)


def compressed_blocks(fh: BinaryIO, damage: Damage) -> Iterator[bytes]:
    """The zlib bytes of a race file, binary or base64 text, a block at a time."""
    first = fh.read(READ_BLOCK)
    damage.read += len(first)
    if not first:
        raise InvalidFile("The file is empty.")
    blocks = _blocks(first, fh, damage)
    if first[:1] != b"\x78" and _BASE64_TEXT.match(first[:4096]):
        blocks = _base64_blocks(blocks, damage)
    head = next((b for b in blocks if b), None)  # base64 text may decode a block to nothing
    if head is None:
        raise InvalidFile("The base64 text decodes to nothing.")
    if head[:1] != b"\x78":
        raise InvalidFile(
            "Not an AMS2 race file: expected a zlib stream of UDP packets (or its base64 text), "
            f"found bytes starting {head[:4].hex()}."
        )
    yield head
    yield from blocks


def _blocks(first: bytes, fh: BinaryIO, damage: Damage) -> Iterator[bytes]:
    yield first
    while block := fh.read(READ_BLOCK):
        damage.read += len(block)
        yield block


def _base64_blocks(text_blocks: Iterator[bytes], damage: Damage) -> Iterator[bytes]:
    rest = b""
    decoded = 0
    for text in text_blocks:
        text = rest + text.translate(None, _NOT_BASE64)
        cut = len(text) - len(text) % 4
        rest = text[cut:]
        try:
            out = base64.b64decode(text[:cut])
        except (binascii.Error, ValueError) as exc:
            if not decoded:
                raise InvalidFile(f"The file looks like base64 text but does not decode: {exc}") from None
            damage.add(f"The base64 text is damaged after {decoded} decoded bytes ({exc}); the rest was not read.")
            return
        decoded += len(out)
        yield out
    if rest.strip(b"="):
        damage.add(f"The base64 text ends with {len(rest)} stray characters; they were ignored.")


def inflate(blocks: Iterator[bytes], damage: Damage) -> Iterator[bytes]:
    """Raw chunks of at most CHUNK bytes. A cut, a corrupt stretch or trailing bytes end the stream with a
    warning instead of an error: what came before is kept."""
    stream = zlib_ng.decompressobj()
    fed = 0  # compressed bytes fully handed to the inflater
    for block in blocks:
        data = block
        while data:
            # cheap (the 32 KB window): lets an error keep the output before it; zlib_ng's stub omits copy()
            before = stream.copy()  # type: ignore[attr-defined]
            try:
                out = stream.decompress(data, CHUNK)
            except zlib_ng.error as exc:  # type: ignore[misc]  # the stub declares `error` an instance
                yield from _salvage(before, data)
                lost = len(data) + sum(len(b) for b in blocks)
                if "incorrect data check" in str(exc):  # everything was inflated; the checksum says it is off
                    damage.add("The zlib checksum at the end of the file does not match: some of the data "
                               "is corrupt.")
                else:
                    damage.add(f"The zlib stream is corrupt at about byte {fed} of the file ({exc}); "
                               f"the rest ({lost} compressed bytes) could not be read.")
                return
            if out:
                yield out
            if stream.eof:
                extra = len(stream.unused_data) + sum(len(b) for b in blocks)
                if extra:
                    damage.add(f"{extra} bytes after the end of the zlib stream were ignored.")
                return
            tail = stream.unconsumed_tail
            fed += len(data) - len(tail)
            data = tail
    try:
        out = stream.flush()
    except zlib_ng.error:  # type: ignore[misc]  # the stub declares `error` an instance, not a class
        out = b""
    if out:
        yield out
    damage.add("The zlib stream is truncated: it stops before its end marker (the recording was cut off, or the "
               "copy is partial); everything up to the cut was read.")


def _salvage(stream, data: bytes) -> Iterator[bytes]:
    """Re-inflate the block that failed in small steps, keeping every step before the bad one."""
    while data:
        try:
            out = stream.decompress(data, SALVAGE_STEP)
        except zlib_ng.error:  # type: ignore[misc]  # the stub declares `error` an instance, not a class
            return
        if out:
            yield out
        if stream.eof:
            return
        data = stream.unconsumed_tail


def raw_chunks(fh: BinaryIO, damage: Damage) -> Iterator[bytes]:
    return inflate(compressed_blocks(fh, damage), damage)


def decompress(blob: bytes) -> bytes:
    """The whole raw packet stream of a sound race file (tests and tools; ingest streams instead)."""
    import io

    damage = Damage()
    raw = b"".join(raw_chunks(io.BytesIO(blob), damage))
    if damage.warnings:
        raise InvalidFile(damage.warnings[0])
    return raw


@dataclass
class PacketIndex:
    """Where each datagram starts in the raw stream, with its type, version and length."""

    offsets: np.ndarray  # int64
    lengths: np.ndarray  # int32
    types: np.ndarray  # uint8
    versions: np.ndarray  # uint8


def index_packets(raw: bytes) -> PacketIndex:
    """Every datagram of a sound raw stream (tests and tools)."""
    w = walk(raw, 0)
    if w.stop != len(raw):
        raise InvalidFile(f"The race file is damaged: the packets stop making sense at byte {w.stop}.")
    buf = np.frombuffer(raw, dtype=np.uint8)
    starts = w.starts
    lengths = np.diff(np.append(starts, len(raw))).astype(np.int32) - 4
    return PacketIndex(starts + 4, lengths, buf[starts + 14], buf[starts + 15])


def write_container(datagrams: list[bytes], level: int = 6) -> bytes:
    """Build a race file from datagrams (used by tests and benchmarks)."""
    parts = []
    for d in datagrams:
        parts.append(_U32.pack(len(d)))
        parts.append(d)
    return zlib_ng.compress(b"".join(parts), level)
