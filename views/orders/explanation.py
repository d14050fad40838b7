"""An order's pricing explanation in words, the same for a quote and for a saved order: which
promotions applied (how much, on which lines), which were considered and why they did not.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Sequence

from models.money import MoneyFormat
from services.errors import ValidationFailed
from services.orders import AppliedDiscount, DiscountShare, NotApplied, refuse_bad_codes
from services.pricing import PricedCart


def quote_discounts(
    quote: PricedCart, line_title: Callable[[Hashable], str]
) -> tuple[tuple[AppliedDiscount, ...], tuple[NotApplied, ...]]:
    """A quote's discounts as an order's explanation holds them; ``line_title`` names the
    line a key stands for."""
    applied = tuple(
        AppliedDiscount(
            a.promotion_id,
            a.title,
            a.code,
            a.discount_class.value,
            a.amount,
            a.description,
            tuple(DiscountShare(0, None, line_title(key), amount) for key, amount in a.lines),
        )
        for a in quote.applied
    )
    missed = tuple(
        NotApplied(r.promotion_id, r.title, r.code, r.reason.value, r.message, False)
        for r in quote.rejected
    )
    return applied, missed


def code_problems(quote: PricedCart) -> str:
    """Why a code the person typed cannot be used on this order, in words ("" when all can):
    the refusal saving would meet."""
    try:
        refuse_bad_codes(quote)
    except ValidationFailed as refused:
        return refused.fields["codes"]
    return ""


def explanation_html(
    applied: Sequence[AppliedDiscount], missed: Sequence[NotApplied], money_format: MoneyFormat
) -> str:
    """The explanation as rich text for a read-only text view, amounts as the store writes
    them."""

    def money(minor: int) -> str:
        return html.escape(money_format.format(minor))

    def name(title: str, code: str | None) -> str:
        code_text = f" (code {html.escape(code)})" if code and code != title else ""
        return f"<b>{html.escape(title)}</b>{code_text}"

    parts: list[str] = []
    if applied:
        parts.append("<p><b>Applied</b></p>")
    for a in applied:
        said = (
            f"reason: {html.escape(a.description)}"
            if a.promotion_id is None
            else html.escape(a.description)
        )
        where = " · ".join(
            f"{html.escape(s.title)} −{money(s.amount)}" for s in a.lines if s.amount
        )
        parts.append(
            f"<p>✓ {name(a.title, a.code)}: −{money(a.amount)}. {said}"
            + (f"<br>&nbsp;&nbsp;&nbsp;On {where}" if where else "")
            + "</p>"
        )
    if missed:
        parts.append("<p><b>Considered, not applied</b></p>")
    for r in missed:
        lost = (
            "<span style='color:#b3261e'><b>Discount lost:</b> it no longer applies.</span> "
            if r.lost
            else ""
        )
        parts.append(f"<p>✗ {name(r.title, r.code)}: {lost}{html.escape(r.message)}</p>")
    if not parts:
        parts.append("<p>No promotion applies to this order.</p>")
    return "".join(parts)
