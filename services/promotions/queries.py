"""Reading promotions: the list, one promotion, its redemptions, the offers for a cart, a
preview on a sample cart. Reading needs ``promotions.edit`` or ``reports.view``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, select, text
from sqlalchemy.orm import Session

from models.catalog import Collection, Product, Variant, collection_products
from models.customers import Customer as CustomerRecord
from models.orders import Order
from models.promotions import ENDS, Promotion, PromotionCode, PromotionRedemption
from services.actors import Actor
from services.catalog.rules import DEFAULT_TITLE, variant_title
from services.errors import NotFound, PermissionDenied
from services.paging import Page, PageRequest, keyset_page, like_pattern
from services.pricing import (
    Cart,
    CartLine,
    Customer,
    DiscountClass,
    Kind,
    Offer,
    PricedCart,
    Target,
    price_cart,
)
from services.promotions.records import (
    Method,
    PromotionDetail,
    PromotionInput,
    PromotionRow,
    PromotionStatus,
    RedemptionRow,
    RedemptionTotals,
    SampleLine,
)
from services.unit_of_work import UnitOfWork

READ_PERMISSIONS = ("promotions.edit", "reports.view")
_SEARCH_TEXT = "lower(promotions.title || ' ' || coalesce(promotions.code, ''))"
#: whether staff member ``:staff`` holds any of ``:permissions`` now (as ``GRANTED`` asks one)
_MAY_READ = text(
    "SELECT EXISTS (SELECT 1 FROM staff s JOIN role_permissions rp ON rp.role_id = s.role_id"
    " WHERE s.id = :staff AND s.is_active AND rp.permission_code = ANY(:permissions))"
)


def require_read(uow: UnitOfWork, actor: Actor) -> None:
    """Raise PermissionDenied unless ``actor`` may see promotions (edit them or see reports)."""
    if actor.is_system:
        allowed = any(actor.can(p) for p in READ_PERMISSIONS)
    else:
        allowed = uow.session.execute(
            _MAY_READ, {"staff": actor.staff_id, "permissions": list(READ_PERMISSIONS)}
        ).scalar_one()
    if not allowed:
        raise PermissionDenied(
            f"{actor.name} may not see promotions. Ask an admin if your job needs it."
        )


def store_settings(uow: UnitOfWork | Session) -> tuple[str, str]:
    """The store's currency and time zone."""
    session = uow.session if isinstance(uow, UnitOfWork) else uow
    row = session.execute(text("SELECT currency, timezone FROM store WHERE id = 1")).one_or_none()
    return (row.currency, row.timezone) if row is not None else ("USD", "UTC")


def status_of(promotion: Promotion, now: datetime) -> PromotionStatus:
    if not promotion.is_active:
        return PromotionStatus.DISABLED
    if promotion.ends_at is not None and promotion.ends_at <= now:
        return PromotionStatus.EXPIRED
    if promotion.starts_at is not None and promotion.starts_at > now:
        return PromotionStatus.SCHEDULED
    return PromotionStatus.ACTIVE


def _status_sql() -> Any:
    now = func.now()
    return case(
        (~Promotion.is_active, literal("disabled")),
        (text(f"{ENDS} <= now()"), literal("expired")),
        (and_(Promotion.starts_at.is_not(None), Promotion.starts_at > now), literal("scheduled")),
        else_=literal("active"),
    )


def snapshot(promotion: Promotion) -> dict[str, Any]:
    """The promotion's fields for the audit log."""
    return {
        name: getattr(promotion, name)
        for name in (
            "title", "method", "code", "kind", "value", "applies_to", "target_ids", "rules",
            "min_subtotal", "min_quantity", "customer_tag", "starts_at", "ends_at",
            "usage_limit", "usage_limit_per_customer", "combines_with", "is_active", "version",
        )
    }  # fmt: skip


