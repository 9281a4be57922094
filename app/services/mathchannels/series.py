"""A compared lap's channels as the worksheet docks read them: the series' own channels on the reference
axis, its `distance` (reference metres), and the math channels evaluated over that axis."""

from collections import ChainMap
from collections.abc import Iterator, Mapping

import numpy as np

from app.services.lap_series import LapSeries
from app.services.mathchannels import MathError, evaluate_all


class _Without(Mapping[str, np.ndarray]):
    """`channels` with some names hidden (math values another view stored in the series, maybe stale)."""

    def __init__(self, channels: Mapping[str, np.ndarray], hidden: set[str]) -> None:
        self._channels, self._hidden = channels, hidden

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._hidden:
            raise KeyError(name)
        return self._channels[name]

    def __contains__(self, name: object) -> bool:
        return name not in self._hidden and name in self._channels

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._channels if n not in self._hidden)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def series_channels(series: LapSeries, definitions: Mapping[str, str],
                    errors: dict[str, MathError] | None = None) -> Mapping[str, np.ndarray]:
    """Lazy: a series channel is read (aligned) only when asked for; the math channels are computed now, from
    `definitions` (never values left in the series by an earlier definition), with derivative/integrate
    against the series' lap time, or its reference distance."""
    own = _Without(series.channels, set(definitions))
    base: ChainMap[str, np.ndarray] = ChainMap({"distance": series.distance}, own)  # type: ignore[arg-type]
    math = evaluate_all(base, definitions, errors) if definitions else {}
    return base.new_child(math)
