"""Pricing an order through the engine, and keeping what it said.

Manual orders and edits price their lines with ``services.pricing`` like the storefront does:
the automatic promotions live when the order was placed, the codes entered, the manager's
manual discount. The applied discounts become ``order_discounts`` rows (with each line's
share), the whole explanation (what applied, what did not and why) is kept in
``order_pricing`` for the order's detail (``get_order_pricing``), and the order's
redemptions are reconciled with what applied (counted by the store, see
``services.promotions.redeeming``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert

from models.orders import Order, OrderDiscount, OrderLine
from models.promotions import OrderPricing
from services.errors import NotFound, ValidationFailed
from services.pricing import Cart, ManualDiscount, PricedCart, Rejection, price_cart
from services.promotions import cart_lines, customer_of, load_offers, reconcile_redemptions
from services.promotions.queries import database_now, store_settings
from services.unit_of_work import UnitOfWork

#: a code the manager typed is refused for these reasons; for the others (a better discount
#: applies) the customer simply gets the better deal
_CODE_REFUSED = frozenset(Rejection) - {Rejection.NOT_COMBINABLE, Rejection.NOTHING_TO_DISCOUNT}


@dataclass(frozen=True)
class OrderCart:
    """What an order's pricing starts from. ``lines`` are (key, variant id, quantity, unit
    price); ``at`` is when the promotions are judged (None: now)."""

    lines: Sequence[tuple[Hashable, int | None, int, int | None]]
    customer_id: int | None
    codes: Sequence[str] = ()
    shipping: int = 0
    manual: ManualDiscount | None = None
    at: datetime | None = None
    #: the order being re-priced: its own redemptions do not count against its limits
    order_id: int | None = None


def price_order(uow: UnitOfWork, cart: OrderCart) -> PricedCart:
    """The engine's pricing of ``cart`` with the promotions in the store."""
    currency, zone = store_settings(uow)
    at = cart.at or database_now(uow.session)
    codes = tuple(dict.fromkeys(c.strip() for c in cart.codes if c.strip()))
    offers = load_offers(
        uow.session, codes=codes, customer_id=cart.customer_id, now=at, currency=currency
    )
    if cart.order_id is not None:
        # the order's own uses are not another order's: it keeps what it redeemed
        mine = set(
            uow.session.scalars(
                text(
                    "SELECT promotion_id FROM promotion_redemptions "
                    "WHERE order_id = :o AND returned_at IS NULL"
                ),
                {"o": cart.order_id},
            )
        )
        offers = tuple(
            replace(
                o,
                remaining_uses=None if o.remaining_uses is None else o.remaining_uses + 1,
                used_by_customer=False,
            )
            if o.id in mine
            else o
            for o in offers
        )
    lines = cart_lines(uow.session, [(k, v, q, p) for k, v, q, p in cart.lines])
    return price_cart(
        Cart(
            tuple(lines),
            offers,
            codes=codes,
            customer=customer_of(uow.session, cart.customer_id),
            shipping=cart.shipping,
            manual=cart.manual,
            currency=currency,
            now=at,
            timezone=zone,
        )
    )


def refuse_bad_codes(priced: PricedCart) -> None:
    """Raise ValidationFailed (field ``codes``) for a code the manager typed that is unknown or
    cannot apply to this order, with the engine's reason."""
    problems = [
        f"{r.code}: {r.message}"
        for r in priced.rejected
        if r.code is not None and r.reason in _CODE_REFUSED
    ]
    if problems:
        raise ValidationFailed(" ".join(problems), fields={"codes": " ".join(problems)})


