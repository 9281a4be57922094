"""Stills in the cache: grabs stored as they arrive, partial bursts marked, links to races and laps."""

import json
import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from app.errors import PitwallError
from app.services.cameras import target_for
from app.services.capture import grab_stills, import_images
from app.services.frames import LinkRequest, delete_frame, link_frame, list_frames
from app.services.ingest import ingest_file
from app.sources.camera._cv import cv2
from app.store.schema import Race
from tests.camera.conftest import AFTER, BEFORE, SERVER_FPS
from tests.conftest import SHORT_RACE
from tests.servers.rtsp import RtspServer


def test_grab_is_stored_with_thumbnail_and_metadata(store, camera_settings, rtsp_server):
    target = target_for(store, rtsp_server.url("still_mjpeg"), camera_id="Haas_Pit_1")
    out = grab_stills(store, camera_settings, target, meta={"session": "FP1", "location": "Pit Lane"})
    (frame,) = out.frames
    stored = cv2.imread(str(store.paths.absolute(frame.path)))
    assert np.abs(stored.astype(int) - cv2.imread(str(BEFORE)).astype(int)).mean() < 5
    assert store.paths.absolute(frame.thumb_path).is_file()
    meta = json.loads(frame.meta)
    assert meta["session"] == "FP1" and meta["camera_url"] == rtsp_server.url("still_mjpeg")
    assert frame.source == "rtsp" and frame.burst_id is None and not frame.partial
    assert abs((datetime.now(UTC).replace(tzinfo=None) - frame.captured_at).total_seconds()) < 10


def test_partial_burst_is_kept_and_marked(store, camera_settings):
    server = RtspServer(BEFORE, fps=SERVER_FPS).start()
    threading.Timer(1.0, server.kill).start()
    try:
        target = target_for(store, server.url("mjpeg"), camera_id="Haas_Pit_1")
        out = grab_stills(store, camera_settings, target, frames=40, fps=SERVER_FPS)
    finally:
        server.kill()
    assert out.partial and "stream stopped" in out.error
    rows = list_frames(store, camera_id="Haas_Pit_1")
    assert 0 < len(rows) == len(out.frames) < 40
    assert all(r.partial and r.burst_id == out.burst_id for r in rows)
    assert sorted(r.burst_index for r in rows) == list(range(len(rows)))
    assert all(store.paths.absolute(r.path).is_file() for r in rows)


@pytest.fixture
def race(store):
    return ingest_file(store, SHORT_RACE).race


def test_explicit_link_to_race_lap_and_session_time(store, camera_settings, race):
    laps = store.laps(race.id)
    second = laps[1]
    t = second.start_time + 5.0
    (item,) = import_images(store, camera_settings, [BEFORE], "Haas_Pit_1", link=LinkRequest(race.id, t))
    assert (item.frame.race_id, item.frame.lap_id, item.frame.session_time) == (race.id, second.id, t)


def test_automatic_link_when_the_race_start_is_known(store, camera_settings, race):
    started = datetime(2024, 6, 9, 18, 0, 0, tzinfo=UTC)
    with store.session() as s:
        s.get(Race, race.id).meta = json.dumps({"started_at": started.isoformat()})
    last = store.laps(race.id)[-1]
    during = started + timedelta(seconds=last.start_time + 3.0)
    before = started - timedelta(minutes=5)
    (inside,) = import_images(store, camera_settings, [BEFORE], "Cam", captured_at=during)
    (outside,) = import_images(store, camera_settings, [AFTER], "Cam", captured_at=before)
    assert inside.frame.race_id == race.id and inside.frame.lap_id == last.id
    assert inside.frame.session_time == pytest.approx(last.start_time + 3.0)
    assert outside.frame.race_id is None and outside.frame.session_time is None


def test_link_after_the_fact_and_delete(store, camera_settings, race):
    (item,) = import_images(store, camera_settings, [BEFORE], "Cam")
    assert item.frame.race_id is None
    linked = link_frame(store, item.frame.id, LinkRequest(race.id, 1.0))
    assert linked.race_id == race.id and linked.lap_id == store.laps(race.id)[0].id
    assert list_frames(store, race_id=race.id) != []
    delete_frame(store, item.frame.id)
    assert list_frames(store) == []
    assert not store.paths.absolute(item.frame.path).exists()
    assert not store.paths.absolute(item.frame.thumb_path).exists()


def test_unknown_race_is_refused_before_anything_is_stored(store, camera_settings):
    with pytest.raises(PitwallError, match="No race with id nope"):
        import_images(store, camera_settings, [BEFORE], "Cam", link=LinkRequest("nope"))
    assert list_frames(store) == []
