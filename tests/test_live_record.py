"""Recording live AMS2 UDP: real datagrams from a real recording, sent over a real socket."""

import socket
import threading
import time

import pytest

from app.errors import PitwallError
from app.services.ingest import ingest_file
from app.sources.ams2 import read_race_file
from app.sources.ams2.container import decompress, index_packets
from app.sources.ams2.live import record
from tests.conftest import SHORT_RACE


def replay(port: int, datagrams: list[bytes]) -> None:
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i, d in enumerate(datagrams):
        out.sendto(d, ("127.0.0.1", port))
        if i % 200 == 199:
            time.sleep(0.002)  # like the game: a steady stream, not one burst that overruns the socket buffer
    out.close()


def test_record_replayed_stream_then_ingest(store, tmp_path):
    raw = decompress(SHORT_RACE.read_bytes())
    idx = index_packets(raw)
    datagrams = [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]
    ready = threading.Event()
    port = []
    result = {}

    def run() -> None:
        result["stats"] = record(tmp_path / "live.ams2", port=0, host="127.0.0.1", idle_timeout=1.0,
                                 on_ready=lambda p: (port.append(p), ready.set()))

    t = threading.Thread(target=run)
    t.start()
    assert ready.wait(5)
    replay(port[0], datagrams)
    t.join(15)
    stats = result["stats"]
    assert stats.packets == len(datagrams) and stats.telemetry == 5083
    recorded = read_race_file(tmp_path / "live.ams2")
    original = read_race_file(SHORT_RACE)
    assert [lap.sample_count for lap in recorded.laps] == [lap.sample_count for lap in original.laps]
    assert ingest_file(store, tmp_path / "live.ams2").race.status == "Ready"


def test_nothing_arrives_is_a_clear_error(tmp_path):
    with pytest.raises(PitwallError, match="No AMS2 packets arrived"):
        record(tmp_path / "none.ams2", port=0, host="127.0.0.1", idle_timeout=0.3)
    assert not (tmp_path / "none.ams2").exists()
