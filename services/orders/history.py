"""The order timeline's one vocabulary: what an ``order_history`` row holds, and how it reads.

The order services and the demo generator (which COPYs its rows) both build their rows with
the functions below, and ``describe_event`` reads them back in the merchant's words. The
shapes, by ``kind``:

============  ==========================  ===================  ==================================
kind          from_status → to_status     note                 data
============  ==========================  ===================  ==================================
status        None → pending (placement)  the order's note     created: true, channel, total,
                                                               price_overrides (optional)
status        order status before → after why (optional)       {}
payment       payment status before →     a message (decline)  action (authorized, captured,
              after (equal: no change)                         paid, voided, declined), amount
                                                               (what this event moved), gateway,
                                                               payment_id
refund        payment status before →     the reason, or why   refund_id, amount, status
              after                       it was refused       (succeeded, failed, pending)
fulfillment   fulfillment status before   —                    fulfillment_id, location, carrier,
              → after                                          tracking_number, lines
return        —                           the reason           return_id, lines (with
                                                               disposition), locations,
                                                               suggested_refund
edit          —                           why (optional)       version, changes, before, after,
                                                               difference, balance_due
stock         —                           what happened        released, restocked
                                                               ({variant id: units})
note          —                           the text             {}
============  ==========================  ===================  ==================================

``lines`` are ``{"line_id", "sku", "title", "quantity"}`` (returns add ``disposition``); money
is in minor units of the order's currency. Every row whose ``staff_id`` is NULL names who acted
in ``data["actor"]`` (the storefront, a carrier's tracking, the system).

The table is append-only, so rows written before this vocabulary stay as they are;
``describe_event`` still reads them (a placement without ``created``, a payment without
``action`` or ``amount``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.money import MoneyFormat

STATUS, PAYMENT, REFUND, FULFILLMENT = "status", "payment", "refund", "fulfillment"
RETURN, EDIT, STOCK, NOTE = "return", "edit", "stock", "note"
KINDS = (STATUS, PAYMENT, REFUND, FULFILLMENT, RETURN, EDIT, STOCK, NOTE)

#: how an order came in, by channel: the placement's sentence
PLACED = {
    "online": "Placed on the online store",
    "pos": "Sold in the shop",
    "phone": "Taken by phone",
    "email": "Entered from a customer's e-mail",
    "manual": "Entered by hand",
}
#: what a payment event did, as the timeline says it
PAYMENT_ACTIONS = {
    "authorized": "Payment of {amount} authorized",
    "captured": "Payment of {amount} captured",
    "paid": "Payment of {amount} received",
    "voided": "Authorization of {amount} voided",
    "declined": "Payment of {amount} declined",
}

#: payment gateways by their stored name, as the timeline names them
GATEWAYS = {"stripe": "Stripe", "manual": "manual entry"}


@dataclass(frozen=True)
class Event:
    """One ``order_history`` row's content, without the order, the actor and the time."""

    kind: str
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def placed(
    channel: str,
    total: int,
    *,
    note: str | None = None,
    price_overrides: list[dict[str, Any]] | None = None,
    discounts: list[dict[str, Any]] | None = None,
) -> Event:
    data: dict[str, Any] = {"created": True, "channel": channel, "total": total}
    if price_overrides is not None:
        data["price_overrides"] = price_overrides
    if discounts:
        data["discounts"] = discounts
    return Event(STATUS, None, "pending", note or None, data)


def status_changed(before: str, after: str, note: str | None = None) -> Event:
    return Event(STATUS, before, after, note or None)


def payment(
    action: str,
    amount: int,
    *,
    before: str,
    after: str,
    gateway: str | None = None,
    payment_id: int | None = None,
    note: str | None = None,
) -> Event:
    """A payment event; ``amount`` is what this event authorized, captured, voided..."""
    if action not in PAYMENT_ACTIONS:
        raise ValueError(f"unknown payment action {action!r}")
    data: dict[str, Any] = {"action": action, "amount": amount, "payment_id": payment_id}
    if gateway:
        data["gateway"] = gateway
    return Event(PAYMENT, before, after, note or None, data)


def refund(
    amount: int,
    status: str,
    *,
    before: str,
    after: str,
    refund_id: int | None,
    note: str | None = None,
) -> Event:
    return Event(
        REFUND,
        before,
        after,
        note or None,
        {"refund_id": refund_id, "amount": amount, "status": status},
    )


def fulfilled(
    fulfillment_id: int,
    *,
    before: str,
    after: str,
    location: str | None,
    carrier: str | None,
    tracking_number: str | None,
    lines: list[dict[str, Any]],
) -> Event:
    return Event(
        FULFILLMENT,
        before,
        after,
        None,
        {
            "fulfillment_id": fulfillment_id,
            "location": location,
            "carrier": carrier,
            "tracking_number": tracking_number,
            "lines": lines,
        },
    )


def returned(
    return_id: int,
    *,
    lines: list[dict[str, Any]],
    locations: Iterable[str],
    suggested_refund: int,
    note: str | None = None,
) -> Event:
    return Event(
        RETURN,
        note=note or None,
        data={
            "return_id": return_id,
            "lines": lines,
            "locations": sorted(set(locations)),
            "suggested_refund": suggested_refund,
        },
    )


