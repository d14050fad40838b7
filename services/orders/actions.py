"""What can be done to an order now: the one source for enabled buttons and service checks.

``allowed_actions`` is pure: it reads an ``OrderState`` (statuses and a few quantities) and the
transitions table in ``models.status``. Services refuse an action it does not offer, in the
words of ``refusal``, so a button the view enables is exactly a call the service accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.status import (
    ORDER_TRANSITIONS,
    FulfillmentStatus,
    OrderStatus,
    PaymentStatus,
)
from services.actors import Actor


class OrderAction(StrEnum):
    CONFIRM = "confirm"
    START_PROCESSING = "start_processing"
    FULFIL = "fulfil"
    SHIP = "ship"
    MARK_DELIVERED = "mark_delivered"
    CANCEL = "cancel"
    EDIT = "edit"
    ADD_NOTE = "add_note"
    RECORD_PAYMENT = "record_payment"
    REFUND = "refund"
    RETURN = "return"


#: the permission each action needs (checked again by the service, against the store)
ACTION_PERMISSIONS: dict[OrderAction, str] = {
    OrderAction.CONFIRM: "orders.fulfill",
    OrderAction.START_PROCESSING: "orders.fulfill",
    OrderAction.FULFIL: "orders.fulfill",
    OrderAction.SHIP: "orders.fulfill",
    OrderAction.MARK_DELIVERED: "orders.fulfill",
    OrderAction.CANCEL: "orders.cancel",
    OrderAction.EDIT: "orders.edit",
    OrderAction.ADD_NOTE: "orders.edit",
    OrderAction.RECORD_PAYMENT: "payments.capture",
    OrderAction.REFUND: "orders.refund",
    OrderAction.RETURN: "orders.return",
}

#: the status an action moves the order to, for actions that are transitions
ACTION_TARGETS: dict[OrderAction, OrderStatus] = {
    OrderAction.CONFIRM: OrderStatus.CONFIRMED,
    OrderAction.START_PROCESSING: OrderStatus.PROCESSING,
    OrderAction.SHIP: OrderStatus.SHIPPED,
    OrderAction.MARK_DELIVERED: OrderStatus.DELIVERED,
    OrderAction.CANCEL: OrderStatus.CANCELLED,
}

#: statuses in which lines may still be added, removed or changed (nothing is packed yet)
EDITABLE_STATUSES = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED})

#: how a status reads in a sentence: "cannot be shipped"
STATUS_VERBS: dict[OrderStatus, str] = {
    OrderStatus.PENDING: "pending",
    OrderStatus.CONFIRMED: "confirmed",
    OrderStatus.PROCESSING: "moved to processing",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.DELIVERED: "marked delivered",
    OrderStatus.CANCELLED: "cancelled",
}

LIFECYCLE = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


@dataclass(frozen=True)
class OrderState:
    """The facts ``allowed_actions`` decides on; every order row and detail carries one."""

    number: int
    status: OrderStatus
    payment_status: PaymentStatus
    fulfillment_status: FulfillmentStatus
    #: ordered minus fulfilled, over all lines
    unfulfilled_quantity: int = 0
    #: fulfilled minus returned, over all lines
    returnable_quantity: int = 0
    #: captured minus refunded, over all payments (minor units)
    refundable: int = 0
    #: order total minus what was paid and kept (minor units); negative when a refund is owed
    balance_due: int = 0


def allowed_actions(state: OrderState, actor: Actor | None = None) -> frozenset[OrderAction]:
    """The actions possible on an order in ``state``; with ``actor``, only those they may do.

    Status changes follow ``models.status.ORDER_TRANSITIONS``; fulfilling needs processing and
    something left to ship; editing needs an order nothing has been packed for.
    """
    status = state.status
    next_statuses = ORDER_TRANSITIONS[status]
    actions = {OrderAction.ADD_NOTE}
    for action, target in ACTION_TARGETS.items():
        if target in next_statuses:
            actions.add(action)
    if OrderAction.SHIP in actions and state.unfulfilled_quantity <= 0:
        actions.discard(OrderAction.SHIP)
    if status is OrderStatus.PROCESSING and state.unfulfilled_quantity > 0:
        actions.add(OrderAction.FULFIL)
    if status in EDITABLE_STATUSES and state.fulfillment_status is FulfillmentStatus.UNFULFILLED:
        actions.add(OrderAction.EDIT)
    if status is not OrderStatus.CANCELLED and state.balance_due > 0:
        actions.add(OrderAction.RECORD_PAYMENT)
    if state.refundable > 0:
        actions.add(OrderAction.REFUND)
    if state.returnable_quantity > 0:
        actions.add(OrderAction.RETURN)
    if actor is not None:
        actions = {a for a in actions if actor.can(ACTION_PERMISSIONS[a])}
    return frozenset(actions)


def refusal(state: OrderState, action: OrderAction) -> str:
    """Why ``action`` is not possible on an order in ``state``, and what is, in plain words."""
    order = f"Order #{state.number}"
    status = state.status
    target = ACTION_TARGETS.get(action)
    if target is not None:
        return f"{order} cannot be {STATUS_VERBS[target]}: {_why(status, target)} {_allowed(state)}"
    if action in (OrderAction.FULFIL, OrderAction.SHIP):
        if status in (OrderStatus.PENDING, OrderStatus.CONFIRMED):
            return (
                f"{order} is {status}: it must be in processing before it is fulfilled. "
                f"{_allowed(state)}"
            )
        if status is OrderStatus.PROCESSING:
            return f"{order} has nothing left to fulfil."
        return f"{order} is {status}; nothing can be fulfilled any more."
    if action is OrderAction.EDIT:
        return (
            f"{order} is {status.replace('_', ' ')}: lines can be changed only while it is "
            "pending or confirmed and nothing has been packed."
        )
    if action is OrderAction.RECORD_PAYMENT:
        if status is OrderStatus.CANCELLED:
            return f"{order} is cancelled; it takes no more payments."
        return f"{order} has nothing left to pay."
    if action is OrderAction.REFUND:
        return f"{order} has no captured payment left to refund."
    if action is OrderAction.RETURN:
        return f"{order} has nothing shipped that is not already returned."
    return f"{order} cannot do that now."


def _why(current: OrderStatus, target: OrderStatus) -> str:
    if current is OrderStatus.CANCELLED:
        return "it was cancelled."
    if current is OrderStatus.DELIVERED:
        return "it was already delivered."
    if target is OrderStatus.CANCELLED:
        return "it has already shipped; record a return instead."
    if current == target:
        return f"it is already {current}."
    if LIFECYCLE.index(target) < LIFECYCLE.index(current):
        return f"it is {current} and orders never move back."
    return (
        f"it is {current} and orders move one step at a time "
        "(pending → confirmed → processing → shipped → delivered)."
    )


def _allowed(state: OrderState) -> str:
    nexts = [s for s in (*LIFECYCLE, OrderStatus.CANCELLED) if s in ORDER_TRANSITIONS[state.status]]
    if not nexts:
        return "Its status cannot change any more."
    words = [STATUS_VERBS[s] for s in nexts]
    phrase = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"From {state.status} it can be {phrase}."