def to_input(promotion: Promotion, zone: ZoneInfo) -> PromotionInput:
    """The promotion as its form shows it (times in the store's zone)."""
    rules = promotion.rules or {}
    return PromotionInput(
        title=promotion.title,
        kind=Kind(promotion.kind),
        value=promotion.value,
        method=Method(promotion.method),
        code=promotion.code,
        target=Target(promotion.applies_to),
        target_ids=tuple(promotion.target_ids or ()),
        per_item=bool(rules.get("per_item")),
        buy_quantity=int(rules.get("buy", 0)),
        get_quantity=int(rules.get("get", 0)),
        repeat_limit=rules.get("repeat"),
        shipping_ceiling=rules.get("ceiling"),
        min_subtotal=promotion.min_subtotal,
        min_quantity=promotion.min_quantity,
        customer_tag=promotion.customer_tag,
        starts_at=promotion.starts_at.astimezone(zone) if promotion.starts_at else None,
        ends_at=promotion.ends_at.astimezone(zone) if promotion.ends_at else None,
        usage_limit=promotion.usage_limit,
        once_per_customer=promotion.usage_limit_per_customer == 1,
        combines_with=frozenset(DiscountClass(c) for c in promotion.combines_with or ()),
        is_active=promotion.is_active,
    )


def list_promotions(uow: UnitOfWork, actor: Actor, request: PageRequest) -> Page[PromotionRow]:
    """Newest first (or by ``sort``: title, ends_at). Search: title and code. Filters:
    ``status`` (a PromotionStatus or a list of them), ``kind``, ``method``."""
    status = _status_sql().label("status")
    codes = (
        select(func.count())
        .where(PromotionCode.promotion_id == Promotion.id)
        .correlate(Promotion)
        .scalar_subquery()
    )
    statement = select(Promotion, status, codes.label("code_count"))
    filters = request.filters
    if filters.get("status"):
        wanted = filters["status"]
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        statement = statement.where(_status_sql().in_([str(s) for s in wanted]))
    for name in ("kind", "method"):
        if filters.get(name):
            statement = statement.where(getattr(Promotion, name) == str(filters[name]))
    if request.search:
        pattern = like_pattern(request.search.lower())
        # the expression of the trigram index (promotions_0001), so the index can serve it
        statement = statement.where(
            text(f"{_SEARCH_TEXT} LIKE :pattern").bindparams(pattern=pattern)
        )
    sort_key: Any = Promotion.id
    descending = True
    if request.sort == "title":
        sort_key, descending = func.lower(Promotion.title), request.descending
    elif request.sort == "ends_at":
        sort_key, descending = text(ENDS), request.descending
    with uow:
        require_read(uow, actor)
        return keyset_page(
            uow.session,
            statement,
            order=[sort_key, Promotion.id],
            request=replace(request, descending=descending),
            to_row=lambda r: PromotionRow(
                r.Promotion.id,
                r.Promotion.version,
                r.Promotion.title,
                Method(r.Promotion.method),
                r.Promotion.code,
                Kind(r.Promotion.kind),
                r.Promotion.value,
                Target(r.Promotion.applies_to),
                PromotionStatus(r.status),
                r.Promotion.starts_at,
                r.Promotion.ends_at,
                r.Promotion.used_count,
                r.Promotion.usage_limit,
                r.Promotion.discount_given,
                r.code_count,
                int((r.Promotion.rules or {}).get("buy", 0)),
                int((r.Promotion.rules or {}).get("get", 0)),
            ),
        )


