"""Reading the audit log: who did what, when, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from models.audit import AuditEntry
from models.staff import Staff
from services.paging import Page, PageRequest, keyset_page, like_pattern
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    staff_name: str
    action: str
    entity_type: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None
    batch_id: str | None


def list_audit(uow: UnitOfWork, request: PageRequest) -> Page[AuditRow]:
    """Newest first. Filters: ``entity_type``, ``entity_id``, ``staff_id``, ``batch_id``;
    search matches the action, the record id and the person's name."""
    statement = select(AuditEntry, func.coalesce(Staff.full_name, "System").label("staff_name"))
    statement = statement.outerjoin(Staff, Staff.id == AuditEntry.staff_id)
    for name in ("entity_type", "entity_id", "staff_id", "batch_id"):
        if request.filters.get(name) is not None:
            statement = statement.where(getattr(AuditEntry, name) == request.filters[name])
    if request.search:
        pattern = like_pattern(request.search)
        statement = statement.where(
            or_(
                AuditEntry.action.ilike(pattern),
                AuditEntry.entity_id.ilike(pattern),
                Staff.full_name.ilike(pattern),
            )
        )
    with uow:
        return keyset_page(
            uow.session,
            statement,
            order=[AuditEntry.id],
            request=PageRequest(**{**request.__dict__, "descending": True}),
            to_row=lambda r: AuditRow(
                r.AuditEntry.id,
                r.AuditEntry.occurred_at,
                r.staff_name,
                r.AuditEntry.action,
                r.AuditEntry.entity_type,
                r.AuditEntry.entity_id,
                r.AuditEntry.before,
                r.AuditEntry.after,
                r.AuditEntry.note,
                r.AuditEntry.batch_id,
            ),
        )
