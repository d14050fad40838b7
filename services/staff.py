"""Staff: signing in, adding people, roles and passwords.

Passwords are hashed with argon2id. A failed sign-in says the same whether or not the account
exists, takes the same time, and repeated failures for one address are slowed down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from models.staff import Role, SignInThrottle, Staff
from services.actors import Actor
from services.audit import last_change
from services.errors import (
    NUL_REFUSED,
    Conflict,
    NotFound,
    PermissionDenied,
    SignInFailed,
    ValidationFailed,
    refuse_nul,
)
from services.unit_of_work import UnitOfWork

_hasher = PasswordHasher()
#: verified against when the address is unknown, so a miss costs what a wrong password costs
_DUMMY_HASH = _hasher.hash("not a real password")
#: failures allowed before sign-in slows down; then the wait (2 s) doubles per failure, to 5 min
FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class StaffRow:
    id: int
    email: str
    full_name: str
    role_code: str
    role_name: str
    is_active: bool
    last_sign_in_at: datetime | None
    version: int


@dataclass(frozen=True)
class RoleRow:
    id: int
    code: str
    name: str
    description: str
    permissions: tuple[str, ...]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def sign_in_delay(failures: int) -> timedelta:
    """How long to wait after ``failures`` consecutive failures before the next attempt."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES + 1)), MAX_DELAY)


def sign_in(uow: UnitOfWork, email: str, password: str) -> Actor:
    """The staff member ``email`` identifies, if ``password`` is theirs. Raises SignInFailed."""
    email = email.strip().lower()
    if "\x00" in email:
        raise SignInFailed(f"The e-mail {NUL_REFUSED}.")
    with uow:
        throttle = uow.session.get(SignInThrottle, email, with_for_update=True)
        now = datetime.now(UTC)
        if throttle is not None:
            wait = throttle.last_failure_at + sign_in_delay(throttle.failures) - now
            if wait > timedelta(0):
                seconds = int(wait.total_seconds()) + 1
                raise SignInFailed(
                    f"Too many failed attempts. Try again in {seconds} second"
                    f"{'s' if seconds != 1 else ''}."
                )
        staff = uow.session.scalar(select(Staff).where(Staff.email == email))
        if not _verify(staff.password_hash if staff else _DUMMY_HASH, password) or (
            staff is None or not staff.is_active
        ):
            uow.session.execute(
                pg_insert(SignInThrottle)
                .values(email=email, failures=1, last_failure_at=now)
                .on_conflict_do_update(
                    index_elements=[SignInThrottle.email],
                    set_={"failures": SignInThrottle.failures + 1, "last_failure_at": now},
                )
            )
            uow.commit()
            raise SignInFailed("That e-mail and password do not match an active account.")
        if _hasher.check_needs_rehash(staff.password_hash):
            staff.password_hash = hash_password(password)
        staff.last_sign_in_at = now
        uow.session.execute(delete(SignInThrottle).where(SignInThrottle.email == email))
        actor = _actor_for(uow, staff)
        uow.commit()
        return actor


def sign_in_works(uow: UnitOfWork, email: str, password: str) -> bool:
    """Whether ``email`` and ``password`` would sign in now, without signing in or counting a
    failure (the app shows the demo store's sign-in only while it still works)."""
    if "\x00" in email:
        return False
    with uow:
        staff = uow.session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
        return bool(staff and staff.is_active and _verify(staff.password_hash, password))


def sign_ins_that_work(uow: UnitOfWork, emails: Sequence[str], password: str) -> list[str]:
    """Those of ``emails`` that would sign in now with ``password``, in the order given, like
    ``sign_in_works`` for each; accounts that share a password hash (the demo staff, seeded
    with one) cost one verification between them, as a verification is slow on purpose."""
    wanted = [email.strip().lower() for email in emails]
    with uow:
        hashes = dict(
            uow.session.execute(
                select(Staff.email, Staff.password_hash).where(
                    Staff.email.in_(wanted), Staff.is_active
                )
            ).all()
        )
    verified: dict[str, bool] = {}
    works = []
    for email, given in zip(wanted, emails, strict=True):
        password_hash = hashes.get(email)
        if password_hash is None:
            continue
        if password_hash not in verified:
            verified[password_hash] = _verify(password_hash, password)
        if verified[password_hash]:
            works.append(given)
    return works


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _actor_for(uow: UnitOfWork, staff: Staff) -> Actor:
    permissions = uow.session.scalars(
        text("SELECT permission_code FROM role_permissions WHERE role_id = :r"),
        {"r": staff.role_id},
    ).all()
    return Actor(
        staff_id=staff.id,
        name=staff.full_name,
        role=staff.role.name,
        permissions=frozenset(permissions),
        email=staff.email,
    )


