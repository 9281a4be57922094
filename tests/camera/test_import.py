"""Image import: validated by content, size and batch limits, per-file errors, the rest still imported."""

import os

import numpy as np
import pytest
from sqlalchemy import func, select

from app.errors import PitwallError
from app.services.capture import import_images
from app.services.frames import list_frames
from app.sources.camera._cv import cv2
from app.store.schema import Frame
from tests.camera.conftest import AFTER, BEFORE


def frame_count(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Frame))


def test_before_after_pair_is_stored_as_received(store, camera_settings):
    items = import_images(store, camera_settings, [BEFORE, AFTER], "Haas_Pit_1",
                          meta={"session": "FP1", "location": "Pit Lane"})
    assert [i.error for i in items] == [None, None]
    for item, source in zip(items, (BEFORE, AFTER), strict=True):
        frame = item.frame
        assert store.paths.absolute(frame.path).read_bytes() == source.read_bytes()  # original bytes kept
        thumb = cv2.imread(str(store.paths.absolute(frame.thumb_path)))
        assert max(thumb.shape[:2]) == 320
        assert (frame.width, frame.height, frame.source, frame.camera_id) == (640, 360, "upload", "Haas_Pit_1")
    assert {f.id for f in list_frames(store, camera_id="Haas_Pit_1", session="FP1")} == {i.frame.id for i in items}
    assert list_frames(store, session="FP2") == []


def test_format_comes_from_content_not_extension(store, camera_settings, tmp_path):
    image = cv2.imread(str(BEFORE))
    png_named_jpg = tmp_path / "shot.jpg"
    png_named_jpg.write_bytes(cv2.imencode(".png", image)[1].tobytes())
    webp_no_ext = tmp_path / "shot"
    webp_no_ext.write_bytes(cv2.imencode(".webp", image)[1].tobytes())
    items = import_images(store, camera_settings, [png_named_jpg, webp_no_ext], "Cam_A")
    assert [i.error for i in items] == [None, None]
    assert [i.frame.path.rsplit(".", 1)[-1] for i in items] == ["png", "webp"]


def test_bad_files_fail_one_by_one_and_the_rest_is_imported(store, camera_settings, tmp_path):
    not_image = tmp_path / "before.jpg"
    not_image.write_bytes(b"%PDF-1.7 this is a document, not a photo" * 50)
    data = BEFORE.read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    scrambled = tmp_path / "scrambled.jpg"
    noise = np.random.default_rng(7).integers(0, 256, len(data) - 4000, dtype=np.uint8).tobytes()
    scrambled.write_bytes(data[:2000] + noise + data[-2000:])
    oversized = tmp_path / "huge.png"
    with open(oversized, "wb") as fh:  # sparse: 51 MB on paper, nothing on disk
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.truncate(51 * 1024 * 1024)

    items = import_images(store, camera_settings, [not_image, BEFORE, truncated, scrambled, oversized, AFTER],
                          "Haas_Pit_1")
    errors = {os.path.basename(i.file): i.error for i in items}
    assert "not a JPEG, PNG or WebP" in errors["before.jpg"]
    assert "damaged or cut off" in errors["truncated.jpg"]
    assert "damaged" in errors["scrambled.jpg"]
    assert errors["huge.png"] == "huge.png: 51.0 MB is over the 50 MB limit per image"
    assert errors["pit_before.jpg"] is None and errors["pit_after.jpg"] is None
    assert all("\n" not in e for e in errors.values() if e)
    assert frame_count(store) == 2
    stored = sorted(p.name for p in (store.paths.frames_dir / "Haas_Pit_1").iterdir())
    assert len(stored) == 4  # two stills and two thumbnails, nothing from the refused files


def test_eleven_files_are_refused_as_a_batch(store, camera_settings, tmp_path):
    files = []
    for i in range(11):
        f = tmp_path / f"shot{i}.jpg"
        f.write_bytes(BEFORE.read_bytes())
        files.append(f)
    with pytest.raises(PitwallError, match="11 files in one import; the limit is 10"):
        import_images(store, camera_settings, files, "Haas_Pit_1")
    assert frame_count(store) == 0
    assert len(import_images(store, camera_settings, files[:10], "Haas_Pit_1")) == 10


def test_limits_are_configurable(home, store, tmp_path):
    from app.config import load_settings

    settings = load_settings(home=home, upload_max_file_size=10_000, upload_max_batch_size=1)
    with pytest.raises(PitwallError, match="limit is 1"):
        import_images(store, settings, [BEFORE, AFTER], "Cam")
    (item,) = import_images(store, settings, [BEFORE], "Cam")
    assert "limit per image" in item.error


def test_same_image_twice_is_not_stored_twice(store, camera_settings):
    first = import_images(store, camera_settings, [BEFORE], "Haas_Pit_1")[0]
    again = import_images(store, camera_settings, [BEFORE], "Haas_Pit_1")[0]
    assert again.duplicate and again.frame.id == first.frame.id
    assert frame_count(store) == 1


def test_bad_camera_id_is_refused(store, camera_settings):
    with pytest.raises(PitwallError, match="Invalid camera id"):
        import_images(store, camera_settings, [BEFORE], "../etc")


def test_difference_finds_the_changed_parts():
    from app.services.imagediff import difference, read_still

    before, after = read_still(BEFORE), read_still(AFTER)
    assert difference(before, before).boxes == []
    diff = difference(before, after)
    # The after shot has a new front wing (x 90-160, y 200-215) and a white rim (x 424-456, y 209-241).
    centres = sorted((x + w // 2, y + h // 2) for x, y, w, h in diff.boxes)
    assert len(centres) == 2
    assert 110 <= centres[0][0] <= 140 and 200 <= centres[0][1] <= 215
    assert 430 <= centres[1][0] <= 450 and 215 <= centres[1][1] <= 235
    assert 0.001 < diff.changed_fraction < 0.05
