"""Builders for order tests: stocked variants, orders placed through the real services."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text

from models.status import MovementReason, OrderStatus
from services.actors import Actor
from services.errors import DomainError
from services.inventory.ledger import Movement, move_stock
from services.orders import (
    DraftLine,
    OrderDraft,
    confirm_order,
    create_order,
    fulfil_order,
    mark_delivered,
    start_processing,
)
from services.payments import record_payment
from services.unit_of_work import Store
from tests import factories

_seq = itertools.count(1)


@dataclass(frozen=True)
class Shop:
    location_id: int
    variants: list[int]
    skus: list[str]


def shop(
    store: Store,
    actor: Actor,
    *,
    skus: Sequence[str] = ("TEE-S", "TEE-M", "MUG"),
    on_hand: int = 10,
    bins: Sequence[str] | None = None,
    price: int = 1500,
    location_code: str | None = None,
) -> Shop:
    """A location with bins and one product per SKU, each stocked and put in its own bin."""
    n = next(_seq)
    bins = list(bins or [f"A-{i + 1:02d}" for i in range(len(skus))])
    location = factories.location(store, location_code or f"WH{n}", bins=tuple(bins))
    variants = []
    for sku in skus:
        variants += factories.product(store, skus=(sku,), price=price, title=f"Product {sku}")
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            actor,
            [Movement(v, location, on_hand=on_hand) for v in variants],
            reason=MovementReason.RECEIVED,
        )
        for variant, bin_code in zip(variants, itertools.cycle(bins), strict=False):
            uow.execute(
                text(
                    "UPDATE inventory_levels SET bin_id = (SELECT id FROM bins WHERE"
                    " location_id = :l AND code = :b) WHERE variant_id = :v AND location_id = :l"
                ),
                {"l": location, "b": bin_code, "v": variant},
            )
        uow.commit()
    return Shop(location, variants, list(skus))


def place(
    store: Store,
    actor: Actor,
    shop_: Shop,
    quantities: Sequence[int] = (1,),
    *,
    email: str | None = "pat@example.com",
    shipping: int = 0,
    discount: int = 0,
    tax_rate_bp: int = 0,
) -> int:
    """An order for ``quantities[i]`` of ``shop_.variants[i]``; returns its id."""
    created = create_order(
        store.unit_of_work(),
        actor,
        OrderDraft(
            lines=[DraftLine(v, q) for v, q in zip(shop_.variants, quantities, strict=False) if q],
            email=email,
            location_id=shop_.location_id,
            shipping_total=shipping,
            discount=discount,
            tax_rate_bp=tax_rate_bp,
        ),
    )
    return created.id


def advance(store: Store, actor: Actor, order_id: int, to: OrderStatus) -> None:
    """Walk an order along the lifecycle up to ``to`` (shipping fulfils everything)."""
    path = [
        (OrderStatus.CONFIRMED, confirm_order),
        (OrderStatus.PROCESSING, start_processing),
        (OrderStatus.SHIPPED, lambda uow, a, o: fulfil_order(uow, a, o, tracking_number="T1")),
        (OrderStatus.DELIVERED, mark_delivered),
    ]
    for status, step in path:
        step(store.unit_of_work(), actor, order_id)
        if status is to:
            return


def pay(store: Store, actor: Actor, order_id: int, amount: int) -> None:
    record_payment(store.unit_of_work(), actor, order_id, amount=amount)


def level(store: Store, variant_id: int, location_id: int) -> dict[str, int]:
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


def order_row(store: Store, order_id: int) -> dict[str, object]:
    with store.session_factory() as session:
        return dict(
            session.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": order_id})
            .mappings()
            .one()
        )


def history(store: Store, order_id: int) -> list[dict[str, object]]:
    with store.session_factory() as session:
        return [
            dict(r)
            for r in session.execute(
                text("SELECT * FROM order_history WHERE order_id = :id ORDER BY id"),
                {"id": order_id},
            ).mappings()
        ]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` in threads released at the same moment; each one's result or the
    DomainError it raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = calls[i]()
        except DomainError as error:
            outcomes[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
