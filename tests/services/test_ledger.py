"""The stock ledger: figures and movements always agree; reservations never oversell."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.status import MovementReason
from services.errors import InsufficientStock
from services.inventory.ledger import (
    Movement,
    Reference,
    ensure_levels,
    move_stock,
    open_levels,
    reserve,
    verify_ledger,
)
from services.unit_of_work import DeferredWriteFailed
from tests import factories


def _level(store, variant_id: int, location_id: int) -> dict:
    with store.session_factory() as session:
        row = (
            session.execute(
                text("SELECT * FROM inventory_levels WHERE variant_id = :v AND location_id = :l"),
                {"v": variant_id, "l": location_id},
            )
            .mappings()
            .one()
        )
        return dict(row)


def test_a_movement_changes_the_figures_and_appends_to_the_ledger(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["warehouse"],
            [Movement(variant, place, on_hand=5, damaged=1)],
            reason=MovementReason.RECEIVED,
            reference=Reference.of("purchase_order", 7),
        )
        uow.commit()
    level = _level(store, variant, place)
    assert (level["on_hand"], level["damaged"], level["available"]) == (5, 1, 4)
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
        movement = uow.execute(text("SELECT * FROM stock_movements")).mappings().one()
    assert movement["reason"] == "received"
    assert movement["reference_type"] == "purchase_order"
    assert movement["staff_id"] == staff["warehouse"].staff_id


def test_a_multi_line_movement_that_would_go_negative_changes_nothing(store, staff) -> None:
    a, b = factories.product(store, skus=("A", "B"))
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow, staff["admin"], [Movement(a, place, on_hand=3)], reason=MovementReason.CORRECTION
        )
        uow.commit()
    with pytest.raises(InsufficientStock) as raised, store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(a, place, on_hand=-1), Movement(b, place, on_hand=-2)],
            reason=MovementReason.DAMAGED,
        )
        uow.commit()
    assert [s.sku for s in raised.value.shortages] == ["B"]
    assert "B: 2 wanted, 0 available" in str(raised.value)
    assert _level(store, a, place)["on_hand"] == 3


def test_reservation_names_every_short_line_and_reserves_none(store, staff) -> None:
    a, b, c = factories.product(store, skus=("A1", "B1", "C1"))
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(a, place, on_hand=5), Movement(b, place, on_hand=1)],
            reason=MovementReason.CORRECTION,
        )
        uow.commit()
    with pytest.raises(InsufficientStock) as raised, store.unit_of_work() as uow:
        reserve(
            uow,
            staff["admin"],
            [(a, place, 2), (b, place, 2), (c, place, 1)],
            reference=Reference.of("order", 1),
        )
        uow.commit()  # a reservation travels with the COMMIT, and is refused there
    assert {s.sku for s in raised.value.shortages} == {"B1", "C1"}
    assert _level(store, a, place)["committed"] == 0


def test_backorder_variants_may_be_reserved_below_zero(store, staff) -> None:
    [variant] = factories.product(store, policy="continue")
    place = factories.location(store)
    with store.unit_of_work() as uow:
        ensure_levels(uow, [(variant, place)])
        reserve(uow, staff["admin"], [(variant, place, 3)], reference=Reference.of("order", 2))
        uow.commit()
    assert _level(store, variant, place)["available"] == -3


def test_a_level_may_be_negative_exactly_when_its_variant_may_be_oversold(store, staff) -> None:
    [backorder] = factories.product(store, policy="continue")
    [deny] = factories.product(store)
    place = factories.location(store)
    with store.unit_of_work() as uow:
        # opened with their stock in one statement (an import's path) or empty (the others')
        opened = open_levels(
            uow, staff["admin"], [(backorder, place, -4)], reason=MovementReason.IMPORT
        )
        ensure_levels(uow, [(deny, place)])
        uow.commit()
    assert opened == 1
    assert _level(store, backorder, place)["allow_negative"] is True
    assert _level(store, backorder, place)["on_hand"] == -4
    assert _level(store, deny, place)["allow_negative"] is False

    [other] = factories.product(store)
    with store.session_factory() as session, pytest.raises(IntegrityError, match="policy"):
        session.execute(
            text(
                "INSERT INTO inventory_levels (variant_id, location_id, allow_negative) "
                "VALUES (:v, :l, true)"
            ),
            {"v": other, "l": place},
        )
    with (
        store.unit_of_work() as uow,
        pytest.raises(DeferredWriteFailed, match=r"the opening levels failed.*not_negative"),
    ):
        open_levels(uow, staff["admin"], [(other, place, -1)], reason=MovementReason.IMPORT)
        uow.commit()  # the opening is deferred: the store refuses it with the commit


def test_a_ledger_row_without_its_level_is_refused_at_commit(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with store.session_factory() as session:
        session.execute(
            text(
                "INSERT INTO stock_movements (variant_id, location_id, on_hand_delta, reason) "
                "VALUES (:v, :l, 5, 'correction')"
            ),
            {"v": variant, "l": place},
        )
        with pytest.raises(IntegrityError, match="inventory_levels"):
            session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # what COMMIT does first


def test_reserving_where_the_variant_was_never_stocked_is_not_enough_stock(store, staff) -> None:
    [variant] = factories.product(store)
    place = factories.location(store)
    with pytest.raises(InsufficientStock, match="0 available"), store.unit_of_work() as uow:
        reserve(uow, staff["admin"], [(variant, place, 1)], reference=Reference.of("order", 9))
        uow.commit()


@pytest.mark.committed
def test_racing_for_the_last_units_never_oversells(committed_store, committed_staff) -> None:
    store = committed_store
    [variant] = factories.product(store)
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            committed_staff["admin"],
            [Movement(variant, place, on_hand=10)],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    wins, losses = [], []
    barrier = threading.Barrier(16)

    def buyer(n: int) -> None:
        barrier.wait()
        for i in range(5):
            try:
                with store.unit_of_work() as uow:
                    reserve(
                        uow,
                        committed_staff["admin"],
                        [(variant, place, 1)],
                        reference=Reference.of("order", f"{n}-{i}"),
                    )
                    uow.commit()
                wins.append(n)
            except InsufficientStock:
                losses.append(n)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 10
    assert len(losses) == 70
    level = _level(store, variant, place)
    assert (level["committed"], level["available"]) == (10, 0)
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


@pytest.mark.committed
def test_opposite_order_multi_line_movements_do_not_deadlock(committed_store, committed_staff):
    store = committed_store
    a, b = factories.product(store, skus=("DA", "DB"))
    place = factories.location(store)
    actor = committed_staff["admin"]
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            actor,
            [Movement(a, place, on_hand=1000), Movement(b, place, on_hand=1000)],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    errors: list[BaseException] = []

    def worker(order: tuple[int, int]) -> None:
        try:
            for _ in range(50):
                with store.unit_of_work() as uow:
                    reserve(
                        uow,
                        actor,
                        [(order[0], place, 1), (order[1], place, 1)],
                        reference=Reference.of("order", "x"),
                    )
                    uow.commit()
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=worker, args=((a, b) if i % 2 else (b, a),)) for i in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _level(store, a, place)["committed"] == 300
