"""Sync → S3 settings…: endpoint, bucket, keys; Test connection and Save run on the job runner.

The secret key is typed into a password field and never shown back: when one is stored, the field stays empty
with a placeholder saying so. It goes to the OS keyring, or (no keyring) is kept for this session only.
"""

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app.services.sync import secrets
from app.services.sync.saved import S3Form, applied, form_of, save
from app.views.context import AppContext
from app.views.team_archive_dialog import TeamArchiveSection
from app.views.theme import ERROR, MUTED, OK, WARN

VERDICTS = {  # verdict -> (heading, colour)
    "ok": ("OK", OK),
    "credentials": ("Wrong credentials", ERROR),
    "bucket": ("No such bucket", ERROR),
    "not_created": ("Bucket not created", ERROR),
    "unreachable": ("Unreachable", ERROR),
    "config": ("Incomplete settings", WARN),
    "error": ("Failed", ERROR),
}
ENV_FIELDS = ("ENDPOINT", "REGION", "BUCKET", "ACCESS_KEY", "SECRET_KEY", "PATH_STYLE", "PREFIX")


class S3SettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("S3 settings")
        self.setMinimumWidth(620)
        form = form_of(ctx.settings)
        self.endpoint = self._line(form.endpoint, "http://minio.local:9000 — empty for AWS S3")
        self.region = self._line(form.region, "us-east-1")
        self.bucket = self._line(form.bucket, "a bucket (Create bucket or the first push makes it)")
        self.prefix = self._line(form.prefix, "optional, e.g. team-a/")
        self.access_key = self._line(form.access_key, "")
        self.secret_key = QLineEdit()
        self.secret_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_key.setObjectName("secret_key")
        self.path_style = QCheckBox("Path-style addressing (MinIO, SeaweedFS)")
        self.path_style.setChecked(form.path_style)
        self.keyring = secrets.available()
        has_secret = ctx.settings.s3_secret_key is not None or (self.keyring and bool(form.access_key))
        self.secret_key.setPlaceholderText("stored — type to replace" if has_secret else "secret key")

        fields = QFormLayout()
        fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("Endpoint URL", self.endpoint), ("Region", self.region), ("Bucket", self.bucket),
                              ("Prefix", self.prefix), ("Access key", self.access_key),
                              ("Secret key", self.secret_key), ("", self.path_style)):
            fields.addRow(label, widget)

        self.secret_note = self._note(
            "The secret key is stored in the OS keyring, never in the settings file." if self.keyring else
            "No OS keyring on this system: the secret key is kept for this session only. "
            "Set PITWALL_S3_SECRET_KEY to keep it across restarts.")
        from_env = [f for f in ENV_FIELDS if os.environ.get(f"PITWALL_S3_{f}")]
        self.env_note = self._note("Prefilled from the environment: " + ", ".join(f"PITWALL_S3_{f}" for f in from_env)
                                   + " (the environment wins over saved settings).")
        self.env_note.setVisible(bool(from_env))

        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.create_button = QPushButton("Create bucket")
        self.create_button.setToolTip("The bucket does not exist: create it with these settings")
        self.create_button.clicked.connect(self.create_bucket)
        self.create_button.setVisible(False)  # offered only once a test found the bucket missing
        self.result_label = QLabel()
        self.result_label.setObjectName("test_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        buttons = QVBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        test_row.addLayout(buttons)
        test_row.addWidget(self.result_label, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self.secret_note)
        layout.addWidget(self.env_note)
        layout.addSpacing(6)
        layout.addLayout(test_row)
        # Which catalog and file store this window uses; Test connection for the catalog server and the bucket.
        self.team = TeamArchiveSection(ctx, lambda: applied(self.ctx.settings, self.form(), self._secret()))
        layout.addWidget(self.team)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    @staticmethod
    def _line(value: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(value)
        edit.setPlaceholderText(placeholder)
        return edit

    @staticmethod
    def _note(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {MUTED};")
        return label

    # ---- what the form says
    def form(self) -> S3Form:
        return S3Form(endpoint=self.endpoint.text(), region=self.region.text(), bucket=self.bucket.text(),
                      access_key=self.access_key.text(), path_style=self.path_style.isChecked(),
                      prefix=self.prefix.text())

    def _secret(self) -> str | None:
        return self.secret_key.text() or None

    # ---- test connection
    def test_connection(self):
        return self._probe("Test S3 connection", "probe", "Testing…")

    def create_bucket(self):
        """Create the missing bucket with the settings as typed, then test them again."""
        return self._probe("Create S3 bucket", "create_and_probe", f"Creating bucket {self.bucket.text()!r}…")

    def _probe(self, title: str, check: str, doing: str):
        settings = applied(self.ctx.settings, self.form(), self._secret())
        self.test_button.setEnabled(False)
        self.create_button.setEnabled(False)
        self._show(doing, MUTED)
        job = self.ctx.runner.submit(title, lambda _progress: _run_check(check, settings), quiet=True)
        job.result.connect(self._tested)
        job.error.connect(lambda message: self._tested(("error", message)))
        return job

    def _tested(self, answer: tuple[str, str]) -> None:
        verdict, message = answer
        heading, colour = VERDICTS.get(verdict, VERDICTS["error"])
        self.test_button.setEnabled(True)
        self.create_button.setEnabled(True)
        self.create_button.setVisible(verdict in ("bucket", "not_created"))
        self._show(f"<b>{heading}</b> — {message}", colour)
        self.verdict = verdict

    def _show(self, html: str, colour: str) -> None:
        self.result_label.setStyleSheet(f"color: {colour};")
        self.result_label.setText(html)

    # ---- save
    def save(self):
        form, secret = self.form(), self._secret()
        settings = self.ctx.settings
        self.buttons.setEnabled(False)
        job = self.ctx.runner.submit("Save S3 settings", lambda _progress: save(settings, form, secret), quiet=True)
        job.result.connect(lambda _in_keyring: self._saved(form, secret))
        job.error.connect(self._save_failed)
        return job

    def _saved(self, form: S3Form, secret: str | None) -> None:
        # The session uses the new values at once; a typed secret is kept in memory for this session too.
        self.ctx.settings = applied(self.ctx.settings, form, secret)
        self.secret_key.clear()
        self.saved.emit()
        self.accept()

    def _save_failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self._show(f"<b>Not saved</b> — {message}", ERROR)


def _run_check(name: str, settings) -> tuple[str, str]:
    """Pool thread: config.probe or config.create_and_probe (boto3 loads here, not with the window)."""
    from app.services.sync import config

    return getattr(config, name)(settings)
