"""Transfers between locations: draft, shipped, (partially) received, cancelled."""

from __future__ import annotations

import pytest

from services.errors import Conflict, InsufficientStock, InvalidTransition, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.inventory.transfers import (
    allowed_actions,
    cancel_transfer,
    create_transfer,
    get_transfer,
    list_transfers,
    receive_transfer,
    receive_transfer_scan,
    ship_transfer,
    update_transfer,
)
from services.paging import PageRequest
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, stock


@pytest.fixture
def places(store):
    return factories.location(store, "WH"), factories.location(store, "SHOP")


def _draft(store, staff, places, lines):
    origin, destination = places
    return create_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        origin_location_id=origin,
        destination_location_id=destination,
        lines=lines,
        note="restock the shop",
    )


def test_a_draft_moves_nothing_until_it_is_shipped(store, staff, places) -> None:
    [variant] = factories.product(store)
    stock(store, staff, variant, places[0], 10)
    draft = _draft(store, staff, places, [(variant, 4)])
    assert draft.number.startswith("T-") and draft.status == "draft"
    assert allowed_actions(draft.status) == {"edit", "ship", "cancel"}
    assert figures(store, variant, places[0])["committed"] == 0


def test_shipping_reserves_at_the_origin_and_shows_incoming_at_the_destination(
    store, staff, places
) -> None:
    [variant] = factories.product(store)
    stock(store, staff, variant, places[0], 10)
    draft = _draft(store, staff, places, [(variant, 4)])
    shipped = ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    assert shipped.status == "shipped" and shipped.shipped_at is not None
    origin, destination = (figures(store, variant, p) for p in places)
    assert (origin["on_hand"], origin["committed"], origin["available"]) == (10, 4, 6)
    assert (destination["on_hand"], destination["incoming"]) == (0, 4)
    assert {r["reference_id"] for r in ledger_rows(store, variant)[1:]} == {draft.number}


def test_partial_receipt_leaves_the_rest_reserved_and_incoming(store, staff, places) -> None:
    a, b = factories.product(store, skus=("TR-A", "TR-B"))
    stock(store, staff, a, places[0], 10)
    stock(store, staff, b, places[0], 10)
    draft = _draft(store, staff, places, [(a, 4), (b, 2)])
    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    partial = receive_transfer(store.unit_of_work(), staff["warehouse"], draft.id, {a: 3})
    assert partial.status == "partially_received"
    origin, destination = (figures(store, a, p) for p in places)
    assert (origin["on_hand"], origin["committed"]) == (7, 1)
    assert (destination["on_hand"], destination["incoming"]) == (3, 1)
    done = receive_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    assert done.status == "received" and done.received_at is not None
    assert figures(store, b, places[1])["on_hand"] == 2
    assert figures(store, a, places[0])["committed"] == 0
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_receiving_more_than_was_shipped_is_refused(store, staff, places) -> None:
    [variant] = factories.product(store, skus=("OVER-1",))
    stock(store, staff, variant, places[0], 10)
    draft = _draft(store, staff, places, [(variant, 2)])
    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    with pytest.raises(ValidationFailed, match="3 received but only 2 still expected"):
        receive_transfer(store.unit_of_work(), staff["warehouse"], draft.id, {variant: 3})


def test_receiving_by_scan_counts_one_unit_per_scan(store, staff, places) -> None:
    [variant] = factories.product(store, skus=("SCAN-T",))
    stock(store, staff, variant, places[0], 5)
    draft = _draft(store, staff, places, [(variant, 2)])
    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    detail, line = receive_transfer_scan(
        store.unit_of_work(), staff["warehouse"], draft.id, "SCAN-T"
    )
    assert line.received_quantity == 1 and detail.status == "partially_received"
    factories.product(store, skus=("NOT-ON-IT",))
    with pytest.raises(ValidationFailed, match="is not on transfer"):
        receive_transfer_scan(store.unit_of_work(), staff["warehouse"], draft.id, "NOT-ON-IT")


