"""A session report as HTML (one self-contained file, charts inline) or PDF (the same page through QTextDocument
and QPdfWriter). The content comes from app.services.session_report; this module only lays it out."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.errors import PitwallError
from app.fileio import write_atomic
from app.services.f1_session.drivers import shown_code
from app.services.laps import format_lap_time
from app.services.session_report import SessionReport, lap_table
from app.services.session_report_f1 import pace_table, stint_table
from app.views import report_charts

FORMATS = (".html", ".pdf")
CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #222; }
h1 { font-size: 16pt; margin-bottom: 2px; } h2 { font-size: 12pt; margin-top: 14px; }
table { border-collapse: collapse; } th { background: #e8eaf0; text-align: left; }
td, th { padding: 2px 6px; border: 1px solid #c8c8c8; }
.num { text-align: right; } .note { color: #8a5a00; }
"""


def ensure_gui() -> None:
    """Painting text needs a Qt application; the command line has none (and maybe no screen)."""
    import os
    import sys

    if QGuiApplication.instance() is None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # A QApplication (not a QGuiApplication): a window or pytest-qt started later in this process needs one.
        from PySide6.QtWidgets import QApplication

        QApplication([])


def charts(report: SessionReport) -> dict[str, QImage]:
    out: dict[str, QImage] = {}
    if report.traces:
        out["overlay"] = report_charts.overlay_chart(report.traces)
    if report.track is not None:
        out["track"] = report_charts.track_map(report.track)
    f1 = report.f1
    if f1 is not None and f1.series:
        out["pace"] = report_charts.pace_chart(f1.series, f1.palette)
    if f1 is not None and f1.stints:
        out["strategy"] = report_charts.strategy_chart(f1.stints, f1.palette,
                                                       {s.driver: shown_code(s.driver) for s in f1.stints})
    return out


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, the binding a str
    buf.close()
    return bytes(data.data())


def render_html(report: SessionReport, images: dict[str, str]) -> str:
    """The page; `images` maps a chart name to the src its <img> gets (a data: URL or a resource name)."""
    e = html.escape
    r = report.race
    parts = [f"<html><head><meta charset='utf-8'><title>{e(report.title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(report.title)}</h1>",
             "<p>" + " · ".join(e(str(x)) for x in (
                 r["source"], r["car"], r["created_at"] and f"opened {r['created_at']}",
                 f"{r['laps']} laps ({r['clean_laps']} clean)", f"race id {r['race_id']}") if x) + "</p>"]
    if report.best is not None:
        line = f"<p><b>Best lap</b>: {e(report.best.label)} {format_lap_time(report.best.lap_time)}"
        if report.reference is not None:
            line += (f" · <b>reference</b>: {e(report.reference.label)} "
                     f"{format_lap_time(report.reference.lap_time)}")
        parts.append(line + "</p>")
    f1 = report.f1
    laps = ["<h2>Laps</h2>", _table(*(pace_table(f1) if f1 is not None else lap_table(report)))]
    if not report.is_f1:  # an F1 session's hundreds of laps go last, after the charts
        parts += laps
    if "overlay" in images:
        parts += ["<h2>Best lap vs reference</h2>", f"<img src='{images['overlay']}' width='680'>"]
    if report.comparison:
        parts += _comparison(report.comparison)
    if report.theoretical:
        parts += _theoretical(report.theoretical)
    if "track" in images:
        parts += ["<h2>Track map (best lap, by speed)</h2>", f"<img src='{images['track']}' width='390'>"]
    if "pace" in images and f1 is not None:
        cut = f" (up to {format_lap_time(f1.threshold)})" if f1.threshold else ""
        parts += ["<h2>Pace</h2>", f"<img src='{images['pace']}' width='680'>",
                  f"<p>Laps within 107 % of the fastest{cut}, without flag, in- or out-laps, as the Session "
                  f"overview shows them by default; the first {len(f1.series)} drivers of the classification.</p>"]
    if "strategy" in images and f1 is not None:
        parts += ["<h2>Tyre strategy</h2>", f"<img src='{images['strategy']}' width='680'>",
                  "<h2>Stints</h2>", _table(*stint_table(f1))]
    if report.is_f1:
        parts += laps
    parts += [f"<p class='note'>{e(n)}</p>" for n in [*report.notes, *(f1.view.notes if f1 else [])]]
    parts.append("<p>Made with Pitwall.</p></body></html>")
    return "\n".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    out = ["<table cellspacing='0'><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
    return "".join(out) + "</table>"


def _s(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "—"
    return f"{x:+.3f}" if signed else f"{x:.0f}"


def _comparison(c: dict) -> list[str]:
    head = ["Segment", "Kind", "From–to (m)", "Δ time (s)", "Min speed", "Ref min", "Brake at", "Ref brake"]
    rows = [[s["name"], s["kind"], f"{s['start']:.0f}–{s['end']:.0f}", _s(s["time_delta"]),
             _s(s["lap"].get("min_speed"), False), _s(s["reference"].get("min_speed"), False),
             _s(s["lap"].get("brake_point"), False), _s(s["reference"].get("brake_point"), False)]
            for s in c.get("segments", [])]
    sectors = ", ".join(f"S{s['sector']} {_s(s['delta'])}" for s in c.get("sectors", []))
    return ["<h2>Corners and segments (best lap vs reference)</h2>",
            f"<p>Lap time {_s(c.get('lap_time_delta'))} s · at the line {_s(c.get('delta_at_line'))} ± "
            f"{c.get('uncertainty', 0):.3f} s · gap at the sector lines (running total): {html.escape(sectors)}</p>",
            _table(head, rows)]


def _theoretical(t: dict) -> list[str]:
    rows = [[f"S{s['sector']}", f"{s['time']:.3f}", s.get("label", "")] for s in t.get("sectors", [])]
    out = ["<h2>Theoretical best</h2>",
           f"<p>Best sectors: <b>{format_lap_time(t.get('theoretical_best'))}</b> · best of "
           f"{t.get('minisectors')} mini-sectors: <b>{format_lap_time(t.get('minisectors_best'))}</b></p>"]
    if rows:
        out.append(_table(["Sector", "Best (s)", "From lap"], rows))
    return out


def write_report(report: SessionReport, path: Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PitwallError(f"A report is .html or .pdf, not {path.suffix or 'a file without a suffix'}")
    ensure_gui()
    images = charts(report)
    if suffix == ".html":
        srcs = {k: "data:image/png;base64," + base64.b64encode(png_bytes(v)).decode() for k, v in images.items()}
        text = render_html(report, srcs)
        write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    else:
        write_atomic(path, lambda tmp: _pdf(report, images, tmp))
    return path


def _pdf(report: SessionReport, images: dict[str, QImage], target: str) -> None:
    writer = QPdfWriter(target)
    writer.setTitle(report.title)
    writer.setCreator("Pitwall")
    writer.setResolution(96)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    doc.setDefaultStyleSheet(CSS)
    for name, image in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart://{name}"), image)
    doc.setHtml(render_html(report, {k: f"chart://{k}" for k in images}))
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)
