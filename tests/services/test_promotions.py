"""Promotions as merchandisers keep them: validation by field, conflicts, codes, the list."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from services.errors import Conflict, PermissionDenied, ValidationFailed
from services.paging import PageRequest
from services.pricing import DiscountClass, Kind, Rejection, Target
from services.promotions import (
    CODE_ALPHABET,
    Method,
    PromotionInput,
    PromotionStatus,
    SampleLine,
    create_promotion,
    disable_promotion,
    duplicate_promotion,
    export_codes_csv,
    generate_codes,
    get_promotion,
    list_promotions,
    load_offers,
    preview_promotion,
    schedule_promotion,
    update_promotion,
)
from tests import factories

TEN_OFF = PromotionInput(
    "Ten off fifty", Kind.FIXED_AMOUNT, 1000, method=Method.CODE, code="TEN", min_subtotal=5000
)


def _now(store) -> datetime:
    with store.session_factory() as session:
        return session.scalar(text("SELECT now()"))


def test_bad_settings_are_refused_on_the_fields_they_concern(store, staff) -> None:
    merch = staff["merchandiser"]
    start = datetime(2027, 1, 10, 9, 0)
    cases = {
        "ends_at": PromotionInput(
            "Sale", Kind.PERCENTAGE, 1000, starts_at=start, ends_at=start - timedelta(hours=1)
        ),
        "value": PromotionInput("Too much", Kind.PERCENTAGE, 10_001),
        "get_quantity": PromotionInput(
            "Buy 2", Kind.BUY_X_GET_Y, 10_000, buy_quantity=2, get_quantity=0
        ),
        "target_ids": PromotionInput(
            "Gone", Kind.PERCENTAGE, 1000, target=Target.COLLECTIONS, target_ids=(999_999,)
        ),
    }
    for field, data in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            create_promotion(store.unit_of_work(), merch, data)
        assert field in refused.value.fields, (field, refused.value.fields)


def test_a_code_that_exists_in_another_case_is_refused(store, staff) -> None:
    create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF)
    with pytest.raises(ValidationFailed) as refused:
        create_promotion(
            store.unit_of_work(),
            staff["merchandiser"],
            PromotionInput("Other", Kind.PERCENTAGE, 500, method=Method.CODE, code="ten"),
        )
    assert "already used" in refused.value.fields["code"]


def test_a_promotion_edited_by_two_people_gives_the_second_a_conflict(store, staff) -> None:
    merch = staff["merchandiser"]
    saved = create_promotion(store.unit_of_work(), merch, TEN_OFF)
    first = update_promotion(
        store.unit_of_work(),
        merch,
        saved.id,
        PromotionInput(**{**TEN_OFF.__dict__, "value": 1200}),
        expected_version=saved.version,
    )
    with pytest.raises(Conflict):
        update_promotion(
            store.unit_of_work(),
            merch,
            saved.id,
            PromotionInput(**{**TEN_OFF.__dict__, "value": 1500}),
            expected_version=saved.version,
        )
    detail = get_promotion(store.unit_of_work(), merch, saved.id)
    assert detail.data.value == 1200 and detail.version == first.version


def test_changes_need_promotions_edit_and_reading_needs_reports_or_edit(store, staff) -> None:
    with pytest.raises(PermissionDenied):
        create_promotion(store.unit_of_work(), staff["warehouse"], TEN_OFF)
    with pytest.raises(PermissionDenied):
        list_promotions(store.unit_of_work(), staff["warehouse"], PageRequest())
    saved = create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF)
    rows = list_promotions(store.unit_of_work(), staff["manager"], PageRequest()).rows
    assert [r.id for r in rows] == [saved.id]
    audited = _audit(store, saved.id)
    assert audited == ["promotion.create"]


def _audit(store, promotion_id: int) -> list[str]:
    with store.session_factory() as session:
        return list(
            session.scalars(
                text(
                    "SELECT action FROM audit_log WHERE entity_type = 'promotion' "
                    "AND entity_id = :id ORDER BY id"
                ),
                {"id": str(promotion_id)},
            )
        )


def test_the_list_shows_each_status_and_filters_by_it(store, staff) -> None:
    merch = staff["merchandiser"]
    now = _now(store)
    made = {
        "active": create_promotion(store.unit_of_work(), merch, TEN_OFF),
        "scheduled": create_promotion(
            store.unit_of_work(),
            merch,
            PromotionInput("Later", Kind.PERCENTAGE, 1000, starts_at=now + timedelta(days=3)),
        ),
        "expired": create_promotion(
            store.unit_of_work(),
            merch,
            PromotionInput(
                "Gone",
                Kind.PERCENTAGE,
                1000,
                starts_at=now - timedelta(days=9),
                ends_at=now - timedelta(days=2),
            ),
        ),
    }
    off = create_promotion(store.unit_of_work(), merch, PromotionInput("Off", Kind.FREE_SHIPPING))
    made["disabled"] = disable_promotion(
        store.unit_of_work(), merch, off.id, expected_version=off.version
    )
    rows = list_promotions(store.unit_of_work(), merch, PageRequest()).rows
    assert {r.title: r.status.value for r in rows} == {
        "Ten off fifty": "active",
        "Later": "scheduled",
        "Gone": "expired",
        "Off": "disabled",
    }
    scheduled = list_promotions(
        store.unit_of_work(), merch, PageRequest(filters={"status": PromotionStatus.SCHEDULED})
    ).rows
    assert [r.id for r in scheduled] == [made["scheduled"].id]
    found = list_promotions(store.unit_of_work(), merch, PageRequest(search="ten")).rows
    assert [r.title for r in found] == ["Ten off fifty"]
    assert _audit(store, off.id) == ["promotion.create", "promotion.disable"]


def test_scheduling_reads_times_in_the_stores_zone(store, staff) -> None:
    merch = staff["merchandiser"]
    with store.session_factory.begin() as session:
        session.execute(text("UPDATE store SET timezone = 'America/Chicago' WHERE id = 1"))
    saved = create_promotion(store.unit_of_work(), merch, TEN_OFF)
    scheduled = schedule_promotion(
        store.unit_of_work(),
        merch,
        saved.id,
        starts_at=datetime(2030, 11, 28, 0, 0),
        ends_at=datetime(2030, 12, 2, 0, 0),
        expected_version=saved.version,
    )
    assert scheduled.status is PromotionStatus.SCHEDULED
    with store.session_factory() as session:
        starts = session.scalar(
            text("SELECT starts_at FROM promotions WHERE id = :i"), {"i": saved.id}
        )
    assert starts == datetime(2030, 11, 28, 6, 0, tzinfo=UTC)  # midnight in Chicago
    detail = get_promotion(store.unit_of_work(), merch, saved.id)
    assert detail.data.starts_at is not None and detail.data.starts_at.hour == 0


def test_a_duplicate_is_a_disabled_copy_without_the_code(store, staff) -> None:
    merch = staff["merchandiser"]
    saved = create_promotion(store.unit_of_work(), merch, TEN_OFF)
    copy = duplicate_promotion(store.unit_of_work(), merch, saved.id)
    detail = get_promotion(store.unit_of_work(), merch, copy.id)
    assert detail.data.title == "Copy of Ten off fifty"
    assert detail.data.code is None and detail.status is PromotionStatus.DISABLED
    assert detail.data.min_subtotal == 5000 and detail.data.value == 1000


def test_ten_thousand_single_use_codes_are_unique_readable_and_exported(store, staff) -> None:
    merch = staff["merchandiser"]
    saved = create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Mailing", Kind.PERCENTAGE, 1500, method=Method.CODE),
    )
    batch = generate_codes(store.unit_of_work(), merch, saved.id, 10_000, prefix="fall")
    assert batch.count == 10_000
    out = io.StringIO()
    assert export_codes_csv(store.unit_of_work(), merch, saved.id, out) == 10_000
    lines = out.getvalue().splitlines()
    assert lines[0] == "code,used"
    codes = [ln.split(",")[0] for ln in lines[1:]]
    assert len(set(c.lower() for c in codes)) == 10_000
    assert all(c.startswith("FALL") and set(c[4:]) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set("".join(c[4:] for c in codes))
    detail = get_promotion(store.unit_of_work(), merch, saved.id)
    assert (detail.code_count, detail.codes_used) == (10_000, 0)
    offers = load_offers(store.session_factory(), codes=[codes[7].lower()], now=_now(store))
    assert [(o.id, o.code, o.remaining_uses) for o in offers] == [(saved.id, codes[7], 1)]


def test_offers_for_a_cart_are_the_live_automatic_ones_and_the_entered_codes(store, staff) -> None:
    merch = staff["merchandiser"]
    now = _now(store)
    live = create_promotion(store.unit_of_work(), merch, PromotionInput("Ship", Kind.FREE_SHIPPING))
    create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Old", Kind.PERCENTAGE, 500, ends_at=now - timedelta(days=1),
                       starts_at=now - timedelta(days=5)),
    )  # fmt: skip
    code = create_promotion(store.unit_of_work(), merch, TEN_OFF)
    with store.session_factory() as session:
        ids = {o.id for o in load_offers(session, now=now)}
        assert ids == {live.id}
        ids = {o.id for o in load_offers(session, codes=["ten", "nope"], now=now)}
        assert ids == {live.id, code.id}


def test_a_preview_prices_a_sample_cart_with_the_promotion_unsaved(store, staff) -> None:
    merch = staff["merchandiser"]
    [variant] = factories.product(store, price=3000)
    data = PromotionInput(
        "Ten off fifty",
        Kind.FIXED_AMOUNT,
        1000,
        method=Method.CODE,
        code="TEN",
        min_subtotal=5000,
        starts_at=datetime(2031, 1, 1),
        combines_with=frozenset({DiscountClass.SHIPPING}),
    )
    priced = preview_promotion(store.unit_of_work(), merch, data, [SampleLine(variant, 2)])
    assert (priced.subtotal, priced.discount_total, priced.total) == (6000, 1000, 5000)
    short = preview_promotion(store.unit_of_work(), merch, data, [SampleLine(variant, 1)])
    assert short.total == 3000
    assert [r.reason for r in short.rejected] == [Rejection.MINIMUM_NOT_MET]
    assert "$20.00 more" in short.rejected[0].message


def test_a_promotion_with_generated_codes_cannot_become_automatic(store, staff) -> None:
    merch = staff["merchandiser"]
    data = PromotionInput("Mailing", Kind.PERCENTAGE, 1500, method=Method.CODE)
    saved = create_promotion(store.unit_of_work(), merch, data)
    generate_codes(store.unit_of_work(), merch, saved.id, 3)
    with pytest.raises(ValidationFailed) as refused:
        update_promotion(
            store.unit_of_work(),
            merch,
            saved.id,
            PromotionInput("Mailing", Kind.PERCENTAGE, 1500),
            expected_version=saved.version,
        )
    assert "generated codes" in refused.value.fields["method"]


def test_a_promotion_on_variants_names_them_as_people_know_them(store, staff) -> None:
    shirt = factories.product(store, title="Linen shirt", skus=("LIN-S", "LIN-M"))
    mug = factories.product(store, title="Mug", skus=("MUG",))
    saved = create_promotion(
        store.unit_of_work(),
        staff["merchandiser"],
        PromotionInput(
            "Two things",
            Kind.PERCENTAGE,
            1000,
            target=Target.VARIANTS,
            target_ids=(shirt[1], mug[0]),
        ),
    )
    detail = get_promotion(store.unit_of_work(), staff["merchandiser"], saved.id)
    assert detail.target_titles == {
        shirt[1]: "Linen shirt – Option 2 (LIN-M)",
        mug[0]: "Mug (MUG)",
    }
