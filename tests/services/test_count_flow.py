"""Stock counts: scanning bins and items, flags, undo, variances, posting while orders go on."""

from __future__ import annotations

import pytest

from models.status import MovementReason
from services.errors import InvalidTransition, ValidationFailed
from services.inventory.counts import (
    CountScope,
    ScanFlag,
    ScanKind,
    cancel_count,
    count_variances,
    get_count,
    list_counts,
    post_count,
    record_count,
    scan_for_count,
    start_count,
    undo_last_scan,
)
from services.inventory.ledger import Movement, Reference, move_stock, reserve, verify_ledger
from services.inventory.locations import assign_bin
from services.paging import PageRequest
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, stock


@pytest.fixture
def shelf(store, staff):
    """A location with bins A-01..A-03 and B-01, and two items homed in A-01 and B-01."""
    place = factories.location(store, "CNT", bins=("A-01", "A-02", "A-03", "B-01"))
    a, b = factories.product(store, skus=("CNT-A", "CNT-B"), vendor="Acme")
    stock(store, staff, a, place, 5)
    stock(store, staff, b, place, 2)
    assign_bin(store.unit_of_work(), staff["manager"], a, place, "A-01")
    assign_bin(store.unit_of_work(), staff["manager"], b, place, "B-01")
    return place, a, b


def _bin(store, staff, count_id, code):
    result = scan_for_count(store.unit_of_work(), staff["warehouse"], count_id, code)
    assert result.kind is ScanKind.BIN, result
    return result.bin_id


def _scan(store, staff, count_id, code, bin_id, quantity=1):
    return scan_for_count(
        store.unit_of_work(), staff["warehouse"], count_id, code, bin_id=bin_id, quantity=quantity
    )


def test_scanning_the_bin_then_items_counts_one_per_scan(store, staff, shelf) -> None:
    place, _a, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    assert count.number.startswith("C-") and count.location_has_bins
    bin_id = _bin(store, staff, count.id, "A-01")
    first = _scan(store, staff, count.id, "CNT-A", bin_id)
    second = _scan(store, staff, count.id, "CNT-A", bin_id)
    assert (first.kind, first.counted, second.counted, second.expected) == (
        ScanKind.ITEM,
        1,
        2,
        5,
    )
    assert second.ok and "CNT-A" in second.message
    typed = _scan(store, staff, count.id, "CNT-A", bin_id, quantity=3)
    assert typed.counted == 5 and typed.ok
    assert get_count(store.unit_of_work(), count.id).scanned_units == 5


def test_items_need_a_bin_first_where_the_location_has_bins(store, staff, shelf) -> None:
    place, _, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    result = _scan(store, staff, count.id, "CNT-A", None)
    assert result.kind is ScanKind.NEED_BIN and "Scan a bin label first" in result.message
    assert get_count(store.unit_of_work(), count.id).scanned_units == 0


def test_an_unknown_barcode_counts_nothing_until_identified(store, staff, shelf) -> None:
    place, a, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    bin_id = _bin(store, staff, count.id, "A-01")
    unknown = _scan(store, staff, count.id, "0000000000000", bin_id)
    assert unknown.kind is ScanKind.UNKNOWN and not unknown.ok
    assert "identify the item or skip" in unknown.message
    identified = record_count(
        store.unit_of_work(), staff["warehouse"], count.id, a, bin_id=bin_id, code="0000000000000"
    )
    assert identified.counted == 1


def test_wrong_bin_over_count_and_never_stocked_items_are_flagged(store, staff, shelf) -> None:
    place, _a, _b = shelf
    [_stranger] = factories.product(store, skus=("CNT-NEW",))
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    bin_id = _bin(store, staff, count.id, "A-01")
    wrong = _scan(store, staff, count.id, "CNT-B", bin_id)
    assert wrong.flags == (ScanFlag.WRONG_BIN,) and "belongs in B-01, not A-01" in wrong.message
    over = _scan(store, staff, count.id, "CNT-B", bin_id, quantity=2)
    assert ScanFlag.OVER_COUNT in over.flags and "more than the 2 expected" in over.message
    new = _scan(store, staff, count.id, "CNT-NEW", bin_id)
    assert ScanFlag.NOT_STOCKED_HERE in new.flags


