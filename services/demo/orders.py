"""Orders: who buys what, what it costs, and everything that happens to it afterwards.

An order is decided when it is placed: its lines (reserved at once, so stock is never
oversold), its prices, discounts and tax, and a timeline of what will happen to it (payment,
confirmation, picking, one or two parcels, delivery, perhaps a cancellation, a return, a
refund). The timeline is cut at the end of the year; what happened by then becomes the
order's statuses, its history rows, payments, fulfillments, returns and refunds, and the stock
movements the world runs when their time comes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from models.money import MoneyFormat, divide_rounded, percent_of
from models.status import (
    FulfillmentStatus,
    MovementReason,
    PaymentStatus,
    fulfillment_status_for,
)
from services.demo import vocabulary as words
from services.demo.catalog import MAIN, SHOP, Catalog
from services.demo.codes import (
    gateway_id,
    idempotency_key,
    tracking_number,
)
from services.demo.context import Context, Weighted
from services.demo.people import People, address, email_for, person
from services.demo.plan import DAY, HOUR
from services.demo.sink import jsonb
from services.demo.world import World
from services.orders import history
from services.orders.core import payment_status_for
from services.orders.history import Event
from services.pricing import Cart, CartLine, DiscountClass, Kind, Offer, Target, price_cart

MINUTE = 60
#: how the demo store (US dollars, in Portland) writes amounts in its discounts' reasons
STORE_MONEY = MoneyFormat.of_store(words.STORE_CURRENCY, None, words.STORE_ADDRESS["country_code"])
STANDARD_SHIPPING, EXPRESS_SHIPPING = 595, 1495
FREE_SHIPPING_OVER = 7500
#: channel mix of orders
CHANNELS = ("online", "pos", "phone", "email", "manual")
CHANNEL_WEIGHTS = (0.84, 0.09, 0.03, 0.02, 0.02)
#: lines per order (about 1.9 on average) and units per line
LINE_COUNTS = (1, 2, 3, 4, 5, 6)
LINE_WEIGHTS = (50, 27, 13, 6, 3, 1)
LINES = Weighted(LINE_COUNTS, LINE_WEIGHTS)
AVERAGE_LINES = sum(c * w for c, w in zip(LINE_COUNTS, LINE_WEIGHTS, strict=True)) / sum(
    LINE_WEIGHTS
)
#: orders by hour of the store's day (online); the shop sells 10:00 to 19:00
ONLINE_HOURS = (
    1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0,
    5.5, 5.0, 4.5, 4.5, 4.5, 5.0, 5.5, 6.0, 6.5, 6.0, 4.0, 2.0,
)  # fmt: skip
OPEN_STATUSES = ("pending", "confirmed", "processing")
#: encoded history payloads of events without data, by actor (None: a staff member acted)
_EMPTY_PAYLOADS: dict[str | None, bytes] = {}


@dataclass
class Promotion:
    """A demo promotion: the engine's offer, and what the year has used of it."""

    offer: Offer
    #: the stored ``applies_to``, ``rules`` and per-customer limit of the row
    row: dict[str, Any]
    used: int = 0
    given: int = 0
    #: customers who used it (for once per customer)
    customers: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return self.offer.id

    def for_customer(self, customer: int | None) -> Offer:
        """The offer with the uses left and whether this customer has used it."""
        offer = self.offer
        limit = self.row["usage_limit"]
        used_by = offer.once_per_customer and customer is not None and customer in self.customers
        if limit is None and not used_by:
            return offer
        left = None if limit is None else limit - self.used
        return replace(offer, remaining_uses=left, used_by_customer=used_by)

    def live(self, moment: datetime) -> bool:
        offer = self.offer
        return (
            offer.is_active
            and (offer.starts_at is None or offer.starts_at <= moment)
            and (offer.ends_at is None or moment < offer.ends_at)
            and (self.row["usage_limit"] is None or self.used < self.row["usage_limit"])
        )


def _black_friday(year: int) -> date:
    november = date(year, 11, 1)
    first_thursday = november + timedelta(days=(3 - november.weekday()) % 7)
    return first_thursday + timedelta(days=22)


def _day_of(ctx: Context, when: date) -> int:
    """Seconds from the start of the year to local midnight of ``when``."""
    offset = timedelta(hours=words.STORE_UTC_OFFSET_HOURS)
    first = (ctx.plan.start + offset).date()
    return (when - first).days * DAY


def _local_date(ctx: Context, moment: datetime) -> date:
    return (moment + timedelta(hours=words.STORE_UTC_OFFSET_HOURS)).date()


def sale_windows(ctx: Context) -> dict[str, tuple[int, int]]:
    """Black Friday to Cyber Monday, and the summer sale, in the year's seconds."""
    last = _local_date(ctx, ctx.plan.end)
    year = last.year if _black_friday(last.year) <= last else last.year - 1
    friday = _day_of(ctx, _black_friday(year))
    summer_year = last.year if date(last.year, 6, 15) <= last else last.year - 1
    summer = _day_of(ctx, date(summer_year, 6, 15))
    return {"black_friday": (friday, friday + 4 * DAY), "summer": (summer, summer + 42 * DAY)}


