"""The `.ldx` companion: XML beside the `.ld` with lap markers (beacons) and a few details MoTeC i2 shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from app.errors import InvalidFile
from app.fileio import write_atomic

US = 1e6  # marker times are microseconds from the start of the log


def ldx_path(ld: Path) -> Path:
    return Path(ld).with_suffix(".ldx")


def write_ldx(path: Path, markers: list[float], details: dict[str, str]) -> None:
    """markers: the session times (s) where a lap ends, in order."""
    root = ET.Element("LDXFile", Locale="English_United Kingdom.1252", DefaultLocale="C", Version="1.6")
    layer = ET.SubElement(ET.SubElement(root, "Layers"), "Layer")
    group = ET.SubElement(ET.SubElement(layer, "MarkerBlock"), "MarkerGroup", Name="Beacons", Index="3")
    for i, t in enumerate(markers):
        ET.SubElement(group, "Marker", Version="100", ClassName="BCN", Name=f"Manual.{i + 1}", Flags="77",
                      Time=f"{t * US:.6f}")
    ET.SubElement(layer, "RangeBlock")
    info = ET.SubElement(root.find("Layers"), "Details")  # type: ignore[arg-type]
    for key, value in details.items():
        ET.SubElement(info, "String", Id=key, Value=value)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    write_atomic(Path(path), lambda tmp: Path(tmp).write_text(f'<?xml version="1.0"?>\n{body}\n', encoding="utf-8"))


def read_ldx(path: Path) -> list[float]:
    """Beacon marker times (s), sorted; a damaged file is a clear error."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InvalidFile(f"{Path(path).name}: not a readable .ldx file ({exc})") from None
    times = []
    for marker in root.iter("Marker"):
        try:
            times.append(float(marker.get("Time", "")) / US)
        except ValueError:
            continue
    return sorted(times)
