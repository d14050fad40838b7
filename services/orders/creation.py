"""Taking an order by hand (phone, e-mail): customer, lines at catalog prices, stock reserved.

The order, its customer (when new), its lines and the stock reservation are one transaction:
if any line is short, InsufficientStock names every short line and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, text

from models.catalog import Barcode, Product, Variant
from models.inventory import Bin, InventoryLevel, Location
from models.orders import Order, OrderLine
from models.status import OrderStatus
from services.actors import Actor
from services.customers import NewCustomer, add_customer
from services.errors import NotFound, ValidationFailed
from services.inventory.ledger import Reference, ensure_levels, reserve
from services.orders import history
from services.orders.core import append_history, emit_availability, emit_order_changed
from services.orders.pricing import OrderCart, price_order, record_pricing, refuse_bad_codes
from services.orders.rows import CreatedOrder
from services.orders.totals import tax_lines, totals_of
from services.paging import like_pattern
from services.pricing import ManualDiscount, PricedCart
from services.store import money_format
from services.unit_of_work import UnitOfWork

MANUAL_CHANNELS = ("phone", "email", "manual", "pos")
#: as Shopify: a customer may combine up to five codes
MAX_CODES = 5
MANUAL_REASON = "Given by hand"


@dataclass(frozen=True)
class DraftLine:
    variant_id: int
    quantity: int
    #: None takes the catalog price; a value overrides it (recorded on the timeline)
    unit_price: int | None = None


@dataclass(frozen=True)
class OrderDraft:
    lines: Sequence[DraftLine]
    customer_id: int | None = None
    new_customer: NewCustomer | None = None
    email: str | None = None
    channel: str = "phone"
    location_id: int | None = None
    shipping_total: int = 0
    #: a manual discount on top of the promotions, and why it is given
    discount: int = 0
    discount_reason: str | None = None
    #: discount codes the customer gave; automatic promotions apply by themselves
    codes: Sequence[str] = ()
    tax_rate_bp: int = 0
    shipping_address: dict[str, Any] | None = None
    billing_address: dict[str, Any] | None = None
    note: str | None = None
    currency: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SellableVariant:
    """A variant as the create-order dialog offers it."""

    variant_id: int
    sku: str | None
    product_title: str
    variant_title: str
    price: int
    available: int
    bin_code: str | None
    allows_backorder: bool
    #: the currency of the price (the store's)
    currency: str


def find_sellable(
    uow: UnitOfWork, term: str, *, location_id: int | None = None, limit: int = 20
) -> list[SellableVariant]:
    """Variants whose SKU, barcode or title matches ``term`` (a scan matches exactly)."""
    term = term.strip()
    if not term:
        return []
    with uow:
        location_id = location_id or _default_location(uow)
        uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        exact = (
            select(Variant.id)
            .where(Variant.sku == term)
            .union(select(Barcode.variant_id).where(Barcode.code == term))
        )
        ids = list(uow.session.scalars(exact))
        if not ids:
            pattern = like_pattern(term)
            ids = list(
                uow.session.scalars(
                    select(Variant.id)
                    .join(Product)
                    .where(or_(Variant.sku.ilike(pattern), Product.title.ilike(pattern)))
                    .where(Product.status != "archived")
                    .order_by(Product.title, Variant.position)
                    .limit(limit)
                )
            )
        return _sellable(uow, ids, location_id)


def _sellable(uow: UnitOfWork, ids: list[int], location_id: int | None) -> list[SellableVariant]:
    if not ids:
        return []
    rows = uow.session.execute(
        select(Variant, Product.title, InventoryLevel.available, Bin.code)
        .join(Product)
        .outerjoin(
            InventoryLevel,
            (InventoryLevel.variant_id == Variant.id) & (InventoryLevel.location_id == location_id),
        )
        .outerjoin(Bin, Bin.id == InventoryLevel.bin_id)
        .where(Variant.id.in_(ids))
        .order_by(Product.title, Variant.position)
    ).all()
    currency = money_format(uow.session).currency
    return [
        SellableVariant(
            v.id,
            v.sku,
            title,
            v.title,
            v.price,
            available or 0,
            bin_code,
            v.inventory_policy == "continue",
            currency,
        )
        for v, title, available, bin_code in rows
    ]


def create_order(uow: UnitOfWork, actor: Actor, draft: OrderDraft) -> CreatedOrder:
    """Save a hand-taken order as pending, with its stock reserved at its location.

    Raises ValidationFailed (no lines, a bad quantity, an unknown channel or customer),
    InsufficientStock (naming every short line) or PermissionDenied; nothing is saved then.
    """
    problems = _check(draft)
    if problems:
        raise ValidationFailed(" ".join(problems.values()), fields=problems)
    with uow:
        uow.require(actor, "orders.create")
        currency = draft.currency or money_format(uow.session).currency
        location_id = draft.location_id or _default_location(uow)
        if location_id is None:
            raise ValidationFailed(
                "Choose the location the order ships from.", fields={"location": "Required"}
            )
        customer_id, email, address = _customer(uow, actor, draft)
        variants = _variants(uow, [ln.variant_id for ln in draft.lines])
        pricing = price_order(uow, _cart(draft, variants, customer_id))
        refuse_bad_codes(pricing)
        priced = tax_lines(pricing, draft.tax_rate_bp)
        totals = totals_of(priced, draft.shipping_total, pricing.shipping_discount)
        order = Order(
            customer_id=customer_id,
            email=email,
            channel=draft.channel,
            currency=currency,
            status=OrderStatus.PENDING.value,
            subtotal=totals.subtotal,
            discount_total=totals.discount_total,
            shipping_total=totals.shipping_total,
            tax_total=totals.tax_total,
            total=totals.total,
            shipping_address=draft.shipping_address or address,
            billing_address=draft.billing_address or draft.shipping_address or address,
            location_id=location_id,
            note=(draft.note or "").strip() or None,
        )
        for line, price in zip(draft.lines, priced, strict=True):
            variant, product_title = variants[line.variant_id]
            order.lines.append(
                OrderLine(
                    variant_id=variant.id,
                    location_id=location_id,
                    sku=variant.sku,
                    product_title=product_title,
                    variant_title=None if variant.title == "Default Title" else variant.title,
                    quantity=line.quantity,
                    unit_price=price.unit_price,
                    discount_total=price.discount_total,
                    tax_total=price.tax_total,
                )
            )
        uow.session.add(order)
        uow.session.flush()
        uow.session.refresh(order, ["number"])
        record_pricing(
            uow,
            order,
            pricing,
            {i: line.id for i, line in enumerate(order.lines)},
            codes=list(draft.codes),
        )
        keys = [(ln.variant_id, location_id) for ln in draft.lines]
        ensure_levels(uow, keys)
        reserve(
            uow,
            actor,
            [(ln.variant_id, location_id, ln.quantity) for ln in draft.lines],
            reference=Reference.of("order", order.number),
        )
        overrides = [
            {
                "sku": variants[ln.variant_id][0].sku,
                "catalog": variants[ln.variant_id][0].price,
                "charged": ln.unit_price,
            }
            for ln in draft.lines
            if ln.unit_price is not None and ln.unit_price != variants[ln.variant_id][0].price
        ]
        append_history(
            uow,
            actor,
            order,
            history.placed(
                draft.channel,
                totals.total,
                note=order.note,
                price_overrides=overrides,
                discounts=[{"title": a.title, "amount": a.amount} for a in pricing.applied],
            ),
        )
        uow.audit(
            actor,
            "order.create",
            "order",
            order.id,
            after={"number": order.number, "total": totals.total, "lines": len(draft.lines)},
        )
        emit_order_changed(uow, order, "order.created")
        emit_availability(uow, [ln.variant_id for ln in draft.lines])
        created = CreatedOrder(order.id, order.number, order.total)
        uow.commit()
        return created


def quote_order(uow: UnitOfWork, actor: Actor, draft: OrderDraft) -> PricedCart:
    """Price a draft as ``create_order`` would, with its explanation, saving nothing: the
    dialog shows which promotions apply and why the others do not. Raises
    ValidationFailed, PermissionDenied."""
    problems = _check(draft)
    if problems:
        raise ValidationFailed(" ".join(problems.values()), fields=problems)
    with uow:
        uow.require(actor, "orders.create")
        variants = _variants(uow, [ln.variant_id for ln in draft.lines])
        return price_order(uow, _cart(draft, variants, draft.customer_id))


def _cart(
    draft: OrderDraft, variants: dict[int, tuple[Variant, str]], customer_id: int | None
) -> OrderCart:
    manual = None
    if draft.discount:
        reason = (draft.discount_reason or "").strip() or MANUAL_REASON
        manual = ManualDiscount(draft.discount, reason)
    return OrderCart(
        [
            (
                i,
                ln.variant_id,
                ln.quantity,
                ln.unit_price if ln.unit_price is not None else variants[ln.variant_id][0].price,
            )
            for i, ln in enumerate(draft.lines)
        ],
        customer_id,
        codes=draft.codes,
        shipping=draft.shipping_total,
        manual=manual,
    )


def _check(draft: OrderDraft) -> dict[str, str]:
    problems = {}
    if not draft.lines:
        problems["lines"] = "Add at least one line."
    if any(ln.quantity <= 0 for ln in draft.lines):
        problems["quantity"] = "Quantities must be 1 or more."
    if any(ln.unit_price is not None and ln.unit_price < 0 for ln in draft.lines):
        problems["price"] = "A price cannot be negative."
    if draft.channel not in MANUAL_CHANNELS:
        problems["channel"] = f"Choose how the order came in: {', '.join(MANUAL_CHANNELS)}."
    if draft.shipping_total < 0 or draft.discount < 0 or draft.tax_rate_bp < 0:
        problems["totals"] = "Shipping, discount and tax cannot be negative."
    if len(draft.codes) > MAX_CODES:
        problems["codes"] = f"At most {MAX_CODES} discount codes on one order."
    if draft.customer_id is not None and draft.new_customer is not None:
        problems["customer"] = "Pick a customer or create one, not both."
    return problems


def _customer(
    uow: UnitOfWork, actor: Actor, draft: OrderDraft
) -> tuple[int | None, str | None, dict[str, Any] | None]:
    from models.customers import Customer

    if draft.new_customer is not None:
        customer = add_customer(uow, actor, draft.new_customer)
    elif draft.customer_id is not None:
        found = uow.session.get(Customer, draft.customer_id)
        if found is None:
            raise NotFound("That customer no longer exists.")
        customer = found
    else:
        return None, (draft.email or "").strip() or None, None
    default = next(iter(sorted(customer.addresses, key=lambda a: (not a.is_default, a.id))), None)
    address = None
    if default is not None:
        address = {
            "name": default.name,
            "company": default.company,
            "line1": default.line1,
            "line2": default.line2,
            "city": default.city,
            "province": default.province,
            "postal_code": default.postal_code,
            "country_code": default.country_code,
            "phone": default.phone,
        }
    return customer.id, (draft.email or customer.email), address


def _variants(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, tuple[Variant, str]]:
    rows = uow.session.execute(
        select(Variant, Product.title).join(Product).where(Variant.id.in_(set(ids)))
    ).all()
    found = {v.id: (v, title) for v, title in rows}
    missing = set(ids) - set(found)
    if missing:
        raise ValidationFailed("A product on the order no longer exists; remove that line.")
    return found


def _default_location(uow: UnitOfWork) -> int | None:
    return uow.session.scalar(
        select(Location.id)
        .where(Location.is_active)
        .order_by(Location.is_default.desc(), Location.id)
        .limit(1)
    )
