"""What the stock documents (transfers, purchase orders, counts) share: locking one at the
version the user saw, status changes by the document's transitions table, and the audit and
outbox rows a status change writes."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, TypeVar

from models.status import IllegalTransition, require_transition
from services.actors import Actor
from services.audit import last_change
from services.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from services.unit_of_work import UnitOfWork


class Document(Protocol):
    id: int
    number: str
    status: str
    version: int


D = TypeVar("D", bound=Document)
S = TypeVar("S", bound=StrEnum)


def refused_lines(message: str) -> ValidationFailed:
    """A document's lines refused: the editor shows ``message`` on the lines."""
    return ValidationFailed(message, fields={"lines": message})


#: the audit log's entity type of each kind of document
_AUDITED_AS = {"Purchase order": "purchase_order", "Transfer": "transfer", "Count": "stock_count"}


def lock_document(
    uow: UnitOfWork, model: type[D], document_id: int, version: int | None, kind: str
) -> D:
    """The document, locked for this unit of work. Raises NotFound, or Conflict when
    ``version`` (what the user saw; None: any) is no longer current."""
    document = uow.session.get(model, document_id, with_for_update=True, populate_existing=True)
    if document is None:
        raise NotFound(f"{kind} {document_id} no longer exists.")
    if version is not None and document.version != version:
        who = last_change(uow.session, {_AUDITED_AS[kind]: [document.id]})
        raise Conflict(
            f"{name(kind, document)} was changed{who.describe() if who else ' by someone else'}"
            " since you opened it; reload it and try again."
        )
    return document


def check_status_change(
    document: Document,
    transitions: dict[S, frozenset[S]],
    target: S,
    labels: dict[S, str],
    kind: str,
) -> None:
    """InvalidTransition (naming both states) unless the document's transitions table allows
    moving it to ``target``; the caller sets the status once the move is done."""
    current = type(target)(document.status)
    try:
        require_transition(transitions, current, target)
    except IllegalTransition:
        raise InvalidTransition(
            f"{name(kind, document)} is {labels[current].lower()}; it cannot be "
            f"{labels[target].lower()} now."
        ) from None


def audit_status(
    uow: UnitOfWork,
    actor: Actor,
    entity_type: str,
    document: Document,
    before: StrEnum,
    action: str,
    *,
    note: str | None = None,
    extra: dict[str, object] | None = None,
) -> None:
    uow.audit(
        actor,
        action,
        entity_type,
        document.id,
        before={"status": before.value},
        after={"status": document.status, **(extra or {})},
        note=note,
    )


def announce(uow: UnitOfWork, topic: str, entity_type: str, document: Document) -> None:
    """Tell other workstations; documents in progress are not the storefront's business."""
    uow.emit(
        topic,
        entity_type,
        document.id,
        payload={"number": document.number, "status": str(document.status)},
        public=False,
    )


def name(kind: str, document: Document) -> str:
    """ "Transfer T-1001", "Count C-1001"; a purchase order's number says what it is already."""
    if document.number.startswith("PO-"):
        return document.number
    return f"{kind} {document.number}"
