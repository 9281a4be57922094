"""Run transfers on a thread pool; progress, cancel and batched results stay on the calling thread."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app.errors import Cancelled, Progress
from app.services.sync.config import S3Target, SyncError, Unreachable, explain
from app.services.sync.state import Item

Outcome = tuple[Item, str, str | None]  # item, outcome ("uploaded", "present", "failed", "skipped"...), error


@dataclass
class Totals:
    """Bytes and items of the whole job, shared by its phases."""

    bytes_total: int
    items_total: int
    bytes_done: int = 0
    items_done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_bytes(self, n: int) -> None:
        with self.lock:
            self.bytes_done += n


@dataclass
class RunResult:
    outcomes: list[Outcome]
    cancelled: bool = False
    stopped: SyncError | None = None  # the error that made the whole run stop (server unreachable)


def run(items: list[Item], work: Callable[[Item, Callable[[int], None]], str], target: S3Target, what: str,
        totals: Totals, progress: Progress, record: Callable[[list[Outcome]], None],
        on_item: Callable[[int, int], None] | None = None) -> RunResult:
    """Do `work(item, on_bytes)` for every item, `target.concurrency` at a time.

    `record` gets finished items in batches (a few per second), so the catalog write is not per file.
    An unreachable server or a cancel stops new items from starting; those come back as "skipped".
    """
    stop = threading.Event()
    result = RunResult([])

    def task(item: Item) -> str:
        if stop.is_set():
            return "skipped"
        return work(item, totals.add_bytes)

    def finish(item: Item, fut) -> Outcome:
        exc = fut.exception()
        if exc is None:
            return item, fut.result(), None
        if isinstance(exc, Cancelled):
            return item, "skipped", None
        err = explain(exc, target, f"{what} {item.key}")
        if isinstance(err, Unreachable) and result.stopped is None:
            result.stopped = err
            stop.set()
        return item, "failed", str(err)

    batch: list[Outcome] = []
    last_flush = time.monotonic()
    with ThreadPoolExecutor(max_workers=target.concurrency, thread_name_prefix="s3") as pool:
        # Finished futures arrive on a queue (not `wait()` over every pending future, which costs O(pending)
        # per wake-up and competes with the upload threads for the GIL).
        done: queue.SimpleQueue = queue.SimpleQueue()
        futures = {}
        for item in items:
            fut = pool.submit(task, item)
            futures[fut] = item
            fut.add_done_callback(done.put)
        pending = len(futures)
        try:
            while pending:
                finished = []
                try:
                    finished.append(done.get(timeout=0.1))
                    while True:
                        finished.append(done.get_nowait())
                except queue.Empty:
                    pass
                pending -= len(finished)
                for fut in finished:
                    outcome = finish(futures[fut], fut)
                    batch.append(outcome)
                    result.outcomes.append(outcome)
                    if outcome[1] not in ("skipped", "failed"):
                        totals.items_done += 1
                if on_item:
                    on_item(totals.items_done, totals.items_total)
                keep_going = progress(min(totals.bytes_done, totals.bytes_total), totals.bytes_total)
                if keep_going is False and not stop.is_set():
                    result.cancelled = True
                    stop.set()
                if batch and (not pending or time.monotonic() - last_flush > 0.25):
                    record(batch)
                    batch, last_flush = [], time.monotonic()
        except BaseException:  # Ctrl-C or a failing `record`: queued items must not start after this
            stop.set()
            raise
    return result
