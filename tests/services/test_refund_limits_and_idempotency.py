"""Refunds never exceed what was captured minus refunded, and a retried refund refunds once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from services.errors import DomainError, ValidationFailed
from services.orders import get_order_detail
from services.payments import GatewayResult, refund_order
from tests import orders_support as support


class FailingGateway:
    name = "manual"

    def refund(self, payment_reference, amount, currency, idempotency_key) -> GatewayResult:
        return GatewayResult(False, None, "Card account closed")


def _paid_order(store, staff, amount=5000):
    shop = support.shop(store, staff["admin"], skus=("A",), price=amount)
    order_id = support.place(store, staff["manager"], shop, (1,))
    support.pay(store, staff["manager"], order_id, amount)
    return order_id


def test_a_refund_over_what_is_left_is_refused_in_the_users_terms(store, staff) -> None:
    order_id = _paid_order(store, staff)
    refund_order(
        store.unit_of_work(), staff["manager"], order_id, amount=3000, idempotency_key="k1"
    )
    with pytest.raises(ValidationFailed) as refused:
        refund_order(
            store.unit_of_work(), staff["manager"], order_id, amount=2001, idempotency_key="k2"
        )
    assert "Only $20.00" in str(refused.value) and "$20.01 is too much" in str(refused.value)
    refund_order(
        store.unit_of_work(), staff["manager"], order_id, amount=2000, idempotency_key="k3"
    )
    detail = get_order_detail(store.unit_of_work(), order_id)
    assert detail.payment_status == "refunded" and detail.state.refundable == 0
    assert [r.amount for r in detail.refunds] == [3000, 2000]


def test_a_double_clicked_refund_refunds_once(store, staff) -> None:
    order_id = _paid_order(store, staff)
    first = refund_order(
        store.unit_of_work(), staff["manager"], order_id, amount=1000, idempotency_key="click"
    )
    again = refund_order(
        store.unit_of_work(), staff["manager"], order_id, amount=1000, idempotency_key="click"
    )
    assert again.refund_id == first.refund_id and (first.new, again.new) == (True, False)
    detail = get_order_detail(store.unit_of_work(), order_id)
    assert detail.payments[0].refunded_amount == 1000
    assert [e.kind for e in detail.timeline].count("refund") == 1


def test_a_refused_refund_gives_the_amount_back_and_says_why(store, staff) -> None:
    order_id = _paid_order(store, staff)
    result = refund_order(
        store.unit_of_work(),
        staff["manager"],
        order_id,
        amount=1000,
        idempotency_key="f1",
        gateways={"manual": FailingGateway()},
    )
    assert result.status == "failed" and "Card account closed" in result.message
    detail = get_order_detail(store.unit_of_work(), order_id)
    assert detail.payments[0].refunded_amount == 0 and detail.payment_status == "paid"
    with store.unit_of_work() as uow:
        kinds = uow.execute(
            text("SELECT kind, succeeded FROM payment_transactions ORDER BY id")
        ).all()
    assert [tuple(k) for k in kinds] == [("sale", True), ("refund", False)]


def test_the_database_refuses_an_over_refund_even_without_the_service(store, staff) -> None:
    order_id = _paid_order(store, staff)
    with store.unit_of_work() as uow, pytest.raises(Exception, match="refund_range"):
        uow.execute(
            text("UPDATE payments SET refunded_amount = 5001 WHERE order_id = :o"), {"o": order_id}
        )


@pytest.mark.committed
def test_concurrent_refunds_never_exceed_what_was_captured(
    committed_store, committed_staff
) -> None:
    store = committed_store
    order_id = _paid_order(store, committed_staff, amount=10000)
    manager = committed_staff["manager"]
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def refund(i: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                refund_order(
                    store.unit_of_work(),
                    manager,
                    order_id,
                    amount=3000,
                    idempotency_key=f"race-{i}",
                )
            )
        except DomainError as error:
            outcomes.append(error)

    def double_click() -> None:
        barrier.wait()
        try:
            outcomes.append(
                refund_order(
                    store.unit_of_work(), manager, order_id, amount=3000, idempotency_key="same-key"
                )
            )
        except DomainError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=refund, args=(i,)) for i in range(6)]
    threads += [threading.Thread(target=double_click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    succeeded = {o.refund_id for o in outcomes if not isinstance(o, Exception)}
    assert len(succeeded) == 3  # 3 x 3,000 fit in 10,000; a fourth would not
    detail = get_order_detail(store.unit_of_work(), order_id)
    assert detail.payments[0].refunded_amount == 9000
    assert sum(r.amount for r in detail.refunds if r.status == "succeeded") == 9000
