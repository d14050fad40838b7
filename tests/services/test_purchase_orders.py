"""Suppliers, purchase orders and receiving: incoming stock, partial receipts, cost."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.inventory.purchasing import (
    PurchaseLineInput,
    allowed_actions,
    cancel_purchase_order,
    create_purchase_order,
    create_supplier,
    list_purchase_orders,
    list_suppliers,
    place_purchase_order,
    receive_purchase_order,
    receive_purchase_scan,
    update_purchase_order,
    update_supplier,
    weighted_average_cost,
)
from services.paging import PageRequest
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, stock


@pytest.fixture
def supplier(store, staff):
    return create_supplier(store.unit_of_work(), staff["warehouse"], name="Acme Wholesale").id


def _cost(store, variant: int) -> int | None:
    with store.session_factory() as session:
        return session.execute(
            text("SELECT cost FROM variants WHERE id = :v"), {"v": variant}
        ).scalar_one()


def _ordered(store, staff, supplier, place, lines):
    draft = create_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        supplier_id=supplier,
        location_id=place,
        lines=[PurchaseLineInput(v, q, c) for v, q, c in lines],
    )
    return place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id)


def test_suppliers_are_named_once_and_edited_with_their_version(store, staff, supplier) -> None:
    with pytest.raises(ValidationFailed, match="already a supplier called"):
        create_supplier(store.unit_of_work(), staff["warehouse"], name="Acme Wholesale")
    [row] = list_suppliers(store.unit_of_work(), "acme")
    edited = update_supplier(
        store.unit_of_work(),
        staff["warehouse"],
        row.id,
        version=row.version,
        name="Acme Ltd",
        email=" orders@acme.test ",
    )
    assert (edited.name, edited.email) == ("Acme Ltd", "orders@acme.test")
    with pytest.raises(Conflict):
        update_supplier(
            store.unit_of_work(), staff["warehouse"], row.id, version=row.version, name="X"
        )


def test_placing_an_order_shows_its_quantities_as_incoming(store, staff, supplier) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    draft = create_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        supplier_id=supplier,
        location_id=place,
        lines=[PurchaseLineInput(variant, 10, 250)],
    )
    assert draft.number.startswith("PO-") and draft.total_cost == 2500
    assert allowed_actions(draft.status) == {"edit", "order", "cancel"}
    assert figures(store, variant, place) == {}
    ordered = place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id)
    assert ordered.status == "ordered"
    assert figures(store, variant, place)["incoming"] == 10
    assert ledger_rows(store, variant)[-1]["reason"] == "purchase_ordered"


def test_partial_receipt_leaves_the_rest_incoming_and_sets_the_cost(store, staff, supplier) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    order = _ordered(store, staff, supplier, place, [(variant, 10, 250)])
    partial = receive_purchase_order(
        store.unit_of_work(), staff["warehouse"], order.id, {variant: 4}
    )
    assert partial.status == "partially_received"
    level = figures(store, variant, place)
    assert (level["on_hand"], level["incoming"], level["available"]) == (4, 6, 4)
    assert _cost(store, variant) == 250
    done = receive_purchase_order(store.unit_of_work(), staff["warehouse"], order.id)
    assert done.status == "received" and allowed_actions(done.status) == set()
    assert figures(store, variant, place)["incoming"] == 0
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_receiving_averages_the_new_cost_with_the_stock_already_held(
    store, staff, supplier
) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    first = _ordered(store, staff, supplier, place, [(variant, 10, 200)])
    receive_purchase_order(store.unit_of_work(), staff["warehouse"], first.id)
    second = _ordered(store, staff, supplier, place, [(variant, 30, 300)])
    receive_purchase_order(store.unit_of_work(), staff["warehouse"], second.id)
    assert _cost(store, variant) == 275  # (10 x 2.00 + 30 x 3.00) / 40
    with store.session_factory() as session:
        audit = session.execute(
            text(
                "SELECT before, after FROM audit_log WHERE action = 'catalog.variant.cost' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert (audit.before["cost"], audit.after["cost"]) == (200, 275)


@pytest.mark.parametrize(
    ("held", "held_cost", "received", "unit_cost", "expected"),
    [
        (0, None, 5, 120, 120),
        (10, None, 5, 120, 120),
        (-3, 500, 5, 120, 120),
        (1, 100, 1, 101, 100),  # 100.5 rounds half to even
        (1, 102, 1, 101, 102),  # 101.5 rounds half to even
        (3, 100, 1, 200, 125),
    ],
)
def test_weighted_average_cost(held, held_cost, received, unit_cost, expected) -> None:
    assert weighted_average_cost(held, held_cost, received, unit_cost) == expected


def test_receiving_by_scan_adds_one_unit_per_scan(store, staff, supplier) -> None:
    [variant] = factories.product(store, skus=("PO-SCAN",))
    place = factories.location(store)
    order = _ordered(store, staff, supplier, place, [(variant, 2, 100)])
    detail, line = receive_purchase_scan(
        store.unit_of_work(), staff["warehouse"], order.id, "PO-SCAN"
    )
    assert (line.received_quantity, line.remaining, detail.status) == (1, 1, "partially_received")
    receive_purchase_scan(store.unit_of_work(), staff["warehouse"], order.id, "PO-SCAN")
    with pytest.raises(ValidationFailed, match=r"All 2 of .* have been received"):
        receive_purchase_scan(store.unit_of_work(), staff["warehouse"], order.id, "PO-SCAN")
    with pytest.raises(NotFound, match="No item has the barcode"):
        receive_purchase_scan(store.unit_of_work(), staff["warehouse"], order.id, "nothing-here")
    assert figures(store, variant, place)["on_hand"] == 2


def test_a_draft_cannot_be_received_and_a_received_order_cannot_be_edited(
    store, staff, supplier
) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    draft = create_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        supplier_id=supplier,
        location_id=place,
        lines=[PurchaseLineInput(variant, 1, 100)],
    )
    with pytest.raises(InvalidTransition, match="Mark it as ordered first"):
        receive_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id)
    ordered = place_purchase_order(store.unit_of_work(), staff["warehouse"], draft.id)
    with pytest.raises(InvalidTransition, match="only a draft can be edited"):
        update_purchase_order(
            store.unit_of_work(),
            staff["warehouse"],
            draft.id,
            version=ordered.version,
            lines=[PurchaseLineInput(variant, 2, 100)],
        )


def test_cancelling_takes_what_never_arrived_off_incoming(store, staff, supplier) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    order = _ordered(store, staff, supplier, place, [(variant, 10, 100)])
    receive_purchase_order(store.unit_of_work(), staff["warehouse"], order.id, {variant: 3})
    cancel_purchase_order(store.unit_of_work(), staff["warehouse"], order.id, note="short-shipped")
    level = figures(store, variant, place)
    assert (level["on_hand"], level["incoming"]) == (3, 0)
    assert ledger_rows(store, variant)[-1]["note"] == "short-shipped"


def test_the_same_item_at_two_costs_is_refused(store, staff, supplier) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with pytest.raises(ValidationFailed, match="different costs"):
        create_purchase_order(
            store.unit_of_work(),
            staff["warehouse"],
            supplier_id=supplier,
            location_id=place,
            lines=[PurchaseLineInput(variant, 1, 100), PurchaseLineInput(variant, 1, 200)],
        )


def test_purchase_orders_list_with_totals_and_search(store, staff, supplier) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    stock(store, staff, variant, place, 1)
    order = _ordered(store, staff, supplier, place, [(variant, 4, 150)])
    page = list_purchase_orders(store.unit_of_work(), PageRequest(search="acme"))
    [row] = page.rows
    assert (row.number, row.units, row.total_cost, row.supplier_name) == (
        order.number,
        4,
        600,
        "Acme Wholesale",
    )
    assert list_purchase_orders(store.unit_of_work(), PageRequest(search="zzz")).rows == []


def test_editing_a_draft_can_keep_an_item_with_a_new_quantity_and_cost(
    store, staff, supplier
) -> None:
    a, b = factories.product(store, skus=("POK-A", "POK-B"))
    place = factories.location(store)
    draft = create_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        supplier_id=supplier,
        location_id=place,
        lines=[PurchaseLineInput(a, 1, 100), PurchaseLineInput(b, 1, 100)],
    )
    edited = update_purchase_order(
        store.unit_of_work(),
        staff["warehouse"],
        draft.id,
        version=draft.version,
        lines=[PurchaseLineInput(a, 4, 120)],
    )
    assert [(line.variant.sku, line.quantity, line.unit_cost) for line in edited.lines] == [
        ("POK-A", 4, 120)
    ]
