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


def test_a_nul_character_in_the_staff_form_or_sign_in_is_refused_clearly(store, staff) -> None:
    admin = staff["admin"]
    for form in (
        {"email": "sam\x00@example.com", "full_name": "Sam"},
        {"email": "sam@example.com", "full_name": "Sam\x00"},
    ):
        with pytest.raises(ValidationFailed, match="cannot contain the invisible NUL") as refused:
            staff_service.add_staff(
                store.unit_of_work(), admin, role="warehouse", password="long enough pw", **form
            )
        assert list(refused.value.fields) == [next(k for k, v in form.items() if "\x00" in v)]
    with pytest.raises(ValidationFailed, match="The password cannot contain") as refused:
        staff_service.add_staff(
            store.unit_of_work(),
            admin,
            email="sam@example.com",
            full_name="Sam",
            role="warehouse",
            password="secret\x00password",
        )
    assert "secret" not in str(refused.value)
    with pytest.raises(SignInFailed, match="The e-mail cannot contain the invisible NUL"):
        staff_service.sign_in(store.unit_of_work(), "admin@example.com\x00", TEST_PASSWORD)
    assert not staff_service.sign_in_works(store.unit_of_work(), "a\x00@b.c", TEST_PASSWORD)


def test_a_store_error_on_a_staff_row_never_carries_the_password_hash(store, staff) -> None:
    """What a service did not check reaches the log or the crash report as an error's text:
    neither the unit of work's refusal nor the driver's error may hold the statement's values."""
    import logging
    import traceback

    from sqlalchemy.exc import DBAPIError

    from models.staff import Staff

    hashed = staff_service.hash_password("correct horse battery staple")
    with store.session_factory() as session:
        role_id = session.execute(text("SELECT id FROM roles WHERE code = 'warehouse'")).scalar()
    with pytest.raises(ValidationFailed) as refused, store.unit_of_work() as uow:
        uow.session.add(
            Staff(email="x@example.com", full_name="X\x00", role_id=role_id, password_hash=hashed)
        )
        uow.session.flush()
    logged = "".join(traceback.format_exception(refused.value))
    assert "cannot contain the invisible NUL character" in logged
    assert hashed not in logged and "$argon2" not in logged
    with pytest.raises(DBAPIError) as raw, store.session_factory() as session:
        session.add(
            Staff(email="y@example.com", full_name="Y\x00", role_id=role_id, password_hash=hashed)
        )
        session.flush()
    record = logging.LogRecord("crash", logging.ERROR, "", 0, "Unhandled", None, None)
    record.exc_info = (type(raw.value), raw.value, raw.value.__traceback__)
    assert hashed not in logging.Formatter().format(record)


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