def record_pricing(
    uow: UnitOfWork,
    order: Order,
    priced: PricedCart,
    line_ids: Mapping[Hashable, int],
    *,
    codes: Sequence[str],
    before: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Replace the order's discount rows and explanation with ``priced``'s and reconcile its
    redemptions. ``before`` is the previous explanation (an edit): a promotion that applied
    then and does not now is marked so. Returns the explanation stored. Raises
    PromotionUnavailable when a promotion was used up by another order meanwhile."""
    uow.session.execute(delete(OrderDiscount).where(OrderDiscount.order_id == order.id))
    for applied in priced.applied:
        uow.session.add(
            OrderDiscount(
                order_id=order.id,
                promotion_id=applied.promotion_id,
                code=applied.code,
                title=applied.title,
                amount=applied.amount,
                reason=applied.description,
                discount_class=applied.discount_class.value,
                lines=[{"line_id": line_ids[k], "amount": a} for k, a in applied.lines],
            )
        )
    explanation = explain(priced, line_ids, codes=codes, before=before)
    uow.session.execute(
        insert(OrderPricing)
        .values(order_id=order.id, explanation=explanation)
        .on_conflict_do_update(
            index_elements=[OrderPricing.order_id],
            set_={"explanation": explanation, "priced_at": func.now()},
        )
    )
    reconcile_redemptions(
        uow, order_id=order.id, customer_id=order.customer_id, applied=priced.applied
    )
    return explanation


def explain(
    priced: PricedCart,
    line_ids: Mapping[Hashable, int],
    *,
    codes: Sequence[str],
    before: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The explanation as stored (plain JSON)."""
    had = {a["promotion_id"] for a in (before or {}).get("applied", ()) if a["promotion_id"]}
    now_applied = {a.promotion_id for a in priced.applied}
    manual = next((a for a in priced.applied if a.promotion_id is None), None)
    return {
        "codes": list(codes),
        "subtotal": priced.subtotal,
        "discount_total": priced.discount_total,
        "shipping": priced.shipping,
        "shipping_discount": priced.shipping_discount,
        "manual": None
        if manual is None
        else {"amount": manual.amount, "reason": manual.description},
        "applied": [
            {
                "promotion_id": a.promotion_id,
                "title": a.title,
                "code": a.code,
                "class": a.discount_class.value,
                "amount": a.amount,
                "shipping": a.shipping,
                "description": a.description,
                "lines": [{"line_id": line_ids[k], "amount": amount} for k, amount in a.lines],
            }
            for a in priced.applied
        ],
        "rejected": [
            {
                "promotion_id": r.promotion_id,
                "title": r.title,
                "code": r.code,
                "reason": r.reason.value,
                "message": r.message,
                "lost": r.promotion_id in had and r.promotion_id not in now_applied,
            }
            for r in priced.rejected
        ],
    }


@dataclass(frozen=True)
class DiscountShare:
    line_id: int
    sku: str | None
    title: str
    amount: int


@dataclass(frozen=True)
class AppliedDiscount:
    promotion_id: int | None
    title: str
    code: str | None
    discount_class: str
    amount: int
    description: str
    lines: tuple[DiscountShare, ...]


@dataclass(frozen=True)
class NotApplied:
    promotion_id: int | None
    title: str
    code: str | None
    reason: str
    message: str
    #: it applied before the last edit and no longer does
    lost: bool


@dataclass(frozen=True)
class OrderPricingView:
    """An order's pricing explanation, for its detail panel."""

    order_id: int
    codes: tuple[str, ...]
    applied: tuple[AppliedDiscount, ...]
    not_applied: tuple[NotApplied, ...]
    priced_at: datetime | None

    def sentences(self) -> list[str]:
        said = [f"{a.title}: {a.description}" for a in self.applied]
        for r in self.not_applied:
            lost = "No longer applies. " if r.lost else ""
            said.append(f"{r.title}: {lost}{r.message}")
        return said


def get_order_pricing(uow: UnitOfWork, order_id: int) -> OrderPricingView:
    """Which promotions applied to the order, how much on which lines, and which were
    considered and why they did not apply. An order priced before promotions were explained
    shows its discount rows only. Raises NotFound."""
    with uow:
        if uow.session.get(Order, order_id) is None:
            raise NotFound("That order no longer exists.")
        lines = {
            ln.id: ln
            for ln in uow.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id))
        }
        stored = uow.session.get(OrderPricing, order_id)
        if stored is not None:
            data = stored.explanation
            applied = data["applied"]
            rejected = data["rejected"]
        else:
            rows = uow.session.scalars(
                select(OrderDiscount)
                .where(OrderDiscount.order_id == order_id)
                .order_by(OrderDiscount.id)
            )
            applied = [
                {
                    "promotion_id": d.promotion_id,
                    "title": d.title,
                    "code": d.code,
                    "class": d.discount_class,
                    "amount": d.amount,
                    "description": d.reason,
                    "lines": d.lines,
                }
                for d in rows
            ]
            rejected, data = [], {}

        def share(part: Mapping[str, int]) -> DiscountShare:
            line = lines.get(part["line_id"])
            title = "" if line is None else line.product_title
            if line is not None and line.variant_title:
                title += f" – {line.variant_title}"
            return DiscountShare(
                part["line_id"], None if line is None else line.sku, title, part["amount"]
            )

        return OrderPricingView(
            order_id,
            tuple(data.get("codes", ())),
            tuple(
                AppliedDiscount(
                    a["promotion_id"],
                    a["title"],
                    a["code"],
                    a["class"],
                    a["amount"],
                    a["description"],
                    tuple(share(p) for p in a["lines"] if p["line_id"] in lines),
                )
                for a in applied
            ),
            tuple(
                NotApplied(
                    r["promotion_id"], r["title"], r["code"], r["reason"], r["message"], r["lost"]
                )
                for r in rejected
            ),
            None if stored is None else stored.priced_at,
        )
