"""Who is acting: a signed-in staff member, or the system on someone's behalf."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The acting party of a service call.

    ``permissions`` is what the role granted at sign-in and drives what the GUI shows; services
    check the store again (``UnitOfWork.require``) so a revoked permission binds at once.
    ``staff_id`` is None for the system (demo seeding, the storefront API).
    """

    staff_id: int | None
    name: str
    role: str
    permissions: frozenset[str] = field(default_factory=frozenset)
    email: str | None = None

    def can(self, permission: str) -> bool:
        return "*" in self.permissions or permission in self.permissions

    @property
    def is_system(self) -> bool:
        return self.staff_id is None


def system_actor(name: str = "System", permissions: frozenset[str] | None = None) -> Actor:
    """An actor with no staff row: seeding, migrations, the storefront. All permissions unless
    told otherwise."""
    return Actor(
        staff_id=None,
        name=name,
        role="system",
        permissions=permissions if permissions is not None else frozenset({"*"}),
    )
