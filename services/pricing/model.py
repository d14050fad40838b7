"""What the pricing engine reads and what it answers: plain frozen records, no database.

A ``Cart`` holds everything the engine needs (lines, customer, entered codes, the shipping
rate, the candidate promotions as ``Offer`` records and the counts of their uses so far); a
``PricedCart`` holds the answer and its explanation. Amounts are integer minor units.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property

from models.money import Money


class Kind(StrEnum):
    PERCENTAGE = "percentage"
    FIXED_AMOUNT = "fixed_amount"
    FREE_SHIPPING = "free_shipping"
    BUY_X_GET_Y = "buy_x_get_y"


class Target(StrEnum):
    """What a promotion's items are: every product, or those of some collections, products or
    variants. (``order`` is the stored name of "all products".)"""

    ALL = "order"
    COLLECTIONS = "collection"
    PRODUCTS = "product"
    VARIANTS = "variant"


class DiscountClass(StrEnum):
    """Shopify's three classes of discount: combinability is declared between classes."""

    PRODUCT = "product"
    ORDER = "order"
    SHIPPING = "shipping"


class Rejection(StrEnum):
    """Why a promotion that was considered did not apply."""

    DISABLED = "disabled"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    CODE_NOT_ENTERED = "code_not_entered"
    CODE_UNKNOWN = "code_unknown"
    CUSTOMER_NOT_ELIGIBLE = "customer_not_eligible"
    USAGE_LIMIT_REACHED = "usage_limit_reached"
    ALREADY_USED = "already_used"
    NO_ELIGIBLE_ITEMS = "no_eligible_items"
    MINIMUM_NOT_MET = "minimum_not_met"
    SHIPPING_ABOVE_CEILING = "shipping_above_ceiling"
    NOTHING_TO_DISCOUNT = "nothing_to_discount"
    NOT_COMBINABLE = "not_combinable"
    CURRENCY = "currency"


@dataclass(frozen=True)
class Offer:
    """One promotion as the engine sees it (``services.promotions`` loads them from the store).

    Attributes:
        value: basis points for a percentage (1500 = 15 %), minor units for a fixed amount;
            the percentage off the "get" items for buy X get Y (10000 = free).
        code: the code that unlocks it, as the customer entered it for a batch of codes;
            None for an automatic promotion.
        per_item: a fixed amount off each eligible item rather than once per order.
        buy_quantity, get_quantity, repeat_limit: buy X get Y; ``repeat_limit`` None repeats
            as often as the cart allows.
        shipping_ceiling: free shipping only for rates up to this amount.
        remaining_uses: uses left under the total limit (and the code's, for single-use codes);
            None when unlimited.
        once_per_customer / used_by_customer: the customer's own limit and whether they used it.
        combines_with: the classes of discount this one may be combined with.
    """

    id: int
    title: str
    kind: Kind
    value: int = 0
    code: str | None = None
    target: Target = Target.ALL
    target_ids: frozenset[int] = frozenset()
    per_item: bool = False
    buy_quantity: int = 0
    get_quantity: int = 0
    repeat_limit: int | None = None
    shipping_ceiling: int | None = None
    min_subtotal: int | None = None
    min_quantity: int | None = None
    customer_tag: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    is_active: bool = True
    remaining_uses: int | None = None
    once_per_customer: bool = False
    used_by_customer: bool = False
    combines_with: frozenset[DiscountClass] = frozenset()
    currency: str = "USD"

    @cached_property
    def discount_class(self) -> DiscountClass:
        if self.kind is Kind.FREE_SHIPPING:
            return DiscountClass.SHIPPING
        if self.target is Target.ALL and not self.per_item and self.kind is not Kind.BUY_X_GET_Y:
            return DiscountClass.ORDER
        return DiscountClass.PRODUCT

    @property
    def is_automatic(self) -> bool:
        return self.code is None

    def combines(self, other: Offer) -> bool:
        """Both allow the other's class (Shopify's rule: the permission must be mutual)."""
        return (
            other.discount_class in self.combines_with
            and self.discount_class in other.combines_with
        )


