"""The database refuses an order status change that the transitions table forbids, whatever
the client: the allowed pairs are the ones ``models.status`` declares."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.status import ORDER_TRANSITIONS, OrderStatus, order_transition_pairs
from tests import orders_support as support


def test_the_database_allows_exactly_the_declared_transitions(store) -> None:
    with store.session_factory() as session:
        rows = session.execute(text("SELECT from_status, to_status FROM order_status_transitions"))
        in_database = {(old, new) for old, new in rows}
    declared = {
        (old.value, new.value)
        for old, new in itertools.product(OrderStatus, OrderStatus)
        if new in ORDER_TRANSITIONS[old]
    }
    assert in_database == declared == order_transition_pairs()


def _raw_update(store, order_id: int, status: str) -> None:
    with store.session_factory.begin() as session:
        session.execute(
            text("UPDATE orders SET status = :s WHERE id = :id"), {"s": status, "id": order_id}
        )


@pytest.mark.parametrize("forbidden", ["processing", "shipped", "delivered"])
def test_a_raw_update_that_skips_a_step_is_refused(store, staff, forbidden: str) -> None:
    shop = support.shop(store, staff["admin"], skus=("RAW",))
    order_id = support.place(store, staff["manager"], shop)
    with pytest.raises(IntegrityError, match=f"an order cannot go from pending to {forbidden}"):
        _raw_update(store, order_id, forbidden)
    assert support.order_row(store, order_id)["status"] == "pending"


def test_a_raw_update_out_of_a_final_state_is_refused_and_an_allowed_one_passes(
    store, staff
) -> None:
    shop = support.shop(store, staff["admin"], skus=("RAW",))
    order_id = support.place(store, staff["manager"], shop)
    _raw_update(store, order_id, "confirmed")
    _raw_update(store, order_id, "cancelled")
    with pytest.raises(IntegrityError, match="from cancelled to pending"):
        _raw_update(store, order_id, "pending")
    assert support.order_row(store, order_id)["status"] == "cancelled"
