"""Reading orders: the lazy list (keyset pages, search, filters, saved filters) and the detail.

Search takes one box of text and finds orders by number (``1042`` or ``#1042``), tracking
number, SKU (exact), and customer name or e-mail (trigram indexes, three characters or more).
Each way of matching is an indexed lookup. The matching order ids are gathered first (up to
``BROAD_SEARCH`` of them) and paged by (placed_at, id), so a narrow search costs what its
matches cost, not what the table costs; a broad one ("Grace": thousands of orders) instead
walks the list newest first and keeps the matches, which stops as soon as a page is full.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    cast,
    delete,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import aliased

from models.customers import Customer
from models.inventory import Bin, InventoryLevel, Location
from models.orders import (
    Fulfillment,
    Order,
    OrderHistory,
    OrderLine,
    Return,
    SavedOrderFilter,
)
from models.payments import Payment, Refund
from models.staff import Staff
from models.status import FulfillmentStatus, OrderStatus, PaymentStatus
from services.actors import Actor
from services.customers import SEARCH_EXPRESSION
from services.errors import NotFound, ValidationFailed
from services.orders.actions import OrderState
from services.orders.history import describe_event
from services.orders.rows import (
    CustomerSummary,
    FulfillmentLineRow,
    FulfillmentRow,
    HistoryEntry,
    LineDetail,
    OrderDetail,
    OrderRow,
    PaymentRow,
    RefundRow,
    ReturnLineRow,
    ReturnRow,
    Totals,
)
from services.paging import Page, PageRequest, keyset_page, like_pattern
from services.store import money_format
from services.unit_of_work import UnitOfWork

_MAX_BIGINT = 2**63 - 1
#: more matching orders than this and a search walks the list instead of gathering them:
#: gathering costs about the matches (M), walking about 201 x orders / M rows, the two meet
#: near M = sqrt(201 x a million) ~ 14,000 (measured over a million orders)
BROAD_SEARCH = 10_000
#: as many customers matching by name or e-mail make a search broad (they have many orders)
BROAD_CUSTOMERS = 2_000
#: shortest text searched by name or e-mail (trigrams need three characters)
MIN_FUZZY_SEARCH = 3


@dataclass(frozen=True)
class OrderFilter:
    """What the order list shows; empty fields do not filter."""

    statuses: tuple[str, ...] = ()
    payment_statuses: tuple[str, ...] = ()
    fulfillment_statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    placed_from: date | None = None
    #: inclusive: orders placed on this day are shown
    placed_to: date | None = None
    location_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (saved filters, QSettings, ``PageRequest.filters``)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in ((), None):
                continue
            out[key] = (
                value.isoformat()
                if isinstance(value, date)
                else (list(value) if isinstance(value, tuple) else value)
            )
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrderFilter:
        def days(key: str) -> date | None:
            value = data.get(key)
            if value is None or isinstance(value, date):
                return value
            return date.fromisoformat(str(value))

        return cls(
            statuses=tuple(data.get("statuses", ())),
            payment_statuses=tuple(data.get("payment_statuses", ())),
            fulfillment_statuses=tuple(data.get("fulfillment_statuses", ())),
            channels=tuple(data.get("channels", ())),
            placed_from=days("placed_from"),
            placed_to=days("placed_to"),
            location_id=data.get("location_id"),
        )

    @property
    def is_empty(self) -> bool:
        return not self.as_dict()


_OPEN = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING)

#: filters every workstation offers, ahead of the saved ones
PRESET_FILTERS: dict[str, OrderFilter] = {
    "Paid, not shipped": OrderFilter(
        statuses=tuple(s.value for s in _OPEN), payment_statuses=(PaymentStatus.PAID.value,)
    ),
    "To fulfil": OrderFilter(
        statuses=(OrderStatus.CONFIRMED.value, OrderStatus.PROCESSING.value),
        fulfillment_statuses=(
            FulfillmentStatus.UNFULFILLED.value,
            FulfillmentStatus.PARTIALLY_FULFILLED.value,
        ),
    ),
    "Awaiting payment": OrderFilter(
        statuses=tuple(s.value for s in _OPEN),
        payment_statuses=(
            PaymentStatus.PENDING.value,
            PaymentStatus.AUTHORIZED.value,
            PaymentStatus.PARTIALLY_PAID.value,
        ),
    ),
    "Shipped, not delivered": OrderFilter(statuses=(OrderStatus.SHIPPED.value,)),
    "Cancelled": OrderFilter(statuses=(OrderStatus.CANCELLED.value,)),
}


@dataclass(frozen=True)
class SavedFilter:
    name: str
    filter: OrderFilter
    #: None for a preset; the row id of a saved one
    id: int | None = None
    shared: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


# -- the list ---------------------------------------------------------------------------------

_customer_name = func.coalesce(
    func.nullif(func.concat_ws(" ", Customer.first_name, Customer.last_name), ""),
    Customer.email,
    Order.email,
    "Guest",
)
_item_count = (
    select(func.coalesce(func.sum(OrderLine.quantity), 0))
    .where(OrderLine.order_id == Order.id)
    .correlate(Order)
    .scalar_subquery()
)


def list_orders(uow: UnitOfWork, request: PageRequest) -> Page[OrderRow]:
    """One page of orders, newest first unless ``request.sort`` says "number".

    ``request.filters`` is an ``OrderFilter.as_dict()``; ``request.search`` any text.
    """
    order_filter = OrderFilter.from_dict(request.filters)
    with uow:
        statement = (
            select(
                Order.id,
                Order.number,
                Order.placed_at,
                _customer_name.label("customer_name"),
                Order.email,
                Order.channel,
                Order.status,
                Order.payment_status,
                Order.fulfillment_status,
                Order.total,
                Order.currency,
                _item_count.label("item_count"),
                Location.code.label("location_code"),
            )
            .select_from(Order)
            .outerjoin(Customer, Customer.id == Order.customer_id)
            .outerjoin(Location, Location.id == Order.location_id)
        )
        search = request.search.strip()
        if search:
            statement = statement.where(_matching(uow, _search_routes(search)))
        statement = _apply_filter(uow, statement, order_filter)
        sort_key = Order.number if request.sort == "number" else Order.placed_at
        descending = request.descending if request.sort else True
        page_request = PageRequest(
            after=request.after,
            limit=request.limit,
            search="",  # applied above (custom plans included)
            sort=request.sort,
            descending=descending,
            filters=request.filters,
        )
        return keyset_page(
            uow.session,
            statement,
            sort_key=sort_key,
            id_column=Order.id,
            request=page_request,
            to_row=lambda r: OrderRow(
                r.id,
                r.number,
                r.placed_at,
                r.customer_name,
                r.email,
                r.channel,
                r.status,
                r.payment_status,
                r.fulfillment_status,
                r.total,
                r.currency,
                int(r.item_count),
                r.location_code,
            ),
        )


@dataclass(frozen=True)
class _Routes:
    """The ways a search can match an order, each with an index. ``customers`` is the fuzzy
    match on the customer's name and e-mail (``SEARCH_EXPRESSION ILIKE pattern``), apart
    because a broad search evaluates it on each order's own customer instead of collecting
    every matching customer first (half the customers, for "customer1")."""

    exact: tuple[ColumnElement[bool], ...]
    customers: str | None = None

    def walked(self) -> ColumnElement[bool]:
        """One condition checked on each order read newest first (a broad search); it needs
        the page query's join to ``customers``."""
        out = list(self.exact)
        if self.customers is not None:
            out.append(_customer_matches(self.customers))
        return or_(*out)


