"""Adjusting stock by hand: reasons, documents, states, guards; all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.errors import (
    Conflict,
    InsufficientStock,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from services.inventory.adjustments import (
    AdjustmentLine,
    StateMove,
    adjust_stock,
    move_between_states,
)
from services.inventory.ledger import verify_ledger
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, stock


def test_an_adjustment_changes_on_hand_and_writes_a_ledger_row_with_its_reason(
    store, staff
) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, change=12)],
        reason=MovementReason.RECEIVED,
        note="found a box",
    )
    assert result.number.startswith("ADJ-")
    [line] = result.lines
    assert (line.before.on_hand, line.after.on_hand, line.after.available) == (0, 12, 12)
    assert figures(store, variant, place)["on_hand"] == 12
    [row] = ledger_rows(store, variant)
    assert (row["reason"], row["on_hand_delta"], row["note"]) == ("received", 12, "found a box")
    assert (row["reference_type"], row["reference_id"]) == ("adjustment", result.number)
    assert row["staff_id"] == staff["warehouse"].staff_id


def test_setting_a_new_quantity_moves_by_the_difference(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    stock(store, staff, variant, place, 7)
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, set_to=4, expected=7)],
        reason=MovementReason.CORRECTION,
    )
    assert result.lines[0].after.on_hand == 4
    assert ledger_rows(store, variant)[-1]["on_hand_delta"] == -3


def test_a_multi_line_document_shares_one_number_and_fails_whole(store, staff) -> None:
    a, b = factories.product(store, skus=("ADJ-A", "ADJ-B"))
    place = factories.location(store)
    stock(store, staff, a, place, 5)
    stock(store, staff, b, place, 1)
    with pytest.raises(InsufficientStock, match="ADJ-B: 3 wanted, 1 available"):
        adjust_stock(
            store.unit_of_work(),
            staff["warehouse"],
            [AdjustmentLine(a, place, change=-2), AdjustmentLine(b, place, change=-3)],
            reason=MovementReason.THEFT_OR_LOSS,
        )
    assert figures(store, a, place)["on_hand"] == 5
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(a, place, change=-2), AdjustmentLine(b, place, change=-1)],
        reason=MovementReason.THEFT_OR_LOSS,
    )
    rows = ledger_rows(store, a) + ledger_rows(store, b)
    assert {r["reference_id"] for r in rows if r["reason"] == "theft_or_loss"} == {result.number}


def test_a_figure_changed_since_the_person_saw_it_refuses_the_whole_document(store, staff) -> None:
    a, b = factories.product(store, skus=("SEEN-A", "SEEN-B"))
    place = factories.location(store)
    stock(store, staff, a, place, 5)
    with pytest.raises(Conflict, match=r"SEEN-B.*now 0, you saw 2"):
        adjust_stock(
            store.unit_of_work(),
            staff["warehouse"],
            [
                AdjustmentLine(a, place, set_to=9, expected=5),
                AdjustmentLine(b, place, set_to=1, expected=2),
            ],
            reason=MovementReason.CORRECTION,
        )
    assert figures(store, a, place)["on_hand"] == 5


def test_adding_damaged_stock_raises_on_hand_without_making_it_available(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, change=3, state="damaged")],
        reason=MovementReason.RETURN_RESTOCK,
    )
    level = figures(store, variant, place)
    assert (level["on_hand"], level["damaged"], level["available"]) == (3, 3, 0)


def test_moving_stock_to_damaged_and_back_keeps_on_hand(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    stock(store, staff, variant, place, 10)
    move_between_states(
        store.unit_of_work(),
        staff["warehouse"],
        [StateMove(variant, place, 4, "available", "damaged")],
        reason=MovementReason.DAMAGED,
    )
    move_between_states(
        store.unit_of_work(),
        staff["warehouse"],
        [StateMove(variant, place, 1, "damaged", "quality_control")],
    )
    level = figures(store, variant, place)
    assert (level["on_hand"], level["damaged"], level["quality_control"]) == (10, 3, 1)
    assert level["available"] == 6
    with pytest.raises(ValidationFailed, match="damaged has 3"):
        move_between_states(
            store.unit_of_work(),
            staff["warehouse"],
            [StateMove(variant, place, 5, "damaged", "available")],
        )
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_moving_more_than_is_available_to_damaged_is_refused(store, staff) -> None:
    [variant] = factories.product(store, skus=("MOVE-1",))
    place = factories.location(store)
    stock(store, staff, variant, place, 2)
    with pytest.raises(ValidationFailed, match=r"MOVE-1.*available has 2"):
        move_between_states(
            store.unit_of_work(),
            staff["warehouse"],
            [StateMove(variant, place, 3, "available", "damaged")],
        )


@pytest.mark.parametrize(
    ("line", "reason", "message"),
    [
        (AdjustmentLine(0, 0, change=1), "import", "Choose a reason"),
        (AdjustmentLine(0, 0), "correction", "either a change or a new quantity"),
        (AdjustmentLine(0, 0, change=1, set_to=2), "correction", "either a change"),
        (AdjustmentLine(0, 0, set_to=-1), "correction", "below zero"),
        (AdjustmentLine(0, 0, change=1, state="committed"), "correction", "cannot be adjusted"),
    ],
)
def test_bad_adjustments_are_refused_in_the_users_terms(
    store, staff, line, reason, message
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        adjust_stock(store.unit_of_work(), staff["warehouse"], [line], reason=reason)


def test_a_zero_change_is_refused_as_nothing_to_do(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with pytest.raises(ValidationFailed, match="Nothing to adjust"):
        adjust_stock(
            store.unit_of_work(),
            staff["warehouse"],
            [AdjustmentLine(variant, place, set_to=0)],
            reason=MovementReason.CORRECTION,
        )


def test_a_merchandiser_may_not_adjust_stock(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with pytest.raises(PermissionDenied, match="may not adjust stock"):
        adjust_stock(
            store.unit_of_work(),
            staff["merchandiser"],
            [AdjustmentLine(variant, place, change=1)],
            reason=MovementReason.CORRECTION,
        )


def test_an_unknown_variant_is_not_found(store, staff) -> None:
    place = factories.location(store)
    with pytest.raises(NotFound, match="no longer exists"):
        adjust_stock(
            store.unit_of_work(),
            staff["warehouse"],
            [AdjustmentLine(987654, place, change=1)],
            reason=MovementReason.CORRECTION,
        )


def test_an_adjustment_is_audited_and_announced_to_other_workstations(store, staff) -> None:
    [variant] = factories.product(store, skus=("ANN-1",))
    place = factories.location(store)
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(variant, place, change=2)],
        reason=MovementReason.CORRECTION,
    )
    with store.session_factory() as session:
        audit = (
            session.execute(text("SELECT * FROM audit_log WHERE action = 'inventory.adjust'"))
            .mappings()
            .one()
        )
        event = (
            session.execute(
                text("SELECT * FROM outbox_events WHERE topic = 'inventory.levels_changed'")
            )
            .mappings()
            .one()
        )
    assert audit["before"]["on_hand"] == 0 and audit["after"]["on_hand"] == 2
    assert result.number in audit["note"]
    assert event["payload"]["available"] == 2
    assert "sku:ANN-1" in event["cache_tags"]


def test_a_multi_line_document_announces_each_level_with_its_figures(store, staff) -> None:
    a, b = factories.product(store, skus=("ANN-A", "ANN-B"))
    place = factories.location(store)
    result = adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(a, place, change=3), AdjustmentLine(b, place, set_to=7)],
        reason=MovementReason.COUNT,
    )
    with store.session_factory() as session:
        events = (
            session.execute(
                text(
                    "SELECT aggregate_id, payload, cache_tags FROM outbox_events "
                    "WHERE topic = 'inventory.levels_changed' ORDER BY id"
                )
            )
            .mappings()
            .all()
        )
    assert [(e["aggregate_id"], e["payload"]["on_hand"]) for e in events] == [
        (str(a), 3),
        (str(b), 7),
    ]
    assert {(e["payload"]["reason"], e["payload"]["reference"]) for e in events} == {
        ("count", result.number)
    }
    assert ["sku:ANN-A" in e["cache_tags"] for e in events] == [True, False]
