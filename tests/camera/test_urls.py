"""Camera addresses: credentials split out for storage and masked wherever text is shown."""

import pytest

from app.errors import PitwallError
from app.sources.camera.urls import Credentials, mask_secrets, mask_url, split_credentials, with_credentials


def test_split_and_rebuild_keeps_special_characters():
    clean, creds = split_credentials("rtsp://pit%40crew:p%3Ass%2Fw@cam.local:8554/live?ch=1")
    assert clean == "rtsp://cam.local:8554/live?ch=1"
    assert creds == Credentials("pit@crew", "p:ss/w")
    assert split_credentials(with_credentials(clean, creds)) == (clean, creds)


def test_masking_in_free_text():
    text = "open rtsp://bob:pw123@10.0.0.5:554/a failed; retry rtsps://x@h/b"
    assert mask_url(text) == "open rtsp://***:***@10.0.0.5:554/a failed; retry rtsps://***:***@h/b"
    assert mask_secrets("password pw123 rejected", "pw123") == "password *** rejected"


@pytest.mark.parametrize("bad", ["http://cam/x", "rtsp:///nohost", "not a url", "rtsp://h:99999/x"])
def test_bad_addresses_are_refused_with_masked_message(bad):
    with pytest.raises(PitwallError):
        split_credentials(bad)
    with pytest.raises(PitwallError) as info:
        split_credentials(bad.replace("//", "//u:secretpw@", 1))
    assert "secretpw" not in str(info.value)
