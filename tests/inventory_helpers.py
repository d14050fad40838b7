"""Helpers shared by the inventory tests: put stock somewhere, read figures and ledger rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from models.status import MovementReason
from services.actors import Actor
from services.inventory.ledger import Movement, move_stock
from services.unit_of_work import Store


def stock(store: Store, staff: dict[str, Actor], variant: int, place: int, on_hand: int) -> None:
    """Give ``variant`` ``on_hand`` more units at ``place`` (through the ledger)."""
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(variant, place, on_hand=on_hand)],
            reason=MovementReason.CORRECTION,
        )
        uow.commit()


def figures(store: Store, variant: int, place: int) -> dict[str, Any]:
    with store.session_factory() as session:
        row = (
            session.execute(
                text("SELECT * FROM inventory_levels WHERE variant_id = :v AND location_id = :l"),
                {"v": variant, "l": place},
            )
            .mappings()
            .one_or_none()
        )
    return dict(row) if row else {}


def ledger_rows(store: Store, variant: int) -> list[dict[str, Any]]:
    with store.session_factory() as session:
        rows = session.execute(
            text("SELECT * FROM stock_movements WHERE variant_id = :v ORDER BY id"),
            {"v": variant},
        ).mappings()
        return [dict(r) for r in rows]