def _validate(email: str, full_name: str, password: str | None) -> dict[str, str]:
    refuse_nul(email=email, full_name=full_name, password=password)
    problems = {}
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        problems["email"] = "Enter an e-mail address such as sam@example.com."
    if not full_name.strip():
        problems["full_name"] = "Enter the person's name."
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        problems["password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters."
    return problems


def _role(uow: UnitOfWork, role_code: str) -> Role:
    role = uow.session.scalar(select(Role).where(Role.code == role_code))
    if role is None:
        codes = ", ".join(uow.session.scalars(select(Role.code).order_by(Role.id)))
        raise ValidationFailed(
            f"There is no role {role_code!r}. Roles: {codes}.", fields={"role": "Unknown role"}
        )
    return role


def add_staff(
    uow: UnitOfWork, actor: Actor, *, email: str, full_name: str, role: str, password: str
) -> StaffRow:
    email = email.strip().lower()
    with uow:
        uow.require(actor, "staff.manage")
        problems = _validate(email, full_name, password)
        if problems:
            raise ValidationFailed(" ".join(problems.values()), fields=problems)
        if uow.session.scalar(select(Staff.id).where(Staff.email == email)):
            raise ValidationFailed(
                f"{email} already has an account.", fields={"email": "Already in use"}
            )
        staff = Staff(
            email=email,
            full_name=full_name.strip(),
            role=_role(uow, role),
            password_hash=hash_password(password),
        )
        uow.session.add(staff)
        uow.session.flush()
        uow.audit(
            actor,
            "staff.add",
            "staff",
            staff.id,
            after={"email": email, "full_name": staff.full_name, "role": role},
        )
        uow.emit("staff.changed", "staff", staff.id, public=False)
        row = _row(staff)
        uow.commit()
        return row


def set_password(uow: UnitOfWork, actor: Actor, staff_id: int, password: str) -> None:
    """Anyone may change their own password; changing another's needs ``staff.manage``."""
    with uow:
        if actor.staff_id != staff_id:
            uow.require(actor, "staff.manage")
        staff = _get(uow, staff_id)
        problems = _validate(staff.email, staff.full_name, password)
        if problems:
            raise ValidationFailed(" ".join(problems.values()), fields=problems)
        staff.password_hash = hash_password(password)
        uow.audit(actor, "staff.password", "staff", staff_id, note="password changed")
        uow.commit()


def update_staff(
    uow: UnitOfWork,
    actor: Actor,
    staff_id: int,
    *,
    expected_version: int,
    full_name: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> StaffRow:
    refuse_nul(full_name=full_name)
    with uow:
        uow.require(actor, "staff.manage")
        staff = _get(uow, staff_id, for_update=True)
        if staff.version != expected_version:
            who = last_change(uow.session, {"staff": [staff.id]})
            raise Conflict(
                f"{staff.full_name} was changed{who.describe() if who else ' by someone else'}"
                " since you opened it. Reload and try again."
            )
        before = _audit_view(staff)
        if full_name is not None:
            staff.full_name = full_name.strip()
        if role is not None:
            staff.role = _role(uow, role)
        if is_active is not None:
            if staff.id == actor.staff_id and not is_active:
                raise PermissionDenied("You cannot deactivate your own account.")
            staff.is_active = is_active
        uow.session.flush()
        uow.audit(actor, "staff.update", "staff", staff_id, before=before, after=_audit_view(staff))
        uow.emit("staff.changed", "staff", staff_id, public=False)
        row = _row(staff)
        uow.commit()
        return row


def create_first_admin(uow: UnitOfWork, *, email: str, full_name: str, password: str) -> StaffRow:
    """The store's first admin, allowed only while the store has no staff at all."""
    email = email.strip().lower()
    with uow:
        uow.session.execute(text("LOCK TABLE staff IN SHARE ROW EXCLUSIVE MODE"))
        if uow.session.scalar(select(func.count()).select_from(Staff)):
            raise PermissionDenied("The store already has staff; sign in as an admin instead.")
        problems = _validate(email, full_name, password)
        if problems:
            raise ValidationFailed(" ".join(problems.values()), fields=problems)
        staff = Staff(
            email=email,
            full_name=full_name.strip(),
            role=_role(uow, "admin"),
            password_hash=hash_password(password),
        )
        uow.session.add(staff)
        uow.session.flush()
        uow.audit(
            Actor(staff.id, staff.full_name, "Admin"),
            "staff.add",
            "staff",
            staff.id,
            after={"email": email, "role": "admin"},
            note="first admin",
        )
        row = _row(staff)
        uow.commit()
        return row


def list_staff(uow: UnitOfWork) -> list[StaffRow]:
    with uow:
        return [_row(s) for s in uow.session.scalars(select(Staff).order_by(Staff.full_name))]


def list_roles(uow: UnitOfWork) -> list[RoleRow]:
    with uow:
        roles = uow.session.scalars(select(Role).order_by(Role.id)).all()
        return [
            RoleRow(
                r.id, r.code, r.name, r.description, tuple(sorted(p.code for p in r.permissions))
            )
            for r in roles
        ]


def find_staff(uow: UnitOfWork, email: str) -> StaffRow:
    with uow:
        staff = uow.session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
        if staff is None:
            raise NotFound(f"No staff member has the e-mail {email}.")
        return _row(staff)


def _get(uow: UnitOfWork, staff_id: int, *, for_update: bool = False) -> Staff:
    staff = uow.session.get(Staff, staff_id, with_for_update=for_update)
    if staff is None:
        raise NotFound("That staff member no longer exists.")
    return staff


def _audit_view(staff: Staff) -> dict[str, object]:
    return {"full_name": staff.full_name, "role": staff.role.code, "is_active": staff.is_active}


def _row(staff: Staff) -> StaffRow:
    return StaffRow(
        staff.id,
        staff.email,
        staff.full_name,
        staff.role.code,
        staff.role.name,
        staff.is_active,
        staff.last_sign_in_at,
        staff.version,
    )