@dataclass(frozen=True)
class CartLine:
    """``key`` tells lines apart in the answer (an order line id, a position); ``variant_id``
    and ``product_id`` may be None for a custom item, which only "all products" targets."""

    key: Hashable
    variant_id: int | None
    product_id: int | None
    quantity: int
    unit_price: int
    collection_ids: frozenset[int] = frozenset()

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Customer:
    id: int | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ManualDiscount:
    """A discount a manager gives by hand: an order discount with a reason, after promotions."""

    amount: int
    reason: str


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...]
    offers: tuple[Offer, ...] = ()
    codes: tuple[str, ...] = ()
    customer: Customer = Customer()
    shipping: int = 0
    manual: ManualDiscount | None = None
    currency: str = "USD"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: the store's time zone, for the dates in the explanation
    timezone: str = "UTC"


@dataclass(frozen=True)
class LineDiscount:
    promotion_id: int | None
    title: str
    amount: int


@dataclass(frozen=True)
class PricedLine:
    key: Hashable
    variant_id: int | None
    quantity: int
    unit_price: int
    discount: int
    discounts: tuple[LineDiscount, ...]

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.subtotal - self.discount


@dataclass(frozen=True)
class Applied:
    """A discount on the order: a promotion, or the manual discount (``promotion_id`` None).

    ``lines`` is how much of ``amount`` fell on each line (by key); ``shipping`` the part taken
    off shipping; ``amount`` is their sum. ``description`` says it in words, when asked (a
    demo year of half a million orders never asks)."""

    promotion_id: int | None
    title: str
    code: str | None
    discount_class: DiscountClass
    amount: int
    lines: tuple[tuple[Hashable, int], ...]
    shipping: int
    #: the promotion, to describe it (None for the manual discount)
    offer: Offer | None = field(default=None, repr=False, compare=False)
    #: why the manual discount was given
    note: str = ""
    currency: str = "USD"

    @cached_property
    def description(self) -> str:
        offer, currency = self.offer, self.currency
        if offer is None:
            return self.note
        if self.shipping:
            return f"{Money(self.shipping, currency)} off shipping."
        amount = Money(self.amount, currency)
        count = len(self.lines)
        where = f"{count} line{'s' if count != 1 else ''}"
        if offer.kind is Kind.BUY_X_GET_Y:
            what = "free" if offer.value >= 10_000 else f"{percent_text(offer.value)} off"
            return (
                f"buy {offer.buy_quantity}, get {offer.get_quantity} {what}: {amount} off {where}."
            )
        if offer.kind is Kind.PERCENTAGE:
            scope = "the order" if offer.discount_class is DiscountClass.ORDER else "eligible items"
            return f"{percent_text(offer.value)} off {scope}: {amount} over {where}."
        each = " per item" if offer.per_item else ""
        return f"{Money(offer.value, currency)} off{each}: {amount} over {where}."


def percent_text(basis_points: int) -> str:
    """1500 -> "15%", 1250 -> "12.5%"."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


@dataclass(frozen=True)
class Rejected:
    promotion_id: int | None
    title: str
    code: str | None
    reason: Rejection
    message: str


@dataclass(frozen=True)
class PricedCart:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: int
    discount_total: int
    shipping: int
    shipping_discount: int
    total: int
    applied: tuple[Applied, ...]
    rejected: tuple[Rejected, ...]
    #: codes entered that match no promotion (also listed in ``rejected``)
    unknown_codes: tuple[str, ...] = ()

    @property
    def items_discount(self) -> int:
        """Discounts on the items (product and order discounts, the manual one)."""
        return self.discount_total - self.shipping_discount

    def line(self, key: Hashable) -> PricedLine:
        return next(ln for ln in self.lines if ln.key == key)

    def explanation(self) -> list[str]:
        """The answer as sentences, applied first, then what did not apply and why."""
        said = [f"{a.title}: {a.description}" for a in self.applied]
        said += [f"{r.title}: {r.message}" for r in self.rejected]
        return said
