"""Reading stock: the stock list with its filters and paging, the ledger, a variant's history,
the low-stock view, and the consistency check."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.errors import ValidationFailed
from services.inventory.adjustments import (
    AdjustmentLine,
    StateMove,
    adjust_stock,
    move_between_states,
)
from services.inventory.history import (
    check_inventory,
    export_movements,
    list_movements,
    variant_history,
)
from services.inventory.levels import find_variants_by_code, list_stock, stock_of_variant
from services.inventory.locations import assign_bin, create_location, list_bins, list_locations
from services.inventory.purchasing import PurchaseLineInput, create_supplier, get_purchase_order
from services.inventory.replenishment import (
    ReorderRule,
    list_low_stock,
    order_low_stock,
    set_reorder_rules,
    suggested_quantity,
)
from services.inventory.transfers import create_transfer, ship_transfer
from services.paging import PageRequest
from tests import factories
from tests.inventory_helpers import stock


def _all(fetch, request: PageRequest) -> list:
    rows, after = [], None
    while True:
        page = fetch(PageRequest(**{**request.__dict__, "after": after}))
        rows += page.rows
        if page.next_after is None:
            return rows
        after = page.next_after


def test_the_stock_list_of_a_location_shows_every_variant_with_its_states(store, staff) -> None:
    place = factories.location(store, "LIST")
    a, b, _c = factories.product(store, skus=("L-A", "L-B", "L-C"))
    stock(store, staff, a, place, 5)
    move_between_states(
        store.unit_of_work(), staff["warehouse"], [StateMove(a, place, 2, "available", "damaged")]
    )
    stock(store, staff, b, place, 1)
    page = list_stock(
        store.unit_of_work(), PageRequest(filters={"location_id": place}, search="L-")
    )
    rows = {r.sku: r for r in page.rows}
    assert (rows["L-A"].on_hand, rows["L-A"].unavailable, rows["L-A"].available) == (5, 2, 3)
    assert rows["L-C"].is_stocked is False and rows["L-C"].available == 0
    assert rows["L-A"].location_name == "Location LIST"


def test_the_stock_list_filters_low_out_of_stock_negative_and_by_bin(store, staff) -> None:
    place = factories.location(store, "FLT", bins=("A-1",))
    low, _empty, _oversold = factories.product(store, skus=("F-LOW", "F-EMPTY", "F-OVER"))
    [backorder] = factories.product(store, skus=("F-BACK",), policy="continue")
    stock(store, staff, low, place, 2)
    set_reorder_rules(store.unit_of_work(), staff["manager"], [ReorderRule(low, place, 3, 10)])
    assign_bin(store.unit_of_work(), staff["manager"], low, place, "A-1")
    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(backorder, place, change=-2)],
        reason=MovementReason.CORRECTION,
    )

    def skus(**filters) -> set[str]:
        request = PageRequest(filters={"location_id": place, **filters}, search="F-")
        return {r.sku for r in list_stock(store.unit_of_work(), request).rows}

    assert skus(low_stock=True) == {"F-LOW"}
    assert skus(out_of_stock=True) == {"F-EMPTY", "F-OVER", "F-BACK"}
    assert skus(negative_available=True) == {"F-BACK"}
    [bin_row] = list_bins(store.unit_of_work(), place)
    assert skus(bin_id=bin_row.id) == {"F-LOW"}


def test_the_stock_list_pages_by_keyset_in_every_sort(store, staff) -> None:
    place = factories.location(store)
    variants = factories.product(store, skus=tuple(f"PG-{i:02d}" for i in range(23)))
    for i, v in enumerate(variants):
        stock(store, staff, v, place, i % 5 + 1)
    for sort in ("catalog", "sku", "product", "available", "on_hand", "bin"):
        for descending in (False, True):
            request = PageRequest(
                limit=7, search="PG-", sort=sort, descending=descending, filters={}
            )
            rows = _all(lambda r: list_stock(store.unit_of_work(), r), request)
            assert sorted(r.sku for r in rows) == sorted(f"PG-{i:02d}" for i in range(23)), sort
    by_available = _all(
        lambda r: list_stock(store.unit_of_work(), r),
        PageRequest(limit=4, search="PG-", sort="available", filters={"location_id": place}),
    )
    assert [r.available for r in by_available] == sorted(r.available for r in by_available)
    with pytest.raises(ValidationFailed):
        list_stock(store.unit_of_work(), PageRequest(sort="price"))


def test_sorting_by_sku_pages_through_items_without_a_sku_too(store, staff) -> None:
    place = factories.location(store)
    skus = ("NS-B", None, "NS-A", None, "NS-C", None)
    variants = factories.product(store, skus=skus, title="Nosku")
    for v in variants:
        stock(store, staff, v, place, 1)
    for filters in ({"location_id": place}, {}):
        for descending in (False, True):
            request = PageRequest(
                limit=2, search="Nosku", sort="sku", descending=descending, filters=filters
            )
            rows = _all(lambda r: list_stock(store.unit_of_work(), r), request)
            named = [r.sku for r in rows if r.sku]
            assert len(rows) == 6 and len({r.variant_id for r in rows}) == 6
            assert named == (["NS-C", "NS-B", "NS-A"] if descending else ["NS-A", "NS-B", "NS-C"])
            nameless = [i for i, r in enumerate(rows) if r.sku is None]
            assert nameless == ([0, 1, 2] if descending else [3, 4, 5])


def test_a_scanned_code_finds_the_variant_by_barcode_or_sku_ignoring_dashes(store) -> None:
    [variant] = factories.product(store, skus=("978-0-13-468599-1",))
    assert [
        v.variant_id for v in find_variants_by_code(store.session_factory(), "9780134685991")
    ] == [variant]
    assert find_variants_by_code(store.session_factory(), "nothing") == []


def test_a_variant_shows_its_stock_at_every_location(store, staff) -> None:
    first = factories.location(store)
    second = factories.location(store)
    [variant] = factories.product(store)
    stock(store, staff, variant, second, 4)
    ref, rows = stock_of_variant(store.unit_of_work(), variant)
    by_place = {r.location_id: r.on_hand for r in rows}
    assert by_place[first] == 0 and by_place[second] == 4 and ref.variant_id == variant


def test_the_ledger_filters_by_reason_location_document_and_search(store, staff) -> None:
    place = factories.location(store)
    other = factories.location(store)
    a, b = factories.product(store, skus=("LG-A", "LG-B"))
    stock(store, staff, a, place, 10)
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(a, place, change=-1), AdjustmentLine(b, other, change=3)],
        reason=MovementReason.DAMAGED,
        note="dropped",
    )
    by_reason = list_movements(
        store.unit_of_work(), PageRequest(filters={"reason": "damaged"})
    ).rows
    assert {(r.sku, r.on_hand) for r in by_reason} == {("LG-A", -1), ("LG-B", 3)}
    assert by_reason[0].document == f"Adjustment {result.number}"
    assert by_reason[0].staff_name == "Warehouse Tester"
    by_place = list_movements(store.unit_of_work(), PageRequest(filters={"location_id": other}))
    assert [r.sku for r in by_place.rows] == ["LG-B"]
    by_document = list_movements(store.unit_of_work(), PageRequest(search=result.number))
    assert len(by_document.rows) == 2
    by_sku = list_movements(store.unit_of_work(), PageRequest(search="LG-A"))
    assert [r.reason_label for r in by_sku.rows] == ["Damaged", "Correction"]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert list_movements(store.unit_of_work(), PageRequest(filters={"since": tomorrow})).rows == []


def test_a_variants_history_shows_the_figures_after_each_movement(store, staff) -> None:
    place = factories.location(store)
    [variant] = factories.product(store)
    stock(store, staff, variant, place, 10)
    move_between_states(
        store.unit_of_work(),
        staff["warehouse"],
        [StateMove(variant, place, 3, "available", "damaged")],
    )
    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, change=-4)],
        reason=MovementReason.THEFT_OR_LOSS,
    )
    history = variant_history(store.unit_of_work(), variant, PageRequest(limit=2))
    assert [(r.on_hand_after, r.available_after) for r in history.rows] == [(6, 3), (10, 7)]
    assert history.next_after is not None
    rest = variant_history(store.unit_of_work(), variant, PageRequest(after=history.next_after))
    assert [(r.on_hand_after, r.available_after) for r in rest.rows] == [(10, 10)]
    assert history.rows[1].changes == "damaged +3"


def test_the_ledger_exports_as_csv_oldest_first(store, staff) -> None:
    place = factories.location(store)
    [variant] = factories.product(store, skus=("EXP-1",))
    stock(store, staff, variant, place, 3)
    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, change=2)],
        reason=MovementReason.RECEIVED,
        note="pallet, wet",
    )
    out = io.StringIO()
    written = export_movements(store.unit_of_work(), out, search="EXP-1")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == 2 == len(rows)
    assert [r["On hand"] for r in rows] == ["3", "2"]
    assert rows[1]["Reason"] == "Received" and rows[1]["Note"] == "pallet, wet"
    assert rows[1]["Document"].startswith("Adjustment ADJ-")


def test_the_consistency_check_passes_and_catches_a_figure_changed_behind_the_ledger(
    store, staff
) -> None:
    place = factories.location(store, "CHK")
    other = factories.location(store, "CHK2")
    [variant] = factories.product(store)
    stock(store, staff, variant, place, 5)
    draft = create_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        origin_location_id=place,
        destination_location_id=other,
        lines=[(variant, 2)],
    )
    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    check = check_inventory(store.unit_of_work())
    assert check.ok and check.levels >= 2 and check.movements >= 3
    with store.session_factory() as session:
        session.execute(
            text("UPDATE inventory_levels SET on_hand = 99, incoming = 7 WHERE location_id = :l"),
            {"l": other},
        )
        session.commit()
    check = check_inventory(store.unit_of_work())
    assert not check.ok
    assert {(d.state, d.figure, d.ledger_sum) for d in check.discrepancies} == {
        ("on_hand", 99, 0),
        ("incoming", 7, 2),
    }
    assert [(m.incoming, m.on_documents) for m in check.incoming_mismatches] == [(7, 2)]


def test_low_stock_suggests_what_incoming_stock_does_not_cover_and_becomes_an_order(
    store, staff
) -> None:
    place = factories.location(store)
    low, covered, fine = factories.product(store, skus=("RO-LOW", "RO-COV", "RO-FINE"))
    for variant in (low, covered, fine):
        stock(store, staff, variant, place, 2)
    with store.session_factory() as session:
        session.execute(text("UPDATE variants SET cost = 150 WHERE id = :v"), {"v": low})
        session.execute(
            text("UPDATE inventory_levels SET incoming = 10 WHERE variant_id = :v"),
            {"v": covered},
        )
        session.commit()
    set_reorder_rules(
        store.unit_of_work(),
        staff["manager"],
        [
            ReorderRule(low, place, 5, 12),
            ReorderRule(covered, place, 5),
            ReorderRule(fine, place, 1),
        ],
    )
    rows = {r.sku: r for r in list_low_stock(store.unit_of_work(), PageRequest()).rows}
    assert set(rows) == {"RO-LOW", "RO-COV"}
    assert (rows["RO-LOW"].suggested, rows["RO-COV"].suggested) == (12, 0)
    needing = list_low_stock(store.unit_of_work(), PageRequest(filters={"needs_order": True}))
    assert [r.sku for r in needing.rows] == ["RO-LOW"]
    supplier = create_supplier(store.unit_of_work(), staff["manager"], name="Reorders Inc")
    order = order_low_stock(
        store.unit_of_work(),
        staff["manager"],
        supplier_id=supplier.id,
        location_id=place,
        lines=[(low, rows["RO-LOW"].suggested)],
    )
    detail = get_purchase_order(store.unit_of_work(), order.id)
    assert [(line.variant.sku, line.quantity, line.unit_cost) for line in detail.lines] == [
        ("RO-LOW", 12, 150)
    ]
    assert detail.status == "draft"
    assert PurchaseLineInput  # the order is an ordinary purchase order from here on


@pytest.mark.parametrize(
    ("available", "incoming", "point", "quantity", "expected"),
    [
        (2, 0, 5, None, 4),
        (2, 0, 5, 10, 10),
        (2, 3, 5, 10, 10),
        (2, 4, 5, 10, 0),
        (-3, 0, 0, None, 4),
    ],
)
def test_suggested_quantity(available, incoming, point, quantity, expected) -> None:
    assert suggested_quantity(available, incoming, point, quantity) == expected


def test_reorder_rules_need_the_settings_permission_and_sane_numbers(store, staff) -> None:
    from services.errors import PermissionDenied

    place = factories.location(store)
    [variant] = factories.product(store)
    with pytest.raises(PermissionDenied):
        set_reorder_rules(
            store.unit_of_work(), staff["warehouse"], [ReorderRule(variant, place, 1)]
        )
    with pytest.raises(ValidationFailed, match="below zero"):
        set_reorder_rules(store.unit_of_work(), staff["manager"], [ReorderRule(variant, place, -1)])


def test_locations_are_created_with_bins_and_one_default(store, staff) -> None:
    first = create_location(
        store.unit_of_work(), staff["manager"], code="main", name="Main", is_default=True
    )
    second = create_location(
        store.unit_of_work(),
        staff["manager"],
        code="back",
        name="Back room",
        is_default=True,
        bins=("B-2", "B-1"),
    )
    rows = {r.code: r for r in list_locations(store.unit_of_work())}
    assert rows["BACK"].is_default and not rows["MAIN"].is_default
    assert rows["BACK"].bin_count == 2 and first.code == "MAIN"
    assert [b.code for b in list_bins(store.unit_of_work(), second.id)] == ["B-1", "B-2"]
    with pytest.raises(ValidationFailed, match="already a location"):
        create_location(store.unit_of_work(), staff["manager"], code="MAIN", name="Again")


def test_a_search_holding_a_nul_character_is_refused_clearly(store) -> None:
    from services.errors import ValidationFailed
    from services.inventory.levels import list_stock
    from services.paging import PageRequest
    from services.search import global_search

    with pytest.raises(ValidationFailed, match="cannot contain the invisible NUL"):
        list_stock(store.unit_of_work(), PageRequest(search="tee\x00"))
    with pytest.raises(ValidationFailed, match="cannot contain the invisible NUL"):
        global_search(store.unit_of_work(), "tee\x00")
