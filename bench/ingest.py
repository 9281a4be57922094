"""Ingest speed on a >= 1 hour AMS2 recording built by repeating the real Montreal laps.

Prints, measured in this run: full ingest time vs bare zlib.decompress of the same file (target <= 2x), and vs a
straightforward per-packet struct.unpack decoder (target >= 20x faster). Last line: one JSON object.
"""

import struct
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np
from zlib_ng import zlib_ng

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.ingest import ingest_file  # noqa: E402
from app.sources.ams2.container import decompress, index_packets, write_container  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
HOUR_S = 3600


def build_long_recording(min_seconds: float = HOUR_S) -> bytes:
    """Repeat the four full laps (packets from the line of lap 1 to the line of lap 5), shifting ticks and laps."""
    raw = decompress(DEMO.read_bytes())
    idx = index_packets(raw)
    packets = [bytearray(raw[o : o + n]) for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]

    def tick(p: bytearray) -> int:
        return struct.unpack_from("<I", p, 555 if p[10] == 0 else 1059)[0]

    def lap(p: bytearray) -> int:
        return p[33 + 32 * struct.unpack_from("<H", p, 1057)[0] + 21]

    def lap_time(p: bytearray) -> float:
        return struct.unpack_from("<f", p, 33 + 32 * struct.unpack_from("<H", p, 1057)[0] + 22)[0]

    timings = [p for p in packets if p[10] == 3 and len(p) == 1063]
    # From the line where the timed lap 1 starts to the line where lap 5 starts.
    first_row = next(p for p in timings if lap(p) == 1 and 0 <= lap_time(p) < 0.1 and tick(p) > 100_000)
    first = tick(first_row) - int(lap_time(first_row) * 1000)
    last = next(tick(p) for p in timings if lap(p) == 5)
    body = [p for p in packets if p[10] in (0, 3) and first <= tick(p) < last]
    span = last - first
    out: list[bytes] = [bytes(p) for p in packets if p[10] not in (0, 3)]  # race data, game state
    reps = int(np.ceil(min_seconds * 1000 / span))
    for r in range(reps):
        for p in body:
            q = bytearray(p)
            if q[10] == 0:
                struct.pack_into("<I", q, 555, tick(p) + r * span)
            else:
                struct.pack_into("<I", q, 1059, tick(p) + r * span)
                for i in range(q[12]):
                    q[33 + 32 * i + 21] = (q[33 + 32 * i + 21] + 4 * r) % 256
            out.append(bytes(q))
    return write_container(out, level=6)


# The fields Pitwall decodes from each telemetry packet, unpacked one by one.
TEL_FIELDS = [("<b", 12), ("<h", 18), ("<h", 22), ("B", 28), ("B", 29), ("B", 30), ("B", 31), ("<f", 32), ("<f", 36),
              ("<H", 40), ("<H", 42), ("<b", 44), ("B", 45), ("<3f", 100), ("4B", 176), ("<4h", 208), ("<4H", 256),
              ("<4H", 264), ("<4H", 272), ("<4f", 296), ("<4H", 352), ("<3f", 542), ("B", 554), ("<I", 555)]


def per_packet_decoder(blob: bytes) -> int:
    """The straightforward way: decompress, then struct.unpack field by field, packet by packet."""
    raw = zlib.decompress(blob)
    pos = 0
    tel: list[tuple] = []
    tim: list[tuple] = []
    while pos < len(raw):
        (n,) = struct.unpack_from("<I", raw, pos)
        p = pos + 4
        ptype = raw[p + 10]
        if ptype == 0 and n == 559:
            tel.append(tuple(struct.unpack_from(fmt, raw, p + off) for fmt, off in TEL_FIELDS))
        elif ptype == 3 and n == 1063:
            local = struct.unpack_from("<H", raw, p + 1057)[0]
            rec = p + 33 + 32 * local
            tim.append((struct.unpack_from("<H", raw, rec + 12), raw[rec + 21],
                        struct.unpack_from("<f", raw, rec + 22), struct.unpack_from("<f", raw, rec + 26),
                        raw[rec + 15], struct.unpack_from("<I", raw, p + 1059)))
        pos = p + n
    speed = np.array([row[5][0] for row in tel])
    return len(speed) + len(tim)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="pitwall-bench-"))
    path = work / "montreal_1h.ams2"
    path.write_bytes(build_long_recording())
    blob = path.read_bytes()
    raw_mb = len(zlib.decompress(blob)) / 1e6
    print(f"recording: {len(blob) / 1e6:.1f} MB compressed, {raw_mb:.0f} MB of packets", file=sys.stderr)

    t_decompress = best_of(lambda: zlib.decompress(blob))
    t_decompress_ng = best_of(lambda: zlib_ng.decompress(blob))
    homes = iter(range(100))

    def ingest_fresh() -> None:
        store = Store(work / f"home{next(homes)}")
        result = ingest_file(store, path)
        assert result.race.status == "Ready", result.race.error
        store.close()

    t_ingest = best_of(ingest_fresh)
    store = Store(work / "home0")
    race = store.races()[0]
    laps = store.laps(race.id)
    hours = sum(lap.lap_time or 0 for lap in laps) / 3600
    t_per_packet = best_of(lambda: per_packet_decoder(blob), repeat=1)

    print(f"laps: {len(laps)}, ~{hours:.2f} h of telemetry", file=sys.stderr)
    print(f"zlib-ng decompress (what Pitwall uses): {t_decompress_ng:.3f} s", file=sys.stderr)
    print(f"zlib.decompress: {t_decompress:.3f} s   full ingest: {t_ingest:.3f} s   "
          f"per-packet struct decoder: {t_per_packet:.3f} s", file=sys.stderr)
    vs_decompress = t_ingest / t_decompress
    vs_struct = t_per_packet / t_ingest
    print(f"ingest / decompress = {vs_decompress:.2f} (target <= 2)", file=sys.stderr)
    print(f"per-packet decoder / ingest = {vs_struct:.1f} (target >= 20)", file=sys.stderr)
    report("ams2_ingest_vs_decompress", t_ingest, t_decompress, vs_decompress, "<= 2.0", vs_decompress <= 2.0,
           speedup_vs_per_packet_struct=round(vs_struct, 1), per_packet_seconds=round(t_per_packet, 3),
           speedup_target=">= 20", speedup_met=vs_struct >= 20,
           ingest_vs_zlib_ng_decompress=round(t_ingest / t_decompress_ng, 2), laps=len(laps),
           recording_hours=round(hours, 2))


if __name__ == "__main__":
    main()
