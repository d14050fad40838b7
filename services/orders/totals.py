"""Order arithmetic in integer minor units: tax per line, totals, proportional scaling.

Pure functions, no database. Discounts come from the pricing engine (``services.pricing``),
which spreads an order discount over the lines with ``Money.allocate``; rounding is
``models.money``'s one mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.money import Money, divide_rounded
from services.pricing import PricedCart


@dataclass(frozen=True)
class PricedLine:
    unit_price: int
    quantity: int
    discount_total: int
    tax_total: int

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderTotals:
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int

    @property
    def total(self) -> int:
        return self.subtotal - self.discount_total + self.shipping_total + self.tax_total


def tax_lines(priced: PricedCart, tax_rate_bp: int = 0) -> list[PricedLine]:
    """The engine's priced lines (discounts already spread over them) with tax at
    ``tax_rate_bp`` basis points (825 = 8.25 %) on each line after its discount, rounded once
    per line, in the cart's line order."""
    return [
        PricedLine(
            ln.unit_price,
            ln.quantity,
            ln.discount,
            Money(ln.total, priced.currency).percent(tax_rate_bp).minor,
        )
        for ln in priced.lines
    ]


def totals_of(
    lines: Sequence[PricedLine], shipping: int = 0, shipping_discount: int = 0
) -> OrderTotals:
    """An order's totals; its discount total includes what was taken off shipping."""
    return OrderTotals(
        subtotal=sum(ln.subtotal for ln in lines),
        discount_total=sum(ln.discount_total for ln in lines) + shipping_discount,
        shipping_total=shipping,
        tax_total=sum(ln.tax_total for ln in lines),
    )


def scale(amount: int, new_quantity: int, old_quantity: int) -> int:
    """A line's discount or tax for a new quantity, proportional, rounded once."""
    if old_quantity <= 0:
        return 0
    return divide_rounded(amount * new_quantity, old_quantity)


def effective_tax_rate_bp(lines: Sequence[PricedLine]) -> int:
    """The tax rate the existing lines were charged, in basis points (for lines added later)."""
    taxable = sum(ln.subtotal - ln.discount_total for ln in lines)
    if taxable <= 0:
        return 0
    tax = sum(ln.tax_total for ln in lines)
    return divide_rounded(tax * 10_000, taxable)
