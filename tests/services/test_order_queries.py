"""Finding orders: keyset pages, one search box for every way people look, filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from models.status import OrderStatus
from services.customers import NewCustomer
from services.errors import NotFound, ValidationFailed
from services.orders import (
    DraftLine,
    OrderDraft,
    OrderFilter,
    add_note,
    create_order,
    delete_filter,
    find_order_id,
    fulfil_order,
    get_order_detail,
    list_orders,
    list_saved_filters,
    save_filter,
)
from services.paging import PageRequest
from tests import orders_support as support


@pytest.fixture
def orders(store, staff):
    """Three orders: Grace (TEE x2, shipped with tracking), Linus (MUG), a guest (CAP)."""
    shop = support.shop(store, staff["admin"], skus=("TEE-BLK", "MUG-01", "CAP-9"), on_hand=50)
    manager = staff["manager"]

    def take(customer, sku_index, qty, email=None):
        return create_order(
            store.unit_of_work(),
            manager,
            OrderDraft(
                lines=[DraftLine(shop.variants[sku_index], qty)],
                new_customer=customer,
                email=email,
                location_id=shop.location_id,
            ),
        )

    grace = take(NewCustomer("Grace", "Hopper", "grace@navy.example"), 0, 2)
    linus = take(NewCustomer("Linus", "Torvalds", "linus@kernel.example"), 1, 1)
    guest = take(None, 2, 1, email="guest.buyer@shop.example")
    support.advance(store, manager, grace.id, OrderStatus.PROCESSING)
    fulfil_order(
        store.unit_of_work(), manager, grace.id, carrier="UPS", tracking_number="1Z999AA10123456784"
    )
    support.pay(store, manager, linus.id, linus.total)
    return {"grace": grace, "linus": linus, "guest": guest, "shop": shop}


def numbers(store, **request) -> list[int]:
    return [r.number for r in list_orders(store.unit_of_work(), PageRequest(**request)).rows]


@pytest.mark.parametrize(
    ("search", "who"),
    [
        ("hopper", "grace"),
        ("Grace Hop", "grace"),
        ("kernel.example", "linus"),
        ("LINUS@kernel.example", "linus"),
        ("linus", "linus"),
        ("guest.buyer", "guest"),
        ("MUG-01", "linus"),
        ("mug-01", "linus"),
        ("1Z999AA10123456784", "grace"),
    ],
)
def test_one_search_box_finds_orders_by_customer_email_sku_and_tracking(
    store, orders, search, who
) -> None:
    assert numbers(store, search=search) == [orders[who].number]


def test_the_start_of_an_address_finds_orders_placed_under_an_address_since_changed(
    store, staff, orders
) -> None:
    shop = orders["shop"]
    moved = create_order(
        store.unit_of_work(),
        staff["manager"],
        OrderDraft(
            lines=[DraftLine(shop.variants[0], 1)],
            new_customer=NewCustomer("Ada", "Lovelace", "ada@engine.example"),
            email="countess@old-address.example",  # the order went to another address
            location_id=shop.location_id,
        ),
    )
    assert numbers(store, search="Countess@old") == [moved.number]  # by prefix, any order
    assert numbers(store, search="countess@old-address.example") == [moved.number]  # exactly
    assert numbers(store, search="ada@engine") == [moved.number]  # the customer's address
    assert numbers(store, search="buyer@shop") == [orders["guest"].number]  # inside a guest's


@pytest.mark.parametrize(
    "search", ["hopper", "kernel.example", "guest.buyer", "MUG-01", "1Z999AA10123456784", "e"]
)
def test_a_broad_search_walks_the_list_and_finds_what_a_narrow_one_gathers(
    store, orders, monkeypatch, search
) -> None:
    from services.orders import queries

    narrow = numbers(store, search=search)
    monkeypatch.setattr(queries, "BROAD_SEARCH", 0)  # every search counts as broad...
    assert numbers(store, search=search) == narrow
    monkeypatch.setattr(queries, "BROAD_CUSTOMERS", 1)  # ...even before gathering orders
    assert numbers(store, search=search) == narrow
    first = list_orders(store.unit_of_work(), PageRequest(search="example", limit=1))
    second = list_orders(
        store.unit_of_work(), PageRequest(search="example", limit=1, after=first.next_after)
    )
    monkeypatch.setattr(queries, "BROAD_SEARCH", 1000)
    assert [r.number for r in first.rows + second.rows] == numbers(store, search="example")[:2]


def test_search_by_order_number_with_or_without_the_hash(store, orders) -> None:
    n = orders["linus"].number
    assert numbers(store, search=str(n)) == [n]
    assert numbers(store, search=f"#{n}") == [n]
    assert numbers(store, search="99999999999999999999999") == []


def test_the_list_is_newest_first_and_pages_by_keyset(store, orders) -> None:
    everything = numbers(store)
    assert everything == sorted(everything, reverse=True)
    first = list_orders(store.unit_of_work(), PageRequest(limit=2))
    assert len(first.rows) == 2 and first.next_after is not None
    rest = list_orders(store.unit_of_work(), PageRequest(limit=2, after=first.next_after))
    assert [r.number for r in first.rows + rest.rows] == everything
    assert rest.next_after is None
    row = first.rows[0]
    assert row.customer_name == "guest.buyer@shop.example" and row.item_count == 1


def test_filters_by_status_payment_fulfillment_channel_location_and_date(store, orders) -> None:
    def filtered(**kw) -> list[int]:
        return numbers(store, filters=OrderFilter(**kw).as_dict())

    assert filtered(statuses=("shipped",)) == [orders["grace"].number]
    assert filtered(payment_statuses=("paid",)) == [orders["linus"].number]
    assert filtered(fulfillment_statuses=("fulfilled",)) == [orders["grace"].number]
    assert len(filtered(channels=("phone",))) == 3
    assert filtered(channels=("online",)) == []
    assert len(filtered(location_id=orders["shop"].location_id)) == 3
    today = date.today()
    assert len(filtered(placed_from=today - timedelta(days=1), placed_to=today)) == 3
    assert filtered(placed_to=today - timedelta(days=2)) == []


def test_presets_and_saved_filters_follow_the_staff_member(store, staff, orders) -> None:
    manager = staff["manager"]
    names = [f.name for f in list_saved_filters(store.unit_of_work(), manager)]
    assert names[0] == "Paid, not shipped"
    paid_not_shipped = next(
        f
        for f in list_saved_filters(store.unit_of_work(), manager)
        if f.name == "Paid, not shipped"
    )
    assert numbers(store, filters=paid_not_shipped.filter.as_dict()) == [orders["linus"].number]
    mine = save_filter(
        store.unit_of_work(), manager, "Phone orders", OrderFilter(channels=("phone",))
    )
    save_filter(
        store.unit_of_work(), manager, "Phone orders", OrderFilter(channels=("phone", "email"))
    )
    listed = {f.name: f for f in list_saved_filters(store.unit_of_work(), manager)}
    assert listed["Phone orders"].filter.channels == ("phone", "email")
    assert "Phone orders" not in {
        f.name for f in list_saved_filters(store.unit_of_work(), staff["warehouse"])
    }
    with pytest.raises(ValidationFailed):
        save_filter(store.unit_of_work(), manager, "Cancelled", OrderFilter(statuses=("x",)))
    delete_filter(store.unit_of_work(), manager, mine.id)
    assert "Phone orders" not in {f.name for f in list_saved_filters(store.unit_of_work(), manager)}


def test_the_detail_shows_lines_with_bins_totals_money_fulfillments_and_timeline(
    store, staff, orders
) -> None:
    add_note(store.unit_of_work(), staff["manager"], orders["grace"].id, "Called the customer")
    detail = get_order_detail(store.unit_of_work(), orders["grace"].id)
    [line] = detail.lines
    assert (line.sku, line.bin_code, line.location_code) == (
        "TEE-BLK",
        "A-01",
        detail.location_code,
    )
    assert (line.fulfilled_quantity, line.unfulfilled) == (2, 0)
    [shipment] = detail.fulfillments
    assert (shipment.carrier, shipment.tracking_number) == ("UPS", "1Z999AA10123456784")
    assert shipment.created_by == "Manager Tester"
    summaries = [e.summary for e in detail.timeline]
    assert summaries[0] == "Taken by phone ($30.00)"
    assert "Fulfilled 2 × TEE-BLK from" in summaries[-3]
    assert "tracking 1Z999AA10123456784" in summaries[-3]
    assert summaries[-2] == "Status processing → shipped: Everything was fulfilled"
    assert summaries[-1] == "Note: Called the customer"
    assert all(e.staff_name == "Manager Tester" for e in detail.timeline)
    linus = get_order_detail(store.unit_of_work(), orders["linus"].id)
    assert linus.paid == linus.totals.total and linus.balance_due == 0
    assert linus.payments[0].captured_amount == linus.totals.total
    assert "Payment of" in linus.timeline[-1].summary


def test_a_scanned_or_typed_order_number_opens_the_order(store, orders) -> None:
    n = orders["guest"].number
    assert find_order_id(store.unit_of_work(), f"#{n}") == orders["guest"].id
    with pytest.raises(NotFound):
        find_order_id(store.unit_of_work(), "12")
    with store.unit_of_work() as uow:
        assert uow.execute(text("SELECT count(*) FROM orders")).scalar_one() == 3
