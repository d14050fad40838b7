"""The pricing engine: worked examples to the cent, the reasons it gives, and its properties."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.pricing import (
    Cart,
    CartLine,
    Customer,
    DiscountClass,
    Kind,
    ManualDiscount,
    Offer,
    PricedCart,
    Rejection,
    Target,
    engine,
    price_cart,
)

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
EVERY_CLASS = frozenset(DiscountClass)
SUMMER = 7  # a collection id


def line(key: int, price: int, quantity: int = 1, *collections: int) -> CartLine:
    return CartLine(key, 100 + key, 1000 + key, quantity, price, frozenset(collections))


def price(lines, *offers, codes=(), shipping=0, **cart) -> PricedCart:
    return price_cart(
        Cart(tuple(lines), tuple(offers), codes=tuple(codes), shipping=shipping, now=NOW, **cart)
    )


def reasons(priced: PricedCart) -> dict[object, Rejection]:
    return {r.promotion_id or r.title: r.reason for r in priced.rejected}


# -- worked examples -----------------------------------------------------------------------


def test_twenty_percent_off_a_collection_takes_it_off_those_items_only() -> None:
    sale = Offer(1, "Summer 20%", Kind.PERCENTAGE, 2000, target=Target.COLLECTIONS,
                 target_ids=frozenset({SUMMER}))  # fmt: skip
    priced = price([line(1, 2500, 2, SUMMER), line(2, 1299)], sale)
    assert (priced.subtotal, priced.discount_total, priced.total) == (6299, 1000, 5299)
    assert priced.line(1).discount == 1000 and priced.line(2).discount == 0
    [applied] = priced.applied
    assert applied.lines == ((1, 1000),)
    assert applied.description == "20% off eligible items: $10.00 over 1 line."


def test_ten_dollars_off_fifty_is_spread_over_the_lines_to_the_cent() -> None:
    ten = Offer(2, "$10 off $50", Kind.FIXED_AMOUNT, 1000, code="TEN", min_subtotal=5000)
    short = price([line(1, 4999)], ten, codes=["ten"])
    assert short.total == 4999
    assert reasons(short) == {2: Rejection.MINIMUM_NOT_MET}
    assert "$0.01 more to go" in short.rejected[0].message
    priced = price([line(1, 3000), line(2, 2500)], ten, codes=["TEN"])
    assert (priced.discount_total, priced.total) == (1000, 4500)
    assert [priced.line(1).discount, priced.line(2).discount] == [545, 455]


def test_free_shipping_over_a_threshold() -> None:
    free = Offer(3, "Free shipping over $75", Kind.FREE_SHIPPING, min_subtotal=7500,
                 shipping_ceiling=1000)  # fmt: skip
    priced = price([line(1, 8000)], free, shipping=595)
    assert (priced.shipping, priced.shipping_discount, priced.total) == (595, 595, 8000)
    assert priced.applied[0].description == "$5.95 off shipping."
    assert price([line(1, 7000)], free, shipping=595).total == 7595
    express = price([line(1, 8000)], free, shipping=1495)
    assert express.total == 9495
    assert reasons(express) == {3: Rejection.SHIPPING_ABOVE_CEILING}


def test_buy_two_get_one_free_repeats_on_the_cheapest_items() -> None:
    socks = Offer(4, "Socks: buy 2 get 1 free", Kind.BUY_X_GET_Y, 10_000,
                  target=Target.COLLECTIONS, target_ids=frozenset({SUMMER}),
                  buy_quantity=2, get_quantity=1)  # fmt: skip
    six = [line(1, 1000, 2, SUMMER), line(2, 800, 2, SUMMER), line(3, 600, 2, SUMMER)]
    priced = price(six, socks)
    assert priced.discount_total == 1200  # the two $6 pairs
    assert priced.line(3).discount == 1200 and priced.line(1).discount == 0
    assert price([*six, line(4, 500, 1, SUMMER)], socks).discount_total == 1100  # $5 + $6
    once = replace(socks, repeat_limit=1)
    assert price(six, once).discount_total == 600
    assert reasons(price([line(1, 1000, 2, SUMMER)], socks)) == {4: Rejection.MINIMUM_NOT_MET}


def test_a_code_that_does_not_combine_with_the_automatic_sale_gives_the_better_one() -> None:
    sale = Offer(5, "15% off everything", Kind.PERCENTAGE, 1500)
    code = Offer(6, "SAVE10", Kind.FIXED_AMOUNT, 1000, code="SAVE10")
    big = price([line(1, 10_000)], sale, code, codes=["save10"])
    assert (big.discount_total, big.total) == (1500, 8500)
    assert reasons(big) == {6: Rejection.NOT_COMBINABLE}
    assert "15% off everything" in big.rejected[0].message
    small = price([line(1, 5000)], sale, code, codes=["save10"])
    assert (small.discount_total, small.total) == (1000, 4000)
    assert reasons(small) == {5: Rejection.NOT_COMBINABLE}


def test_combinable_discounts_add_up_order_discounts_after_product_discounts() -> None:
    sale = Offer(7, "20% off summer", Kind.PERCENTAGE, 2000, target=Target.COLLECTIONS,
                 target_ids=frozenset({SUMMER}), combines_with=EVERY_CLASS)  # fmt: skip
    code = Offer(8, "10% off", Kind.PERCENTAGE, 1000, code="TENPC", combines_with=EVERY_CLASS)
    free = Offer(9, "Free shipping", Kind.FREE_SHIPPING, combines_with=EVERY_CLASS)
    priced = price([line(1, 5000, 1, SUMMER), line(2, 3000)], sale, code, free,
                   codes=["tenpc"], shipping=500)  # fmt: skip
    # 20 % of 50.00 = 10.00; then 10 % of (80.00 - 10.00) = 7.00; shipping 5.00
    assert [a.amount for a in priced.applied] == [1000, 700, 500]
    assert priced.total == 8000 - 1700
    assert priced.rejected == ()


def test_only_the_largest_product_discount_applies_to_a_line() -> None:
    small = Offer(10, "10% summer", Kind.PERCENTAGE, 1000, target=Target.COLLECTIONS,
                  target_ids=frozenset({SUMMER}), combines_with=EVERY_CLASS)  # fmt: skip
    big = Offer(11, "30% on this one", Kind.PERCENTAGE, 3000, target=Target.VARIANTS,
                target_ids=frozenset({101}), combines_with=EVERY_CLASS)  # fmt: skip
    priced = price([line(1, 1000, 1, SUMMER), line(2, 1000, 1, SUMMER)], small, big)
    assert priced.line(1).discount == 300 and priced.line(2).discount == 100
    assert priced.discount_total == 400


def test_the_reasons_a_promotion_did_not_apply() -> None:
    cart = [line(1, 2000)]
    offers = [
        Offer(20, "Later", Kind.PERCENTAGE, 1000, starts_at=NOW + timedelta(days=1)),
        Offer(21, "Over", Kind.PERCENTAGE, 1000, ends_at=NOW - timedelta(seconds=1)),
        Offer(22, "Off", Kind.PERCENTAGE, 1000, is_active=False),
        Offer(23, "VIP", Kind.PERCENTAGE, 1000, customer_tag="vip"),
        Offer(24, "Used up", Kind.PERCENTAGE, 1000, remaining_uses=0),
        Offer(25, "Welcome", Kind.PERCENTAGE, 1000, once_per_customer=True,
              used_by_customer=True),
        Offer(26, "Hats", Kind.PERCENTAGE, 1000, target=Target.PRODUCTS,
              target_ids=frozenset({55})),
        Offer(27, "Needs code", Kind.PERCENTAGE, 1000, code="SECRET"),
    ]  # fmt: skip
    priced = price(cart, *offers, codes=["nope"], customer=Customer(3, frozenset({"new"})))
    assert priced.total == 2000
    assert reasons(priced) == {
        20: Rejection.NOT_STARTED,
        21: Rejection.EXPIRED,
        22: Rejection.DISABLED,
        23: Rejection.CUSTOMER_NOT_ELIGIBLE,
        24: Rejection.USAGE_LIMIT_REACHED,
        25: Rejection.ALREADY_USED,
        26: Rejection.NO_ELIGIBLE_ITEMS,
        27: Rejection.CODE_NOT_ENTERED,
        "nope": Rejection.CODE_UNKNOWN,
    }
    assert priced.unknown_codes == ("nope",)
    in_chicago = price(cart, offers[0], timezone="America/Chicago")
    assert in_chicago.rejected[0].message == "It starts 2026-12-05 09:00."


def test_a_manual_discount_is_one_more_explained_order_discount() -> None:
    sale = Offer(30, "10% off", Kind.PERCENTAGE, 1000, combines_with=EVERY_CLASS)
    priced = price([line(1, 3000), line(2, 1000)], sale,
                   manual=ManualDiscount(500, "Scratched box"))  # fmt: skip
    assert [(a.title, a.amount) for a in priced.applied] == [
        ("10% off", 400),
        ("Manual discount", 500),
    ]
    assert priced.applied[1].description == "Scratched box"
    assert priced.total == 4000 - 900
    assert sum(amount for _, amount in priced.applied[1].lines) == 500


def test_a_big_cart_with_many_offers_is_bounded_and_never_worse_than_one() -> None:
    rng = random.Random(7)
    lines = [line(i, rng.randint(100, 9000), rng.randint(1, 3), i % 9) for i in range(50)]
    offers = [
        Offer(i, f"{i}", Kind.PERCENTAGE, rng.randint(1, 40) * 100,
              target=Target.COLLECTIONS, target_ids=frozenset({i % 9}),
              combines_with=frozenset(rng.sample(list(DiscountClass), rng.randint(0, 3))))
        for i in range(1, 60)
    ]  # fmt: skip
    evaluated = 0
    original = engine._evaluate

    def counting(*args):
        nonlocal evaluated
        evaluated += 1
        return original(*args)

    engine._evaluate = counting  # type: ignore[assignment]
    try:
        priced = price(lines, *offers)
    finally:
        engine._evaluate = original  # type: ignore[assignment]
    assert evaluated <= len(offers) + engine.SEEDS + 1
    best_single = min(price(lines, o).total for o in offers)
    assert priced.total <= best_single


# -- properties ----------------------------------------------------------------------------

prices = st.integers(min_value=0, max_value=20_000)


@st.composite
def carts(draw: st.DrawFn, *, thresholds: bool = True) -> tuple[list[CartLine], list[Offer]]:
    n = draw(st.integers(min_value=1, max_value=6))
    lines = [
        CartLine(
            f"L{i}",
            draw(st.integers(min_value=1, max_value=5)),
            draw(st.integers(min_value=1, max_value=3)),
            draw(st.integers(min_value=1, max_value=4)),
            draw(prices),
            frozenset(draw(st.sets(st.integers(min_value=1, max_value=3), max_size=2))),
        )
        for i in range(n)
    ]
    offers = [draw(offers_(i, thresholds)) for i in range(draw(st.integers(0, 6)))]
    return lines, offers


def offers_(i: int, thresholds: bool) -> st.SearchStrategy[Offer]:
    @st.composite
    def build(draw: st.DrawFn) -> Offer:
        kind = draw(st.sampled_from(list(Kind)))
        target = draw(st.sampled_from(list(Target)))
        if kind is Kind.FREE_SHIPPING and not thresholds:
            target = Target.ALL  # free shipping for buying from a collection is a condition
        value = {
            Kind.PERCENTAGE: draw(st.integers(1, 10_000)),
            Kind.FIXED_AMOUNT: draw(st.integers(1, 30_000)),
            Kind.FREE_SHIPPING: 0,
            Kind.BUY_X_GET_Y: draw(st.integers(1, 10_000)),
        }[kind]
        return Offer(
            id=i + 1,
            title=f"P{i + 1}",
            kind=kind,
            value=value,
            target=target,
            target_ids=frozenset(draw(st.sets(st.integers(1, 5), min_size=1, max_size=3)))
            if target is not Target.ALL
            else frozenset(),
            per_item=draw(st.booleans()),
            buy_quantity=draw(st.integers(1, 3)),
            get_quantity=draw(st.integers(1, 2)) if thresholds else 1,
            repeat_limit=draw(st.none() | st.integers(1, 3)),
            min_subtotal=draw(st.none() | st.integers(0, 40_000)) if thresholds else None,
            min_quantity=draw(st.none() | st.integers(1, 8)) if thresholds else None,
            combines_with=frozenset(draw(st.sets(st.sampled_from(list(DiscountClass))))),
        )

    return build()


def _price(lines, offers, shipping=700) -> PricedCart:
    return price_cart(Cart(tuple(lines), tuple(offers), shipping=shipping, now=NOW))


@settings(max_examples=150, deadline=None)
@given(carts(), st.integers(0, 3000))
def test_totals_are_never_negative_and_add_up(cart, shipping) -> None:
    lines, offers = cart
    priced = _price(lines, offers, shipping)
    assert priced.total >= 0
    assert all(ln.total >= 0 for ln in priced.lines)
    assert priced.total == (
        priced.subtotal - priced.items_discount + priced.shipping - priced.shipping_discount
    )
    assert 0 <= priced.shipping_discount <= shipping


@settings(max_examples=150, deadline=None)
@given(carts())
def test_a_discount_never_exceeds_what_it_may_discount_and_its_parts_add_up(cart) -> None:
    lines, offers = cart
    priced = _price(lines, offers)
    by_id = {o.id: o for o in offers}
    subtotal = {ln.key: ln.subtotal for ln in lines}
    for applied in priced.applied:
        assert applied.amount == sum(a for _, a in applied.lines) + applied.shipping
        offer = by_id[applied.promotion_id]
        eligible = engine._LineIndex(lines, [ln.subtotal for ln in lines]).eligible(offer)
        keys = {lines[i].key for i in eligible}
        assert {k for k, _ in applied.lines} <= keys
        assert sum(a for _, a in applied.lines) <= sum(subtotal[k] for k in keys)
        if offer.kind is Kind.FIXED_AMOUNT and not offer.per_item:
            assert applied.amount <= offer.value
    for priced_line in priced.lines:
        assert priced_line.discount == sum(d.amount for d in priced_line.discounts)
        assert 0 <= priced_line.discount <= priced_line.subtotal
    per_line: dict[object, int] = {}
    for applied in priced.applied:
        for key, amount in applied.lines:
            per_line[key] = per_line.get(key, 0) + amount
    assert per_line == {ln.key: ln.discount for ln in priced.lines if ln.discount}


@settings(max_examples=150, deadline=None)
@given(carts(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_lines(cart, rnd) -> None:
    lines, offers = cart
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    a, b = _price(lines, offers), _price(shuffled, list(reversed(offers)))
    assert a.total == b.total
    assert {ln.key: ln.discounts for ln in a.lines} == {ln.key: ln.discounts for ln in b.lines}
    assert a.applied == tuple(
        sorted(b.applied, key=lambda x: [y.promotion_id for y in a.applied].index(x.promotion_id))
    )
    assert {(r.promotion_id, r.reason) for r in a.rejected} == {
        (r.promotion_id, r.reason) for r in b.rejected
    }


@settings(max_examples=150, deadline=None)
@given(carts(thresholds=False), st.integers(0, 20_000), st.integers(1, 3))
def test_adding_an_item_never_lowers_the_total(cart, unit_price, quantity) -> None:
    """Without conditions (a minimum, or free shipping for buying from a collection, is there
    to reward adding items), adding an item never makes the cart cheaper: what the others cost
    plus the new item is never below what the others cost alone."""
    lines, offers = cart
    before = _price(lines, offers).total
    extra = CartLine("new", 9, 3, quantity, unit_price, frozenset({1}))
    assert _price([*lines, extra], offers).total >= before


@settings(max_examples=150, deadline=None)
@given(carts())
def test_the_chosen_combination_is_never_worse_than_any_single_promotion(cart) -> None:
    lines, offers = cart
    total = _price(lines, offers).total
    for offer in offers:
        assert total <= _price(lines, [offer]).total