def edited(
    version: int,
    *,
    changes: list[dict[str, Any]],
    before: dict[str, int],
    after: dict[str, int],
    balance_due: int,
    note: str | None = None,
) -> Event:
    return Event(
        EDIT,
        note=note or None,
        data={
            "version": version,
            "changes": changes,
            "before": before,
            "after": after,
            "difference": after["total"] - before["total"],
            "balance_due": balance_due,
        },
    )


def stock_released(released: Mapping[int, int], restocked: Mapping[int, int]) -> Event:
    """Stock given back by a cancellation: ``{variant id: units}`` released and restocked."""
    return Event(
        STOCK,
        note="Stock released" + (" and restocked" if restocked else ""),
        data={
            "released": {str(k): v for k, v in released.items()},
            "restocked": {str(k): v for k, v in restocked.items()},
        },
    )


def noted(text: str) -> Event:
    return Event(NOTE, note=text)


def describe_event(
    kind: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
    data: Mapping[str, Any],
    money_format: MoneyFormat | None = None,
) -> str:
    """One line of the timeline in the merchant's words (never "None", never a made-up $0);
    amounts in the order's currency, written as ``money_format`` writes them."""

    written = money_format or MoneyFormat()

    def money(minor: Any) -> str:
        return written.format(int(minor or 0))

    def words(status: str | None) -> str:
        return (status or "").replace("_", " ")

    def now(text_: str, said: str | None = None) -> str:
        """The sentence, its note, and the payment status it led to (when it changed and the
        sentence did not already say so)."""
        text_ = with_note(text_)
        changed = from_status and to_status and from_status != to_status and to_status != said
        return f"{text_} — now {words(to_status)}" if changed else text_

    def items(lines: Any) -> str:
        return ", ".join(f"{ln.get('quantity')} × {_item(ln)}" for ln in lines or [])

    def with_note(text_: str) -> str:
        return f"{text_}: {note}" if note else text_

    if kind == STATUS:
        if from_status is None:
            phrase = PLACED.get(str(data.get("channel")), "Order placed")
            if not data.get("created"):  # an old demo row: its note was the sentence
                return note or phrase
            return with_note(f"{phrase} ({money(data.get('total'))})")
        return with_note(f"Status {words(from_status)} → {words(to_status)}")
    if kind == FULFILLMENT:
        parts = [f"Fulfilled {items(data.get('lines'))}"]
        if data.get("location"):
            parts.append(f"from {data['location']}")
        if data.get("carrier"):
            parts.append(f"via {data['carrier']}")
        if data.get("tracking_number"):
            parts.append(f"tracking {data['tracking_number']}")
        if to_status and to_status != "fulfilled":
            parts.append(f"({words(to_status)})")
        return " ".join(parts)
    if kind == NOTE:
        return f"Note: {note}"
    if kind == EDIT:
        return _describe_edit(data, money)
    if kind == PAYMENT:
        action = data.get("action") or ("paid" if "amount" in data else None)
        if action is None:  # an old demo row: only the status change was recorded
            return with_note(f"Payment status {words(from_status)} → {words(to_status)}")
        text_ = PAYMENT_ACTIONS.get(action, "Payment of {amount} " + str(action)).format(
            amount=money(data.get("amount"))
        )
        if data.get("gateway"):
            text_ += f" via {GATEWAYS.get(data['gateway'], data['gateway'])}"
        return now(text_, said=action if action in ("authorized", "voided") else None)
    if kind == REFUND:
        status = data.get("status", "")
        text_ = f"Refund of {money(data.get('amount'))} {status}".strip()
        return now(text_)
    if kind == RETURN:
        lines = ", ".join(
            f"{ln.get('quantity')} × {_item(ln)} "
            f"({str(ln.get('disposition', '')).replace('_', '-')})"
            for ln in data.get("lines", [])
        )
        return with_note(f"Returned {lines}")
    if kind == STOCK:
        return note or "Stock changed"
    return note or kind


def _item(line: Mapping[str, Any]) -> str:
    return str(line.get("sku") or line.get("title") or "an item without SKU")


def _describe_edit(data: Mapping[str, Any], money: Any) -> str:
    changes = []
    for c in data.get("changes", []):
        if "shipping" in c:
            changes.append(
                f"shipping {money(c['shipping']['from'])} → {money(c['shipping']['to'])}"
            )
        elif "codes" in c:
            codes = ", ".join(c["codes"]["to"]) or "none"
            changes.append(f"discount codes: {codes}")
        elif "manual_discount" in c:
            manual = c["manual_discount"]
            changes.append(
                f"manual discount {money(manual['from'])} → {money(manual['to'])}"
                + (f" ({manual['reason']})" if manual.get("reason") else "")
            )
        elif "discount_lost" in c:
            changes.append(f"{c['discount_lost']} no longer applies ({c['why']})")
        elif c.get("from") == 0:
            changes.append(f"added {c['to']} × {_item(c)}")
        elif c.get("to") == 0:
            changes.append(f"removed {_item(c)}")
        else:
            changes.append(f"{_item(c)} {c['from']} → {c['to']}")
    before = (data.get("before") or {}).get("total")
    after = (data.get("after") or {}).get("total")
    balance = int(data.get("balance_due") or 0)
    owed = (
        f"; {money(balance)} to collect"
        if balance > 0
        else f"; {money(-balance)} to refund"
        if balance < 0
        else ""
    )
    return (
        f"Edited (version {data.get('version')}): {'; '.join(changes)}; total "
        f"{money(before)} → {money(after)}{owed}"
    )
