"""A compared lap's channels as the worksheet docks read them: the series' own channels on the reference
axis, its `distance` (reference metres), and the math channels evaluated over that axis."""

from collections import ChainMap
from collections.abc import Mapping

import numpy as np

from app.services.lap_series import LapSeries
from app.services.mathchannels import MathError, evaluate_all


def series_channels(series: LapSeries, definitions: Mapping[str, str],
                    errors: dict[str, MathError] | None = None) -> Mapping[str, np.ndarray]:
    """Lazy: a series channel is read (aligned) only when asked for; the math channels are computed now
    (derivative/integrate against the series' lap time, or its reference distance)."""
    base: ChainMap[str, np.ndarray] = ChainMap({"distance": series.distance}, series.channels)  # type: ignore[arg-type]
    todo = {k: v for k, v in definitions.items() if k not in series.channels}  # the overlay may have added them
    math = evaluate_all(base, todo, errors) if todo else {}
    return base.new_child(math)
