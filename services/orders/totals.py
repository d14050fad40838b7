"""Order arithmetic in integer minor units: discounts spread over lines, tax per line.

Pure functions, no database. Rounding is ``models.money``'s one mode; ``Money.allocate`` spreads
an order discount so no cent is lost or invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.money import Money, divide_rounded


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


def price_lines(
    lines: Sequence[tuple[int, int]],
    *,
    discount: int = 0,
    tax_rate_bp: int = 0,
    currency: str = "USD",
) -> list[PricedLine]:
    """(unit price, quantity) lines with an order ``discount`` spread by line value and tax at
    ``tax_rate_bp`` basis points (825 = 8.25 %) on each line after its discount."""
    subtotals = [price * qty for price, qty in lines]
    if discount < 0:
        raise ValueError("a discount is not negative")
    discount = min(discount, sum(subtotals))
    shares = Money(discount, currency).allocate(subtotals) if lines else []
    priced = []
    for (price, qty), sub, share in zip(lines, subtotals, shares, strict=True):
        tax = Money(sub - share.minor, currency).percent(tax_rate_bp).minor
        priced.append(PricedLine(price, qty, share.minor, tax))
    return priced


def totals_of(lines: Sequence[PricedLine], shipping: int = 0) -> OrderTotals:
    return OrderTotals(
        subtotal=sum(ln.subtotal for ln in lines),
        discount_total=sum(ln.discount_total for ln in lines),
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
