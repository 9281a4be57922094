"""What the lap overlay says in words: its empty state, legend names, the readout line."""

from app.services.laps import format_lap_time
from app.views.theme import MUTED
from app.workers.analysis import SelectionAnalysis

EMPTY_TEXT = (
    "<div style='font-size:15pt; color:#e8eaed'>No laps to compare yet</div><br>"
    "<div style='line-height:160%'>"
    "<b>Open a race file</b>: File → Open race file… (Ctrl+O), or drag an AMS2 file onto the window<br>"
    "<b>Load an F1 session</b>: the <i>F1 sessions</i> tab, pick a year, event and session<br>"
    "<b>Try the demo</b>: File → Open the demo race<br><br>"
    "Then select laps in <i>Races &amp; laps</i> (Ctrl+click for more than one).</div>")


def legend_name(analysis: SelectionAnalysis, lap_id: str) -> str:
    """"Lap 4  1:37.499  (ref)", with the session when the laps come from several, and why a lap is not drawn."""
    name = f"{analysis.labels[lap_id]}  {format_lap_time(analysis.lap_times.get(lap_id))}"
    if lap_id == analysis.reference_id:
        name += "  (ref)"
    return name + why_not_drawn(analysis, lap_id, " · ")


def why_not_drawn(analysis: SelectionAnalysis, lap_id: str, sep: str) -> str:
    if lap_id in analysis.missing:
        return f"{sep}no telemetry"
    if lap_id in analysis.elsewhere:
        return f"{sep}other track ({analysis.elsewhere[lap_id]})"
    series = analysis.series.get(lap_id)
    if series is not None and len(series.distance) < 2:
        return f"{sep}no lap distance (in the pits)"
    return ""


def summary(analysis: SelectionAnalysis) -> str:
    """The readout line when the cursor is not on the plots: what is shown, or what to do."""
    if not analysis.selection:
        return f"<span style='color:{MUTED}'>Select laps in the browser to compare them.</span>"
    shown = len(analysis.series)
    if not shown:
        return f"<span style='color:{MUTED}'>None of the {len(analysis.selection)} lap(s) has telemetry " \
               f"to draw.</span>"
    text = f"{shown} of {len(analysis.selection)} lap(s) on the reference distance axis" if shown > 1 \
        else f"{analysis.labels.get(analysis.reference_id or '', 'The lap')} on its own"
    if analysis.comparison is not None and shown > 1:
        text += f" · aligned by {', '.join(sorted({s.delta.alignment for s in analysis.series.values()}))}"
    more = " Select more laps to compare them." if shown == 1 else ""
    return f"<span style='color:{MUTED}'>{text}. Move the mouse over the plots.{more}</span>"


def where(analysis: SelectionAnalysis, distance: float, ab: tuple[float, float] | None) -> str:
    """The readout line at the cursor: the distance, the reference's lap time there, the A/B range."""
    ref = analysis.series.get(analysis.reference_id or "")
    text = f"<b>{distance:.0f} m</b>"
    if ref is not None and len(ref.distance) > 1 and ref.distance[0] <= distance <= ref.distance[-1]:
        text += f" · {ref.value('time', distance):.2f} s into {analysis.labels[ref.lap_id]} (ref)"
    if ab is not None:
        text += f" · A/B {ab[0]:.0f}–{ab[1]:.0f} m"
    return text