def test_undo_voids_only_the_last_scan_of_the_person_undoing(store, staff, shelf) -> None:
    place, _a, b = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    bin_id = _bin(store, staff, count.id, "A-01")
    _scan(store, staff, count.id, "CNT-A", bin_id)
    record_count(store.unit_of_work(), staff["manager"], count.id, b, bin_id=bin_id)
    undone = undo_last_scan(store.unit_of_work(), staff["warehouse"], count.id)
    assert undone is not None and undone.variant.sku == "CNT-A" and undone.counted == 0
    assert undo_last_scan(store.unit_of_work(), staff["warehouse"], count.id) is None
    lines = {v.variant.sku: v for v in count_variances(store.unit_of_work(), count.id)}
    assert lines["CNT-B"].counted == 1


def test_variances_list_expected_against_counted_in_walking_order(store, staff, shelf) -> None:
    place, _a, _b = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    bin_id = _bin(store, staff, count.id, "A-01")
    _scan(store, staff, count.id, "CNT-A", bin_id, quantity=4)
    lines = count_variances(store.unit_of_work(), count.id)
    assert [(v.variant.sku, v.home_bin, v.expected, v.counted, v.state) for v in lines] == [
        ("CNT-A", "A-01", 5, 4, "short"),
        ("CNT-B", "B-01", 2, 0, "not counted"),
    ]


def test_posting_writes_count_movements_for_the_differences_only(store, staff, shelf) -> None:
    place, a, b = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    a_bin = _bin(store, staff, count.id, "A-01")
    b_bin = _bin(store, staff, count.id, "B-01")
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=5)
    _scan(store, staff, count.id, "CNT-B", b_bin, quantity=3)
    posting = post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert (posting.adjusted_lines, posting.units_added, posting.units_removed) == (1, 1, 0)
    assert figures(store, b, place)["on_hand"] == 3
    last = ledger_rows(store, b)[-1]
    assert (last["reason"], last["reference_id"], last["on_hand_delta"]) == (
        "count",
        count.number,
        1,
    )
    assert len(ledger_rows(store, a)) == 1
    with pytest.raises(InvalidTransition, match="is posted"):
        _scan(store, staff, count.id, "CNT-A", a_bin)
    with pytest.raises(InvalidTransition):
        post_count(store.unit_of_work(), staff["warehouse"], count.id)


def test_what_was_not_scanned_counts_as_none_when_posting(store, staff, shelf) -> None:
    place, _a, b = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    a_bin = _bin(store, staff, count.id, "A-01")
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=5)
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, b, place)["on_hand"] == 0


def test_shipping_after_an_item_was_counted_is_not_a_variance(store, staff, shelf) -> None:
    place, a, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    a_bin = _bin(store, staff, count.id, "A-01")
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=5)
    # an order reserves 3 and ships 2 of them while the count is still open
    with store.unit_of_work() as uow:
        reserve(uow, staff["admin"], [(a, place, 3)], reference=Reference.of("order", 1))
        move_stock(
            uow,
            staff["admin"],
            [Movement(a, place, on_hand=-2, committed=-2)],
            reason=MovementReason.FULFILLED,
            reference=Reference.of("order", 1),
        )
        uow.commit()
    [line, _] = count_variances(store.unit_of_work(), count.id)
    assert (line.expected, line.counted, line.variance) == (5, 5, 0)
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    level = figures(store, a, place)
    assert (level["on_hand"], level["committed"]) == (3, 1)