def get_promotion(uow: UnitOfWork, actor: Actor, promotion_id: int) -> PromotionDetail:
    """One promotion for its form, with its usage and the titles of what it targets."""
    with uow:
        require_read(uow, actor)
        promotion = uow.session.get(Promotion, promotion_id)
        if promotion is None:
            raise NotFound("That promotion no longer exists.")
        _, zone = store_settings(uow)
        codes, used = uow.session.execute(
            select(func.count(), func.coalesce(func.sum(PromotionCode.used_count), 0)).where(
                PromotionCode.promotion_id == promotion_id
            )
        ).one()
        now = database_now(uow.session)
        return PromotionDetail(
            promotion.id,
            promotion.version,
            status_of(promotion, now),
            to_input(promotion, ZoneInfo(zone)),
            promotion.used_count,
            promotion.discount_given,
            codes,
            used,
            _target_titles(uow.session, Target(promotion.applies_to), promotion.target_ids),
            promotion.created_at,
            promotion.updated_at,
        )


def database_now(session: Session) -> datetime:
    """The store's clock (the transaction's start), which every workstation agrees on."""
    now: datetime = session.execute(select(func.now())).scalar_one()
    return now


def _target_titles(session: Session, target: Target, ids: Sequence[int]) -> dict[int, str]:
    if target is Target.ALL or not ids:
        return {}
    if target is Target.VARIANTS:
        rows = session.execute(
            select(Variant.id, Product.title, Variant.option1, Variant.option2, Variant.option3)
            .add_columns(Variant.sku)
            .join(Product)
            .where(Variant.id.in_(ids))
        ).all()
        titles = {}
        for i, p, o1, o2, o3, sku in rows:
            v = variant_title((o1, o2, o3))
            titles[i] = (p if v == DEFAULT_TITLE else f"{p} – {v}") + (f" ({sku})" if sku else "")
        return titles
    table = Collection if target is Target.COLLECTIONS else Product
    return dict(session.execute(select(table.id, table.title).where(table.id.in_(ids))).all())


def list_redemptions(
    uow: UnitOfWork, actor: Actor, promotion_id: int, request: PageRequest
) -> Page[RedemptionRow]:
    """The promotion's redemptions, newest first: order, customer, code, amount."""
    name = func.nullif(
        func.trim(
            func.coalesce(CustomerRecord.first_name, "")
            + " "
            + func.coalesce(CustomerRecord.last_name, "")
        ),
        "",
    )
    statement = (
        select(PromotionRedemption, Order.number, name.label("customer_name"))
        .join(Order, Order.id == PromotionRedemption.order_id)
        .outerjoin(CustomerRecord, CustomerRecord.id == PromotionRedemption.customer_id)
        .where(PromotionRedemption.promotion_id == promotion_id)
    )
    with uow:
        require_read(uow, actor)
        return keyset_page(
            uow.session,
            statement,
            order=[PromotionRedemption.id],
            request=replace(request, descending=True),
            to_row=lambda r: RedemptionRow(
                r.PromotionRedemption.id,
                r.PromotionRedemption.order_id,
                r.number,
                r.PromotionRedemption.customer_id,
                r.customer_name,
                r.PromotionRedemption.code,
                r.PromotionRedemption.amount,
                r.PromotionRedemption.redeemed_at,
                r.PromotionRedemption.returned_at,
            ),
        )


def redemption_totals(uow: UnitOfWork, actor: Actor, promotion_id: int) -> RedemptionTotals:
    kept = PromotionRedemption.returned_at.is_(None)
    with uow:
        require_read(uow, actor)
        row = uow.session.execute(
            select(
                func.count().filter(kept),
                func.coalesce(func.sum(PromotionRedemption.amount).filter(kept), 0),
                func.count(func.distinct(PromotionRedemption.customer_id)).filter(kept),
                func.count().filter(~kept),
            ).where(PromotionRedemption.promotion_id == promotion_id)
        ).one()
        return RedemptionTotals(*(int(v) for v in row))


# -- offers for a cart ---------------------------------------------------------------------

