"""`pitwall report session RACE_ID -o report.pdf|.html`: the lap table, the charts and the analysis numbers.

The HTML is read back with the standard library's parser; the PDF with PDFium (pypdfium2), an independent
reader that also renders the pages. Expected numbers come from `pitwall laps` / `best` / `compare`.
"""

import base64
import io
import json
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from app.cli import main
from app.services.f1_session.colours import compound_palette
from tests.conftest import DEMO_RACE


def run_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:06.3f}"


class Page(HTMLParser):
    """Table rows (cell texts), headings and the images' decoded PNGs."""

    def __init__(self) -> None:
        super().__init__()
        self.rows, self.headings, self.images, self.tables = [], [], [], []
        self._cell, self._row, self._h = None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "h2":
            self._h = ""
        elif tag == "img":
            src = dict(attrs)["src"]
            assert src.startswith("data:image/png;base64,")
            self.images.append(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self.rows.append(self._row)
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "h2":
            self.headings.append(self._h.strip())
            self._h = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._h is not None:
            self._h += data


def colour_share(img: Image.Image, rgb: tuple[int, int, int], tol: int = 40) -> float:
    a = np.asarray(img).astype(int)
    return float((np.abs(a - np.array(rgb)).max(axis=2) < tol).mean())


@pytest.fixture
def demo(home, capsys):
    race = run_json(capsys, "ingest", str(DEMO_RACE))
    return race, run_json(capsys, "laps", race["race_id"])


def test_html_report_has_the_lap_table_analysis_and_charts(demo, capsys, tmp_path):
    race, laps = demo
    out = tmp_path / "report.html"
    info = run_json(capsys, "report", "session", race["race_id"], "-o", str(out))
    assert info["output"] == str(out) and info["laps"] == len(laps)
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.headings[:2] == ["Laps", "Best lap vs reference"]
    assert {"Corners and segments (best lap vs reference)", "Theoretical best", "Track map (best lap, by speed)"} \
        <= set(page.headings)

    # the lap table: one row per lap, its label and time as `pitwall laps` gives them
    head, *lap_rows = page.tables[0]
    assert head == ["Lap", "Time", "S1", "S2", "S3", "Δ best", "Flags"]
    assert sorted(r[0] for r in lap_rows) == sorted(lap["label"] for lap in laps)  # every lap once, by its label
    table = {r[0]: r for r in lap_rows}
    for lap in laps:
        row = table[lap["label"]]
        assert row[1] == (clock(lap["lap_time"]) if lap["lap_time"] else "—")
        assert row[2:5] == [f"{x:.3f}" if x else "—" for x in lap["sectors"]]
        assert row[6] == ", ".join(lap["flags"])
    clean = [lap for lap in laps if lap["lap_time"] and not lap["flags"]]
    best = min(clean, key=lambda lap: lap["lap_time"])
    second = sorted(clean, key=lambda lap: lap["lap_time"])[1]
    assert table[best["label"]][5] == "+0.000"
    assert table[second["label"]][5] == f"{second['lap_time'] - best['lap_time']:+.3f}"
    assert info["best"] == best["lap_uuid"] and info["reference"] == second["lap_uuid"]

    # the segments table reconciles with `pitwall compare`, the theoretical best with `pitwall best`
    cmp = run_json(capsys, "compare", best["lap_uuid"], second["lap_uuid"])
    seg_rows = [r for r in page.rows if r and r[1] in ("corner", "straight")]
    assert [r[0] for r in seg_rows] == [s["name"] for s in cmp["segments"]]
    assert [r[3] for r in seg_rows] == [f"{s['time_delta']:+.3f}" for s in cmp["segments"]]
    text = out.read_text(encoding="utf-8")
    sectors = ", ".join(f"S{s['sector']} {s['delta']:+.3f}" for s in cmp["sectors"])
    assert f"Lap time {cmp['lap_time_delta']:+.3f} s · at the line {cmp['delta_at_line']:+.3f} ± " in text
    assert sectors and f"gap at the sector lines (running total): {sectors}" in text  # `compare`'s deltas at the lines
    best_out = run_json(capsys, "best", race["race_id"])
    text = out.read_text(encoding="utf-8")
    assert f"Best sectors: <b>{clock(best_out['theoretical_best'])}</b>" in text

    # the charts: the overlay draws both laps (red and blue lines), the map a coloured line
    overlay, track = page.images[:2]
    assert overlay.width == 900 and overlay.height > 400
    assert colour_share(overlay, (214, 39, 40)) > 0.002 and colour_share(overlay, (31, 119, 180)) > 0.002
    assert (np.asarray(track).std(axis=2) > 30).mean() > 0.01  # saturated pixels: the speed-coloured line


def test_pdf_report_text_images_and_pages(demo, capsys, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    race, laps = demo
    out = tmp_path / "report.pdf"
    assert main(["report", "session", race["race_id"], "-o", str(out)]) == 0
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) >= 1
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Laps" in text and "Best lap vs reference" in text and "Theoretical best" in text
    for lap in laps:
        if lap["lap_time"]:
            assert clock(lap["lap_time"]) in text
    images = [obj for i in range(len(pdf)) for obj in pdf[i].get_objects()
              if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) >= 2  # overlay and track map
    first = pdf[0].render(scale=1).to_pil().convert("RGB")
    assert colour_share(first, (214, 39, 40), tol=60) > 0.0005  # the red lap line is on the first page
    pdf.close()


# FastF1's track status codes (its documentation); "1" (clear) is shown as nothing.
TRACK_WORDS = {"2": "yellow", "3": "?", "4": "safety car", "5": "red", "6": "VSC", "7": "VSC ending"}


def shown(code):
    return f"#{code}" if code.isdigit() else code


def dash(value):
    return "—" if value is None else str(value)


def expected_pace_row(r):
    """A `pitwall f1 pace --json` row as the report's lap table must print it."""
    pit = "/".join(w for w, on in (("out", r["pit_out"]), ("in", r["pit_in"])) if on)
    track = ", ".join(TRACK_WORDS.get(c, c) for c in dict.fromkeys(r["track_status"] or "") if c != "1")
    return [shown(r["driver"]), str(r["lap"]), clock(r["lap_time"]) if r["lap_time"] else "—",
            *[f"{x:.3f}" if x else "—" for x in r["sectors"]], (r["compound"] or "—").title(), dash(r["stint"]),
            dash(r["tyre_life"]), pit, track, dash(r["position"])]


def expected_stint_row(s):
    """A `pitwall f1 stints --json` row as the report's stint table must print it."""
    tyres = "—" if s["fresh"] is None else ("new" if s["fresh"] else "used")
    return [shown(s["driver"]), str(s["stint"]), (s["compound"] or "—").title(), f"{s['first_lap']}–{s['last_lap']}",
            str(s["laps"]), dash(s["tyre_life_start"]), tyres]


@pytest.mark.parametrize("key", [(2018, "Azerbaijan", "R"), (2023, "Azerbaijan", "Q")])
def test_f1_report_tables_are_pitwall_f1_pace_and_stints(f1_loaded, capsys, tmp_path, monkeypatch, key):
    monkeypatch.setenv("PITWALL_HOME", str(f1_loaded.settings.home))
    race = f1_loaded.results[key].race
    out = tmp_path / "f1.html"
    assert main(["report", "session", race.id, "-o", str(out)]) == 0
    capsys.readouterr()
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert {"Laps", "Pace", "Tyre strategy", "Stints"} <= set(page.headings)
    assert page.headings[-1] == "Laps"  # an F1 session's long lap table comes after the charts
    pace = run_json(capsys, "f1", "pace", race.id)
    stints = run_json(capsys, "f1", "stints", race.id)

    # the lap table is `pitwall f1 pace`, row for row (the report lists drivers in classification order)
    head, *laps = page.tables[-1]
    assert head == ["Driver", "Lap", "Time", "S1", "S2", "S3", "Tyre", "Stint", "Age", "Pit", "Track", "Pos"]
    assert len(laps) == len(pace) == len(f1_loaded.store.laps(race.id))
    by_lap = sorted(laps, key=lambda r: (r[0], int(r[1])))
    assert by_lap == sorted((expected_pace_row(r) for r in pace), key=lambda r: (r[0], int(r[1])))

    # the stint table is `pitwall f1 stints`, row for row, drivers in classification order
    stint_table = page.tables[-2]
    assert stint_table[0] == ["Driver", "Stint", "Tyre", "Laps", "Count", "Tyre age", "Set"]
    assert sorted(stint_table[1:]) == sorted(expected_stint_row(s) for s in stints)
    classified = [r.abbreviation for r in sorted(f1_loaded.store.results(race.id), key=lambda r: r.position or 99)
                  if r.position]
    listed = list(dict.fromkeys(r[0] for r in stint_table[1:]))
    in_order = [c for c in classified if c in listed]
    assert listed[:len(in_order)] == in_order and listed[0] == classified[0]

    # the charts use the docks' compound colours (2018: its own scheme, SOFT yellow; from 2019 SOFT red)
    palette = compound_palette({s["compound"] for s in stints if s["compound"]})
    strategy, pace_img = page.images[-1], page.images[-2]
    used = {s["compound"] for s in stints if s["compound"]}
    for name in used:
        rgb = tuple(int(palette[name][i:i + 2], 16) for i in (1, 3, 5))
        laps_on = sum(s["laps"] for s in stints if s["compound"] == name)
        assert colour_share(strategy, rgb, tol=12) > 0.0005 * laps_on / 10, name
    sessions_tyres = {r["compound"] for r in pace if r["compound"]}
    assert any(colour_share(pace_img, tuple(int(palette[c][i:i + 2], 16) for i in (1, 3, 5)), tol=12) > 0.0003
               for c in sessions_tyres)


def test_bad_requests_are_one_clear_line(demo, capsys, tmp_path):
    race, _ = demo
    assert main(["report", "session", "nope", "-o", str(tmp_path / "r.pdf")]) == 1
    assert "No race with id nope" in capsys.readouterr().err
    assert main(["report", "session", race["race_id"], "-o", str(tmp_path / "r.docx")]) == 1
    assert ".html or .pdf" in capsys.readouterr().err
    assert main(["report", "session", race["race_id"]]) == 1
    assert "-o report.pdf" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))
