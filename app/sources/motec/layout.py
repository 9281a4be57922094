"""Byte layout of a MoTeC `.ld` file, as publicly described (docs/motec.md): little-endian blocks linked by
absolute file offsets. Fields Pitwall does not know are kept as padding and written as the loggers write them.
"""

import struct

LD_MARKER = 0x40  # first u32 of every .ld file

# File header, 0x6E2 bytes. Offsets are in docs/motec.md.
HEADER = struct.Struct(
    "<I4x"  # marker
    "II"  # first channel-meta pointer, first data pointer
    "20x"
    "I"  # event pointer
    "24x"
    "HHH"  # constants 1, 0x4240, 0xF
    "I"  # device serial
    "8s"  # device type
    "H"  # device version
    "H"  # constant 0xADB0
    "I"  # number of channels
    "4x"
    "16s16x"  # date dd/mm/yyyy
    "16s16x"  # time hh:mm:ss
    "64s"  # driver
    "64s"  # vehicle id
    "64x"
    "64s"  # venue
    "64x"
    "1024x"
    "I"  # "pro logging" field
    "66x"
    "64s"  # short comment
    "126x"
)
EVENT = struct.Struct("<64s64s1024sH")  # name, session, comment, venue pointer (u16)
VENUE = struct.Struct("<64s1034xH")  # name, vehicle pointer (u16)
VEHICLE = struct.Struct("<64s128xI32s32s")  # id, weight, type, comment
CHANNEL = struct.Struct(
    "<IIII"  # previous meta, next meta, data pointer, sample count
    "H"  # running channel counter
    "HHH"  # type class, sample size in bytes, rate in Hz
    "hhhh"  # shift, multiplier, scale, decimal places: value = (raw / scale * 10**-dec + shift) * mul
    "32s8s12s"  # name, short name, unit
    "40x"
)

# (type class, sample size) -> numpy dtype of the raw samples
INT_CLASSES = (0x00, 0x03, 0x05)
FLOAT_CLASS = 0x07
DTYPES = {(0x03, 2): "<i2", (0x05, 4): "<i4", (0x07, 4): "<f4", (0x07, 2): "<f2",
          (0x00, 2): "<i2", (0x00, 4): "<i4", (0x03, 4): "<i4", (0x05, 2): "<i2"}

# Constants the loggers write, kept so readers that check them accept the file.
HEADER_CONSTANTS = (1, 0x4240, 0xF)
DEVICE_SERIAL = 0x1F44
DEVICE_TYPE = b"ADL"
DEVICE_VERSION = 420
HEADER_CONSTANT = 0xADB0
PRO_LOGGING = 0xC81A4
CHANNEL_COUNTER_BASE = 0x2EE1

assert HEADER.size == 0x6E2 and CHANNEL.size == 124, (HEADER.size, CHANNEL.size)


def text(raw: bytes) -> str:
    """A fixed-width field: up to the first NUL, decoded leniently (loggers pad with NULs or spaces)."""
    return raw.split(b"\0", 1)[0].decode("latin-1").strip()


def field(value: str | None, size: int) -> bytes:
    """Encode for a fixed-width field, cut so the terminating NUL always fits."""
    return (value or "").encode("latin-1", "replace")[: size - 1]
