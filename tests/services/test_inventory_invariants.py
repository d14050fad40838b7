"""The inventory's invariants, proven by racing real transactions that commit.

- Available never goes negative for a deny-policy variant, whatever mix of adjustments,
  transfers, counts and reservations runs at once.
- The sum of the ledger equals the figures for every variant and location.
- A failed multi-line operation changes nothing.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.errors import DomainError, InvalidTransition
from services.inventory.adjustments import (
    AdjustmentLine,
    StateMove,
    adjust_stock,
    move_between_states,
)
from services.inventory.counts import post_count, record_count, start_count
from services.inventory.history import check_inventory
from services.inventory.ledger import Movement, Reference, move_stock, reserve
from services.inventory.transfers import (
    cancel_transfer,
    create_transfer,
    receive_transfer,
    ship_transfer,
)
from tests import factories
from tests.inventory_helpers import figures

pytestmark = pytest.mark.committed


def _race(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start every worker at once; return what they raised that was not a domain error."""
    barrier = threading.Barrier(len(workers))
    failures: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return failures


def _min_available(store) -> int:
    with store.session_factory() as session:
        return session.execute(
            text(
                "SELECT coalesce(min(l.available), 0) FROM inventory_levels l "
                "JOIN variants v ON v.id = l.variant_id WHERE v.inventory_policy = 'deny'"
            )
        ).scalar_one()


def test_available_never_goes_negative_under_a_concurrent_mix_and_the_ledger_adds_up(
    committed_store, committed_staff
) -> None:
    store, staff = committed_store, committed_staff
    warehouse = factories.location(store, "RACE-WH")
    shop = factories.location(store, "RACE-SHOP")
    variants = factories.product(store, skus=("HOT-1", "HOT-2", "HOT-3"))
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(v, p, on_hand=12) for v in variants for p in (warehouse, shop)],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    places = (warehouse, shop)
    stop = threading.Event()
    lowest: list[int] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def tally(kind: str) -> None:
        with lock:
            outcomes[kind] = outcomes.get(kind, 0) + 1

    def attempt(kind: str, action: Callable[[], object]) -> None:
        try:
            action()
            tally(kind)
        except DomainError:
            tally(f"{kind} refused")

    def buyer(seed: int) -> Callable[[], None]:
        def work() -> None:
            rng = random.Random(seed)
            for i in range(25):
                v, p = rng.choice(variants), rng.choice(places)
                lines = [(v, p, rng.randint(1, 3))]
                if rng.random() < 0.4:  # a two-line order, in either order
                    lines.append((rng.choice(variants), rng.choice(places), 1))

                def order(lines: list[tuple[int, int, int]] = lines, i: int = i) -> None:
                    with store.unit_of_work() as uow:
                        reserve(uow, staff["admin"], lines, reference=Reference.of("order", i))
                        uow.commit()

                attempt("reservation", order)

        return work

    def adjuster(seed: int) -> Callable[[], None]:
        def work() -> None:
            rng = random.Random(seed)
            for _ in range(20):
                lines = [
                    AdjustmentLine(
                        rng.choice(variants), rng.choice(places), change=rng.randint(-4, 2)
                    )
                    for _ in range(rng.randint(1, 3))
                ]
                attempt(
                    "adjustment",
                    lambda lines=lines: adjust_stock(
                        store.unit_of_work(), staff["warehouse"], lines, reason="theft_or_loss"
                    ),
                )
                v, p = rng.choice(variants), rng.choice(places)
                attempt(
                    "state move",
                    lambda v=v, p=p: move_between_states(
                        store.unit_of_work(),
                        staff["warehouse"],
                        [StateMove(v, p, rng.randint(1, 2), "available", "damaged")],
                    ),
                )

        return work

    def transferrer(seed: int) -> Callable[[], None]:
        def work() -> None:
            rng = random.Random(seed)
            for _ in range(8):
                origin, destination = rng.sample(places, 2)
                draft = create_transfer(
                    store.unit_of_work(),
                    staff["warehouse"],
                    origin_location_id=origin,
                    destination_location_id=destination,
                    lines=[(v, rng.randint(1, 3)) for v in rng.sample(variants, 2)],
                )
                try:
                    ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
                except DomainError:
                    tally("transfer refused")
                    continue
                if rng.random() < 0.7:
                    attempt(
                        "transfer received",
                        lambda d=draft: receive_transfer(
                            store.unit_of_work(), staff["warehouse"], d.id
                        ),
                    )
                else:
                    attempt(
                        "transfer cancelled",
                        lambda d=draft: cancel_transfer(
                            store.unit_of_work(), staff["warehouse"], d.id
                        ),
                    )

        return work

    def counter(seed: int) -> Callable[[], None]:
        def work() -> None:
            rng = random.Random(seed)
            for _ in range(3):
                place = rng.choice(places)
                count = start_count(store.unit_of_work(), staff["warehouse"], place)
                for v in variants:
                    # what is on the shelf, or a few more found
                    seen = figures(store, v, place).get("on_hand", 0) + rng.randint(0, 2)
                    if seen > 0:
                        record_count(
                            store.unit_of_work(), staff["warehouse"], count.id, v, quantity=seen
                        )
                attempt(
                    "count posted",
                    lambda c=count: post_count(store.unit_of_work(), staff["warehouse"], c.id),
                )

        return work

    def monitor() -> None:
        while not stop.is_set():
            lowest.append(_min_available(store))

    watcher = threading.Thread(target=monitor)
    watcher.start()
    try:
        failures = _race(
            [
                buyer(1),
                buyer(2),
                buyer(3),
                adjuster(4),
                adjuster(5),
                transferrer(6),
                transferrer(7),
                counter(8),
            ]
        )
    finally:
        stop.set()
        watcher.join()
    assert failures == []
    assert min(lowest) >= 0 and _min_available(store) >= 0
    # the mix really raced: things happened and some were refused for want of stock
    assert outcomes.get("reservation", 0) > 0 and outcomes.get("reservation refused", 0) > 0
    assert outcomes.get("adjustment", 0) > 0 and outcomes.get("count posted", 0) > 0
    check = check_inventory(store.unit_of_work())
    assert check.discrepancies == () and check.incoming_mismatches == ()