def _customer_matches(pattern: str) -> ColumnElement[bool]:
    return SEARCH_EXPRESSION.op("ILIKE")(pattern)


def _matching(uow: UnitOfWork, routes: _Routes) -> ColumnElement[bool]:
    """The orders ``routes`` match, as a condition for the page query (joined to customers).

    Narrow (up to ``BROAD_SEARCH`` orders, and fewer than ``BROAD_CUSTOMERS`` customers by
    name): their ids, gathered by each route's index, so a page sorts at most that many.
    Broad: the routes themselves, checked on each order read newest first, which stops as
    soon as the page is full (matches are common, so that is soon).
    """
    # psycopg prepares repeated statements; a generic plan ignores the search term and a
    # 2 ms trigram search becomes 250 ms. Plan every search for its own term.
    uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    gathered = list(routes.exact)
    if routes.customers is not None:
        customers = list(
            uow.session.scalars(
                select(Customer.id)
                .where(_customer_matches(routes.customers))
                .limit(BROAD_CUSTOMERS)
            )
        )
        if len(customers) >= BROAD_CUSTOMERS:
            return routes.walked()
        if customers:
            gathered.append(Order.customer_id == any_(cast(customers, ARRAY(Integer))))
    hits = union_all(*(select(Order.id.label("order_id")).where(r) for r in gathered))
    ids = list(uow.session.scalars(select(hits.subquery().c.order_id).limit(BROAD_SEARCH + 1)))
    if len(ids) > BROAD_SEARCH:
        return routes.walked()
    return Order.id == any_(cast(sorted(set(ids)) or [0], ARRAY(Integer)))


