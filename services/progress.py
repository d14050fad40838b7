"""Progress and cancellation for long operations, without any UI.

A long service (an import, a bulk edit, a count post) takes a ``Progress`` and calls
``progress.report(done, total, text)`` as it goes; ``report`` raises ``Cancelled`` once the user
asked to stop, and the service's unit of work rolls back, so nothing half-done remains.
"""

from __future__ import annotations

from services.errors import DomainError


class Cancelled(DomainError):
    title = "Cancelled"
    status = 499
    code = "cancelled"

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class Progress:
    """Silent progress: the default when nobody watches (CLI scripts, the API, tests)."""

    def report(self, done: int, total: int | None = None, text: str = "") -> None:
        if self.cancelled:
            raise Cancelled()

    @property
    def cancelled(self) -> bool:
        return False


NO_PROGRESS = Progress()
