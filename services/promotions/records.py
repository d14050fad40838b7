"""What the promotion services take and return: frozen records, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.errors import DomainError
from services.pricing.model import DiscountClass, Kind, Target


class Method(StrEnum):
    AUTOMATIC = "automatic"
    CODE = "code"


class PromotionStatus(StrEnum):
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    EXPIRED = "expired"
    DISABLED = "disabled"


@dataclass(frozen=True)
class PromotionInput:
    """A promotion as the form fills it in.

    ``starts_at``/``ends_at`` without a time zone are read in the store's time zone.
    A code promotion with ``code`` None takes its codes from generated batches
    (``generate_codes``). ``value`` is basis points for a percentage (and for the "get" items
    of buy X get Y: 10000 = free), minor units for a fixed amount.

    The services refuse bad input with ``ValidationFailed``, whose ``fields`` are keyed by
    these attribute names (``title``, ``value``, ``code``, ``ends_at``, ``get_quantity``,
    ``target_ids``, ``usage_limit``, ``method``...), so a form can put each message on its field.
    """

    title: str
    kind: Kind
    value: int = 0
    method: Method = Method.AUTOMATIC
    code: str | None = None
    target: Target = Target.ALL
    target_ids: tuple[int, ...] = ()
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
    usage_limit: int | None = None
    once_per_customer: bool = False
    combines_with: frozenset[DiscountClass] = frozenset()
    is_active: bool = True


@dataclass(frozen=True)
class SavedPromotion:
    id: int
    version: int
    title: str
    status: PromotionStatus


@dataclass(frozen=True)
class PromotionRow:
    """A row of the promotions list."""

    id: int
    version: int
    title: str
    method: Method
    code: str | None
    kind: Kind
    value: int
    target: Target
    status: PromotionStatus
    starts_at: datetime | None
    ends_at: datetime | None
    used_count: int
    usage_limit: int | None
    discount_given: int
    code_count: int
    #: for buy X get Y: how many the customer buys and gets
    buy_quantity: int = 0
    get_quantity: int = 0


@dataclass(frozen=True)
class PromotionDetail:
    id: int
    version: int
    status: PromotionStatus
    data: PromotionInput
    used_count: int
    discount_given: int
    code_count: int
    codes_used: int
    #: titles of the collections, products or variants it targets, by id
    target_titles: dict[int, str] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RedemptionRow:
    id: int
    order_id: int
    order_number: int
    customer_id: int | None
    customer_name: str | None
    code: str | None
    amount: int
    redeemed_at: datetime
    returned_at: datetime | None


@dataclass(frozen=True)
class RedemptionTotals:
    #: redemptions not given back, and the discount they gave
    count: int
    amount: int
    customers: int
    #: redemptions given back by cancelled orders
    returned: int


@dataclass(frozen=True)
class CodeBatch:
    promotion_id: int
    count: int
    #: the first few codes, to show
    sample: tuple[str, ...]


@dataclass(frozen=True)
class SampleLine:
    """A line of a preview cart: a variant and a quantity, at the catalog price."""

    variant_id: int
    quantity: int


class PromotionUnavailable(DomainError):
    """A promotion used up, or already used by this customer, by the time the order was saved."""

    title = "Promotion no longer available"
    status = 409
    code = "promotion_unavailable"