def _search_routes(search: str) -> _Routes:
    """The ways ``search`` can match an order, each with an index.

    Digits are an order number, a tracking number or a SKU, never a name (a fuzzy search on
    digits matches half the e-mail addresses). A full e-mail address is looked up exactly; the
    start of one ("ada@exa") by prefix over every order; other e-mail-like text anywhere in a
    guest checkout's address or a customer's.
    """
    term = search.strip()
    upper = term.upper()
    routes: list[ColumnElement[bool]] = [
        Order.id.in_(
            select(Fulfillment.order_id).where(Fulfillment.tracking_number.in_({term, upper}))
        ),
        Order.id.in_(select(OrderLine.order_id).where(OrderLine.sku.in_({term, upper}))),
    ]
    digits = term.removeprefix("#").strip()
    if digits.isdigit():
        if int(digits) <= _MAX_BIGINT:
            routes.append(Order.number == cast(int(digits), BigInteger))
        return _Routes(tuple(routes))
    if _EMAIL.fullmatch(term):
        email = term.lower()
        routes.append(func.lower(Order.email) == email)
        routes.append(
            Order.customer_id.in_(select(Customer.id).where(Customer.email.in_({term, email})))
        )
        return _Routes(tuple(routes))
    if len(term) >= MIN_FUZZY_SEARCH:
        pattern = like_pattern(term)
        if ("@" in term or "." in term) and " " not in term:
            # Only e-mail-like text searches the orders' own addresses. Anywhere in the address
            # for guest checkouts (their trigram index is partial: a trigram search over every
            # order's address reads a million entries for "com" and costs ~100 ms); registered
            # customers' addresses are searched through the customers' index below.
            routes.append(and_(Order.customer_id.is_(None), Order.email.ilike(pattern)))
            if "@" in term and not term.startswith("@"):
                # The start of an address ("ada@exa"): every order's own address by prefix
                # (a btree range), which also finds an address a customer has since changed.
                routes.append(func.lower(Order.email).like(like_pattern(term.lower())[1:]))
        return _Routes(tuple(routes), customers=pattern)
    return _Routes(tuple(routes))


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _apply_filter(
    uow: UnitOfWork, statement: Select[*tuple[Any, ...]], f: OrderFilter
) -> Select[*tuple[Any, ...]]:
    if f.statuses:
        statement = statement.where(Order.status.in_(f.statuses))
    if f.payment_statuses:
        statement = statement.where(Order.payment_status.in_(f.payment_statuses))
    if f.fulfillment_statuses:
        statement = statement.where(Order.fulfillment_status.in_(f.fulfillment_statuses))
    if f.channels:
        statement = statement.where(Order.channel.in_(f.channels))
    if f.location_id is not None:
        statement = statement.where(Order.location_id == f.location_id)
    if f.placed_from is not None or f.placed_to is not None:
        # Days are the store's days, not UTC's: an order at 11 pm belongs to that evening.
        zone = uow.session.scalar(text("SELECT timezone FROM store WHERE id = 1")) or "UTC"
        if f.placed_from is not None:
            start = datetime.combine(f.placed_from, time())
            statement = statement.where(Order.placed_at >= func.timezone(zone, start))
        if f.placed_to is not None:
            end = datetime.combine(f.placed_to + timedelta(days=1), time())
            statement = statement.where(Order.placed_at < func.timezone(zone, end))
    return statement


def find_order_id(uow: UnitOfWork, code: str) -> int:
    """The order a typed or scanned code names: ``1042``, ``#1042``. Raises NotFound."""
    digits = code.strip().removeprefix("#").strip()
    if not digits.isdigit() or int(digits) > _MAX_BIGINT:
        raise NotFound(f"{code.strip()!r} is not an order number.")
    with uow:
        order_id = uow.session.scalar(select(Order.id).where(Order.number == int(digits)))
    if order_id is None:
        raise NotFound(f"There is no order #{digits}.")
    return order_id


# -- saved filters ------------------------------------------------------------------------------


