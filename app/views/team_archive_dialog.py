"""The Team archive section of the S3 settings dialog: which catalog and which file store this window uses,
and Test connection for both (the catalog server, and the bucket as the S3 fields above describe it).

The database password has a field of its own and is never shown: the URL field holds the URL without it. The
catalog and the archive are chosen when Pitwall starts (PITWALL_CATALOG_URL, PITWALL_ARCHIVE); the test lets a
user try a server before switching.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.store.engine import is_sqlite, mask_url, without_password
from app.views.context import AppContext
from app.views.theme import ERROR, MUTED, OK, WARN

HEADINGS = {  # verdict -> (heading, colour)
    "ok": ("OK", OK),
    "credentials": ("Wrong credentials", ERROR),
    "database": ("No such database", ERROR),
    "bucket": ("No such bucket", ERROR),
    "unreachable": ("Unreachable", ERROR),
    "config": ("Incomplete settings", WARN),
    "local": ("Local", MUTED),
    "error": ("Failed", ERROR),
}


class TeamArchiveSection(QGroupBox):
    def __init__(self, ctx: AppContext, s3_settings: Callable[[], object], parent=None) -> None:
        """`s3_settings()`: the settings as the dialog's S3 fields describe them now (for the bucket test)."""
        super().__init__("Team archive", parent)
        self.setObjectName("team_archive")
        self.ctx, self._s3_settings = ctx, s3_settings
        store = ctx.store
        self._configured = store.catalog_url
        shared = not is_sqlite(self._configured)
        self.catalog_url = QLineEdit(without_password(self._configured) if shared else "")
        self.catalog_url.setObjectName("catalog_url")
        self.catalog_url.setPlaceholderText("postgresql+psycopg://user@host/database — empty: this machine's SQLite")
        self.password = QLineEdit()
        self.password.setObjectName("catalog_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        has_password = shared and mask_url(self._configured) != self._configured
        self.password.setPlaceholderText("stored — type to replace" if has_password else "database password")

        files = store.archive_files
        self.catalog_now = QLabel(mask_url(self._configured) if shared else f"{store.location} (this machine)")
        self.catalog_now.setObjectName("catalog_now")
        self.files_now = QLabel(files.url if files is not None else f"{store.paths.laps_dir} (this machine)")
        self.files_now.setObjectName("files_now")
        for label in (self.catalog_now, self.files_now):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setToolTip("The catalog and the lap files are chosen at start-up: PITWALL_CATALOG_URL and "
                        "PITWALL_ARCHIVE=s3 (docs/team-archive.md). Test a server here before switching.")

        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("team_test")
        self.test_button.clicked.connect(self.test_connection)
        self.catalog_result = self._result("catalog_result")
        self.bucket_result = self._result("bucket_result")

        fields = QFormLayout()
        fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        fields.addRow("Catalog in use", self.catalog_now)
        fields.addRow("Lap files in", self.files_now)
        fields.addRow("Catalog URL", self.catalog_url)
        fields.addRow("Password", self.password)
        results = QVBoxLayout()
        results.addWidget(self.catalog_result)
        results.addWidget(self.bucket_result)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        test_row.addLayout(results, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addLayout(test_row)

    @staticmethod
    def _result(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def url_to_test(self) -> str:
        """The URL as typed, with the typed password, or the configured one when the URL was left as it is."""
        from app.store.engine import with_password

        typed = self.catalog_url.text().strip()
        if not typed:
            return f"sqlite:///{self.ctx.store.paths.catalog}"
        if not self.password.text() and typed == without_password(self._configured):
            return self._configured
        return with_password(typed, self.password.text())

    def test_connection(self):
        url, settings = self.url_to_test(), self._s3_settings()
        self.test_button.setEnabled(False)
        for label in (self.catalog_result, self.bucket_result):
            self._show(label, "Testing…", MUTED)
        job = self.ctx.runner.submit("Test team archive", lambda _progress: _check(url, settings), quiet=True)
        job.result.connect(self._tested)
        job.error.connect(lambda message: self._tested((("error", message), ("error", message))))
        return job

    def _tested(self, answers) -> None:
        self.test_button.setEnabled(True)
        for label, what, (verdict, message) in zip((self.catalog_result, self.bucket_result),
                                                    ("Catalog", "Bucket"), answers, strict=True):
            heading, colour = HEADINGS.get(verdict, HEADINGS["error"])
            self._show(label, f"<b>{what}: {heading}</b> — {message}", colour)
        self.window().adjustSize()  # wrapped answers take more lines than the placeholders did: grow to show them

    @staticmethod
    def _show(label: QLabel, html: str, colour: str) -> None:
        label.setStyleSheet(f"color: {colour};")
        label.setText(html)


def _check(url: str, settings) -> tuple[tuple[str, str], tuple[str, str]]:
    """Pool thread: the catalog server, then the bucket (SQLAlchemy and boto3 load here, not with the window)."""
    from app.services.sync.config import probe
    from app.store.engine import check_catalog

    return check_catalog(url), probe(settings)