def test_shipping_more_than_is_available_is_refused_and_changes_nothing(
    store, staff, places
) -> None:
    a, b = factories.product(store, skus=("SH-A", "SH-B"))
    stock(store, staff, a, places[0], 10)
    stock(store, staff, b, places[0], 1)
    draft = _draft(store, staff, places, [(a, 2), (b, 5)])
    with pytest.raises(InsufficientStock, match="SH-B: 5 wanted, 1 available"):
        ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    assert get_transfer(store.unit_of_work(), draft.id).status == "draft"
    assert figures(store, a, places[0])["committed"] == 0
    assert figures(store, a, places[1]) == {}


def test_cancelling_a_shipped_transfer_releases_what_was_not_received(store, staff, places) -> None:
    [variant] = factories.product(store)
    stock(store, staff, variant, places[0], 10)
    draft = _draft(store, staff, places, [(variant, 5)])
    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
    receive_transfer(store.unit_of_work(), staff["warehouse"], draft.id, {variant: 2})
    cancelled = cancel_transfer(store.unit_of_work(), staff["warehouse"], draft.id, note="lost")
    assert cancelled.status == "cancelled"
    origin, destination = (figures(store, variant, p) for p in places)
    assert (origin["on_hand"], origin["committed"]) == (8, 0)
    assert (destination["on_hand"], destination["incoming"]) == (2, 0)
    with pytest.raises(InvalidTransition, match="cancelled"):
        ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)


def test_a_draft_is_edited_with_its_version_and_a_stale_one_conflicts(store, staff, places) -> None:
    a, b = factories.product(store, skus=("ED-A", "ED-B"))
    draft = _draft(store, staff, places, [(a, 1)])
    edited = update_transfer(
        store.unit_of_work(), staff["warehouse"], draft.id, version=draft.version, lines=[(b, 3)]
    )
    assert [(line.variant.sku, line.quantity) for line in edited.lines] == [("ED-B", 3)]
    assert edited.version > draft.version
    with pytest.raises(Conflict, match="changed by Warehouse Tester at"):
        update_transfer(
            store.unit_of_work(),
            staff["warehouse"],
            draft.id,
            version=draft.version,
            lines=[(a, 1)],
        )


def test_a_transfer_needs_two_places_and_some_lines(store, staff, places) -> None:
    with pytest.raises(ValidationFailed, match="two different locations"):
        create_transfer(
            store.unit_of_work(),
            staff["warehouse"],
            origin_location_id=places[0],
            destination_location_id=places[0],
            lines=[(1, 1)],
        )
    with pytest.raises(ValidationFailed, match="at least one item"):
        _draft(store, staff, places, [])


def test_transfers_list_newest_first_and_filter_by_status(store, staff, places) -> None:
    [variant] = factories.product(store)
    stock(store, staff, variant, places[0], 10)
    first = _draft(store, staff, places, [(variant, 1)])
    second = _draft(store, staff, places, [(variant, 2)])
    ship_transfer(store.unit_of_work(), staff["warehouse"], second.id)
    page = list_transfers(store.unit_of_work(), PageRequest(limit=1))
    assert [t.number for t in page.rows] == [second.number]
    rest = list_transfers(store.unit_of_work(), PageRequest(limit=1, after=page.next_after))
    assert [t.number for t in rest.rows] == [first.number]
    drafts = list_transfers(store.unit_of_work(), PageRequest(filters={"status": "draft"}))
    assert [t.number for t in drafts.rows] == [first.number]
    assert drafts.rows[0].units == 1 and drafts.rows[0].origin_name == "Location WH"


def test_the_transfers_search_takes_wildcards_as_the_characters_typed(store, staff, places) -> None:
    [variant] = factories.product(store)
    stock(store, staff, variant, places[0], 10)
    draft = _draft(store, staff, places, [(variant, 1)])

    def found(search: str) -> list[str]:
        return [
            t.number for t in list_transfers(store.unit_of_work(), PageRequest(search=search)).rows
        ]

    assert found(draft.number[:3]) == [draft.number]
    assert found("%") == found("_") == found("\\") == found("T-%1") == []


def test_editing_a_draft_can_keep_an_item_with_a_new_quantity(store, staff, places) -> None:
    a, b = factories.product(store, skus=("KEEP-A", "KEEP-B"))
    draft = _draft(store, staff, places, [(a, 1), (b, 1)])
    edited = update_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        draft.id,
        version=draft.version,
        lines=[(a, 5)],
    )
    assert [(line.variant.sku, line.quantity) for line in edited.lines] == [("KEEP-A", 5)]