# Automatic promotions live now (a partial index of the enabled ones by end: expired ones are
# never read), the promotions whose code was entered and the promotions of entered generated
# codes, whatever their state (the engine says why an expired or disabled code does not
# apply), each with whether this customer already used it. Each branch reads its rows whole
# from its own index: joining back to promotions made the planner hash all 10,000 of them.
_OFFER_COLUMNS = (
    "p.id, p.title, p.kind, p.value, p.applies_to, p.target_ids, p.rules, p.min_subtotal,"
    " p.min_quantity, p.customer_tag, p.starts_at, p.ends_at, p.is_active,"
    " p.usage_limit - p.used_count AS remaining, p.usage_limit_per_customer = 1 AS once,"
    " p.combines_with"
)
_OFFERS = text(
    f"""
    SELECT f.*, f.once AND EXISTS (
               SELECT 1 FROM promotion_redemptions r
               WHERE r.promotion_id = f.id AND r.customer_id = :customer
                 AND r.once_per_customer AND r.returned_at IS NULL) AS used_by_customer
    FROM (
        SELECT {_OFFER_COLUMNS}, NULL::text AS code, NULL::int AS code_left
        FROM promotions p
        WHERE p.is_active AND p.method = 'automatic' AND {ENDS} > :now
          AND (p.starts_at IS NULL OR p.starts_at <= :now)
        UNION ALL
        SELECT {_OFFER_COLUMNS}, p.code, NULL FROM promotions p
        WHERE lower(p.code) = ANY(:codes)
        UNION ALL
        SELECT {_OFFER_COLUMNS}, c.code, 1 - c.used_count
        FROM promotion_codes c JOIN promotions p ON p.id = c.promotion_id
        WHERE lower(c.code) = ANY(:codes)
    ) f
    """
)


def load_offers(
    session: Session,
    *,
    codes: Sequence[str] = (),
    customer_id: int | None = None,
    now: datetime,
    currency: str = "USD",
) -> tuple[Offer, ...]:
    """The candidate promotions for a cart: the automatic ones live at ``now`` and those of
    the entered ``codes`` (any case), as the engine's offers, with their uses left and whether
    ``customer_id`` has used them. One statement."""
    rows = session.execute(
        _OFFERS,
        {
            "codes": sorted({c.strip().lower() for c in codes if c.strip()}),
            "customer": customer_id,
            "now": now,
        },
    ).all()
    return tuple(_offer(r, currency) for r in rows)


def _offer(row: Any, currency: str) -> Offer:
    rules = row.rules or {}
    remaining = row.remaining
    if row.code_left is not None:
        remaining = row.code_left if remaining is None else min(remaining, row.code_left)
    return Offer(
        id=row.id,
        title=row.title,
        kind=Kind(row.kind),
        value=row.value,
        code=row.code,
        target=Target(row.applies_to),
        target_ids=frozenset(row.target_ids or ()),
        per_item=bool(rules.get("per_item")),
        buy_quantity=int(rules.get("buy", 0)),
        get_quantity=int(rules.get("get", 0)),
        repeat_limit=rules.get("repeat"),
        shipping_ceiling=rules.get("ceiling"),
        min_subtotal=row.min_subtotal,
        min_quantity=row.min_quantity,
        customer_tag=row.customer_tag,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        is_active=row.is_active,
        remaining_uses=remaining,
        once_per_customer=bool(row.once),
        used_by_customer=bool(row.used_by_customer),
        combines_with=frozenset(DiscountClass(c) for c in row.combines_with or ()),
        currency=currency,
    )


def offer_of(data: PromotionInput, *, promotion_id: int = 0, currency: str = "USD") -> Offer:
    """A promotion not saved yet as the engine's offer (for a preview)."""
    return Offer(
        id=promotion_id,
        title=data.title or "This promotion",
        kind=data.kind,
        value=data.value,
        code=data.code if data.method is Method.CODE else None,
        target=data.target,
        target_ids=frozenset(data.target_ids),
        per_item=data.per_item,
        buy_quantity=data.buy_quantity,
        get_quantity=data.get_quantity,
        repeat_limit=data.repeat_limit,
        shipping_ceiling=data.shipping_ceiling,
        min_subtotal=data.min_subtotal,
        min_quantity=data.min_quantity,
        customer_tag=data.customer_tag,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        is_active=data.is_active,
        remaining_uses=data.usage_limit,
        once_per_customer=data.once_per_customer,
        combines_with=data.combines_with,
        currency=currency,
    )


