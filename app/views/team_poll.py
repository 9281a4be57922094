"""A window on a shared catalog (PITWALL_CATALOG_URL) notices what other machines write.

Every few seconds the catalog's stamp (race count, latest change: one small query) is read on the job runner;
when it moved, the shared state says the catalog changed, and every view reads it again as after a local
ingest. Nothing runs for the embedded SQLite catalog, which only this machine writes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app.views.context import AppContext

POLL_MS = 5000


class CatalogPoll(QObject):
    def __init__(self, ctx: AppContext, parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._last: tuple | None = None
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.check()

    def check(self) -> None:
        if self._asking:  # a slow server: one question at a time
            return
        self._asking = True
        store = self.ctx.store
        job = self.ctx.runner.submit("Check the team catalog", lambda _p: store.catalog_stamp(), quiet=True,
                                     kind="catalog-read")
        job.result.connect(self._answered)
        job.finished.connect(self._done)

    def _answered(self, stamp: tuple) -> None:
        if self._last is not None and stamp != self._last:
            self.ctx.state.notify_catalog_changed()
        self._last = stamp

    def _done(self) -> None:
        self._asking = False


def watch_shared_catalog(ctx: AppContext, parent: QObject) -> CatalogPoll | None:
    """Start polling when the catalog is shared; None for the embedded one."""
    return CatalogPoll(ctx, parent) if ctx.store.shared else None
