"""Background work for the views: service calls off the UI thread, results back by signal.

Writes run one at a time, in the order asked (one worker), so a user's actions apply in
sequence; reads run on a small pool. A domain error becomes a message in the user's terms;
anything else is a bug: logged with its stack and shown as a short crash notice.

(DESIGN.md places the runner in ``app/``; it lives here because every view depends on it and
``app`` sits above ``views`` in the import layers.)
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from services.errors import DomainError, StoreUnavailable, is_store_unreachable
from services.progress import Cancelled, Progress

log = logging.getLogger(__name__)

#: how long work may run before the busy indicator shows; quick work shows nothing
BUSY_DELAY_MS = 250


class TaskProgress(Progress):
    """Progress that reaches the UI by signal and stops the work when cancelled."""

    def __init__(self, task: Task) -> None:
        self._task = task

    def report(self, done: int, total: int | None = None, text: str = "") -> None:
        self._task.signals.progressed.emit(self._task, done, total or 0, text)
        super().report(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self._task.is_cancelled


class _TaskSignals(QObject):
    finished = Signal(object, object)
    failed = Signal(object, object)
    progressed = Signal(object, int, int, str)


class Task(QRunnable):
    """One service call. Signals arrive on the UI thread.

    Signals (on ``task.signals``):
        finished(Task, object): the call's return value.
        failed(Task, object): the exception it raised.
        progressed(Task, int, int, str): done, total (0 if unknown), text.
    """

    def __init__(
        self,
        label: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        with_progress: bool,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.label = label
        self.signals = _TaskSignals()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._cancel = threading.Event()
        self.done = threading.Event()
        if with_progress:
            self._kwargs["progress"] = TaskProgress(self)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # delivered to the UI thread, never swallowed
            self.signals.failed.emit(self, error)
        else:
            self.signals.finished.emit(self, result)
        finally:
            self.done.set()


class TaskRunner(QObject):
    """Runs service calls off the UI thread.

    Signals:
        busy_changed(str): the label of running work after a short delay, "" when idle.
        progressed(str, int, int, str): label, done, total, text of the newest long task.
        store_unavailable(str): a call failed because the store could not be reached.
    """

    busy_changed = Signal(str)
    progressed = Signal(str, int, int, str)
    store_unavailable = Signal(str)

    def __init__(self, parent: QObject | None = None, *, serial: bool = False) -> None:
        """``serial`` runs reads and writes on one worker, one at a time: for tests whose
        store is a single shared connection."""
        super().__init__(parent)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        if serial:
            self._reads = self._writes
        else:
            self._reads = QThreadPool(self)
            self._reads.setMaxThreadCount(4)
        self._running: list[Task] = []
        self._closed = False
        self._callbacks: dict[Task, tuple[Any, Any, Any]] = {}
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

    def query(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "Loading",
        busy: QWidget | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run a read-only call on the pool."""
        return self._start(self._reads, label, fn, args, kwargs, on_done, on_error, busy, False)

    def change(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "Saving",
        busy: QWidget | None = None,
        with_progress: bool = False,
        **kwargs: Any,
    ) -> Task:
        """Run a mutation after the ones asked before it. ``busy`` is disabled meanwhile;
        ``with_progress`` passes a cancellable ``progress`` keyword to ``fn``."""
        return self._start(
            self._writes, label, fn, args, kwargs, on_done, on_error, busy, with_progress
        )

    def _start(
        self,
        pool: QThreadPool,
        label: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        busy: QWidget | None,
        with_progress: bool,
    ) -> Task:
        task = Task(label, fn, args, kwargs, with_progress)
        if self._closed:
            return task  # the store it would use is gone (signed out, shut down)
        if busy is not None:
            busy.setEnabled(False)
        self._callbacks[task] = (on_done, on_error, busy)
        # Bound methods of this UI-thread object: Qt queues the calls onto the UI thread.
        task.signals.finished.connect(self._on_task_finished)
        task.signals.failed.connect(self._on_task_failed)
        task.signals.progressed.connect(self._on_task_progressed)
        self._running.append(task)
        self._update_busy()
        pool.start(task)
        return task

    @Slot(object, object)
    def _on_task_finished(self, task: Task, result: Any) -> None:
        on_done, _, _ = self._finish(task)
        if on_done is not None and not task.is_cancelled and _receiver_alive(on_done):
            on_done(result)

    @Slot(object, object)
    def _on_task_failed(self, task: Task, error: BaseException) -> None:
        _, on_error, _ = self._finish(task)
        if isinstance(error, Cancelled):
            return
        if on_error is not None:
            if _receiver_alive(on_error):
                on_error(error)
        else:
            self.report_error(error)

    @Slot(object, int, int, str)
    def _on_task_progressed(self, task: Task, done: int, total: int, text: str) -> None:
        self.progressed.emit(task.label, done, total, text)

    def _finish(self, task: Task) -> tuple[Any, Any, Any]:
        callbacks = self._callbacks.pop(task, (None, None, None))
        if task in self._running:
            self._running.remove(task)
        busy = callbacks[2]
        if busy is not None:
            with contextlib.suppress(RuntimeError):  # the widget was closed meanwhile
                busy.setEnabled(True)
        self._update_busy()
        return callbacks

    def report_error(self, error: BaseException, parent: QWidget | None = None) -> None:
        """Show an error to the user: domain errors as they are, anything else as a bug."""
        parent = parent or QApplication.activeWindow()
        if is_store_unreachable(error):
            message = (
                str(error)
                if isinstance(error, StoreUnavailable)
                else "The store could not be reached. Nothing was changed; try again shortly."
            )
            self.store_unavailable.emit(message)
            QMessageBox.warning(parent, StoreUnavailable.title, message)
            return
        if isinstance(error, DomainError):
            QMessageBox.warning(parent, error.title, str(error))
            return
        log.error("Unexpected error in background work", exc_info=error)
        QMessageBox.critical(
            parent,
            "Something went wrong",
            "This is a bug in Merchant Office, not something you did. Nothing half-done was "
            "saved. The details are in the log file; please send it to support.",
        )

    def owned_by(self, widget: QObject) -> OwnedTasks:
        """This runner for one widget: results arriving after the widget is gone (a dialog
        closed while its query ran) are dropped instead of reaching a deleted object."""
        return OwnedTasks(widget, self)

    @property
    def running(self) -> list[Task]:
        return list(self._running)

    def cancel_all(self) -> None:
        for task in self._running:
            task.cancel()

    def close(self) -> None:
        """Start no more work: a refresh a timer asks for after its store was closed would
        run on a connection that is no longer this runner's."""
        self._closed = True

    def wait_for_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block until queued work is done (tests, shutdown)."""
        ok = self._writes.waitForDone(timeout_ms) and self._reads.waitForDone(timeout_ms)
        QApplication.processEvents()
        return ok

    def _update_busy(self) -> None:
        if self._running:
            if not self._busy_timer.isActive():
                self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_changed.emit("")

    def _show_busy(self) -> None:
        if self._running:
            self.busy_changed.emit(self._running[-1].label)


def _receiver_alive(callback: Callable[..., Any]) -> bool:
    """False when ``callback`` is a method of a Qt object that has been deleted."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class OwnedTasks:
    """A TaskRunner seen from one widget (``TaskRunner.owned_by``)."""

    def __init__(self, widget: QObject, runner: TaskRunner) -> None:
        self._widget, self._runner = widget, runner

    def _guard(self, callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
        if callback is None:
            return None
        widget = self._widget

        def call(value: Any) -> None:
            if shiboken6.isValid(widget):
                callback(value)

        return call

    def query(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        kwargs["on_done"] = self._guard(kwargs.get("on_done"))
        kwargs["on_error"] = self._guard(kwargs.get("on_error"))
        return self._runner.query(fn, *args, **kwargs)

    def change(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        kwargs["on_done"] = self._guard(kwargs.get("on_done"))
        kwargs["on_error"] = self._guard(kwargs.get("on_error"))
        return self._runner.change(fn, *args, **kwargs)

    def report_error(self, error: BaseException, parent: QWidget | None = None) -> None:
        self._runner.report_error(error, parent)
