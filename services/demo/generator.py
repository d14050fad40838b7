"""Seeding the demo store: one transaction, written with COPY, checked by the database.

The whole store goes in as one transaction, so a failure leaves nothing behind. An advisory
lock makes two workstations starting on a fresh store at the same moment seed it once.
"""

from __future__ import annotations

import gc
import json
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from services.demo import vocabulary as words
from services.demo.bulk import put_back, take_down
from services.demo.catalog import build_catalog
from services.demo.context import Context, Progress, no_progress
from services.demo.orders import OrderDesk, build_promotions, write_promotions
from services.demo.people import build_customers
from services.demo.plan import DEFAULT_SEED, DemoPlan, plan_for
from services.demo.sink import CopySink
from services.demo.tables import ID_TABLES, TABLES
from services.demo.world import World
from services.demo.year import run_year
from services.errors import DomainError
from services.unit_of_work import Store
from services.wording import counted

#: the password of every demo staff account (shown on the login dialog)
DEMO_PASSWORD = "juniper-demo"
#: (e-mail, full name, role) of the demo staff, one per preset role
DEMO_STAFF = tuple(
    (f"{local}@{words.STAFF_DOMAIN}", name, role) for local, name, role in words.STAFF
)
#: what the login dialog shows: sign in as the demo admin
DEMO_SIGN_IN = (DEMO_STAFF[0][0], DEMO_PASSWORD)
#: held while seeding, so concurrent first starts seed once
DEMO_LOCK_ID = 0x64656D6F  # "demo"
#: document numbers the demo hands out, and the sequences that must continue after them
NUMBER_SEQUENCES = {
    "purchase_orders": "purchase_order_number_seq",
    "transfers": "transfer_number_seq",
    "stock_counts": "stock_count_number_seq",
    "adjustments": "stock_adjustment_number_seq",
    "orders": "order_number_seq",
}


class StoreNotEmpty(DomainError):
    title = "The store is not empty"
    status = 409
    code = "store_not_empty"


class StoreBusy(DomainError):
    title = "The store is in use"
    status = 409
    code = "store_busy"


@dataclass(frozen=True)
class DemoSummary:
    """What a seeding made: rows per table, how long it took, and how to sign in."""

    plan: DemoPlan
    counts: dict[str, int]
    seconds: float
    sign_in: tuple[str, str] = DEMO_SIGN_IN
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def describe(self) -> list[str]:
        """Lines for a person: what the store now holds."""
        c = self.counts

        def n(table: str, noun: str, plural: str | None = None) -> str:
            return counted(c[table], noun, plural)

        return [
            f"{n('products', 'product')} with {n('variants', 'variant')} "
            f"({n('barcodes', 'barcode')}) in {n('collections', 'collection')}",
            f"{n('locations', 'location')} with {n('bins', 'bin')}; "
            f"{n('inventory_levels', 'stock level')} from {n('stock_movements', 'movement')}",
            f"{n('suppliers', 'supplier')}, {n('purchase_orders', 'purchase order')}, "
            f"{n('transfers', 'transfer')}, {n('stock_counts', 'count')}",
            f"{n('customers', 'customer')} with {n('addresses', 'address', 'addresses')}",
            f"{n('orders', 'order')} with {n('order_lines', 'line')}, "
            f"{n('payments', 'payment')}, {n('refunds', 'refund')}, "
            f"{n('fulfillments', 'fulfillment')}, {n('returns', 'return')}",
            f"{n('promotions', 'promotion')} redeemed {n('promotion_redemptions', 'time')}",
            f"{counted(self.rows, 'row')} in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s)",
        ]


def product_count(store: Store) -> int:
    """How many products the store has (the demo only fills a store with none)."""
    with store.session_factory() as session:
        return int(session.execute(text("SELECT count(*) FROM products")).scalar_one())


def store_contents(store: Store) -> dict[str, int]:
    """What erasing the store would lose, counted: products, orders, customers, staff."""
    with store.session_factory() as session:
        row = session.execute(
            text(
                "SELECT (SELECT count(*) FROM products), (SELECT count(*) FROM orders), "
                "(SELECT count(*) FROM customers), (SELECT count(*) FROM staff)"
            )
        ).one()
    return dict(zip(("products", "orders", "customers", "staff accounts"), row, strict=True))


