"""Orders priced through the engine: codes, automatic discounts, edits that re-check minimums,
manual discounts, cancellations giving uses back, and the races on the last use."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text

from services.customers import NewCustomer, create_customer
from services.errors import ValidationFailed
from services.orders import (
    DraftLine,
    LineChange,
    OrderDraft,
    cancel_order,
    create_order,
    edit_order,
    get_order_detail,
    get_order_pricing,
    quote_order,
)
from services.paging import PageRequest
from services.pricing import DiscountClass, Kind, ManualDiscount, Rejection
from services.promotions import (
    Method,
    PromotionInput,
    PromotionUnavailable,
    create_promotion,
    generate_codes,
    list_redemptions,
    redemption_totals,
)
from tests import orders_support as support

TEN_OFF_FIFTY = PromotionInput(
    "$10 off $50",
    Kind.FIXED_AMOUNT,
    1000,
    method=Method.CODE,
    code="TEN",
    min_subtotal=5000,
    combines_with=frozenset({DiscountClass.SHIPPING}),
)
FREE_SHIPPING = PromotionInput(
    "Free shipping over $75",
    Kind.FREE_SHIPPING,
    min_subtotal=7500,
    combines_with=frozenset({DiscountClass.ORDER, DiscountClass.PRODUCT}),
)
_emails = itertools.count(1)


def _customer(store, actor) -> int:
    n = next(_emails)
    return create_customer(
        store.unit_of_work(), actor, NewCustomer("Pat", f"Lee{n}", f"pat{n}@example.com")
    ).id


def _draft(shop, quantities, **kw) -> OrderDraft:
    lines = [DraftLine(v, q) for v, q in zip(shop.variants, quantities, strict=False) if q]
    return OrderDraft(lines=lines, location_id=shop.location_id, email="a@example.com", **kw)


def _counts(store, promotion_id: int) -> tuple[int, int, int]:
    with store.session_factory() as session:
        return session.execute(
            text(
                "SELECT used_count, discount_given, (SELECT count(*) FROM promotion_redemptions"
                " WHERE promotion_id = p.id AND returned_at IS NULL) FROM promotions p"
                " WHERE id = :id"
            ),
            {"id": promotion_id},
        ).one()


def test_a_phone_order_with_a_code_is_priced_explained_and_redeemed(store, staff) -> None:
    merch, manager = staff["merchandiser"], staff["manager"]
    code = create_promotion(store.unit_of_work(), merch, TEN_OFF_FIFTY)
    free = create_promotion(store.unit_of_work(), merch, FREE_SHIPPING)
    shop = support.shop(store, staff["admin"], skus=("TEE", "CAP"), price=3000)
    draft = _draft(shop, (1, 1), codes=["ten"], shipping_total=595, tax_rate_bp=1000)
    quote = quote_order(store.unit_of_work(), manager, draft)
    assert (quote.discount_total, quote.total) == (1000, 6000 - 1000 + 595)
    created = create_order(store.unit_of_work(), manager, draft)
    detail = get_order_detail(store.unit_of_work(), created.id)
    t = detail.totals
    assert (t.subtotal, t.discount_total, t.shipping_total, t.tax_total) == (6000, 1000, 595, 500)
    assert t.total == 6095 == created.total
    assert [ln.discount_total for ln in detail.lines] == [500, 500]
    pricing = get_order_pricing(store.unit_of_work(), created.id)
    assert pricing.codes == ("ten",)
    [applied] = pricing.applied
    assert (applied.promotion_id, applied.code, applied.amount) == (code.id, "TEN", 1000)
    assert [(s.title, s.amount) for s in applied.lines] == [
        ("Product TEE", 500),
        ("Product CAP", 500),
    ]
    [missed] = pricing.not_applied
    assert (missed.promotion_id, missed.reason) == (free.id, Rejection.MINIMUM_NOT_MET.value)
    assert "$15.00 more to go" in missed.message
    assert _counts(store, code.id) == (1, 1000, 1)
    assert detail.timeline[0].data["discounts"] == [{"title": "$10 off $50", "amount": 1000}]
    [redeemed] = list_redemptions(store.unit_of_work(), merch, code.id, PageRequest()).rows
    assert (redeemed.order_number, redeemed.code, redeemed.amount) == (created.number, "TEN", 1000)
    totals = redemption_totals(store.unit_of_work(), merch, code.id)
    assert (totals.count, totals.amount, totals.returned) == (1, 1000, 0)


def test_a_code_that_is_unknown_or_cannot_apply_is_refused_on_the_codes_field(store, staff) -> None:
    create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF_FIFTY)
    shop = support.shop(store, staff["admin"], skus=("TEE",), price=3000)
    for code, words in (("NOPE", "No promotion has this code"), ("TEN", "$20.00 more")):
        with pytest.raises(ValidationFailed) as refused:
            create_order(store.unit_of_work(), staff["manager"], _draft(shop, (1,), codes=[code]))
        assert words in refused.value.fields["codes"]
    with store.session_factory() as session:
        assert session.scalar(text("SELECT count(*) FROM orders")) == 0


def test_an_edit_below_the_minimum_loses_the_discount_and_says_so(store, staff) -> None:
    manager = staff["manager"]
    code = create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF_FIFTY)
    shop = support.shop(store, staff["admin"], skus=("TEE", "CAP"), price=3000)
    created = create_order(store.unit_of_work(), manager, _draft(shop, (1, 1), codes=["TEN"]))
    detail = get_order_detail(store.unit_of_work(), created.id)
    cap = detail.lines[1]
    result = edit_order(
        store.unit_of_work(),
        manager,
        created.id,
        [LineChange(0, line_id=cap.id)],
        expected_version=detail.version,
    )
    assert result.total_after == 3000
    pricing = get_order_pricing(store.unit_of_work(), created.id)
    assert pricing.applied == ()
    [lost] = pricing.not_applied
    assert lost.lost and lost.reason == Rejection.MINIMUM_NOT_MET.value
    assert "No longer applies" in pricing.sentences()[0]
    assert _counts(store, code.id) == (0, 0, 0)
    edited = get_order_detail(store.unit_of_work(), created.id)
    changes = edited.timeline[-1].data["changes"]
    assert {"discount_lost": "$10 off $50", "why": lost.message} in changes
    assert "$10 off $50 no longer applies (Needs $50.00" in edited.timeline[-1].summary
    # adding the line back meets the minimum again: the code, still on the order, applies
    edit_order(
        store.unit_of_work(),
        manager,
        created.id,
        [LineChange(1, variant_id=shop.variants[1])],
        expected_version=edited.version,
    )
    assert get_order_detail(store.unit_of_work(), created.id).totals.discount_total == 1000
    assert _counts(store, code.id) == (1, 1000, 1)


def test_a_manual_discount_with_a_reason_is_one_more_explained_line(store, staff) -> None:
    manager = staff["manager"]
    create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF_FIFTY)
    shop = support.shop(store, staff["admin"], skus=("TEE", "CAP"), price=3000)
    created = create_order(
        store.unit_of_work(),
        manager,
        _draft(shop, (1, 1), codes=["TEN"], discount=250, discount_reason="Late delivery"),
    )
    pricing = get_order_pricing(store.unit_of_work(), created.id)
    assert [(a.title, a.amount, a.description) for a in pricing.applied] == [
        ("$10 off $50", 1000, "$10.00 off: $10.00 over 2 lines."),
        ("Manual discount", 250, "Late delivery"),
    ]
    detail = get_order_detail(store.unit_of_work(), created.id)
    assert detail.totals.discount_total == 1250 and created.total == 4750
    edit_order(
        store.unit_of_work(),
        manager,
        created.id,
        [],
        manual=ManualDiscount(0, ""),
        expected_version=detail.version,
    )
    assert get_order_detail(store.unit_of_work(), created.id).totals.discount_total == 1000


def test_cancelling_gives_the_use_back(store, staff) -> None:
    manager = staff["manager"]
    once = create_promotion(
        store.unit_of_work(),
        staff["merchandiser"],
        PromotionInput(
            "Welcome 10%",
            Kind.PERCENTAGE,
            1000,
            method=Method.CODE,
            code="WELCOME",
            once_per_customer=True,
            usage_limit=1,
        ),
    )
    shop = support.shop(store, staff["admin"], skus=("TEE",), price=3000)
    customer = _customer(store, manager)
    draft = OrderDraft(
        [DraftLine(shop.variants[0], 1)],
        customer_id=customer,
        location_id=shop.location_id,
        codes=["welcome"],
    )
    first = create_order(store.unit_of_work(), manager, draft)
    with pytest.raises(ValidationFailed) as refused:
        create_order(store.unit_of_work(), manager, draft)
    assert "used as many times" in refused.value.fields["codes"]
    cancel_order(store.unit_of_work(), manager, first.id, reason="Customer changed their mind")
    assert _counts(store, once.id) == (0, 0, 0)
    again = create_order(store.unit_of_work(), manager, draft)
    assert again.total == 2700


@pytest.mark.committed
def test_the_last_uses_of_a_code_raced_by_many_orders_redeem_at_most_the_limit(
    committed_store, committed_staff
) -> None:
    store, manager = committed_store, committed_staff["manager"]
    limited = create_promotion(
        store.unit_of_work(),
        committed_staff["merchandiser"],
        PromotionInput(
            "First three", Kind.PERCENTAGE, 1000, method=Method.CODE, code="FIRST3", usage_limit=3
        ),
    )
    shop = support.shop(store, committed_staff["admin"], skus=("TEE",), price=2000, on_hand=50)
    draft = _draft(shop, (1,), codes=["FIRST3"])
    outcomes = support.race(*[lambda: create_order(store.unit_of_work(), manager, draft)] * 10)
    made = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(made) == 3, outcomes
    # those that priced before the last use was taken are refused at redemption, the rest
    # when pricing: either way, a clear message and nothing saved
    assert all(isinstance(o, PromotionUnavailable | ValidationFailed) for o in refused)
    assert _counts(store, limited.id) == (3, 600, 3)
    with store.session_factory() as session:
        assert session.scalar(text("SELECT count(*) FROM orders")) == 3


@pytest.mark.committed
def test_once_per_customer_holds_when_one_customer_races_themselves(
    committed_store, committed_staff
) -> None:
    store, manager = committed_store, committed_staff["manager"]
    welcome = create_promotion(
        store.unit_of_work(),
        committed_staff["merchandiser"],
        PromotionInput(
            "Welcome", Kind.FIXED_AMOUNT, 500, method=Method.CODE, code="HELLO",
            once_per_customer=True,
        ),
    )  # fmt: skip
    shop = support.shop(store, committed_staff["admin"], skus=("TEE",), price=2000, on_hand=50)
    customer = _customer(store, manager)
    draft = OrderDraft(
        [DraftLine(shop.variants[0], 1)],
        customer_id=customer,
        location_id=shop.location_id,
        codes=["hello"],
    )
    outcomes = support.race(*[lambda: create_order(store.unit_of_work(), manager, draft)] * 8)
    made = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(made) == 1, outcomes
    assert _counts(store, welcome.id) == (1, 500, 1)


@pytest.mark.committed
def test_a_single_use_code_raced_is_used_once(committed_store, committed_staff) -> None:
    store, manager = committed_store, committed_staff["manager"]
    merch = committed_staff["merchandiser"]
    batch_promotion = create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Mailing", Kind.FIXED_AMOUNT, 300, method=Method.CODE),
    )
    [code] = generate_codes(store.unit_of_work(), merch, batch_promotion.id, 1).sample
    shop = support.shop(store, committed_staff["admin"], skus=("TEE",), price=2000, on_hand=50)
    draft = _draft(shop, (1,), codes=[code.lower()])
    outcomes = support.race(*[lambda: create_order(store.unit_of_work(), manager, draft)] * 6)
    made = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(made) == 1, outcomes
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT used_count FROM promotion_codes WHERE code = :c"), {"c": code}
            ).scalar_one()
            == 1
        )
    cancel_order(store.unit_of_work(), manager, made[0].id, reason="test")  # type: ignore[union-attr]
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT used_count FROM promotion_codes WHERE code = :c"), {"c": code}
            ).scalar_one()
            == 0
        )


def test_an_edit_can_add_a_code_and_a_bad_one_changes_nothing(store, staff) -> None:
    manager = staff["manager"]
    code = create_promotion(store.unit_of_work(), staff["merchandiser"], TEN_OFF_FIFTY)
    shop = support.shop(store, staff["admin"], skus=("TEE", "CAP"), price=3000)
    created = create_order(store.unit_of_work(), manager, _draft(shop, (1, 1)))
    version = get_order_detail(store.unit_of_work(), created.id).version
    with pytest.raises(ValidationFailed) as refused:
        edit_order(
            store.unit_of_work(), manager, created.id, [], codes=["BOGUS"],
            expected_version=version,
        )  # fmt: skip
    assert "BOGUS" in refused.value.fields["codes"]
    result = edit_order(
        store.unit_of_work(), manager, created.id, [], codes=["ten"], expected_version=version
    )
    assert (result.total_before, result.total_after) == (6000, 5000)
    assert _counts(store, code.id) == (1, 1000, 1)
    summary = get_order_detail(store.unit_of_work(), created.id).timeline[-1].summary
    assert "discount codes: ten" in summary