def list_saved_filters(uow: UnitOfWork, actor: Actor) -> list[SavedFilter]:
    """The presets, then everyone's saved filters, then the actor's own, each by name."""
    with uow:
        rows = uow.session.scalars(
            select(SavedOrderFilter)
            .where(
                or_(
                    SavedOrderFilter.staff_id.is_(None),
                    SavedOrderFilter.staff_id == actor.staff_id,
                )
            )
            .order_by(SavedOrderFilter.staff_id.is_not(None), SavedOrderFilter.name)
        ).all()
        saved = [
            SavedFilter(r.name, OrderFilter.from_dict(r.filters), r.id, r.staff_id is None)
            for r in rows
        ]
    return [SavedFilter(name, f) for name, f in PRESET_FILTERS.items()] + saved


def save_filter(
    uow: UnitOfWork, actor: Actor, name: str, order_filter: OrderFilter, *, shared: bool = False
) -> SavedFilter:
    """Save (or replace) a named filter for the actor, or for everyone with ``shared``."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the filter a name.", fields={"name": "Required"})
    if name in PRESET_FILTERS:
        raise ValidationFailed(f"{name!r} is a built-in filter; choose another name.")
    if order_filter.is_empty:
        raise ValidationFailed("Choose at least one filter to save.")
    with uow:
        if shared:
            uow.require(actor, "orders.edit")
        owner = None if shared or actor.staff_id is None else actor.staff_id
        from sqlalchemy.dialects.postgresql import insert

        row_id = uow.session.scalar(
            insert(SavedOrderFilter)
            .values(staff_id=owner, name=name, filters=order_filter.as_dict())
            .on_conflict_do_update(
                index_elements=[SavedOrderFilter.staff_id, SavedOrderFilter.name],
                set_={"filters": order_filter.as_dict(), "updated_at": func.now()},
            )
            .returning(SavedOrderFilter.id)
        )
        uow.audit(
            actor,
            "order_filter.save",
            "saved_order_filter",
            row_id,
            after={"name": name, "filters": order_filter.as_dict(), "shared": shared},
        )
        uow.commit()
    return SavedFilter(name, order_filter, row_id, owner is None)


def delete_filter(uow: UnitOfWork, actor: Actor, filter_id: int) -> None:
    """Delete one of the actor's saved filters (a shared one needs ``orders.edit``)."""
    with uow:
        row = uow.session.get(SavedOrderFilter, filter_id)
        if row is None:
            return
        if row.staff_id is None:
            uow.require(actor, "orders.edit")
        elif row.staff_id != actor.staff_id:
            raise NotFound("That filter is not one of yours.")
        uow.session.execute(delete(SavedOrderFilter).where(SavedOrderFilter.id == filter_id))
        uow.audit(
            actor, "order_filter.delete", "saved_order_filter", filter_id, before={"name": row.name}
        )
        uow.commit()


# -- the detail ---------------------------------------------------------------------------------


