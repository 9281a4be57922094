"""Race status and lap flags: plain string enums, importable without numpy (the quick CLI paths use them)."""

from enum import StrEnum


class RaceStatus(StrEnum):
    PROCESSING = "Processing"
    READY = "Ready"
    FAILED = "Failed"


class LapFlag(StrEnum):
    INVALID = "invalid"  # the game invalidated the lap (track limits, cut)
    OUT_LAP = "out-lap"  # started in the pits / garage, not timed from the line
    IN_LAP = "in-lap"  # ended in the pits
    PARTIAL = "partial"  # recording started mid-lap, or the lap never reached the line