def build_promotions(ctx: Context, cat: Catalog) -> dict[str, Promotion]:
    """The store's promotions: codes, automatic offers, one expired, one paused. Their rows
    are written at the end of the year (``write_promotions``), with what the year used."""
    windows = sale_windows(ctx)
    bf, summer = windows["black_friday"], windows["summer"]
    made = -200 * DAY
    every = frozenset(DiscountClass)
    #: a code goes with the automatic offers on items and shipping, not with another code
    with_automatic = frozenset({DiscountClass.PRODUCT, DiscountClass.SHIPPING})
    socks = frozenset({cat.collection_ids["sock-drawer"]})
    sale = frozenset({cat.collection_ids["sale"]})
    specs: dict[str, tuple[dict[str, Any], int | None, int | None, int | None]] = {
        # name: (offer fields, starts, ends, usage limit)
        "welcome": ({"title": "Welcome: 10% off your first order", "code": "WELCOME10",
                     "kind": Kind.PERCENTAGE, "value": 1000, "once_per_customer": True,
                     "combines_with": with_automatic}, made, None, None),
        "save15": ({"title": "$15 off orders over $100", "code": "SAVE15",
                    "kind": Kind.FIXED_AMOUNT, "value": 1500, "min_subtotal": 10_000,
                    "combines_with": with_automatic}, -100 * DAY, None, None),
        "free_shipping": ({"title": "Free shipping over $75", "kind": Kind.FREE_SHIPPING,
                           "min_subtotal": FREE_SHIPPING_OVER,
                           "shipping_ceiling": STANDARD_SHIPPING, "combines_with": every},
                          made, None, None),
        "socks": ({"title": "Socks: buy 2, get 1 free", "kind": Kind.BUY_X_GET_Y,
                   "value": 10_000, "target": Target.COLLECTIONS, "target_ids": socks,
                   "buy_quantity": 2, "get_quantity": 1, "combines_with": every}, made, None,
                  None),
        "summer": ({"title": "Summer Sale: extra 20% off sale items", "code": "SUMMER20",
                    "kind": Kind.PERCENTAGE, "value": 2000, "target": Target.COLLECTIONS,
                    "target_ids": sale, "combines_with": with_automatic},
                   summer[0], summer[1], max(50, ctx.plan.order_lines // 40)),
        "black_friday": ({"title": "Black Friday: 25% off everything", "code": "BLACKFRIDAY25",
                          "kind": Kind.PERCENTAGE, "value": 2500,
                          "combines_with": with_automatic}, bf[0], bf[1], None),
        "vip": ({"title": "VIP 15% (paused)", "code": "VIP15", "kind": Kind.PERCENTAGE,
                 "value": 1500, "is_active": False, "combines_with": with_automatic},
                made, None, None),
    }  # fmt: skip
    promos = {}
    for name, (fields, starts, ends, limit) in specs.items():
        offer = Offer(
            id=ctx.new_id("promotions"),
            starts_at=None if starts is None else _moment(ctx, starts),
            ends_at=None if ends is None else _moment(ctx, ends),
            remaining_uses=limit,
            **fields,
        )
        rules: dict[str, Any] = {}
        if offer.kind is Kind.BUY_X_GET_Y:
            rules = {"buy": offer.buy_quantity, "get": offer.get_quantity}
        elif offer.shipping_ceiling is not None:
            rules = {"ceiling": offer.shipping_ceiling}
        row = {"starts": starts, "ends": ends, "usage_limit": limit, "rules": rules}
        promos[name] = Promotion(offer, row)
    return promos


def write_promotions(ctx: Context, promos: dict[str, Promotion]) -> None:
    """The promotions' rows, with the uses and the discount the year gave."""
    made = -200 * DAY
    for promo in promos.values():
        offer, row = promo.offer, promo.row
        created = ctx.at(min(row["starts"], made))
        ctx.sink.rows("promotions").append(
            (
                offer.id,
                offer.title,
                offer.code,
                offer.kind.value,
                offer.value,
                offer.target.value,
                sorted(offer.target_ids),
                jsonb(row["rules"]),
                offer.min_subtotal,
                None,
                ctx.at(row["starts"]),
                None if row["ends"] is None else ctx.at(row["ends"]),
                row["usage_limit"],
                1 if offer.once_per_customer else None,
                "code" if offer.code else "automatic",
                sorted(c.value for c in offer.combines_with),
                offer.is_active,
                promo.used,
                promo.given,
                created,
                created,
            )
        )


def _moment(ctx: Context, seconds: int) -> datetime:
    return ctx.plan.start + timedelta(seconds=seconds)


@dataclass(frozen=True)
class Script:
    """An order placed near the end of the year with a timeline pinned to a final state.

    ``times`` are seconds after placement: confirm, process, ship, split (second parcel),
    transit, paid, cancel, return_after. Scripts make sure every status shows at any scale.
    """

    name: str
    channel: str
    before_end: int
    times: dict[str, int] = field(default_factory=dict)
    lines: int = 1
    capture_on_ship: bool = False
    ret: str | None = None


SCRIPTS = (
    Script("pending-authorized", "online", 40 * MINUTE, {"confirm": 3 * HOUR}),
    Script("pending-unpaid", "manual", 2 * DAY, {"paid": 4 * DAY}),
    Script("confirmed-paid", "online", 6 * HOUR, {"confirm": HOUR, "process": 9 * HOUR}),
    Script("confirmed-authorized", "online", 8 * HOUR, {"confirm": HOUR, "process": 12 * HOUR},
           capture_on_ship=True),
    Script("processing", "online", 30 * HOUR,
           {"confirm": 2 * HOUR, "process": 20 * HOUR, "ship": 40 * HOUR}),
    Script("processing-part-shipped-part-paid", "online", 3 * DAY,
           {"confirm": 2 * HOUR, "process": 10 * HOUR, "ship": 20 * HOUR, "split": 5 * DAY},
           lines=3, capture_on_ship=True),
    Script("processing-part-shipped", "online", 3 * DAY,
           {"confirm": 2 * HOUR, "process": 10 * HOUR, "ship": 20 * HOUR, "split": 5 * DAY},
           lines=2),
    Script("shipped", "online", 3 * DAY,
           {"confirm": 2 * HOUR, "process": 10 * HOUR, "ship": 30 * HOUR, "transit": 4 * DAY}),
    Script("delivered", "online", 10 * DAY,
           {"confirm": 2 * HOUR, "process": 8 * HOUR, "ship": DAY, "transit": 3 * DAY}),
    Script("partially-refunded", "online", 30 * DAY,
           {"confirm": 2 * HOUR, "process": 8 * HOUR, "ship": DAY, "transit": 3 * DAY,
            "return_after": 8 * DAY}, lines=2, ret="partial"),
    Script("refunded", "online", 30 * DAY,
           {"confirm": 2 * HOUR, "process": 8 * HOUR, "ship": DAY, "transit": 3 * DAY,
            "return_after": 8 * DAY}, ret="full"),
    Script("cancelled-voided", "online", 2 * DAY, {"confirm": 5 * HOUR, "cancel": HOUR}),
    Script("cancelled-refunded", "online", 4 * DAY,
           {"confirm": HOUR, "process": 5 * HOUR, "ship": 2 * DAY, "cancel": 10 * HOUR}),
    Script("cancelled-unpaid", "manual", 20 * DAY, {"paid": 30 * DAY, "cancel": 10 * DAY}),
)  # fmt: skip


class OrderDesk:
    """Places orders and writes everything that follows from them."""

    def __init__(
        self,
        ctx: Context,
        cat: Catalog,
        people: People,
        world: World,
        promos: dict[str, Promotion],
        last_number: int,
    ) -> None:
        self.ctx, self.cat, self.people, self.world, self.promos = ctx, cat, people, world, promos
        self._by_id = {p.id: p for p in promos.values()}
        sale, socks = cat.collection_ids["sale"], cat.collection_ids["sock-drawer"]
        #: the collections each product is in, as far as the promotions care
        self._collections = [
            frozenset(c for c, member in ((sale, on_sale), (socks, is_socks)) if member)
            for on_sale, is_socks in zip(cat.p_on_sale, cat.p_is_socks, strict=True)
        ]
        self.rng = ctx.rng
        self.number = max(1000, last_number)
        self.guests: dict[str, int] = {}
        self.lines_written = 0
        self.staff = ctx.staff

    # -- placing ------------------------------------------------------------------------------

    def place(self, t: int, channel: str, script: Script | None = None) -> None:
        """Place an order at ``t`` if anything it wants is in stock, and play its year out."""
        ctx, cat, rng, world, people = self.ctx, self.cat, self.rng, self.world, self.people
        li = SHOP if channel == "pos" else MAIN
        ci: int | None = None
        if channel == "pos":
            if rng.random() < 0.4:
                ci = people.pick(rng, t)
        elif rng.random() < 0.88 or channel in ("email", "manual"):
            ci = people.pick(rng, t)
        email = ship_to = None
        tax_rate = 0
        if ci is not None:
            email = people.c_email[ci]
            if channel != "pos":
                ship_to, tax_rate = people.c_address[ci], people.c_tax[ci]
        elif channel != "pos":
            first, last = person(rng)
            email = email_for(first, last, self.guests, rng)
            ship_to, tax_rate = address(rng, first, last)

        wanted = script.lines if script else LINES.pick(rng)
        picked: list[tuple[int, int]] = []
        tries = 60 if script else 6
        for _ in range(wanted):
            for _ in range(tries):
                vi = cat.draw(rng, li)
                p = cat.v_product[vi]
                if not cat.p_sell_from[p] <= t < cat.p_sell_until[p]:
                    continue
                backorder = cat.v_backorder[vi]
                if backorder and (li == SHOP or script):
                    continue
                if any(vi == seen for seen, _ in picked):
                    continue
                if cat.p_is_socks[p] and rng.random() < 0.35:
                    q = 3
                else:
                    r = rng.random()
                    q = 1 if r < 0.8 or cat.v_sku[vi] is None else 2 if r < 0.95 else 3
                if not backorder:
                    q = min(q, world.available(li, vi))
                    if q < 1:
                        continue
                picked.append((vi, q))
                break
        if not picked:
            return

        # Prices, discounts, shipping and tax: the pricing engine decides the discounts.
        n = len(picked)
        units = [cat.v_price[vi] for vi, _ in picked]
        subs = [units[i] * picked[i][1] for i in range(n)]
        subtotal = sum(subs)
        express = channel != "pos" and rng.random() < 0.1
        shipping = 0 if channel == "pos" else EXPRESS_SHIPPING if express else STANDARD_SHIPPING
        moment = _moment(ctx, t)
        code = None if channel == "pos" or script else self._choose_code(moment, ci, picked)
        offers = [self.promos["socks"].offer, self.promos["free_shipping"].offer]
        if code is not None:
            offers.append(code.for_customer(ci))
        priced = price_cart(
            Cart(
                tuple(
                    CartLine(i, cat.v_id[vi], cat.p_id[cat.v_product[vi]], q, units[i],
                             self._collections[cat.v_product[vi]])
                    for i, (vi, q) in enumerate(picked)
                ),
                tuple(offers),
                codes=(code.offer.code,) if code is not None and code.offer.code else (),
                shipping=shipping,
                now=moment,
                timezone=words.STORE_TIMEZONE,
            )
        )  # fmt: skip
        line_discount = [ln.discount for ln in priced.lines]
        # the demo prices with its own promotions only, each with its id
        discounts = [(self._by_id[cast(int, a.promotion_id)], a) for a in priced.applied]
        for promo_, applied in discounts:
            promo_.used += 1
            promo_.given += applied.amount
            if ci is not None and promo_.offer.once_per_customer:
                promo_.customers.add(ci)
        nets = [subs[i] - line_discount[i] for i in range(n)]
        taxes = [
            percent_of(nets[i], tax_rate) if cat.v_taxable[vi] else 0
            for i, (vi, _) in enumerate(picked)
        ]
        discount_total = priced.discount_total
        total = subtotal - discount_total + shipping + sum(taxes)
        paid_per_line = [nets[i] + taxes[i] for i in range(n)]

        # Ids and rows that exist from the moment of placing.
        self.number += 1
        number = self.number
        order_id = ctx.new_id("orders")
        line_ids = [ctx.new_id("order_lines") for _ in range(n)]
        placed = ctx.at(t)
        customer_id = None if ci is None else people.c_id[ci]
        for promo_, applied in discounts:
            ctx.sink.rows("order_discounts").append(
                (
                    ctx.new_id("order_discounts"),
                    order_id,
                    promo_.id,
                    applied.code,
                    applied.title,
                    applied.amount,
                    applied.description,
                    applied.discount_class.value,
                    jsonb(
                        [{"line_id": line_ids[cast(int, i)], "amount": a} for i, a in applied.lines]
                    ),
                )
            )
            ctx.sink.rows("promotion_redemptions").append(
                (
                    ctx.new_id("promotion_redemptions"),
                    promo_.id,
                    order_id,
                    customer_id,
                    applied.code,
                    promo_.offer.once_per_customer,
                    applied.amount,
                    placed,
                )
            )
        if ci is not None:
            people.c_orders[ci] += 1

        capture_on_ship = (
            script.capture_on_ship if script else (channel == "online" and rng.random() < 0.12)
        )
        events = self._timeline(t, channel, picked, script, capture_on_ship, express)
        order = _Replay(
            self,
            order_id,
            number,
            channel,
            li,
            picked,
            line_ids,
            total,
            paid_per_line,
            shipping - priced.shipping_discount,
            express,
        )
        order.play(events)

        ship_json = (
            None
            if ship_to is None
            else (people.c_address_jsonb[ci] if ci is not None else jsonb(ship_to))
        )
        note = rng.choice(words.ORDER_NOTES) if rng.random() < 0.02 else None
        ctx.sink.rows("orders").append(
            (
                order_id,
                number,
                customer_id,
                email,
                channel,
                "USD",
                order.status,
                order.payment_status,
                order.fulfillment_status,
                subtotal,
                discount_total,
                shipping,
                sum(taxes),
                total,
                ship_json,
                ship_json,
                self.world.loc_id[li],
                note,
                idempotency_key(rng) if channel == "online" else None,
                placed,
                None if order.cancelled_at is None else ctx.at(order.cancelled_at),
                order.cancel_reason,
                placed,
                ctx.at(order.updated),
            )
        )
        rows = ctx.sink.rows("order_lines")
        for i, (vi, q) in enumerate(picked):
            rows.append(
                (
                    line_ids[i],
                    order_id,
                    cat.v_id[vi],
                    self.world.loc_id[li],
                    cat.v_sku[vi],
                    cat.p_title[cat.v_product[vi]],
                    cat.v_title[vi],
                    q,
                    order.fulfilled[i],
                    order.returned[i],
                    units[i],
                    line_discount[i],
                    taxes[i],
                )
            )
        self.lines_written += n
        order.write_children()
        ctx.sink.maybe_flush()

    def _choose_code(
        self, moment: datetime, ci: int | None, picked: list[tuple[int, int]]
    ) -> Promotion | None:
        """The code a customer types, if any (the engine then says whether it applies)."""
        promos, rng, cat = self.promos, self.rng, self.cat
        r = rng.random()
        if promos["black_friday"].live(moment) and r < 0.55:
            return promos["black_friday"]
        if ci is not None and self.people.c_orders[ci] == 0 and r < 0.3:
            return promos["welcome"]
        summer = promos["summer"]
        if (
            summer.live(moment)
            and r < 0.35
            and any(cat.p_on_sale[cat.v_product[v]] for v, _ in picked)
        ):
            return summer
        save = promos["save15"]
        if save.live(moment) and r < 0.12:
            return save
        return None

    def _timeline(
        self,
        t: int,
        channel: str,
        picked: list[tuple[int, int]],
        script: Script | None,
        capture_on_ship: bool,
        express: bool,
    ) -> list[tuple[int, str, Any]]:
        """Everything that will happen to the order, in time order (some of it after the end)."""
        rng, cat = self.rng, self.cat
        times = script.times if script else {}
        n = len(picked)

        def between(low: float, high: float) -> int:
            return int(rng.uniform(low, high))

        events: list[tuple[int, str, Any]] = [(t, "place", None)]
        if channel == "pos":
            events += [
                (t, "sale", None),
                (t + 20, "confirm", None),
                (t + 40, "process", None),
                (t + 60, "ship", list(range(n))),
                (t + 80, "deliver", None),
            ]
            delivered = t + 80
        else:
            invoice = channel in ("email", "manual")
            if invoice:
                paid = t + times.get("paid", between(2 * HOUR, 5 * DAY))
                events.append((paid, "sale", None))
                confirm = paid + between(5 * MINUTE, 2 * HOUR)
            else:
                if script is None and rng.random() < 0.01:
                    events.append((t, "auth_failed", None))
                events.append((t, "auth", None))
                confirm = t + int(rng.expovariate(1 / (3 * HOUR))) + 5 * MINUTE
            if "confirm" in times:
                confirm = t + times["confirm"]
            events.append((confirm, "confirm", None))
            if not invoice and not capture_on_ship:
                events.append((confirm, "capture", None))
            process = (
                t + times["process"]
                if "process" in times
                else confirm + between(30 * MINUTE, 20 * HOUR)
            )
            gate = max(cat.v_ships_from.get(vi, 0) for vi, _ in picked)
            process = max(process, gate)
            events.append((process, "process", None))
            ship = t + times["ship"] if "ship" in times else process + between(HOUR, 30 * HOUR)
            if gate:
                ship = max(ship, gate + between(2 * HOUR, 20 * HOUR))
            if n >= 2 and ("split" in times or (script is None and rng.random() < 0.12)):
                k = max(1, n // 2) if script else rng.randint(1, n - 1)
                second = t + times["split"] if "split" in times else ship + between(DAY, 6 * DAY)
                parcels = [(ship, list(range(k))), (second, list(range(k, n)))]
            else:
                parcels = [(ship, list(range(n)))]
            for k, (when, lines) in enumerate(parcels):
                if capture_on_ship:
                    # Charged as each parcel leaves: its lines (and the shipping, with the
                    # first), the rest with the last.
                    events.append((when, "capture", lines if k < len(parcels) - 1 else None))
                events.append((when, "ship", lines))
            transit = times.get("transit") or (
                between(DAY, 2 * DAY) if express else between(2 * DAY, 6 * DAY)
            )
            delivered = parcels[-1][0] + transit
            events.append((delivered, "deliver", None))

            cancel_at = t + times["cancel"] if "cancel" in times else None
            if script is None and rng.random() < (0.08 if invoice else 0.035):
                cancel_at = t + int((ship - t) * rng.uniform(0.05, 0.95))
            if cancel_at is not None:
                events = [e for e in events if e[0] < cancel_at]
                events.append((cancel_at, "cancel", rng.choice(words.CANCEL_REASONS)))
                kinds = {e[1] for e in events}
                if "capture" in kinds or "sale" in kinds:
                    refund_at = cancel_at + between(HOUR, DAY)
                    events.append((refund_at, "refund", ("full", "Order cancelled", None)))
                elif "auth" in kinds:
                    events.append((cancel_at, "void", None))
                return self._with_note(events, t, script)

        kind = script.ret if script else None
        if script is None:
            r = rng.random()
            limit = 0.03 if channel == "pos" else 0.06
            kind = "partial" if r < limit * 0.75 else "full" if r < limit else None
        if kind == "partial" and n == 1 and picked[0][1] == 1:
            kind = "full"
        if kind:
            back_at = delivered + times.get("return_after", between(3 * DAY, 21 * DAY))
            if kind == "full":
                items = [(i, q) for i, (_, q) in enumerate(picked)]
            elif n > 1:
                i = rng.randrange(n)
                items = [(i, picked[i][1])]
            else:
                items = [(0, picked[0][1] - 1)]
            chosen = []
            for i, q in items:
                r = rng.random()
                chosen.append((i, q, "restock" if r < 0.7 else "damaged" if r < 0.9
                               else "write_off"))  # fmt: skip
            link: dict[str, int] = {}
            refund_at = back_at + between(HOUR, 2 * DAY)
            reason = rng.choice(words.RETURN_REASONS)
            events.append((back_at, "return", (chosen, reason, link, refund_at, kind)))
            events.append((refund_at, "refund", (kind, f"Returned: {reason.lower()}", link)))
        elif script is None and rng.random() < 0.01:
            events.append(
                (delivered + between(DAY, 10 * DAY), "refund",
                 ("goodwill", "Late delivery: 15% back as an apology", None))
            )  # fmt: skip
        return self._with_note(events, t, script)

    def _with_note(
        self, events: list[tuple[int, str, Any]], t: int, script: Script | None
    ) -> list[tuple[int, str, Any]]:
        if script is None and self.rng.random() < 0.03:
            when = t + int(self.rng.uniform(MINUTE, 3 * HOUR))
            events.append((when, "note", self.rng.choice(words.ORDER_NOTES)))
        events.sort(key=lambda e: e[0])
        return events

    # -- stock handlers the world runs when their time comes ---------------------------------

    def ship_stock(self, t: int, li: int, items: list[tuple[int, int]], number: str) -> None:
        for vi, q in items:
            self.world.move(
                t,
                li,
                vi,
                (-q, -q, 0, 0, 0, 0, 0),
                MovementReason.FULFILLED,
                ("order", number),
                None,
                self.staff["warehouse"],
            )

    def release_stock(self, t: int, li: int, items: list[tuple[int, int]], number: str) -> None:
        for vi, q in items:
            self.world.move(
                t,
                li,
                vi,
                (0, -q, 0, 0, 0, 0, 0),
                MovementReason.RELEASED,
                ("order", number),
                None,
                self.staff["manager"],
            )

    def return_stock(
        self, t: int, li: int, items: list[tuple[int, int, str]], number: str, note: str
    ) -> None:
        reference = ("order", number)
        staff = self.staff["warehouse"]
        for vi, q, disposition in items:
            if disposition == "damaged":
                self.world.move(
                    t, li, vi, (q, 0, q, 0, 0, 0, 0), MovementReason.DAMAGED, reference, note, staff
                )
                continue
            self.world.move(
                t,
                li,
                vi,
                (q, 0, 0, 0, 0, 0, 0),
                MovementReason.RETURN_RESTOCK,
                reference,
                note,
                staff,
            )
            if disposition == "write_off":
                self.world.move(
                    t,
                    li,
                    vi,
                    (-q, 0, 0, 0, 0, 0, 0),
                    MovementReason.WRITE_OFF,
                    reference,
                    note,
                    staff,
                )


class _Replay:
    """One order's timeline played up to the end of the year, collecting its rows."""

    def __init__(
        self,
        desk: OrderDesk,
        order_id: int,
        number: int,
        channel: str,
        li: int,
        picked: list[tuple[int, int]],
        line_ids: list[int],
        total: int,
        paid_per_line: list[int],
        shipping_paid: int,
        express: bool,
    ) -> None:
        self.desk, self.ctx, self.rng = desk, desk.ctx, desk.rng
        self.order_id, self.number, self.channel, self.li = order_id, number, channel, li
        self.ref = str(number)
        self.picked, self.line_ids = picked, line_ids
        self.total, self.paid_per_line, self.shipping_paid = total, paid_per_line, shipping_paid
        self.express = express
        n = len(picked)
        self.fulfilled = [0] * n
        self.returned = [0] * n
        self.status: str = "pending"
        self.payment_status: str = PaymentStatus.PENDING.value
        self.fulfillment_status: str = FulfillmentStatus.UNFULFILLED.value
        self.cancelled_at: int | None = None
        self.cancel_reason: str | None = None
        self.updated = 0
        self.history: list[tuple[Any, ...]] = []
        self.payments: list[list[Any]] = []
        self.transactions: list[tuple[Any, ...]] = []
        self.refunds: list[tuple[Any, ...]] = []
        self.fulfillments: list[tuple[Any, ...]] = []
        self.fulfillment_lines: list[tuple[Any, ...]] = []
        self.returns: list[tuple[Any, ...]] = []
        self.return_lines: list[tuple[Any, ...]] = []
        self.authorized = self.captured = self.refunded = 0
        self.voided = False
        staff = desk.staff
        #: who placed it: a staff member, or a name for the storefront
        self.placer: int | None
        self.placer_name: str | None
        if channel == "online":
            self.placer, self.placer_name = None, "Storefront"
        elif channel == "manual":
            self.placer, self.placer_name = staff["admin"], None
        else:
            self.placer, self.placer_name = staff["manager"], None

    # -- rows -------------------------------------------------------------------------------

    def _history(self, t: int, staff: int | None, event: Event, actor: str | None = None) -> None:
        """One timeline row, shaped by ``services.orders.history`` like the services' rows."""
        data = event.data or None
        if data is None:
            # Most events carry no data: reuse their few encodings.
            key = (actor or "System") if staff is None else None
            payload = _EMPTY_PAYLOADS.get(key)
            if payload is None:
                payload = _EMPTY_PAYLOADS[key] = jsonb({} if key is None else {"actor": key})
        else:
            if staff is None:
                data = {**data, "actor": actor or "System"}
            payload = jsonb(data)
        self.history.append(
            (
                self.ctx.new_id("order_history"),
                self.order_id,
                self.ctx.at(t),
                staff,
                event.kind,
                event.from_status,
                event.to_status,
                event.note,
                payload,
            )
        )

    def _transition(self, t: int, staff: int | None, target: str, note: str | None = None,
                    actor: str | None = None) -> None:  # fmt: skip
        self._history(t, staff, history.status_changed(self.status, target, note), actor=actor)
        self.status = target

    def _payment_changed(self) -> tuple[str, str]:
        """The payment status before and after the money figures just changed."""
        before = self.payment_status
        self.payment_status = payment_status_for(
            self.total, self.authorized, self.captured, self.refunded, self.voided
        ).value
        return before, self.payment_status

    def _paid(self, t: int, staff: int | None, action: str, amount: int, payment: list[Any],
              note: str | None = None, actor: str | None = None) -> None:  # fmt: skip
        before, after = self._payment_changed()
        event = history.payment(action, amount, before=before, after=after, gateway=payment[1],
                                payment_id=payment[0], note=note)  # fmt: skip
        self._history(t, staff, event, actor=actor)

    def _transaction(self, payment: list[Any], t: int, kind: str, amount: int, ok: bool = True,
                     reference: str | None = None, message: str | None = None,
                     staff: int | None = None) -> None:  # fmt: skip
        self.transactions.append(
            (
                self.ctx.new_id("payment_transactions"),
                payment[0],
                kind,
                amount,
                ok,
                idempotency_key(self.rng) if payment[1] == "stripe" else None,
                reference or payment[2],
                message,
                staff,
                self.ctx.at(t),
            )
        )
        payment[8] = t

    def _new_payment(self, t: int, gateway: str, status: str, authorized: int,
                     captured: int) -> list[Any]:  # fmt: skip
        reference = gateway_id(self.rng, "pi") if gateway == "stripe" else None
        payment = [self.ctx.new_id("payments"), gateway, reference, status, authorized, captured,
                   0, t, t]  # fmt: skip
        self.payments.append(payment)
        return payment

    # -- the timeline -----------------------------------------------------------------------

    def play(self, events: list[tuple[int, str, Any]]) -> None:
        desk, ctx, world = self.desk, self.ctx, self.desk.world
        staff = desk.staff
        cat = desk.cat
        end = ctx.end
        for t, kind, data in events:
            if t > end:
                break
            self.updated = t
            if kind == "place":
                note = "Wholesale order; invoice sent" if self.channel == "manual" else None
                self._history(
                    t,
                    self.placer,
                    history.placed(self.channel, self.total, note=note),
                    actor=self.placer_name,
                )
                for vi, q in self.picked:
                    world.move(
                        t,
                        self.li,
                        vi,
                        (0, q, 0, 0, 0, 0, 0),
                        MovementReason.RESERVED,
                        ("order", self.ref),
                        None,
                        self.placer,
                    )
            elif kind == "auth_failed":
                payment = self._new_payment(t, "stripe", "failed", 0, 0)
                declined = "Your card was declined."
                self._transaction(payment, t, "authorize", self.total, ok=False, message=declined)
                self._paid(t, self.placer, "declined", self.total, payment, declined,
                           self.placer_name)  # fmt: skip
            elif kind == "auth":
                payment = self._new_payment(t, "stripe", "authorized", self.total, 0)
                self._transaction(payment, t, "authorize", self.total)
                self.authorized += self.total
                self._paid(t, self.placer, "authorized", self.total, payment,
                           actor=self.placer_name)  # fmt: skip
            elif kind == "sale":
                gateway = "stripe" if self.channel == "pos" else "manual"
                payment = self._new_payment(t, gateway, "captured", self.total, self.total)
                self._transaction(
                    payment,
                    t,
                    "sale",
                    self.total,
                    staff=self.placer,
                    message=None if gateway == "stripe" else "Bank transfer",
                )
                self.authorized += self.total
                self.captured += self.total
                self._paid(t, self.placer or staff["manager"], "paid", self.total, payment)
            elif kind == "capture":
                payment = self._live_payment()
                if data is None:
                    amount = self.total - self.captured
                else:
                    amount = sum(self.paid_per_line[i] for i in data)
                    if not self.captured:
                        amount += self.shipping_paid
                if amount > 0:
                    payment[5] += amount
                    payment[3] = "captured" if payment[5] >= payment[4] else "partially_captured"
                    self._transaction(payment, t, "capture", amount, staff=staff["manager"])
                    self.captured += amount
                    self._paid(t, staff["manager"], "captured", amount, payment)
            elif kind == "confirm":
                self._transition(t, staff["manager"], "confirmed")
            elif kind == "process":
                self._transition(t, staff["warehouse"], "processing", "Picking started")
            elif kind == "ship":
                self._ship(t, data)
            elif kind == "deliver" and self.channel == "pos":
                self._transition(t, staff["manager"], "delivered", "Handed to the customer")
            elif kind == "deliver":
                self._transition(t, None, "delivered", "Delivered", actor="Carrier tracking")
            elif kind == "cancel":
                self.cancelled_at, self.cancel_reason = t, data
                left = [(vi, q - self.fulfilled[i]) for i, (vi, q) in enumerate(self.picked)
                        if q > self.fulfilled[i]]  # fmt: skip
                world.at(t, desk.release_stock, self.li, left, self.ref)
                self._transition(t, staff["manager"], "cancelled", data)
                released = {cat.v_id[vi]: q for vi, q in left}
                self._history(t, staff["manager"], history.stock_released(released, {}))
            elif kind == "void":
                payment = self._live_payment()
                payment[3] = "voided"
                self._transaction(payment, t, "void", payment[4], staff=staff["manager"])
                self.voided = True
                self._paid(t, staff["manager"], "voided", payment[4], payment)
            elif kind == "return":
                self._return(t, data)
            elif kind == "refund":
                self._refund(t, data)
            elif kind == "note":
                self._history(t, staff["manager"], history.noted(data))
        self.fulfillment_status = fulfillment_status_for(
            sum(q for _, q in self.picked), sum(self.fulfilled)
        ).value

    def _live_payment(self) -> list[Any]:
        return next(p for p in reversed(self.payments) if p[3] != "failed")

    def _ship(self, t: int, lines: list[int]) -> None:
        desk, ctx, cat, rng = self.desk, self.ctx, self.desk.cat, self.rng
        location = desk.world.loc_id[self.li]
        fulfillment_id = ctx.new_id("fulfillments")
        carrier = tracking = url = None
        if self.channel != "pos":
            weight = sum(cat.v_weight[self.picked[i][0]] * self.picked[i][1] for i in lines)
            carrier, url_format = (
                words.CARRIERS[2] if self.express
                else words.CARRIERS[0] if weight < 1500 else words.CARRIERS[1]
            )  # fmt: skip
            tracking = tracking_number(rng, carrier)
            url = url_format.format(number=tracking)
        warehouse = desk.staff["warehouse"] if self.channel != "pos" else desk.staff["manager"]
        self.fulfillments.append(
            (
                fulfillment_id,
                self.order_id,
                location,
                "success",
                carrier,
                tracking,
                url,
                warehouse,
                ctx.at(t),
                ctx.at(t),
            )
        )
        shipped = []
        items = []
        for i in lines:
            vi, q = self.picked[i]
            left = q - self.fulfilled[i]
            self.fulfillment_lines.append(
                (ctx.new_id("fulfillment_lines"), fulfillment_id, self.line_ids[i], left)
            )
            self.fulfilled[i] += left
            items.append((vi, left))
            shipped.append({"line_id": self.line_ids[i], "sku": cat.v_sku[vi],
                            "title": cat.p_title[cat.v_product[vi]], "quantity": left})  # fmt: skip
        desk.world.at(t, desk.ship_stock, self.li, items, self.ref)
        before = self.fulfillment_status
        after = fulfillment_status_for(sum(q for _, q in self.picked), sum(self.fulfilled)).value
        self.fulfillment_status = after
        event = history.fulfilled(fulfillment_id, before=before, after=after,
                                  location=words.LOCATIONS[self.li].code, carrier=carrier,
                                  tracking_number=tracking, lines=shipped)  # fmt: skip
        self._history(t, warehouse, event)
        if after == FulfillmentStatus.FULFILLED.value:
            self._transition(t, warehouse, "shipped", "Everything was fulfilled")

    def _return(self, t: int, data: Any) -> None:
        desk, ctx, cat = self.desk, self.ctx, self.desk.cat
        chosen, reason, link, refund_at, kind = data
        return_id = ctx.new_id("returns")
        link["amount"] = sum(
            divide_rounded(self.paid_per_line[i] * q, self.picked[i][1]) for i, q, _ in chosen
        )
        left = self.captured - self.refunded
        owed = left if kind == "full" else min(link["amount"], left)
        if refund_at <= ctx.end and owed > 0:
            link["refund_id"] = ctx.new_id("refunds")
        warehouse = desk.staff["warehouse"]
        self.returns.append(
            (
                return_id,
                self.order_id,
                link.get("refund_id"),
                reason,
                warehouse,
                ctx.at(t),
                ctx.at(t),
            )
        )
        items = []
        described = []
        for i, q, disposition in chosen:
            vi = self.picked[i][0]
            self.return_lines.append(
                (
                    ctx.new_id("return_lines"),
                    return_id,
                    self.line_ids[i],
                    q,
                    disposition,
                    desk.world.loc_id[self.li],
                )
            )
            self.returned[i] += q
            items.append((vi, q, disposition))
            described.append({"line_id": self.line_ids[i], "sku": cat.v_sku[vi],
                              "title": cat.p_title[cat.v_product[vi]], "quantity": q,
                              "disposition": disposition})  # fmt: skip
        desk.world.at(t, desk.return_stock, self.li, items, self.ref, f"return {return_id}")
        event = history.returned(return_id, lines=described,
                                 locations=[words.LOCATIONS[self.li].code],
                                 suggested_refund=link["amount"], note=reason)  # fmt: skip
        self._history(t, warehouse, event)

    def _refund(self, t: int, data: Any) -> None:
        desk, ctx, rng = self.desk, self.ctx, self.rng
        kind, reason, link = data
        left = self.captured - self.refunded
        if kind == "full":
            amount = left
        elif kind == "goodwill":
            amount = max(500, percent_of(self.total, 1500))
        else:
            amount = (link or {}).get("amount", 0)
        amount = min(amount, left)
        refund_id = (link or {}).get("refund_id")
        if amount <= 0:
            return  # nothing was paid for it (a free pair of socks): nothing to give back
        payment = self._live_payment()
        manager = desk.staff["manager"]
        if rng.random() < 0.03:  # the card issuer refused the first try
            failed_id, refused = (
                ctx.new_id("refunds"),
                "The card issuer declined the refund; try again.",
            )
            self.refunds.append(
                (failed_id, self.order_id, payment[0], amount, "failed", idempotency_key(rng), None,
                 reason, refused, manager, ctx.at(t - HOUR), ctx.at(t - HOUR))
            )  # fmt: skip
            status = self.payment_status
            event = history.refund(amount, "failed", before=status, after=status,
                                   refund_id=failed_id, note=refused)  # fmt: skip
            self._history(t - HOUR, manager, event)
            self._transaction(
                payment,
                t - HOUR,
                "refund",
                amount,
                ok=False,
                message="refund declined by issuer",
                staff=manager,
            )
        refund_id = refund_id or ctx.new_id("refunds")
        reference = gateway_id(rng, "re")
        self.refunds.append(
            (
                refund_id,
                self.order_id,
                payment[0],
                amount,
                "succeeded",
                idempotency_key(rng),
                reference,
                reason,
                None,
                manager,
                ctx.at(t),
                ctx.at(t),
            )
        )
        self._transaction(payment, t, "refund", amount, reference=reference, staff=manager)
        payment[6] += amount
        self.refunded += amount
        before, after = self._payment_changed()
        event = history.refund(amount, "succeeded", before=before, after=after,
                               refund_id=refund_id, note=reason)  # fmt: skip
        self._history(t, manager, event)

    def write_children(self) -> None:
        """Append the rows that hang off the order (after the order and its lines)."""
        rows = self.ctx.sink.rows
        at = self.ctx.at
        rows("order_history").extend(self.history)
        rows("payments").extend(
            (p[0], self.order_id, p[1], p[2], p[3], "USD", p[4], p[5], p[6], at(p[7]), at(p[8]))
            for p in self.payments
        )
        rows("payment_transactions").extend(self.transactions)
        rows("refunds").extend(self.refunds)
        rows("fulfillments").extend(self.fulfillments)
        rows("fulfillment_lines").extend(self.fulfillment_lines)
        rows("returns").extend(self.returns)
        rows("return_lines").extend(self.return_lines)
