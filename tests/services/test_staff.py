"""Staff: sign-in, throttling, and what each preset role may do."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services import staff as staff_service
from services.errors import PermissionDenied, SignInFailed, ValidationFailed
from tests.conftest import TEST_PASSWORD


def test_right_password_signs_in_with_the_roles_permissions(store) -> None:
    actor = staff_service.sign_in(store.unit_of_work(), "Warehouse@Example.com ", TEST_PASSWORD)
    assert actor.role == "Warehouse"
    assert actor.can("inventory.adjust")
    assert not actor.can("orders.refund")


def test_wrong_password_and_unknown_account_fail_alike(store) -> None:
    with pytest.raises(SignInFailed) as wrong:
        staff_service.sign_in(store.unit_of_work(), "admin@example.com", "nope nope")
    with pytest.raises(SignInFailed) as unknown:
        staff_service.sign_in(store.unit_of_work(), "nobody@example.com", "nope nope")
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_slow_down_even_the_right_password(store) -> None:
    for _ in range(staff_service.FREE_FAILURES):
        with pytest.raises(SignInFailed, match="do not match"):
            staff_service.sign_in(store.unit_of_work(), "manager@example.com", "wrong guess")
    with pytest.raises(SignInFailed, match="Too many failed attempts"):
        staff_service.sign_in(store.unit_of_work(), "manager@example.com", TEST_PASSWORD)


def test_password_hashes_are_argon2(store) -> None:
    with store.session_factory() as session:
        hashes = session.execute(text("SELECT password_hash FROM staff")).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_only_admin_manages_staff(store, staff) -> None:
    for role in ("manager", "warehouse", "merchandiser"):
        with pytest.raises(PermissionDenied):
            staff_service.add_staff(
                store.unit_of_work(),
                staff[role],
                email="x@example.com",
                full_name="X",
                role="warehouse",
                password="long enough",
            )
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM staff WHERE email = 'x@example.com'")
            ).scalar_one()
            == 0
        )
    added = staff_service.add_staff(
        store.unit_of_work(),
        staff["admin"],
        email="X@example.com",
        full_name="Xena",
        role="warehouse",
        password="long enough",
    )
    assert (added.email, added.role_code) == ("x@example.com", "warehouse")
    with store.session_factory() as session:
        audit = session.execute(
            text("SELECT action, staff_id FROM audit_log WHERE entity_id = :id"),
            {"id": str(added.id)},
        ).one()
    assert audit == ("staff.add", staff["admin"].staff_id)


def test_a_short_password_is_refused_in_the_users_terms(store, staff) -> None:
    with pytest.raises(ValidationFailed, match="at least 8 characters"):
        staff_service.add_staff(
            store.unit_of_work(),
            staff["admin"],
            email="y@example.com",
            full_name="Y",
            role="warehouse",
            password="short",
        )


def test_a_deactivated_person_loses_permissions_at_once(store, staff) -> None:
    warehouse = staff["warehouse"]
    row = staff_service.find_staff(store.unit_of_work(), warehouse.email)
    staff_service.update_staff(
        store.unit_of_work(), staff["admin"], row.id, expected_version=row.version, is_active=False
    )
    with pytest.raises(PermissionDenied), store.unit_of_work() as uow:
        uow.require(warehouse, "inventory.adjust")


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("admin", {"staff.manage", "orders.refund", "inventory.adjust", "catalog.prices"}, set()),
        (
            "manager",
            {"orders.refund", "orders.cancel", "inventory.adjust", "catalog.edit"},
            {"staff.manage"},
        ),
        (
            "warehouse",
            {"inventory.adjust", "inventory.count", "orders.fulfill"},
            {"orders.refund", "catalog.prices", "catalog.edit", "staff.manage", "orders.cancel"},
        ),
        (
            "merchandiser",
            {"catalog.edit", "catalog.prices", "promotions.edit"},
            {"inventory.adjust", "orders.refund", "staff.manage", "inventory.count"},
        ),
    ],
)
def test_each_preset_role_has_what_its_job_needs_and_no_more(
    store, staff, role: str, allowed: set[str], refused: set[str]
) -> None:
    actor = staff[role]
    with store.unit_of_work() as uow:
        for permission in allowed:
            uow.require(actor, permission)
        for permission in refused:
            with pytest.raises(PermissionDenied):
                uow.require(actor, permission)


def test_sign_ins_that_work_names_the_accounts_the_password_opens(store) -> None:
    emails = ["admin@example.com", "nobody@example.com", "Manager@example.com"]
    assert staff_service.sign_ins_that_work(store.unit_of_work(), emails, TEST_PASSWORD) == [
        "admin@example.com",
        "Manager@example.com",
    ]
    assert staff_service.sign_ins_that_work(store.unit_of_work(), emails, "not the password") == []
    with store.session_factory.begin() as session:
        session.execute(
            text("UPDATE staff SET is_active = false WHERE email = 'admin@example.com'")
        )
    assert staff_service.sign_ins_that_work(store.unit_of_work(), emails, TEST_PASSWORD) == [
        "Manager@example.com"
    ]