def seed_if_empty(
    store: Store,
    *,
    scale: int | None = None,
    end: Any = None,
    progress: Progress | None = None,
) -> DemoSummary | None:
    """Seed the demo store unless the catalog has products; None when it did nothing.

    Meant for the app's first start: cheap when the store is already in use, and safe when
    two workstations start at once (the second waits, finds products and does nothing).
    """
    if product_count(store):
        return None
    try:
        return seed_demo(store, scale=scale, end=end, progress=progress)
    except StoreNotEmpty:
        return None


def seed_demo(
    store: Store,
    *,
    scale: int | None = None,
    seed: int = DEFAULT_SEED,
    end: Any = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty store with a year of a believable shop, in one transaction.

    ``scale`` asks for about that many variants and order lines (None: the default demo).
    The same ``seed`` and ``end`` (a timezone-aware datetime; default: this hour) give the
    same store. The store row is overwritten with the demo shop's details and the demo staff
    are added unless their e-mail addresses exist. Raises StoreNotEmpty when the catalog has
    products.
    """
    plan = plan_for(scale, seed=seed, end=end)
    # The generator keeps millions of small objects alive and makes no reference cycles:
    # the cyclic collector would only walk them over and over (a third of the run time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _seed(store, plan, progress or no_progress)
    finally:
        if collecting:
            gc.enable()


def _seed(store: Store, plan: DemoPlan, report: Progress) -> DemoSummary:
    started = time.perf_counter()
    stages: dict[str, float] = {}
    with store.session_factory() as session:
        connection = session.connection()
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": DEMO_LOCK_ID})
        count = connection.execute(text("SELECT count(*) FROM products")).scalar_one()
        if count:
            plural = "" if count == 1 else "s"
            raise StoreNotEmpty(
                f"The store already has {count:,} product{plural}; the demo only fills an "
                "empty store."
            )
        _upsert_store(connection)
        staff = _ensure_staff(connection)
        last_ids = _last_ids(connection)
        numbers = {k: _next_number(connection, seq) - 1 for k, seq in NUMBER_SEQUENCES.items()}
        deferred = take_down(connection, [t.name for t in TABLES])
        raw = connection.connection.driver_connection
        if not isinstance(raw, psycopg.Connection):
            raise TypeError("the demo is written by binary COPY through psycopg 3")
        sink = CopySink(raw, TABLES)
        mark = time.perf_counter()
        try:
            ctx = Context(plan, sink, last_ids, staff, report)
            cat = build_catalog(ctx)
            stages["catalog"] = time.perf_counter() - mark
            people = build_customers(ctx)
            promos = build_promotions(ctx, cat)
            stages["customers"] = time.perf_counter() - mark - stages["catalog"]
            world = World(ctx, cat, numbers)
            desk = OrderDesk(ctx, cat, people, world, promos, numbers["orders"])
            run_year(ctx, world, desk)
            write_promotions(ctx, promos)
            report("stock", 0, 1)
            world.write_levels()
            stages["year"] = time.perf_counter() - mark - stages["catalog"] - stages["customers"]
            report("saving", 0, 1)
            sink.close()
        except BaseException:
            sink.abort()
            raise
        mark = time.perf_counter()
        stages["writing (after generating)"] = mark - started - sum(stages.values())
        report("checking", 0, 1)
        put_back(connection, deferred)
        stages["indexes and foreign keys"] = time.perf_counter() - mark
        report("checking", 1, 1)
        mark = time.perf_counter()
        counts = dict(sink.counts)
        report("finishing", 0, 1)
        _advance_sequences(connection, ctx, world, desk)
        counts["store"] = 1
        counts["staff"] = len(DEMO_STAFF)
        _record(connection, plan, counts)
        counts["audit_log"] = counts["outbox_events"] = 1
        # Fresh statistics, so the first list the app opens gets a good plan at once.
        for table in [t.name for t in TABLES]:
            connection.execute(text(f"ANALYZE {table}"))
        session.commit()
        stages["sequences and statistics"] = time.perf_counter() - mark
        report("finishing", 1, 1)
    return DemoSummary(plan, counts, time.perf_counter() - started, stages=stages)


def erase_store(store: Store) -> None:
    """Drop every table, sequence and function of the store (migrate it again afterwards).

    The ledger and histories refuse DELETE and TRUNCATE by design, so erasing is dropping.
    Raises StoreBusy when another program holds the store's tables (an app still open).
    """
    with store.engine.connect() as connection:
        connection.execute(text("SET lock_timeout = '5s'"))
        try:
            connection.execute(text("DROP SCHEMA public CASCADE"))
        except OperationalError as error:
            raise StoreBusy(
                "Another program is using the store. Close the app on every workstation and "
                "try again."
            ) from error
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text("GRANT USAGE ON SCHEMA public TO PUBLIC"))
        connection.commit()


def _upsert_store(connection: Connection) -> None:
    connection.execute(
        text(
            "INSERT INTO store (id, name, currency, email, phone, address, timezone) "
            "VALUES (1, :name, :currency, :email, :phone, CAST(:address AS jsonb), :timezone) "
            "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, currency = EXCLUDED.currency, "
            "email = EXCLUDED.email, phone = EXCLUDED.phone, address = EXCLUDED.address, "
            "timezone = EXCLUDED.timezone, version = store.version + 1, updated_at = now()"
        ),
        {
            "name": words.STORE_NAME,
            "currency": words.STORE_CURRENCY,
            "email": words.STORE_EMAIL,
            "phone": words.STORE_PHONE,
            "address": _json(words.STORE_ADDRESS),
            "timezone": words.STORE_TIMEZONE,
        },
    )


def _json(value: Any) -> str:
    return json.dumps(value)


def _ensure_staff(connection: Connection) -> dict[str, int]:
    """The demo staff's ids by role; accounts that exist already are left as they are."""
    from services.staff import hash_password

    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role in DEMO_STAFF:
        connection.execute(
            text(
                "INSERT INTO staff (email, full_name, password_hash, role_id) "
                "SELECT :email, :name, :hash, id FROM roles WHERE code = :role "
                "ON CONFLICT (email) DO NOTHING"
            ),
            {"email": email, "name": name, "hash": password_hash, "role": role},
        )
    rows = connection.execute(
        text("SELECT email, id FROM staff WHERE email = ANY(:emails)"),
        {"emails": [e for e, _, _ in DEMO_STAFF]},
    ).all()
    by_email: dict[str, int] = {email: staff_id for email, staff_id in rows}
    return {role: by_email[email] for email, _, role in DEMO_STAFF}


def _last_ids(connection: Connection) -> dict[str, int]:
    """The highest id in each table the demo writes (0 when empty)."""
    query = ", ".join(f"(SELECT coalesce(max(id), 0) FROM {t})" for t in ID_TABLES)
    values = connection.execute(text(f"SELECT {query}")).one()
    return dict(zip(ID_TABLES, (int(v) for v in values), strict=True))


def _sequence_exists(connection: Connection, name: str) -> bool:
    exists = connection.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name})
    return bool(exists.scalar_one())


