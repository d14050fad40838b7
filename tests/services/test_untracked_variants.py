"""A variant whose stock nobody counts (a gift card, a service) sells whatever the figures,
has no levels and writes no ledger rows, through every order path; counted lines of the same
order move as usual."""

from __future__ import annotations

from sqlalchemy import text

from models.status import MovementReason, OrderStatus
from services.inventory.ledger import Movement, move_stock, verify_ledger
from services.orders import cancel_order
from tests import orders_support as orders


def _levels_and_movements(store, variant_id: int) -> tuple[int, int]:
    with store.session_factory() as session:
        return tuple(
            session.execute(
                text(
                    "SELECT (SELECT count(*) FROM inventory_levels WHERE variant_id = :v), "
                    "(SELECT count(*) FROM stock_movements WHERE variant_id = :v)"
                ),
                {"v": variant_id},
            ).one()
        )


def test_an_untracked_variant_sells_ships_and_cancels_without_stock(store, staff) -> None:
    manager = staff["manager"]
    shop = orders.shop(store, manager, skus=("TEE", "GIFT-50"), on_hand=0)
    tee, gift = shop.variants
    with store.unit_of_work() as uow:
        uow.execute(text("UPDATE variants SET track_stock = false WHERE id = :v"), {"v": gift})
        move_stock(
            uow,
            manager,
            [
                Movement(tee, shop.location_id, on_hand=3),
                Movement(gift, shop.location_id, on_hand=9),
            ],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()

    shipped = orders.place(store, manager, shop, (2, 5))
    orders.advance(store, manager, shipped, OrderStatus.SHIPPED)
    cancelled = orders.place(store, manager, shop, (1, 40))
    cancel_order(store.unit_of_work(), manager, cancelled, reason="customer asked")
    alone = orders.place(store, manager, shop, (0, 1))
    orders.advance(store, manager, alone, OrderStatus.SHIPPED)

    tee_level = orders.level(store, tee, shop.location_id)
    assert (tee_level["on_hand"], tee_level["committed"]) == (1, 0)
    assert _levels_and_movements(store, gift) == (0, 0)
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
