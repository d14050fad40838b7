"""Customers and their addresses; guests get an address but no customer row."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Any

from services.demo import vocabulary as words
from services.demo.context import Context, Weighted, one, whole
from services.demo.plan import DAY
from services.demo.sink import jsonb

_CITIES = Weighted(words.CITIES, [c[4] for c in words.CITIES])


@dataclass
class People:
    """Customers in the order they signed up (ids ascend with sign-up time)."""

    c_id: list[int] = field(default_factory=list)
    c_created: list[int] = field(default_factory=list)
    c_email: list[str] = field(default_factory=list)
    c_address: list[dict[str, Any]] = field(default_factory=list)
    #: the same address encoded once for every order's snapshot of it
    c_address_jsonb: list[bytes] = field(default_factory=list)
    c_tax: list[int] = field(default_factory=list)
    c_orders: list[int] = field(default_factory=list)

    def pick(self, rng: random.Random, now: int) -> int | None:
        """A customer who had signed up by ``now``, regulars more often; None if nobody."""
        known = bisect.bisect_right(self.c_created, now)
        if known == 0:
            return None
        # Early sign-ups are the regulars: skew towards them.
        return int(known * rng.random() ** 1.6)


def address(
    rng: random.Random, first: str, last: str, *, company: str | None = None
) -> tuple[dict[str, Any], int]:
    """A US street address for a person, and the sales tax (basis points) where it is."""
    city, state, zip3, tax, _ = _CITIES.pick(rng)
    street = f"{one(rng, words.STREET_NAMES)} {one(rng, words.STREET_TYPES)}"
    line2 = None
    if rng.random() < 0.2:
        line2 = f"Apt {whole(rng, 1, 40)}{one(rng, 'ABCDEF')}"
    return (
        {
            "name": f"{first} {last}",
            "company": company,
            "line1": f"{whole(rng, 100, 9899)} {street}",
            "line2": line2,
            "city": city,
            "province": state,
            "postal_code": f"{zip3}{whole(rng, 1, 99):02d}",
            "country_code": "US",
            "phone": phone(rng),
        },
        tax,
    )


def phone(rng: random.Random) -> str:
    """A phone number in the 555-01xx range reserved for fiction."""
    return f"+1 {whole(rng, 201, 989)}-555-01{whole(rng, 0, 99):02d}"


def person(rng: random.Random) -> tuple[str, str]:
    return one(rng, words.FIRST_NAMES), one(rng, words.LAST_NAMES)


def email_for(first: str, last: str, taken: dict[str, int], rng: random.Random) -> str:
    """``olivia.nguyen@example.com``; a number is added when the name is taken."""
    local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
    seen = taken.get(local, 0)
    taken[local] = seen + 1
    if seen:
        local = f"{local}{seen + 1}"
    return f"{local}@{one(rng, words.EMAIL_DOMAINS)}"


def build_customers(ctx: Context) -> People:
    """Write customers (most signed up during the year) with one or two addresses each."""
    rng = ctx.rng
    sink = ctx.sink
    people = People()
    count = ctx.plan.customers
    # Four in ten were customers before the year began; the rest signed up during it.
    created = sorted(
        -whole(rng, 1, 700) * DAY if rng.random() < 0.4 else whole(rng, 0, ctx.end - 1)
        for _ in range(count)
    )
    taken: dict[str, int] = {}
    vip = max(1, count // 50)
    ctx.progress("customers", 0, count)
    for i, made in enumerate(created):
        customer_id = ctx.new_id("customers")
        first, last = person(rng)
        email = email_for(first, last, taken, rng)
        marketing = rng.random() < 0.45
        tags = []
        company = None
        if i < vip:
            tags.append("vip")
        if rng.random() < 0.01:
            company = one(rng, words.COMPANIES)
            tags.append("wholesale")
        if marketing:
            tags.append("newsletter")
        note = one(rng, words.CUSTOMER_NOTES) if rng.random() < 0.02 else None
        stamp = ctx.at(made)
        sink.rows("customers").append(
            (customer_id, email, first, last, phone(rng), marketing, note, tags, stamp, stamp)
        )
        home, tax = address(rng, first, last, company=company)
        sink.rows("addresses").append(
            (
                ctx.new_id("addresses"),
                customer_id,
                home["name"],
                home["company"],
                home["line1"],
                home["line2"],
                home["city"],
                home["province"],
                home["postal_code"],
                "US",
                home["phone"],
                True,
            )
        )
        if rng.random() < 0.25:
            work, _ = address(rng, first, last, company=one(rng, words.COMPANIES))
            sink.rows("addresses").append(
                (
                    ctx.new_id("addresses"),
                    customer_id,
                    work["name"],
                    work["company"],
                    work["line1"],
                    work["line2"],
                    work["city"],
                    work["province"],
                    work["postal_code"],
                    "US",
                    work["phone"],
                    False,
                )
            )
        people.c_id.append(customer_id)
        people.c_created.append(made)
        people.c_email.append(email)
        people.c_address.append(home)
        people.c_address_jsonb.append(jsonb(home))
        people.c_tax.append(tax)
        people.c_orders.append(0)
        if i % 512 == 0:
            sink.maybe_flush()
            ctx.progress("customers", i, count)
    ctx.progress("customers", count, count)
    return people
