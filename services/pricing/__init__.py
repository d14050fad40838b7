"""Pricing: one pure engine prices every cart, the storefront's and the back office's alike.

``price_cart(Cart) -> PricedCart``: lines, customer, entered codes, shipping and the candidate
promotions (``Offer``) in; per-line discounts, the shipping discount, totals and the
explanation (what applied, where, and why the rest did not) out. The algorithm and the rounding
rule are described in ``services.pricing.engine``. Loading the offers for a cart from the store
is ``services.promotions.load_offers``.
"""

from services.pricing.engine import price_cart
from services.pricing.model import (
    Applied,
    Cart,
    CartLine,
    Customer,
    DiscountClass,
    Kind,
    LineDiscount,
    ManualDiscount,
    Offer,
    PricedCart,
    PricedLine,
    Rejected,
    Rejection,
    Target,
)

__all__ = [
    "Applied",
    "Cart",
    "CartLine",
    "Customer",
    "DiscountClass",
    "Kind",
    "LineDiscount",
    "ManualDiscount",
    "Offer",
    "PricedCart",
    "PricedLine",
    "Rejected",
    "Rejection",
    "Target",
    "price_cart",
]
