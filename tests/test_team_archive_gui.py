"""The settings dialog's Team archive section, in a window working in a real team archive (PostgreSQL +
SeaweedFS): it says which catalog and bucket the window uses, tests both, and never shows a password."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit  # noqa: E402

from app.services.ingest import ingest_file  # noqa: E402
from app.views.app import build_window  # noqa: E402
from tests.conftest import SHORT_RACE  # noqa: E402
from tests.team_support import new_team  # noqa: E402

WRONG = "not-the-db-password-77"


def visible_text(widget) -> str:
    parts = [w.text() + w.toolTip() for w in widget.findChildren(QLabel)]
    parts += [w.displayText() + w.placeholderText() for w in widget.findChildren(QLineEdit)]
    parts += [w.text() for w in widget.findChildren(QAbstractButton)]
    return "\n".join(parts)


def test_team_archive_section_tests_catalog_and_bucket_without_showing_secrets(qtbot, pg_server, s3_server, home,
                                                                             tmp_path, monkeypatch):
    team = new_team(pg_server, s3_server)
    other = team.store(tmp_path / "other-engineer")
    race = ingest_file(other, SHORT_RACE).race
    for key, value in team.env(home).items():
        if key.startswith("PITWALL_") and os.environ.get(key) != value:
            monkeypatch.setenv(key, value)
    window = build_window(home)
    qtbot.addWidget(window)
    window.show()
    try:
        assert [r.id for r in window.ctx.store.races()] == [race.id]  # the other engineer's race, no sync step
        dialog = window.sync_menu.open_settings()
        section = dialog.team
        assert section.catalog_now.text().startswith("postgresql+psycopg://pitwall:***@127.0.0.1:")
        assert section.files_now.text() == f"s3://{team.bucket}/team-a/"
        assert section.catalog_url.text() == team.url.replace(f":{pg_server.password}@", "@")
        assert section.password.placeholderText().startswith("stored")

        def answer() -> tuple[str, str]:
            section.test_button.click()
            qtbot.waitUntil(lambda: section.test_button.isEnabled(), timeout=15000)
            return section.catalog_result.text(), section.bucket_result.text()

        catalog, bucket = answer()
        assert catalog.startswith("<b>Catalog: OK</b>") and f"{pg_server.port}, database" in catalog
        assert "schema" in catalog and "1 race." in catalog
        assert bucket.startswith("<b>Bucket: OK</b>") and team.bucket in bucket
        dialog.grab().save("/tmp/notes/issue16-team-archive-dialog.png")

        qtbot.keyClicks(section.password, WRONG)
        catalog, _bucket = answer()
        assert catalog.startswith("<b>Catalog: Wrong credentials</b>")
        section.password.clear()
        section.catalog_url.setText(team.url.rsplit("/", 1)[0].replace(f":{pg_server.password}@", "@") + "/nope")
        qtbot.keyClicks(section.password, pg_server.password)
        catalog, _bucket = answer()
        assert catalog.startswith("<b>Catalog: No such database</b>")

        shown = visible_text(dialog) + window.status_label.text()
        for secret in (pg_server.password, WRONG, s3_server.secret_key):
            assert secret not in shown
        dialog.reject()
    finally:
        window.close()
        window.ctx.store.close()
        other.close()


def test_a_window_on_the_team_catalog_shows_what_another_machine_ingests(qtbot, pg_server, s3_server, home,
                                                                        tmp_path, monkeypatch):
    from app.views.team_poll import CatalogPoll

    team = new_team(pg_server, s3_server)
    for key, value in team.env(home).items():
        if key.startswith("PITWALL_") and os.environ.get(key) != value:
            monkeypatch.setenv(key, value)
    window = build_window(home)
    qtbot.addWidget(window)
    window.show()
    other = team.store(tmp_path / "other-engineer")
    try:
        browser = window.docks["dock_browser"]
        qtbot.waitUntil(lambda: browser.listed, timeout=10000)
        assert browser.races.races == []
        poll = window.findChild(CatalogPoll)
        assert poll is not None
        poll.timer.setInterval(200)  # the test need not wait five seconds
        race = ingest_file(other, SHORT_RACE).race  # another machine ingests...
        qtbot.waitUntil(lambda: [r.id for r in browser.races.races] == [race.id], timeout=15000)  # ...it shows here
    finally:
        window.close()
        window.ctx.store.close()
        other.close()
