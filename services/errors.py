"""Domain errors: things a user can cause, with a message in the user's terms.

Views show ``str(error)`` in a dialog; the API maps ``status`` onto its JSON error shape.
Anything that is not a DomainError is a bug and goes to the crash report, never to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    #: short heading for a dialog
    title = "Cannot do that"
    #: HTTP status the sync API answers with
    status = 400
    #: machine-readable code for API clients
    code = "invalid_request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class PermissionDenied(DomainError):
    title = "Not allowed"
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    title = "Not found"
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Someone else changed the record since it was loaded; reload and try again."""

    title = "Changed by someone else"
    status = 409
    code = "conflict"


class InvalidTransition(DomainError):
    title = "Not possible in this state"
    status = 409
    code = "invalid_transition"


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``details["fields"]`` maps field names to messages."""

    title = "Please check"
    status = 422
    code = "validation_failed"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, details={"fields": fields or {}})
        self.fields = fields or {}


@dataclass(frozen=True)
class Shortage:
    sku: str | None
    variant_id: int
    location_id: int
    requested: int
    available: int


class InsufficientStock(DomainError):
    title = "Not enough stock"
    status = 409
    code = "insufficient_stock"

    def __init__(self, shortages: list[Shortage]) -> None:
        lines = ", ".join(
            f"{s.sku or f'variant {s.variant_id}'}: {s.requested} wanted, {s.available} available"
            for s in shortages
        )
        super().__init__(
            f"Not enough stock for {lines}.",
            details={"shortages": [s.__dict__ for s in shortages]},
        )
        self.shortages = shortages


class SignInFailed(DomainError):
    title = "Cannot sign in"
    status = 401
    code = "unauthenticated"


class StoreUnavailable(DomainError):
    """The database cannot be reached; nothing was changed."""

    title = "Store unreachable"
    status = 503
    code = "store_unavailable"


#: what a person is told when their text holds a NUL character, which PostgreSQL text cannot
NUL_REFUSED = (
    "cannot contain the invisible NUL character (it comes with text pasted from some "
    "programs); remove it and try again"
)


def refuse_nul(**values: str | None) -> None:
    """Raise ValidationFailed naming each field (keyword) whose text holds a NUL character.
    The message never repeats the value: it may be a password."""
    fields = {
        name: f"It {NUL_REFUSED}." for name, value in values.items() if value and "\x00" in value
    }
    if fields:
        names = ", ".join(name.replace("_", " ") for name in fields)
        raise ValidationFailed(f"The {names} {NUL_REFUSED}.", fields=fields)


def holds_nul(error: BaseException) -> bool:
    """Whether ``error`` is PostgreSQL (or its driver) refusing text with a NUL character."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    orig = error.orig if isinstance(error, DBAPIError) else error
    return isinstance(orig, psycopg.DataError) and "0x00" in str(orig)


def is_store_unreachable(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached (not a bug, not the user)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, StoreUnavailable | OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