def test_a_failed_multi_line_document_changes_nothing_while_others_race(
    committed_store, committed_staff
) -> None:
    store, staff = committed_store, committed_staff
    place = factories.location(store)
    plenty, scarce = factories.product(store, skus=("PLENTY", "SCARCE"))
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(plenty, place, on_hand=100), Movement(scarce, place, on_hand=10)],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    done = {"ok": 0, "refused": 0}
    lock = threading.Lock()

    def taker() -> None:
        for _ in range(6):
            try:
                adjust_stock(
                    store.unit_of_work(),
                    staff["warehouse"],
                    [
                        AdjustmentLine(plenty, place, change=-1),
                        AdjustmentLine(scarce, place, change=-1),
                    ],
                    reason="promotion_or_donation",
                )
                outcome = "ok"
            except DomainError:
                outcome = "refused"
            with lock:
                done[outcome] += 1

    assert _race([taker] * 8) == []
    assert done == {"ok": 10, "refused": 38}
    assert figures(store, scarce, place)["on_hand"] == 0
    assert figures(store, plenty, place)["on_hand"] == 90  # refused documents took nothing
    assert check_inventory(store.unit_of_work()).ok


def test_two_people_shipping_one_transfer_at_once_ship_it_once(
    committed_store, committed_staff
) -> None:
    store, staff = committed_store, committed_staff
    origin, destination = factories.location(store), factories.location(store)
    [variant] = factories.product(store)
    with store.unit_of_work() as uow:
        move_stock(uow, staff["admin"], [Movement(variant, origin, on_hand=10)], reason="received")
        uow.commit()
    draft = create_transfer(
        store.unit_of_work(),
        staff["warehouse"],
        origin_location_id=origin,
        destination_location_id=destination,
        lines=[(variant, 4)],
    )
    refused: list[BaseException] = []

    def ship() -> None:
        try:
            ship_transfer(store.unit_of_work(), staff["warehouse"], draft.id)
        except InvalidTransition as error:
            refused.append(error)

    assert _race([ship] * 4) == []
    assert len(refused) == 3
    assert figures(store, variant, origin)["committed"] == 4
    assert figures(store, variant, destination)["incoming"] == 4


def test_a_count_posted_while_orders_keep_shipping_keeps_every_shipment(
    committed_store, committed_staff
) -> None:
    store, staff = committed_store, committed_staff
    place = factories.location(store)
    [variant] = factories.product(store)
    with store.unit_of_work() as uow:
        move_stock(uow, staff["admin"], [Movement(variant, place, on_hand=50)], reason="received")
        uow.commit()
    count = start_count(store.unit_of_work(), staff["warehouse"], place)
    record_count(store.unit_of_work(), staff["warehouse"], count.id, variant, quantity=50)
    shipped = []

    def packer() -> None:
        for i in range(10):
            with store.unit_of_work() as uow:
                reserve(uow, staff["admin"], [(variant, place, 1)], reference=Reference.of("o", i))
                move_stock(
                    uow,
                    staff["admin"],
                    [Movement(variant, place, on_hand=-1, committed=-1)],
                    reason=MovementReason.FULFILLED,
                )
                uow.commit()
            shipped.append(i)

    def poster() -> None:
        post_count(store.unit_of_work(), staff["warehouse"], count.id)

    assert _race([packer, packer, poster]) == []
    assert len(shipped) == 20
    # everything was on the shelf when counted: the count changes nothing, shipments all stay
    assert figures(store, variant, place)["on_hand"] == 30
    assert check_inventory(store.unit_of_work()).ok
