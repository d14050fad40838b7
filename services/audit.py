"""Reading the audit log: who did what, when, before and after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

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
            sort_key=AuditEntry.id,
            id_column=AuditEntry.id,
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


@dataclass(frozen=True)
class LastChange:
    """Who last changed a record, and when (from the audit log)."""

    by: str
    at: datetime

    def describe(self) -> str:
        """ " by Manager Tester at 14:05" (with the date when it was not today)."""
        local = self.at.astimezone()
        today = datetime.now(local.tzinfo).date()
        when = f"{local:%H:%M}" if local.date() == today else f"{local:%d %b %Y %H:%M}"
        return f" by {self.by} at {when}"


def last_change(session: Session, records: Mapping[str, Iterable[object]]) -> LastChange | None:
    """The newest audit entry on any of ``records`` (entity type -> ids): a product and its
    variants are one record to the person editing it, whichever of them a change was audited
    on (a bulk edit audits each variant, not the product)."""
    conditions: list[str] = []
    params: dict[str, str | list[str]] = {}
    for n, (entity_type, ids) in enumerate(records.items()):
        keys = [str(i) for i in ids]
        if keys:
            conditions.append(f"(a.entity_type = :type{n} AND a.entity_id = ANY(:ids{n}))")
            params[f"type{n}"], params[f"ids{n}"] = entity_type, keys
    if not conditions:
        return None
    row = session.execute(
        text(
            "SELECT coalesce(s.full_name, a.note, 'someone') AS name, a.occurred_at "
            "FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id "
            f"WHERE {' OR '.join(conditions)} ORDER BY a.id DESC LIMIT 1"
        ),
        params,
    ).one_or_none()
    return None if row is None else LastChange(row.name, row.occurred_at)
