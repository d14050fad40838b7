"""The outbox is a contract: every event the real services write matches its one definition in
``services.events``, and every defined topic is written by some real service (the demo
generator's own, by the demo)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from models.status import MovementReason, OrderStatus, ReturnDisposition
from services import staff as staff_service
from services.catalog.bulk import BulkEdit, Selection, apply_bulk_edit, revert_bulk_edit
from services.catalog.collections import (
    delete_collection,
    save_collection,
    set_collection_products,
)
from services.catalog.products import (
    OptionDraft,
    ProductDraft,
    VariantDraft,
    delete_product,
    save_product,
)
from services.catalog.publishing import publish_products, unpublish_products
from services.catalog.queries import get_product
from services.catalog.rules import Adjustment, AmountChange, Rounding
from services.customers import NewCustomer, create_customer
from services.demo import seed_demo
from services.demo.plan import MIN_SCALE
from services.events import EVENT_TYPES, LEVELS_CHANGED, STORE_SEEDED, EventType, product_event
from services.imports.products import import_products
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from services.inventory.counts import post_count, record_count, start_count
from services.inventory.levels import announce_levels
from services.inventory.locations import assign_bin, create_location
from services.inventory.purchasing import (
    PurchaseLineInput,
    create_purchase_order,
    create_supplier,
    place_purchase_order,
    receive_purchase_order,
)
from services.inventory.replenishment import ReorderRule, set_reorder_rules
from services.inventory.transfers import create_transfer, receive_transfer, ship_transfer
from services.orders import (
    LineChange,
    ReturnLineInput,
    add_note,
    cancel_order,
    edit_order,
    fulfil_order,
    get_order_detail,
    mark_delivered,
    record_return,
)
from services.payments import refund_order
from services.pricing import Kind
from services.promotions import (
    Method,
    PromotionInput,
    create_promotion,
    generate_codes,
    set_promotion_enabled,
)
from tests import factories
from tests import orders_support as support
from tests.inventory_helpers import stock
from tests.services.demo_support import END, fresh_store

IMPORT = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode,"
    "Variant Inventory Qty,Variant Inventory Policy\n"
    "mug,Mug,Size,Small,MUG-S,12.50,,3,deny\n"
    "mug,,,Large,MUG-L,14.00,,3,deny\n"
)


def _events(store, *, after: int = 0) -> list[dict]:
    with store.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT id, topic, aggregate_type, aggregate_id, payload, cache_tags, public "
                "FROM outbox_events WHERE id > :after ORDER BY id"
            ),
            {"after": after},
        ).mappings()
        return [dict(r) for r in rows]


def _catalog(store, staff) -> None:
    merch = staff["merchandiser"]
    draft = ProductDraft(
        title="Linen Shirt",
        status="active",
        options=(OptionDraft("Size", ("S", "M")),),
        variants=(
            VariantDraft(sku="LIN-S", options=("S", None, None), price=4500),
            VariantDraft(sku="LIN-M", options=("M", None, None), price=4500),
        ),
    )
    created = save_product(store.unit_of_work(), merch, draft).product
    publish_products(store.unit_of_work(), merch, [created.id])
    published = get_product(store.unit_of_work(), created.id)
    renamed = save_product(
        store.unit_of_work(),
        merch,
        replace(ProductDraft.from_detail(published), handle="linen-shirt-2", title="Shirt 2"),
    ).product
    unpublish_products(store.unit_of_work(), merch, [renamed.id])
    sale = save_collection(store.unit_of_work(), merch, title="Summer Sale")
    set_collection_products(store.unit_of_work(), merch, sale.id, add=[renamed.id])
    delete_collection(store.unit_of_work(), merch, sale.id)
    ids = [v.id for v in renamed.variants]
    edit = BulkEdit(price=AmountChange(Adjustment.INCREASE_PERCENT, 1000, Rounding.END_99))
    bulk = apply_bulk_edit(store.unit_of_work(), merch, Selection(variant_ids=tuple(ids)), edit)
    revert_bulk_edit(store.unit_of_work(), merch, bulk.audit_entry_id)
    import_products(store.unit_of_work(), merch, IMPORT.encode())
    import_products(store.unit_of_work(), merch, IMPORT.replace("14.00", "15.00").encode())
    [throwaway] = factories.product(store, skus=("GONE",))
    with store.session_factory() as session:
        product_id = session.execute(
            text("SELECT product_id FROM variants WHERE id = :v"), {"v": throwaway}
        ).scalar_one()
    gone = get_product(store.unit_of_work(), product_id)
    delete_product(store.unit_of_work(), merch, product_id, gone.version)


def _inventory(store, staff) -> None:
    manager, warehouse = staff["manager"], staff["warehouse"]
    place = create_location(store.unit_of_work(), manager, code="contract", name="Contract").id
    other = factories.location(store, "SHOP")
    a, b = factories.product(store, skus=("INV-A", "INV-B"))
    adjust_stock(
        store.unit_of_work(),
        warehouse,
        [AdjustmentLine(a, place, change=10)],
        reason=MovementReason.CORRECTION,
    )
    adjust_stock(
        store.unit_of_work(),
        warehouse,
        [AdjustmentLine(a, place, change=1), AdjustmentLine(b, place, change=5)],
        reason=MovementReason.CORRECTION,
    )
    assign_bin(store.unit_of_work(), manager, a, place, "A-01")
    set_reorder_rules(store.unit_of_work(), manager, [ReorderRule(a, place, 3, 10)])
    transfer = create_transfer(
        store.unit_of_work(),
        warehouse,
        origin_location_id=place,
        destination_location_id=other,
        lines=[(a, 2)],
    )
    ship_transfer(store.unit_of_work(), warehouse, transfer.id)
    receive_transfer(store.unit_of_work(), warehouse, transfer.id)
    supplier = create_supplier(store.unit_of_work(), warehouse, name="Acme Wholesale").id
    draft = create_purchase_order(
        store.unit_of_work(),
        warehouse,
        supplier_id=supplier,
        location_id=place,
        lines=[PurchaseLineInput(b, 4, 250)],
    )
    place_purchase_order(store.unit_of_work(), warehouse, draft.id)
    receive_purchase_order(store.unit_of_work(), warehouse, draft.id)
    count = start_count(store.unit_of_work(), warehouse, place)
    record_count(store.unit_of_work(), warehouse, count.id, a, quantity=3)
    post_count(store.unit_of_work(), warehouse, count.id)


def _orders_and_people(store, staff) -> None:
    manager = staff["manager"]
    shop = support.shop(store, staff["admin"], skus=("ORD-A", "ORD-B", "ORD-C"), price=2000)
    order_id = support.place(store, manager, shop, (2, 1))
    detail = get_order_detail(store.unit_of_work(), order_id)
    a, _b = detail.lines
    edit_order(
        store.unit_of_work(),
        manager,
        order_id,
        [LineChange(quantity=3, line_id=a.id)],
        expected_version=detail.version,
    )
    total = get_order_detail(store.unit_of_work(), order_id).totals.total
    support.pay(store, manager, order_id, total)
    add_note(store.unit_of_work(), manager, order_id, "Gift wrap please")
    support.advance(store, manager, order_id, OrderStatus.PROCESSING)
    fulfil_order(store.unit_of_work(), staff["warehouse"], order_id, quantities={a.id: 1})
    fulfil_order(store.unit_of_work(), staff["warehouse"], order_id)
    mark_delivered(store.unit_of_work(), manager, order_id)
    line = get_order_detail(store.unit_of_work(), order_id).lines[0]
    returned = record_return(
        store.unit_of_work(),
        staff["warehouse"],
        order_id,
        [ReturnLineInput(line.id, 1, ReturnDisposition.RESTOCK)],
    )
    refund_order(
        store.unit_of_work(),
        manager,
        order_id,
        amount=returned.suggested_refund,
        idempotency_key="contract-1",
        return_id=returned.return_id,
        reason="Returned goods",
    )
    cancelled = support.place(store, manager, shop, (1,))
    cancel_order(store.unit_of_work(), manager, cancelled, reason="Customer asked")
    create_customer(store.unit_of_work(), manager, NewCustomer("Ada", "Lovelace"))
    merch = staff["merchandiser"]
    codes = create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Codes", Kind.PERCENTAGE, 1000, method=Method.CODE),
    )
    generate_codes(store.unit_of_work(), merch, codes.id, 3)
    set_promotion_enabled(
        store.unit_of_work(), merch, codes.id, False, expected_version=codes.version
    )
    staff_service.add_staff(
        store.unit_of_work(),
        staff["admin"],
        email="x@example.com",
        full_name="Xena",
        role="warehouse",
        password="long enough",
    )


def test_every_event_the_services_write_matches_its_definition_and_every_topic_is_written(
    store, staff
) -> None:
    _catalog(store, staff)
    _inventory(store, staff)
    _orders_and_people(store, staff)
    written = _events(store)
    problems = []
    for event in written:
        kind = EVENT_TYPES.get(event["topic"])
        if kind is None:
            problems.append(f"#{event['id']} {event['topic']}: no such event type")
            continue
        found = kind.problems(event["aggregate_type"], event["payload"], event["cache_tags"])
        if kind.public is not None and event["public"] is not kind.public:
            found.append(f"public is {event['public']}")
        problems += [f"#{event['id']} {event['topic']}: {p}" for p in found]
    assert problems == []
    assert {e["topic"] for e in written} == set(EVENT_TYPES) - {STORE_SEEDED.topic}


@pytest.mark.committed
def test_the_demo_store_announces_itself_as_its_event_is_defined(
    pg_server, template_database
) -> None:
    with fresh_store(pg_server, template_database) as store:
        seed_demo(store, scale=MIN_SCALE, end=END)
        [event] = _events(store)
    assert event["topic"] == STORE_SEEDED.topic and event["public"] is False
    assert (
        STORE_SEEDED.problems(event["aggregate_type"], event["payload"], event["cache_tags"]) == []
    )


def test_an_event_that_does_not_match_its_type_is_refused_before_it_is_written() -> None:
    kind = EventType("thing.changed", "thing", fields=("number",), tags=("order",), public=False)
    with pytest.raises(ValueError, match=r"missing \['number'\]"):
        kind(1, {})
    with pytest.raises(ValueError, match=r"fields it does not define \['colour'\]"):
        kind(1, {"number": 1, "colour": "red"})
    with pytest.raises(ValueError, match="cache tags of kinds it does not carry"):
        kind(1, {"number": 1}, tags={"sku": ["A"]})
    with pytest.raises(ValueError, match="the type's to say"):
        kind(1, {"number": 1}, public=True)
    assert kind(7, {"number": 7}, tags={"order": ["7", None]}).row() == {
        "topic": "thing.changed",
        "aggregate_type": "thing",
        "aggregate_id": "7",
        "payload": {"number": 7},
        "cache_tags": ("order:7",),
        "public": False,
    }


def test_a_product_event_names_both_handles_when_renamed_and_every_sku() -> None:
    event = product_event(
        EVENT_TYPES["product.updated"],
        5,
        "tee-2",
        ["TEE-S", "TEE-M"],
        published=True,
        fields=("handle",),
        previous_handle="tee",
    )
    assert event.payload == {"handle": "tee-2", "fields": ["handle"], "previous_handle": "tee"}
    assert event.cache_tags == ("product:tee-2", "product:tee", "sku:TEE-S", "sku:TEE-M")


def test_the_sql_announcing_one_level_agrees_with_the_definition_many_levels_are_built_from(
    store, staff
) -> None:
    """One level is announced by the announce_level SQL function (its plan kept by the
    server), several by a statement generated from LEVELS_CHANGED: both write the same event."""
    place = factories.location(store)
    a, b = factories.product(store, skus=("ONE-A", "ONE-B"))
    [no_sku] = factories.product(store, skus=(None,))
    for variant in (a, b, no_sku):
        stock(store, staff, variant, place, 4)
    last = max((e["id"] for e in _events(store)), default=0)
    for variant in (a, no_sku):
        with store.unit_of_work() as uow:
            announce_levels(uow, [(variant, place)], reason="count", reference="C-1")
            uow.commit()
        with store.unit_of_work() as uow:
            announce_levels(uow, [(variant, place), (b, place)], reason="count", reference="C-1")
            uow.commit()
    events = [e for e in _events(store, after=last) if e["aggregate_id"] != str(b)]
    assert [e["aggregate_id"] for e in events] == [str(a), str(a), str(no_sku), str(no_sku)]
    for one, many in (events[0:2], events[2:4]):
        assert (
            LEVELS_CHANGED.problems(one["aggregate_type"], one["payload"], one["cache_tags"]) == []
        )
        assert {k: one[k] for k in ("topic", "payload", "cache_tags", "public")} == {
            k: many[k] for k in ("topic", "payload", "cache_tags", "public")
        }
    assert events[0]["payload"] == {
        "location_id": place,
        "available": 4,
        "on_hand": 4,
        "committed": 0,
        "incoming": 0,
        "reason": "count",
        "reference": "C-1",
    }
    assert events[0]["cache_tags"][1] == "sku:ONE-A"
    assert [t.split(":")[0] for t in events[2]["cache_tags"]] == ["product"]
