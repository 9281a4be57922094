"""The Sync menu: S3 settings, push all / the selected race, pull, status — each a job on the runner.

Progress is in bytes (scaled to KiB for transfers over 2 GiB, since Qt signals carry 32-bit ints); the jobs
panel cancels a job, which stops the transfer at its next progress call. Sync jobs are of kind "sync": when one
ends, the shared state says the catalog changed and the browser reads the sync state again (no view is called).
"""

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.errors import Progress
from app.views.context import AppContext
from app.views.s3_dialog import S3SettingsDialog
from app.workers.runner import Job

if TYPE_CHECKING:
    from app.services.sync.pull import PullReport
    from app.services.sync.push import PushReport
    from app.views.main_window import MainWindow

INT32 = 2**31 - 1


def _sync(module: str) -> Any:
    """A sync module, imported on the pool thread when a job runs: boto3 stays out of the window's start-up."""
    return import_module(f"app.services.sync.{module}")


def qt_progress(progress: Progress) -> Progress:
    """Byte counts as the runner's 32-bit progress signal can carry them."""

    def scaled(done: int, total: int) -> bool:
        if total > INT32:
            done, total = done // 1024, total // 1024
        return progress(done, total)

    return scaled


class SyncMenu:
    """Builds the menu into `window` and runs its jobs; `window.show_message` reports outcomes."""

    def __init__(self, window: "MainWindow", ctx: AppContext, before: QAction) -> None:
        self.window, self.ctx = window, ctx
        self.menu = QMenu("&Sync", window)
        window.menuBar().insertMenu(before, self.menu)
        self.settings_action = self._add("S3 &settings…", self.open_settings)
        self.menu.addSeparator()
        self.push_all_action = self._add("&Push all races", lambda: self.push())
        self.push_race_action = self._add("Push the selected &race", self.push_selected)
        self.pull_action = self._add("P&ull races from the bucket", self.pull)
        self.status_action = self._add("S&tatus", self.status)
        ctx.state.race_changed.connect(lambda race: self.push_race_action.setEnabled(race is not None))
        self.push_race_action.setEnabled(ctx.state.race is not None)
        self.dialog: S3SettingsDialog | None = None

    def _add(self, text: str, slot: Callable) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _=False: slot())
        self.menu.addAction(action)
        return action

    def open_settings(self) -> S3SettingsDialog:
        self.dialog = S3SettingsDialog(self.ctx, self.window)
        self.dialog.saved.connect(self._settings_saved)
        self.dialog.open()
        return self.dialog

    def _settings_saved(self) -> None:
        self.ctx.state.notify_catalog_changed()  # another target: every race's sync state reads again
        self.window.show_message("S3 settings saved.")

    # ---- jobs
    def _submit(self, title: str, fn: Callable, done: Callable[[Any], tuple[str, bool]]) -> Job:
        settings = self.ctx.settings  # the values at the moment the user asked
        job = self.ctx.runner.submit(
            title, lambda progress: fn(_sync("config").target_from(settings), qt_progress(progress)), kind="sync")
        job.finished.connect(lambda: self._finished(job, done))
        return job

    def _finished(self, job: Job, done: Callable[[Any], tuple[str, bool]]) -> None:
        # Connected after the main window's own handler, so the summary replaces its "…: done".
        if job.status == "Done":
            self.window.show_message(*done(job.value))

    def push(self, race_ids: list[str] | None = None) -> Job:
        store = self.ctx.store
        title = "Push race to S3" if race_ids else "Push all races to S3"
        return self._submit(title, lambda target, progress: _sync("push").push(store, target, race_ids, progress),
                            push_summary)

    def push_selected(self) -> Job | None:
        if self.ctx.state.race is None:
            self.window.show_message("Select a race to push first.", error=True)
            return None
        return self.push([self.ctx.state.race])

    def pull(self) -> Job:
        store = self.ctx.store
        return self._submit("Pull races from S3", lambda target, progress: _sync("pull").pull(store, target, progress),
                            pull_summary)

    def status(self) -> Job:
        store = self.ctx.store
        return self._submit("S3 status", lambda target, _progress: _sync("status").status(store, target),
                            status_summary)


def push_summary(report: "PushReport") -> tuple[str, bool]:
    text = (f"Push: {'bucket created, ' if report.bucket_created else ''}{len(report.uploaded)} files uploaded, "
            f"{report.already} already in the bucket; {len(report.races)} races complete in the bucket")
    if report.failed:
        key, error = next(iter(report.failed.items()))
        text += f"; {len(report.failed)} failed (first: {key}: {error})"
    return text, bool(report.failed)


def pull_summary(report: "PullReport") -> tuple[str, bool]:
    text = f"Pull: {len(report.races)} races pulled, {len(report.already)} already here"
    if report.skipped:
        race_id, why = next(iter(report.skipped.items()))
        text += f"; {len(report.skipped)} skipped (first: {race_id}: {why})"
    return text, bool(report.skipped)


def status_summary(out: dict) -> tuple[str, bool]:
    totals = out["totals"]
    return (f"S3 status for s3://{out['bucket']}/{out['prefix']}: {totals['synced']} synced, "
            f"{totals['local-only']} local-only, {totals['uploading']} incomplete, {totals['failed']} failed, "
            f"{totals['remote-only']} only in the bucket"), bool(totals["failed"])