def test_shipping_before_an_item_was_counted_is_not_a_variance(store, staff, shelf) -> None:
    place, a, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(a, place, on_hand=-2)],
            reason=MovementReason.FULFILLED,
            reference=Reference.of("order", 2),
        )
        uow.commit()
    a_bin = _bin(store, staff, count.id, "A-01")
    result = _scan(store, staff, count.id, "CNT-A", a_bin, quantity=3)
    assert (result.expected, result.ok) == (3, True)
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, a, place)["on_hand"] == 3


def test_a_real_shortage_found_while_orders_ship_is_posted_against_the_moving_figure(
    store, staff, shelf
) -> None:
    place, a, _ = shelf
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    a_bin = _bin(store, staff, count.id, "A-01")
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=4)  # one of five is missing
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(a, place, on_hand=-2)],
            reason=MovementReason.FULFILLED,
        )
        uow.commit()
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, a, place)["on_hand"] == 2
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_posting_below_what_orders_hold_is_refused_and_changes_nothing(store, staff, shelf) -> None:
    place, a, b = shelf
    with store.unit_of_work() as uow:
        reserve(uow, staff["admin"], [(a, place, 4)], reference=Reference.of("order", 3))
        uow.commit()
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    a_bin = _bin(store, staff, count.id, "A-01")
    b_bin = _bin(store, staff, count.id, "B-01")
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=2)
    _scan(store, staff, count.id, "CNT-B", b_bin, quantity=1)
    with pytest.raises(ValidationFailed, match=r"CNT-A.*2 would be on hand but 4 are committed"):
        post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, a, place)["on_hand"] == 5
    assert figures(store, b, place)["on_hand"] == 2
    assert get_count(store.unit_of_work(), count.id).status == "open"


def test_a_bin_range_count_flags_and_skips_items_homed_elsewhere(store, staff, shelf) -> None:
    place, _a, b = shelf
    count = start_count(
        store.unit_of_work(), staff["warehouse"], place, CountScope(bins=("A-01", "A-03"))
    )
    outside = scan_for_count(store.unit_of_work(), staff["warehouse"], count.id, "B-01")
    assert outside.flags == (ScanFlag.NOT_IN_COUNT,)
    a_bin = _bin(store, staff, count.id, "A-01")
    stray = _scan(store, staff, count.id, "CNT-B", a_bin)
    assert ScanFlag.NOT_IN_COUNT in stray.flags and "will not be posted" in stray.message
    _scan(store, staff, count.id, "CNT-A", a_bin, quantity=5)
    lines = {v.variant.sku: v for v in count_variances(store.unit_of_work(), count.id)}
    assert lines["CNT-B"].state == "not in count"
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, b, place)["on_hand"] == 2


def test_a_filtered_count_covers_only_the_matching_items(store, staff) -> None:
    place = factories.location(store)
    [acme] = factories.product(store, skus=("F-ACME",), vendor="Acme")
    [other] = factories.product(store, skus=("F-OTHER",), vendor="Globex")
    stock(store, staff, acme, place, 3)
    stock(store, staff, other, place, 3)
    count = start_count(store.unit_of_work(), staff["warehouse"], place, CountScope(vendor="acme"))
    assert get_count(store.unit_of_work(), count.id).scope.describe() == "vendor acme"
    post_count(store.unit_of_work(), staff["warehouse"], count.id)
    assert figures(store, acme, place)["on_hand"] == 0
    assert figures(store, other, place)["on_hand"] == 3


def test_a_cancelled_count_posts_nothing_and_counts_list_newest_first(store, staff, shelf) -> None:
    place, _, _ = shelf
    first = start_count(store.unit_of_work(), staff["warehouse"], place)
    second = start_count(store.unit_of_work(), staff["warehouse"], place)
    cancel_count(store.unit_of_work(), staff["warehouse"], first.id)
    page = list_counts(store.unit_of_work(), PageRequest())
    assert [c.number for c in page.rows][:2] == [second.number, first.number]
    assert page.rows[1].status == "cancelled" and page.rows[0].scope == "everything"
