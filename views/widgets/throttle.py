"""Calling something at most once per interval, however often it is asked for."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

#: changes heard within this many milliseconds of a refresh share the next one
REFRESH_MS = 250


class Throttle(QObject):
    """Calls ``action`` at once when the last call is ``interval_ms`` ago or more; otherwise
    once when the interval is over, however many times it was asked meanwhile."""

    def __init__(
        self,
        action: Callable[[], None],
        interval_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._action = action
        self._interval = interval_ms / 1000
        self._last: float | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._call)

    def ask(self) -> None:
        if self._timer.isActive():
            return
        wait = 0.0 if self._last is None else self._last + self._interval - time.monotonic()
        if wait <= 0:
            self._call()
        else:
            self._timer.start(int(wait * 1000) + 1)

    @property
    def is_waiting(self) -> bool:
        return self._timer.isActive()

    def _call(self) -> None:
        self._last = time.monotonic()
        self._action()
