"""FastF1 frames → Pitwall laps, channels and plain tables (pandas in, numpy / pyarrow out)."""

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from app.domain.models import Channels, LapData, LapFlag


def seconds(value) -> float | None:
    """A pandas Timedelta (or NaT) as float seconds (or None)."""
    if value is None or pd.isna(value):
        return None
    return float(pd.Timedelta(value).total_seconds())


def _plain(value):
    """numpy/pandas scalars → JSON-friendly Python values; NaN/NaT → None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return int(value) if float(value).is_integer() else float(value)
    return value


def lap_extra(row: pd.Series) -> dict:
    """The F1 fields of a lap that the generic lap model has no column for (kept in the lap's meta)."""
    return {
        "driver_number": _plain(row.get("DriverNumber")),
        "compound": _compound(row.get("Compound")),
        "tyre_life": _plain(row.get("TyreLife")),
        "fresh_tyre": _plain(row.get("FreshTyre")),
        "stint": _plain(row.get("Stint")),
        "pit_out": not pd.isna(row.get("PitOutTime")),
        "pit_in": not pd.isna(row.get("PitInTime")),
        "track_status": _plain(row.get("TrackStatus")) or None,
        "personal_best": bool(_plain(row.get("IsPersonalBest")) or False),
        "deleted": bool(_plain(row.get("Deleted")) or False),
        "deleted_reason": _plain(row.get("DeletedReason")) or None,
        "accurate": bool(_plain(row.get("IsAccurate")) or False),
        "position": _plain(row.get("Position")),
        "speed_trap": _plain(row.get("SpeedST")),
        "speed_i1": _plain(row.get("SpeedI1")),
        "speed_i2": _plain(row.get("SpeedI2")),
        "speed_fl": _plain(row.get("SpeedFL")),
        "end_time": seconds(row.get("Time")),  # session time at the end of the lap: gaps between drivers
        "fastf1_generated": bool(_plain(row.get("FastF1Generated")) or False),
    }


def _compound(value) -> str | None:
    """FastF1's compound; it keeps unknown ones as the text "nan" in some seasons (2018): those are None."""
    text = _plain(value)
    return text if isinstance(text, str) and text.strip() and text.strip().lower() not in ("nan", "none") else None


def lap_flags(extra: dict) -> list[LapFlag]:
    flags = []
    if extra["deleted"]:
        flags.append(LapFlag.INVALID)
    if extra["pit_out"]:
        flags.append(LapFlag.OUT_LAP)
    if extra["pit_in"]:
        flags.append(LapFlag.IN_LAP)
    return flags


class DriverTelemetry:
    """One driver's car data with position interpolated onto it, sliced per lap by session time."""

    def __init__(self, car: pd.DataFrame | None, pos: pd.DataFrame | None, frame_skip: int = 1) -> None:
        self.frame_skip = max(1, int(frame_skip))
        if car is None or len(car) < 2:
            self.t = np.empty(0)
            return
        self.t = car["SessionTime"].dt.total_seconds().to_numpy(np.float64)
        self.cols: Channels = {
            "speed": car["Speed"].to_numpy(np.float64),
            "throttle": car["Throttle"].to_numpy(np.float64),
            "brake": np.where(car["Brake"].to_numpy().astype(bool), 100.0, 0.0),
            "gear": car["nGear"].to_numpy(np.int16),
            "rpm": car["RPM"].to_numpy(np.float64),
            # Raw DRS codes 10/12/14 mean the flap is open; 8 means eligible. Viewers want open / closed.
            "drs": (car["DRS"].to_numpy() >= 10).astype(np.int8),
        }
        if pos is not None and len(pos) > 1:
            pt = pos["SessionTime"].dt.total_seconds().to_numpy(np.float64)
            for src, name in (("X", "x"), ("Y", "y"), ("Z", "z")):
                if src in pos:  # FastF1 positions are in 1/10 m
                    self.cols[name] = np.interp(self.t, pt, pos[src].to_numpy(np.float64) / 10.0)

    def lap(self, start: float | None, end: float | None) -> Channels:
        """Samples from `start` to `end` (session seconds); {} when there are fewer than two."""
        if start is None or end is None or len(self.t) < 2:
            return {}
        i0 = np.searchsorted(self.t, start, side="left")
        i1 = np.searchsorted(self.t, end, side="right")
        idx = np.arange(i0, i1, self.frame_skip)
        if len(idx) < 2:
            return {}
        t = self.t[idx]
        speed = self.cols["speed"][idx]
        # Distance along the lap: speed integrated over time (trapezoids), zero at the lap start.
        dist = np.concatenate(([0.0], np.cumsum((speed[1:] + speed[:-1]) / 2.0 / 3.6 * np.diff(t))))
        out: Channels = {"time": t - start, "session_time": t, "distance": dist}
        out.update({name: col[idx] for name, col in self.cols.items()})
        return out


def driver_code(row: pd.Series) -> str:
    """The driver's abbreviation, or the car number when FastF1 had no driver list (it then leaves it blank)."""
    code = _plain(row.get("Driver"))
    if isinstance(code, str) and code.strip():
        return code.strip()
    number = _plain(row.get("DriverNumber"))
    return str(number) if number is not None else "?"


def make_lap(row: pd.Series, channels: Channels, team_color: str | None) -> LapData:
    extra = lap_extra(row)
    return LapData(
        number=int(row["LapNumber"]),
        channels=channels,
        lap_time=seconds(row.get("LapTime")),
        sectors=(seconds(row.get("Sector1Time")), seconds(row.get("Sector2Time")), seconds(row.get("Sector3Time"))),
        flags=lap_flags(extra),
        start_time=seconds(row.get("LapStartTime")) or 0.0,
        driver=driver_code(row),
        team=_plain(row.get("Team")) or None,
        team_color=team_color,
        extra=extra,
    )


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def frame_to_table(df: pd.DataFrame) -> pa.Table:
    """A FastF1 table as an Arrow table: snake_case names, timedeltas as seconds, text as strings."""
    cols = {}
    for name in df.columns:
        col = df[name]
        key = "session_time" if name == "Time" and pd.api.types.is_timedelta64_dtype(col) else snake(name)
        if pd.api.types.is_timedelta64_dtype(col):
            cols[key] = pa.array(col.dt.total_seconds().to_numpy(), type=pa.float64())
        elif pd.api.types.is_datetime64_any_dtype(col):
            cols[key] = pa.array(col, type=pa.timestamp("ms"))
        elif pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            cols[key] = pa.array(col.to_numpy())
        else:
            cols[key] = pa.array([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                                  for v in col], type=pa.string())
    return pa.table(cols)