def _next_number(connection: Connection, sequence: str) -> int:
    """The number ``sequence`` would hand out next, without taking it (1001 if absent)."""
    if not _sequence_exists(connection, sequence):
        return 1001
    last, called = connection.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    return int(last) + 1 if called else int(last)


def _advance_sequences(connection: Connection, ctx: Context, world: World, desk: OrderDesk) -> None:
    """Move every id and number sequence past what the demo handed out."""
    for table in ID_TABLES:
        last = ctx.peek_id(table)
        if last:
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :v)"), {"v": last}
            )
    used = {
        "purchase_orders": world.numbers["purchase_orders"],
        "transfers": world.numbers["transfers"],
        "stock_counts": world.numbers["stock_counts"],
        "adjustments": world.numbers["adjustments"],
        "orders": desk.number,
    }
    for key, sequence in NUMBER_SEQUENCES.items():
        if used[key] > 1000 and _sequence_exists(connection, sequence):
            connection.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": used[key]})


def _record(connection: Connection, plan: DemoPlan, counts: dict[str, int]) -> None:
    """One audit entry and one outbox event: open workstations hear of the new store."""
    summary = {"seed": plan.seed, "variants": plan.variants, "counts": counts}
    connection.execute(
        text(
            "INSERT INTO audit_log (action, entity_type, entity_id, after, note) "
            "VALUES ('demo.seed', 'store', '1', CAST(:after AS jsonb), :note)"
        ),
        {"after": _json(summary), "note": "Demo store generated"},
    )
    connection.execute(
        text(
            "INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, public) "
            "VALUES ('store.seeded', 'store', '1', CAST(:payload AS jsonb), false)"
        ),
        {"payload": _json(summary)},
    )