def cart_lines(
    session: Session, wanted: Sequence[tuple[Any, int | None, int, int | None]]
) -> list[CartLine]:
    """Cart lines for (key, variant id, quantity, unit price or None for the catalog's),
    with each variant's product and collections. Raises NotFound for a variant gone."""
    ids = sorted({variant_id for _, variant_id, _, _ in wanted if variant_id is not None})
    rows = session.execute(
        select(
            Variant.id,
            Variant.product_id,
            Variant.price,
            func.array(
                select(collection_products.c.collection_id)
                .where(collection_products.c.product_id == Variant.product_id)
                .scalar_subquery()
            ),
        ).where(Variant.id.in_(ids))
    ).all()
    found = {r[0]: r for r in rows}
    lines = []
    for key, variant_id, quantity, price in wanted:
        if variant_id is None:  # a line whose variant was deleted keeps its price
            lines.append(CartLine(key, None, None, quantity, price or 0))
            continue
        if variant_id not in found:
            raise NotFound("A product in the cart no longer exists; remove that line.")
        _, product_id, catalog_price, collections = found[variant_id]
        lines.append(
            CartLine(
                key,
                variant_id,
                product_id,
                quantity,
                catalog_price if price is None else price,
                frozenset(collections or ()),
            )
        )
    return lines


def customer_of(session: Session, customer_id: int | None) -> Customer:
    if customer_id is None:
        return Customer()
    tags = session.scalar(select(CustomerRecord.tags).where(CustomerRecord.id == customer_id))
    return Customer(customer_id, frozenset(tags or ()))


def preview_promotion(
    uow: UnitOfWork,
    actor: Actor,
    data: PromotionInput,
    sample: Sequence[SampleLine],
    *,
    promotion_id: int | None = None,
    customer_id: int | None = None,
    shipping: int = 0,
    at: datetime | None = None,
) -> PricedCart:
    """Price a sample cart with this promotion (as edited, not saved) among the automatic
    promotions live at ``at`` (default: now, or its start if it starts later), its code
    entered. Nothing is saved."""
    with uow:
        require_read(uow, actor)
        currency, zone = store_settings(uow)
        tz = ZoneInfo(zone)
        if data.starts_at is not None and data.starts_at.tzinfo is None:
            data = replace(data, starts_at=data.starts_at.replace(tzinfo=tz))
        if data.ends_at is not None and data.ends_at.tzinfo is None:
            data = replace(data, ends_at=data.ends_at.replace(tzinfo=tz))
        now = database_now(uow.session)
        if at is None:
            at = max(now, data.starts_at) if data.starts_at is not None else now
        offer = offer_of(data, promotion_id=promotion_id or 0, currency=currency)
        others = [
            o
            for o in load_offers(uow.session, customer_id=customer_id, now=at, currency=currency)
            if o.id != promotion_id
        ]
        lines = cart_lines(
            uow.session, [(i, s.variant_id, s.quantity, None) for i, s in enumerate(sample)]
        )
        return price_cart(
            Cart(
                tuple(lines),
                (offer, *others),
                codes=(offer.code,) if offer.code else (),
                customer=customer_of(uow.session, customer_id),
                shipping=shipping,
                currency=currency,
                now=at,
                timezone=zone,
            )
        )


__all__ = [
    "cart_lines",
    "customer_of",
    "database_now",
    "get_promotion",
    "list_promotions",
    "list_redemptions",
    "load_offers",
    "offer_of",
    "preview_promotion",
    "redemption_totals",
    "require_read",
]
