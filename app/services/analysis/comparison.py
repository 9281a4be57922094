"""One comparison: laps against a reference on one axis, their deltas, segments and mini-sectors.

The window and `pitwall compare` both go through `analyse`; what they show is what it returns.
"""

from dataclasses import dataclass, field

from app.domain.track import Corner, TrackModel
from app.services.analysis.align import Aligned, align, reference_axis
from app.services.analysis.best import DEFAULT_MINISECTORS, MiniSectors, minisectors
from app.services.analysis.corners import detect_corners
from app.services.analysis.delta import Delta, delta
from app.services.analysis.segments import Segment, partition, scaled_corners, segment_table
from app.services.analysis.trace import LapTrace


@dataclass
class Comparison:
    reference: Aligned
    deltas: dict[str, Delta]  # lap id → delta (the reference included: zero)
    corners: list[Corner]  # on the reference's axis
    segments: list[Segment]
    minisectors: MiniSectors | None
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def sector_lines(self) -> list[float]:
        return list(self.reference.pins)

    def segment_rows(self, lap_id: str) -> list[dict]:
        return segment_table(self.deltas[lap_id], self.segments)


def default_reference(traces: list[LapTrace]) -> LapTrace | None:
    """The fastest clean lap with telemetry; out-laps, in-laps, partial and invalid laps only when nothing else."""
    with_data = [t for t in traces if t.has_telemetry]
    clean = [t for t in with_data if t.is_clean]
    if clean:
        return min(clean, key=lambda t: t.full_lap_time)
    return max(with_data, key=lambda t: len(t.channels["time"]), default=None)


def model_from(traces: list[LapTrace], track: str) -> TrackModel | None:
    """A track model from the fastest clean lap, its corners from the median of the clean laps given."""
    ref_trace = default_reference(traces)
    if ref_trace is None or not ref_trace.is_clean:
        return None
    ref = reference_axis(ref_trace)
    others = [align(t, ref) for t in traces if t.is_clean and t.has_telemetry and t is not ref_trace]
    return TrackModel(track=track, length=round(ref.clock.length, 1), sector_lines=[round(p, 1) for p in ref.pins],
                      corners=detect_corners([ref, *others]), source_lap=ref_trace.lap_id)


def analyse(laps: list[LapTrace], reference: LapTrace, model: TrackModel | None = None,
            minisector_count: int = DEFAULT_MINISECTORS) -> Comparison:
    """Every lap with telemetry against `reference` (which needs telemetry)."""
    ref = reference_axis(reference)
    aligned = {t.lap_id: (ref if t.lap_id == reference.lap_id else align(t, ref)) for t in laps if t.has_telemetry}
    aligned.setdefault(reference.lap_id, ref)
    deltas = {lap_id: delta(a, ref) for lap_id, a in aligned.items()}
    corners = scaled_corners(model, ref) if model is not None else detect_corners([ref])
    timed = [a for a in aligned.values() if a.method != "unpinned"]
    timed.sort(key=lambda a: a is not ref)  # the reference first: its length is the mini-sectors' axis
    return Comparison(ref, deltas, corners, partition(corners, ref.clock.length),
                      minisectors(timed, minisector_count) if timed else None,
                      notes={lap_id: a.notes for lap_id, a in aligned.items() if a.notes})


def compare_json(comparison: Comparison, lap_id: str) -> dict:
    """`pitwall compare --json`: a stable shape other tools read."""
    d = comparison.deltas[lap_id]
    lap, ref = d.lap.trace, comparison.reference.trace
    splits = [*d.lap.pins, comparison.reference.clock.length]
    lap_time_delta = None if lap.lap_time is None or ref.lap_time is None else round(lap.lap_time - ref.lap_time, 3)
    return {
        "lap": lap.lap_id, "reference": ref.lap_id, "lap_label": lap.label, "reference_label": ref.label,
        "lap_time_delta": lap_time_delta,
        "delta_at_line": round(d.at_line, 4),
        "uncertainty": round(float(d.uncertainty.max()), 4),
        "alignment": d.alignment,
        "alignment_residual_m": [round(r, 2) for r in d.lap.residual_m],
        "sectors": [{"sector": k + 1, "delta": round(float(d.at(x)), 4), "at": round(float(x), 1)}
                    for k, x in enumerate(splits)] if d.alignment != "unpinned" else [],
        "segments": comparison.segment_rows(lap_id),
        "notes": d.notes,
    }