def get_order_detail(uow: UnitOfWork, order_id: int) -> OrderDetail:
    """Everything the order screen shows, read in one transaction. Raises NotFound."""
    with uow:
        order = uow.session.get(Order, order_id)
        if order is None:
            raise NotFound("That order no longer exists.")
        customer = uow.session.get(Customer, order.customer_id) if order.customer_id else None
        codes = dict(uow.session.execute(select(Location.id, Location.code)).all())
        places = dict(uow.session.execute(select(Location.id, Location.name)).all())
        lines = _lines(uow, order)
        payments = tuple(
            PaymentRow(
                p.id,
                p.gateway,
                p.gateway_reference,
                p.status,
                p.authorized_amount,
                p.captured_amount,
                p.refunded_amount,
                p.created_at,
            )
            for p in uow.session.scalars(
                select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)
            )
        )
        names = _staff_names(uow)
        refunds = tuple(
            RefundRow(
                r.id,
                r.payment_id,
                r.amount,
                r.status,
                r.reason,
                r.created_at,
                names.get(r.created_by),
                r.gateway_reference,
            )
            for r in uow.session.scalars(
                select(Refund).where(Refund.order_id == order.id).order_by(Refund.id)
            )
        )
        by_line = {ln.id: ln for ln in lines}
        refund_amounts = {r.id: r.amount for r in refunds}
        fulfillments = tuple(
            FulfillmentRow(
                f.id,
                codes.get(f.location_id, ""),
                f.status,
                f.carrier,
                f.tracking_number,
                f.tracking_url,
                f.created_at,
                names.get(f.created_by),
                tuple(
                    FulfillmentLineRow(
                        fl.order_line_id,
                        by_line[fl.order_line_id].sku if fl.order_line_id in by_line else None,
                        _title(by_line.get(fl.order_line_id)),
                        fl.quantity,
                    )
                    for fl in f.lines
                ),
                places.get(f.location_id, ""),
            )
            for f in uow.session.scalars(
                select(Fulfillment).where(Fulfillment.order_id == order.id).order_by(Fulfillment.id)
            )
        )
        returns = tuple(
            ReturnRow(
                r.id,
                r.refund_id,
                r.note,
                r.created_at,
                names.get(r.created_by),
                tuple(
                    ReturnLineRow(
                        rl.order_line_id,
                        by_line[rl.order_line_id].sku if rl.order_line_id in by_line else None,
                        _title(by_line.get(rl.order_line_id)),
                        rl.quantity,
                        rl.disposition,
                        codes.get(rl.location_id, ""),
                    )
                    for rl in r.lines
                ),
                refund_amounts.get(r.refund_id) if r.refund_id is not None else None,
            )
            for r in uow.session.scalars(
                select(Return).where(Return.order_id == order.id).order_by(Return.id)
            )
        )
        money = money_format(uow.session).in_currency(order.currency)
        timeline = tuple(
            HistoryEntry(
                h.id,
                h.occurred_at,
                h.kind,
                names.get(h.staff_id) or h.data.get("actor"),
                h.from_status,
                h.to_status,
                h.note,
                describe_event(h.kind, h.from_status, h.to_status, h.note, h.data, money),
                dict(h.data),
            )
            for h in uow.session.scalars(
                select(OrderHistory)
                .where(OrderHistory.order_id == order.id)
                .order_by(OrderHistory.id)
            )
        )
        captured = sum(p.captured_amount for p in payments if p.status != "failed")
        refunded = sum(p.refunded_amount for p in payments if p.status != "failed")
        state = OrderState(
            number=order.number,
            status=OrderStatus(order.status),
            payment_status=PaymentStatus(order.payment_status),
            fulfillment_status=FulfillmentStatus(order.fulfillment_status),
            unfulfilled_quantity=sum(ln.unfulfilled for ln in lines),
            returnable_quantity=sum(ln.returnable for ln in lines),
            refundable=captured - refunded,
            balance_due=order.total - (captured - refunded),
        )
        return OrderDetail(
            id=order.id,
            number=order.number,
            version=order.version,
            currency=order.currency,
            channel=order.channel,
            placed_at=order.placed_at,
            cancelled_at=order.cancelled_at,
            cancel_reason=order.cancel_reason,
            email=order.email,
            note=order.note,
            customer=CustomerSummary(
                customer.id, customer.display_name, customer.email, customer.phone
            )
            if customer
            else None,
            shipping_address=order.shipping_address,
            billing_address=order.billing_address,
            location_id=order.location_id,
            location_code=codes.get(order.location_id) if order.location_id else None,
            location_name=places.get(order.location_id) if order.location_id else None,
            lines=tuple(lines),
            totals=Totals(
                order.subtotal,
                order.discount_total,
                order.shipping_total,
                order.tax_total,
                order.total,
            ),
            paid=captured - refunded,
            payments=payments,
            refunds=refunds,
            fulfillments=fulfillments,
            returns=returns,
            timeline=timeline,
            state=state,
        )


def _lines(uow: UnitOfWork, order: Order) -> list[LineDetail]:
    where = func.coalesce(OrderLine.location_id, order.location_id)
    line_location = aliased(Location)
    rows = uow.session.execute(
        select(OrderLine, line_location.id, line_location.code, Bin.code, line_location.name)
        .outerjoin(line_location, line_location.id == where)
        .outerjoin(
            InventoryLevel,
            and_(
                InventoryLevel.variant_id == OrderLine.variant_id,
                InventoryLevel.location_id == where,
            ),
        )
        .outerjoin(Bin, Bin.id == InventoryLevel.bin_id)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.id)
    ).all()
    return [
        LineDetail(
            ln.id,
            ln.variant_id,
            ln.sku,
            ln.product_title,
            ln.variant_title,
            ln.quantity,
            ln.fulfilled_quantity,
            ln.returned_quantity,
            ln.unit_price,
            ln.discount_total,
            ln.tax_total,
            loc_id,
            loc_code,
            bin_code,
            loc_name,
        )
        for ln, loc_id, loc_code, bin_code, loc_name in rows
    ]


def _staff_names(uow: UnitOfWork) -> dict[int | None, str]:
    return dict(uow.session.execute(select(Staff.id, Staff.full_name)).all())


def _title(line: LineDetail | None) -> str:
    if line is None:
        return "(removed line)"
    return (
        f"{line.product_title} — {line.variant_title}"
        if line.variant_title
        else (line.product_title)
    )
