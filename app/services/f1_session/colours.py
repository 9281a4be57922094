"""Tyre compound colours, as Pirelli marks them: one table for the window's docks (app/views/theme.py re-exports
it) and the session report. Plain data, no Qt, so the report and the command line use it without a display."""

from __future__ import annotations

UNKNOWN_COMPOUND = "#8a919c"  # the theme's muted grey

# 2019 on, lifted for the dark theme where needed (HARD is white).
COMPOUND_COLOURS = {"SOFT": "#ff4d4d", "MEDIUM": "#ffd54f", "HARD": "#f0f0f0", "INTERMEDIATE": "#43d162",
                    "WET": "#4f8dff", "TEST_UNKNOWN": UNKNOWN_COMPOUND, "UNKNOWN": UNKNOWN_COMPOUND}
# Up to 2018 the names and colours differed: SOFT was yellow, MEDIUM white, HARD ice blue.
COMPOUND_COLOURS_2018 = {**COMPOUND_COLOURS, "HYPERSOFT": "#ffb3c6", "ULTRASOFT": "#c86bff",
                         "SUPERSOFT": "#ff4d4d", "SOFT": "#ffd54f", "MEDIUM": "#f0f0f0", "HARD": "#6fc8ff",
                         "SUPERHARD": "#ff9a4d"}
OLD_COMPOUNDS = {"HYPERSOFT", "ULTRASOFT", "SUPERSOFT", "SUPERHARD"}


def compound_palette(compounds: set[str]) -> dict[str, str]:
    """The compound colours of a session: the 2018 scheme when its compounds carry the old names."""
    return COMPOUND_COLOURS_2018 if {c.upper() for c in compounds if c} & OLD_COMPOUNDS else COMPOUND_COLOURS


def compound_colour(compound: str | None, palette: dict[str, str] = COMPOUND_COLOURS) -> str:
    return palette.get((compound or "UNKNOWN").upper(), UNKNOWN_COMPOUND)
