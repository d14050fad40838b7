"""What pick lists and packing slips print, and the scan-to-pack flow.

A pick list is one walk through the warehouse for a batch of orders: lines grouped by location
and bin (bins sort in walking order), one row per SKU with the total to pick and how it splits
over the orders (each order gets a tote number). Packing slips are one per order with the
store's details. Rendering is ``services.documents``; this module only gathers the facts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text

from models.catalog import Barcode
from models.customers import Customer
from models.inventory import Bin, InventoryLevel, Location
from models.orders import Order, OrderLine
from models.status import FulfillmentStatus, OrderStatus, PaymentStatus
from models.store import Store as StoreRow
from services.actors import Actor
from services.errors import InvalidTransition, NotFound, ValidationFailed
from services.orders.actions import OrderAction
from services.orders.core import check_action, lock_order, transition
from services.orders.fulfillment import fulfil_order
from services.orders.rows import FulfillmentResult
from services.unit_of_work import UnitOfWork

#: a pick list no one can carry is not a pick list; the CLI and the app say so
MAX_ORDERS_PER_PICK_LIST = 2_000


@dataclass(frozen=True)
class PickSplit:
    order_number: int
    tote: int
    quantity: int


@dataclass(frozen=True)
class PickRow:
    location_code: str
    bin_code: str | None
    sku: str | None
    title: str
    quantity: int
    splits: tuple[PickSplit, ...]
    #: the location's name, as the warehouse knows it (rows are grouped by its code)
    location_name: str = ""


@dataclass(frozen=True)
class PickOrder:
    tote: int
    number: int
    customer: str
    items: int


@dataclass(frozen=True)
class PickList:
    batch: str
    created_at: datetime
    picker: str
    store_name: str
    rows: tuple[PickRow, ...]
    orders: tuple[PickOrder, ...]

    @property
    def total_units(self) -> int:
        return sum(r.quantity for r in self.rows)


@dataclass(frozen=True)
class StoreDetails:
    name: str
    email: str | None
    phone: str | None
    address: dict[str, Any]


@dataclass(frozen=True)
class SlipLine:
    sku: str | None
    title: str
    quantity: int
    bin_code: str | None


@dataclass(frozen=True)
class PackingSlip:
    store: StoreDetails
    number: int
    placed_at: datetime
    customer: str
    email: str | None
    ship_to: dict[str, Any] | None
    lines: tuple[SlipLine, ...]
    note: str | None = None


def pick_list_order_ids(
    uow: UnitOfWork,
    *,
    numbers: Sequence[int] = (),
    location_id: int | None = None,
    paid_unfulfilled: bool = False,
) -> list[int]:
    """The orders a pick list covers: the given numbers, or every paid and not (fully)
    fulfilled order at ``location_id`` that is not cancelled."""
    with uow:
        statement = select(Order.id)
        if numbers:
            statement = statement.where(Order.number.in_(list(numbers)))
        if paid_unfulfilled:
            statement = statement.where(
                Order.payment_status == PaymentStatus.PAID.value,
                Order.fulfillment_status != FulfillmentStatus.FULFILLED.value,
                Order.status.notin_(
                    [
                        OrderStatus.CANCELLED.value,
                        OrderStatus.SHIPPED.value,
                        OrderStatus.DELIVERED.value,
                    ]
                ),
            )
        if location_id is not None:
            statement = statement.where(Order.location_id == location_id)
        if not numbers and not paid_unfulfilled:
            raise ValidationFailed("Choose the orders, or all paid and unfulfilled orders.")
        ids = list(uow.session.scalars(statement.order_by(Order.number)))
        if numbers:
            found = set(uow.session.scalars(select(Order.number).where(Order.id.in_(ids))))
            missing = sorted(set(numbers) - found)
            if missing:
                raise NotFound("No such order: " + ", ".join(f"#{n}" for n in missing) + ".")
        return ids


#: payment states in which an order counts as paid for picking and packing
PAID_STATES = (PaymentStatus.PAID.value, PaymentStatus.PARTIALLY_REFUNDED.value)
_NOT_PAID = {
    PaymentStatus.PENDING.value: "not paid",
    PaymentStatus.AUTHORIZED.value: "payment authorized, not captured",
    PaymentStatus.PARTIALLY_PAID.value: "only partly paid",
    PaymentStatus.REFUNDED.value: "refunded",
    PaymentStatus.VOIDED.value: "payment voided",
}


@dataclass(frozen=True)
class NotReady:
    """An order that should not be picked or packed yet, and why ("not confirmed", "not
    paid", ...)."""

    number: int
    reasons: tuple[str, ...]

    def describe(self) -> str:
        return f"#{self.number}: {', '.join(self.reasons)}"


def orders_not_ready(uow: UnitOfWork, order_ids: Sequence[int]) -> list[NotReady]:
    """The orders among ``order_ids`` that are cancelled, not confirmed yet, or not paid, in
    order-number order: a pick list or packing slip for them should be a choice, not a slip."""
    with uow:
        rows = uow.session.execute(
            select(Order.number, Order.status, Order.payment_status)
            .where(Order.id.in_(list(order_ids)))
            .order_by(Order.number)
        )
        out = []
        for number, status, payment in rows:
            reasons = []
            if status == OrderStatus.CANCELLED.value:
                reasons.append("cancelled")
            elif status == OrderStatus.PENDING.value:
                reasons.append("not confirmed")
            if payment not in PAID_STATES:
                reasons.append(_NOT_PAID.get(payment, f"payment {payment}"))
            if reasons:
                out.append(NotReady(number, tuple(reasons)))
        return out


def build_pick_list(
    uow: UnitOfWork, order_ids: Sequence[int], *, picker: str | None = None
) -> PickList:
    """The walk for ``order_ids``: what is left to ship on each, by location, bin and SKU."""
    if not order_ids:
        raise ValidationFailed("There are no orders to pick.")
    if len(order_ids) > MAX_ORDERS_PER_PICK_LIST:
        raise ValidationFailed(
            f"A pick list takes at most {MAX_ORDERS_PER_PICK_LIST:,} orders; choose fewer."
        )
    with uow:
        where_loc = func.coalesce(OrderLine.location_id, Order.location_id)
        rows = uow.session.execute(
            select(
                Order.id,
                Order.number,
                Location.code.label("location_code"),
                Location.name.label("location_name"),
                Bin.code.label("bin_code"),
                OrderLine.sku,
                OrderLine.variant_id,
                OrderLine.product_title,
                OrderLine.variant_title,
                (OrderLine.quantity - OrderLine.fulfilled_quantity).label("left"),
            )
            .join(OrderLine, OrderLine.order_id == Order.id)
            .outerjoin(Location, Location.id == where_loc)
            .outerjoin(
                InventoryLevel,
                (InventoryLevel.variant_id == OrderLine.variant_id)
                & (InventoryLevel.location_id == where_loc),
            )
            .outerjoin(Bin, Bin.id == InventoryLevel.bin_id)
            .where(Order.id.in_(list(order_ids)))
            .where(OrderLine.quantity > OrderLine.fulfilled_quantity)
            .where(Order.status != OrderStatus.CANCELLED.value)
        ).all()
        orders = uow.session.execute(
            select(
                Order.id,
                Order.number,
                func.coalesce(
                    func.nullif(func.concat_ws(" ", Customer.first_name, Customer.last_name), ""),
                    Customer.email,
                    Order.email,
                    "Guest",
                ),
            )
            .outerjoin(Customer, Customer.id == Order.customer_id)
            .where(Order.id.in_(list(order_ids)))
            .order_by(Order.number)
        ).all()
        store_name = uow.session.scalar(select(StoreRow.name).where(StoreRow.id == 1)) or ""
    if not rows:
        raise ValidationFailed("Nothing is left to pick on those orders.")
    items: dict[int, int] = {}
    for r in rows:
        items[r.number] = items.get(r.number, 0) + r.left
    picked = [(i, n, name) for i, n, name in orders if n in items]
    totes = {number: tote for tote, (_, number, _) in enumerate(picked, start=1)}
    grouped: dict[tuple[str, str | None, str | None, int | None], dict[str, Any]] = {}
    names = {r.location_code: r.location_name for r in rows if r.location_code}
    for r in rows:
        key = (r.location_code or "", r.bin_code, r.sku, r.variant_id)
        entry = grouped.setdefault(
            key,
            {
                "title": r.product_title + (f" — {r.variant_title}" if r.variant_title else ""),
                "splits": {},
            },
        )
        entry["splits"][r.number] = entry["splits"].get(r.number, 0) + r.left
    pick_rows = [
        PickRow(
            location_code=loc,
            location_name=names.get(loc, ""),
            bin_code=bin_code,
            sku=sku,
            title=entry["title"],
            quantity=sum(entry["splits"].values()),
            splits=tuple(PickSplit(n, totes[n], q) for n, q in sorted(entry["splits"].items())),
        )
        for (loc, bin_code, sku, _), entry in grouped.items()
    ]
    pick_rows.sort(key=walk_order)
    now = datetime.now(UTC)
    return PickList(
        batch=f"PL-{now:%y%m%d-%H%M}-{secrets.token_hex(2).upper()}",
        created_at=now,
        picker=picker or "",
        store_name=store_name,
        rows=tuple(pick_rows),
        orders=tuple(PickOrder(totes[n], n, name, items[n]) for _, n, name in picked),
    )


def walk_order(row: PickRow) -> tuple[Any, ...]:
    """Location, then bin (rows without a bin last), then SKU: one pass along the shelves."""
    return (row.location_code, row.bin_code is None, row.bin_code or "", row.sku or "", row.title)


def build_packing_slips(uow: UnitOfWork, order_ids: Sequence[int]) -> list[PackingSlip]:
    """One slip per order, in order-number order, with the store's details from ``store``."""
    with uow:
        store_row = uow.session.get(StoreRow, 1)
        if store_row is None:
            raise NotFound("The store's details are not set up yet.")
        details = StoreDetails(
            store_row.name, store_row.email, store_row.phone, dict(store_row.address or {})
        )
        orders = list(
            uow.session.scalars(
                select(Order).where(Order.id.in_(list(order_ids))).order_by(Order.number)
            )
        )
        if not orders:
            raise ValidationFailed("Choose at least one order.")
        customers = {
            c.id: c
            for c in uow.session.scalars(
                select(Customer).where(Customer.id.in_({o.customer_id for o in orders}))
            )
        }
        where_loc = func.coalesce(OrderLine.location_id, Order.location_id)
        lines: dict[int, list[SlipLine]] = {}
        for r in uow.session.execute(
            select(OrderLine, Bin.code)
            .join(Order, Order.id == OrderLine.order_id)
            .outerjoin(
                InventoryLevel,
                (InventoryLevel.variant_id == OrderLine.variant_id)
                & (InventoryLevel.location_id == where_loc),
            )
            .outerjoin(Bin, Bin.id == InventoryLevel.bin_id)
            .where(OrderLine.order_id.in_([o.id for o in orders]), OrderLine.quantity > 0)
            .order_by(OrderLine.id)
        ):
            line, bin_code = r
            title = line.product_title + (f" — {line.variant_title}" if line.variant_title else "")
            lines.setdefault(line.order_id, []).append(
                SlipLine(line.sku, title, line.quantity, bin_code)
            )
        return [
            PackingSlip(
                store=details,
                number=o.number,
                placed_at=o.placed_at,
                customer=(
                    customers[o.customer_id].display_name
                    if o.customer_id in customers
                    else (o.email or "Guest")
                ),
                email=o.email,
                ship_to=o.shipping_address,
                lines=tuple(lines.get(o.id, [])),
                note=o.note,
            )
            for o in orders
        ]


# -- scan to pack --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackLine:
    line_id: int
    sku: str | None
    title: str
    to_pack: int
    codes: frozenset[str]


@dataclass(frozen=True)
class PackingOrder:
    order_id: int
    number: int
    customer: str
    lines: tuple[PackLine, ...]


@dataclass(frozen=True)
class ScanOutcome:
    accepted: bool
    #: "packed", "wrong_item", "over_scan"
    kind: str
    message: str
    line_id: int | None = None


@dataclass
class PackSession:
    """What has been scanned into the parcel so far; pure, no database.

    A scan of an item that is not on the order, or of one more than the order needs, is
    refused and changes nothing.
    """

    order: PackingOrder
    packed: dict[int, int] = field(default_factory=dict)

    def scan(self, code: str) -> ScanOutcome:
        code = code.strip()
        candidates = [line for line in self.order.lines if code in line.codes]
        if not candidates:
            return ScanOutcome(
                False, "wrong_item", f"{code} is not on order #{self.order.number}. Put it back."
            )
        open_lines = [c for c in candidates if self.packed.get(c.line_id, 0) < c.to_pack]
        if not open_lines:
            line = candidates[0]
            return ScanOutcome(
                False,
                "over_scan",
                f"{line.sku or line.title}: all {line.to_pack} already packed. Take one out.",
                line.line_id,
            )
        line = open_lines[0]
        self.packed[line.line_id] = self.packed.get(line.line_id, 0) + 1
        return ScanOutcome(
            True,
            "packed",
            f"{line.sku or line.title}: {self.packed[line.line_id]} of {line.to_pack}",
            line.line_id,
        )

    def packed_of(self, line_id: int) -> int:
        return self.packed.get(line_id, 0)

    @property
    def is_complete(self) -> bool:
        return all(self.packed.get(line.line_id, 0) >= line.to_pack for line in self.order.lines)

    @property
    def units_left(self) -> int:
        return sum(line.to_pack - self.packed.get(line.line_id, 0) for line in self.order.lines)


def start_packing(uow: UnitOfWork, actor: Actor, code: str) -> PackingOrder:
    """Open an order for packing from its scanned number; a confirmed order moves to
    processing (packing has begun). Raises NotFound or InvalidTransition."""
    digits = code.strip().removeprefix("#").strip()
    if not digits.isdigit():
        raise NotFound(f"{code.strip()} is not an order barcode. Scan the packing slip.")
    with uow:
        uow.require(actor, "orders.fulfill")
        order_id = uow.session.scalar(select(Order.id).where(Order.number == int(digits)))
        if order_id is None:
            raise NotFound(f"There is no order #{digits}.")
        order = lock_order(uow, order_id)
        if order.status == OrderStatus.CONFIRMED.value:
            check_action(uow, order, OrderAction.START_PROCESSING)
            transition(uow, actor, order, OrderStatus.PROCESSING, note="Packing started")
        elif order.status != OrderStatus.PROCESSING.value:
            raise InvalidTransition(
                f"Order #{order.number} is {order.status}: only confirmed orders or orders in "
                "processing can be packed."
            )
        lines = list(
            uow.session.scalars(
                select(OrderLine)
                .where(
                    OrderLine.order_id == order.id,
                    OrderLine.quantity > OrderLine.fulfilled_quantity,
                )
                .order_by(OrderLine.id)
            )
        )
        if not lines:
            raise InvalidTransition(f"Order #{order.number} has nothing left to pack.")
        codes: dict[int, set[str]] = {}
        for variant_id, barcode in uow.session.execute(
            select(Barcode.variant_id, Barcode.code).where(
                Barcode.variant_id.in_([ln.variant_id for ln in lines if ln.variant_id])
            )
        ):
            codes.setdefault(variant_id, set()).add(barcode)
        customer = (
            uow.session.scalar(
                text(
                    "SELECT coalesce(nullif(concat_ws(' ', first_name, last_name), ''), email)"
                    " FROM customers WHERE id = :c"
                ),
                {"c": order.customer_id},
            )
            if order.customer_id
            else None
        )
        packing = PackingOrder(
            order.id,
            order.number,
            customer or order.email or "Guest",
            tuple(
                PackLine(
                    ln.id,
                    ln.sku,
                    ln.product_title + (f" — {ln.variant_title}" if ln.variant_title else ""),
                    ln.quantity - ln.fulfilled_quantity,
                    frozenset(
                        codes.get(ln.variant_id or 0, set()) | ({ln.sku} if ln.sku else set())
                    ),
                )
                for ln in lines
            ),
        )
        uow.commit()
        return packing


def complete_packing(
    uow: UnitOfWork,
    actor: Actor,
    session: PackSession,
    *,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> FulfillmentResult:
    """Fulfil what was packed; a complete parcel ships the order. Raises ValidationFailed when
    nothing was packed."""
    packed = {line_id: q for line_id, q in session.packed.items() if q > 0}
    if not packed:
        raise ValidationFailed("Scan the items into the parcel first.")
    return fulfil_order(
        uow,
        actor,
        session.order.order_id,
        quantities=packed,
        carrier=carrier,
        tracking_number=tracking_number,
    )
