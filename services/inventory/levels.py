"""Stock figures as staff see them: lookups by scanned code, locked reads, the stock list, and
the announcements other workstations and the storefront hear.

Every service in this package reads and announces figures through here, so a figure shown after
an action is the one the action committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnClause,
    CompoundSelect,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import BigInteger

from models.catalog import Barcode, Product, Variant
from models.inventory import Bin, InventoryLevel, Location
from services.arrays import literal as array_literal
from services.errors import NotFound, ValidationFailed
from services.inventory.ledger import STATES, ensure_levels
from services.paging import Page, PageRequest, like_pattern
from services.unit_of_work import UnitOfWork

_BIGINT_ARRAY = ARRAY(BigInteger)

#: outbox topics of this area; the desktop refreshes inventory screens on any ``inventory.*``
TOPIC_LEVELS = "inventory.levels_changed"
TOPIC_TRANSFER = "inventory.transfer_changed"
TOPIC_PURCHASE_ORDER = "inventory.purchase_order_changed"
TOPIC_COUNT = "inventory.count_changed"
TOPIC_SETTINGS = "inventory.settings_changed"
TOPIC_COST = "catalog.variant_cost_changed"

#: the states a person may put stock into or take it out of (committed belongs to orders)
UNAVAILABLE_STATES = ("damaged", "quality_control", "safety_stock", "other_unavailable")
STATE_NAMES = {
    "available": "available",
    "on_hand": "on hand",
    "committed": "committed",
    "damaged": "damaged",
    "quality_control": "quality control",
    "safety_stock": "safety stock",
    "other_unavailable": "other unavailable",
    "incoming": "incoming",
}


@dataclass(frozen=True)
class Figures:
    """The stock of one variant at one location."""

    variant_id: int
    location_id: int
    on_hand: int = 0
    committed: int = 0
    damaged: int = 0
    quality_control: int = 0
    safety_stock: int = 0
    other_unavailable: int = 0
    incoming: int = 0

    @property
    def unavailable(self) -> int:
        return self.damaged + self.quality_control + self.safety_stock + self.other_unavailable

    @property
    def available(self) -> int:
        return self.on_hand - self.committed - self.unavailable

    @property
    def key(self) -> tuple[int, int]:
        return (self.variant_id, self.location_id)

    def as_dict(self) -> dict[str, int]:
        values = {s: getattr(self, s) for s in STATES}
        values["available"] = self.available
        return values


@dataclass(frozen=True)
class VariantRef:
    """A variant as a warehouse screen names it."""

    variant_id: int
    sku: str | None
    product_title: str
    variant_title: str
    inventory_policy: str
    cost: int | None

    @property
    def label(self) -> str:
        name = self.product_title
        if self.variant_title != "Default Title":
            name = f"{name} - {self.variant_title}"
        return f"{self.sku} · {name}" if self.sku else name


@dataclass(frozen=True)
class StockRow:
    """One line of the stock list: a variant at a location with all of Shopify's states."""

    variant_id: int
    location_id: int
    location_name: str
    product_id: int
    product_title: str
    variant_title: str
    sku: str | None
    barcode: str | None
    bin_code: str | None
    inventory_policy: str
    on_hand: int
    committed: int
    damaged: int
    quality_control: int
    safety_stock: int
    other_unavailable: int
    incoming: int
    available: int
    reorder_point: int | None
    reorder_quantity: int | None
    #: False when the variant has never had stock at this location
    is_stocked: bool

    @property
    def unavailable(self) -> int:
        return self.damaged + self.quality_control + self.safety_stock + self.other_unavailable

    @property
    def is_low(self) -> bool:
        return self.reorder_point is not None and self.available <= self.reorder_point

    def figures(self) -> Figures:
        return Figures(self.variant_id, self.location_id, **{s: getattr(self, s) for s in STATES})


def variant_title_sql() -> ColumnElement[str]:
    """ "Red / Large", or "Default Title" for a variant with no option values."""
    joined = func.concat_ws(" / ", Variant.option1, Variant.option2, Variant.option3)
    return func.coalesce(func.nullif(joined, ""), literal("Default Title"))


def _variant_ref(row: Any) -> VariantRef:
    return VariantRef(
        row.variant_id, row.sku, row.product_title, row.variant_title, row.policy, row.cost
    )


def _variant_columns() -> tuple[SQLColumnExpression[Any], ...]:
    return (
        Variant.id.label("variant_id"),
        Variant.sku,
        Product.title.label("product_title"),
        variant_title_sql().label("variant_title"),
        Variant.inventory_policy.label("policy"),
        Variant.cost,
    )


def find_variants_by_code(session: Session, code: str) -> list[VariantRef]:
    """Variants a scanned or typed code names: a barcode, else a SKU (exact, then ignoring
    case, dashes and spaces, since labels print ISBNs with dashes and scanners drop them)."""
    code = code.strip()
    if not code:
        return []
    base = select(*_variant_columns()).join(Product, Product.id == Variant.product_id)
    rows = session.execute(
        base.where(
            or_(
                Variant.id.in_(select(Barcode.variant_id).where(Barcode.code == code)),
                Variant.sku == code,
            )
        ).order_by(Variant.id)
    ).all()
    if not rows:
        plain = code.replace("-", "").replace(" ", "").lower()
        squeezed = func.lower(func.replace(func.replace(Barcode.code, "-", ""), " ", ""))
        sku_squeezed = func.lower(func.replace(func.replace(Variant.sku, "-", ""), " ", ""))
        rows = session.execute(
            base.where(
                or_(
                    Variant.id.in_(select(Barcode.variant_id).where(squeezed == plain)),
                    sku_squeezed == plain,
                )
            ).order_by(Variant.id)
        ).all()
    return [_variant_ref(r) for r in rows]


#: ``_variant_columns`` as plain SQL: every stock action looks its variants up, and building
#: and compiling the ORM query cost more than the round trip
VARIANT_REFS_SQL = (
    "SELECT v.id AS variant_id, v.sku, p.title AS product_title, "
    "coalesce(nullif(concat_ws(' / ', v.option1, v.option2, v.option3), ''), 'Default Title') "
    "AS variant_title, v.inventory_policy AS policy, v.cost "
    "FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ANY(:variant_ids)"
)
_VARIANT_REFS = text(VARIANT_REFS_SQL).bindparams(bindparam("variant_ids", type_=_BIGINT_ARRAY))


def variant_refs(session: Session, variant_ids: Iterable[int]) -> dict[int, VariantRef]:
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = session.execute(_VARIANT_REFS, {"variant_ids": ids}).all()
    return {r.variant_id: _variant_ref(r) for r in rows}


def require_variants(session: Session, variant_ids: Iterable[int]) -> dict[int, VariantRef]:
    """The variants, or NotFound naming the ids that do not exist (deleted meanwhile)."""
    ids = set(variant_ids)
    return require_all_found(ids, variant_refs(session, ids))


def require_all_found(ids: set[int], refs: dict[int, VariantRef]) -> dict[int, VariantRef]:
    """``refs`` if it holds every variant of ``ids``; else NotFound naming those it lacks."""
    missing = sorted(ids - set(refs))
    if missing:
        raise NotFound(
            f"Variant {', '.join(map(str, missing))} no longer exists; reload and try again."
        )
    return refs


def variant_refs_from_json(rows: list[dict[str, Any]]) -> dict[int, VariantRef]:
    """VariantRefs from ``VARIANT_REFS_SQL`` rows aggregated as JSON by a larger query."""
    return {r["variant_id"]: _variant_ref(SimpleNamespace(**r)) for r in rows}


def require_location(session: Session, location_id: int) -> Location:
    place = session.get(Location, location_id)
    if place is None:
        raise NotFound(f"Location {location_id} no longer exists.")
    return place


_LOCK_AND_READ = text(
    f"SELECT l.variant_id, l.location_id, {', '.join(f'l.{s}' for s in STATES)} "
    "FROM inventory_levels l JOIN unnest(:v, :l) AS k(v, l) "
    "ON l.variant_id = k.v AND l.location_id = k.l "
    "ORDER BY l.variant_id, l.location_id FOR UPDATE OF l"
).bindparams(bindparam("v", type_=_BIGINT_ARRAY), bindparam("l", type_=_BIGINT_ARRAY))


#: ``_LOCK_AND_READ`` for one level, with scalar parameters the server can keep one plan for
_LOCK_AND_READ_ONE = text(
    f"SELECT l.variant_id, l.location_id, {', '.join(f'l.{s}' for s in STATES)} "
    "FROM inventory_levels l WHERE l.variant_id = :v AND l.location_id = :l FOR UPDATE"
)


def locked_figures(
    uow: UnitOfWork, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Figures]:
    """Create missing levels, lock them in (variant, location) order, and read them.

    The rows stay locked until the unit of work ends, so what a service computes from these
    figures (a "set to" adjustment, a count's variance) cannot be overtaken by another
    transaction before it writes; pass ``levels_locked=True`` to ``move_stock`` then.
    """
    ordered = sorted(set(keys))
    if not ordered:
        return {}
    if len(ordered) == 1:
        params: dict[str, Any] = {"v": ordered[0][0], "l": ordered[0][1]}
        statement = _LOCK_AND_READ_ONE
    else:
        statement = _LOCK_AND_READ
        params = {"v": [k[0] for k in ordered], "l": [k[1] for k in ordered]}
    found = {(r.variant_id, r.location_id): _figures(r) for r in uow.execute(statement, params)}
    if len(found) < len(ordered):
        # first stock of a variant here: create the zero levels, then lock all in order
        ensure_levels(uow, ordered)
        found = {(r.variant_id, r.location_id): _figures(r) for r in uow.execute(statement, params)}
    return found


def read_figures(
    session: Session, keys: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Figures]:
    """Current figures without locking; a missing level reads as all zeros."""
    ordered = sorted(set(keys))
    if not ordered:
        return {}
    rows = session.execute(
        text(
            f"SELECT l.variant_id, l.location_id, {', '.join(f'l.{s}' for s in STATES)} "
            "FROM inventory_levels l JOIN unnest(:v, :l) AS k(v, l) "
            "ON l.variant_id = k.v AND l.location_id = k.l"
        ).bindparams(bindparam("v", type_=_BIGINT_ARRAY), bindparam("l", type_=_BIGINT_ARRAY)),
        {"v": [k[0] for k in ordered], "l": [k[1] for k in ordered]},
    ).all()
    found = {(r.variant_id, r.location_id): _figures(r) for r in rows}
    return {k: found.get(k, Figures(*k)) for k in ordered}


def _figures(row: Any) -> Figures:
    return Figures(row.variant_id, row.location_id, **{s: getattr(row, s) for s in STATES})


#: one level, the usual case: a function, so the server keeps its plan (a deferred statement
#: is planned every time it is sent); several: one statement over ``level_announcements`` too
_ANNOUNCE_ONE = "SELECT announce_level(%(topic)s, %(reason)s, %(reference)s, %(v)s, %(l)s)"
_ANNOUNCE_MANY = """
    INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, cache_tags, public)
    SELECT %(topic)s, 'variant', a.variant_id::text,
           a.figures || jsonb_build_object('reason', %(reason)s::text,
                                           'reference', %(reference)s::text),
           a.cache_tags, true
    FROM level_announcements a
    JOIN unnest(%(v)s::bigint[], %(l)s::bigint[]) AS k(v, l)
      ON a.variant_id = k.v AND a.location_id = k.l
    ORDER BY a.variant_id, a.location_id
"""


def announce_levels(
    uow: UnitOfWork, keys: Iterable[tuple[int, int]], *, reason: str, reference: str | None = None
) -> None:
    """Tell the storefront and other workstations that these levels changed: one outbox event
    per level, with the figures as they stand after the unit of work's earlier writes. One
    deferred statement (``UnitOfWork.defer``), however many levels: a 5,000-line count too.
    Cache tags name the SKU and the product so a storefront revalidates only those pages."""
    ordered = sorted(set(keys))
    if not ordered:
        return
    about = {"topic": TOPIC_LEVELS, "reason": str(reason), "reference": reference}
    if len(ordered) == 1:
        uow.defer(_ANNOUNCE_ONE, {**about, "v": ordered[0][0], "l": ordered[0][1]})
    else:
        v, loc = [k[0] for k in ordered], [k[1] for k in ordered]
        uow.defer(
            _ANNOUNCE_MANY,
            {**about, "v": array_literal(v, "bigint"), "l": array_literal(loc, "bigint")},
        )


# -- the stock list ----------------------------------------------------------------------------

#: sort keys the stock list offers; each ends with the level's key so the order is total
STOCK_SORTS = ("catalog", "sku", "product", "available", "on_hand", "bin")


@dataclass(frozen=True)
class StockFilter:
    location_id: int | None = None
    bin_id: int | None = None
    low_stock: bool = False
    out_of_stock: bool = False
    negative_available: bool = False

    @classmethod
    def of(cls, filters: Mapping[str, Any]) -> StockFilter:
        known = {k: filters[k] for k in cls.__dataclass_fields__ if k in filters}
        return cls(**known)


def list_stock(uow: UnitOfWork, request: PageRequest) -> Page[StockRow]:
    """A page of the stock list.

    With a location in ``request.filters["location_id"]``, every variant appears (zeros where it
    was never stocked there), so a new variant can be adjusted straight from the list. Without,
    one row per existing level. ``search`` matches SKU, product title, vendor or an exact
    barcode. Filters: ``bin_id``, ``low_stock``, ``out_of_stock``, ``negative_available``.
    Sorts: see ``STOCK_SORTS``. Keyset paging: page 5,000 costs what page 1 does.
    """
    flt = StockFilter.of(request.filters)
    sort = request.sort or "catalog"
    if sort not in STOCK_SORTS:
        raise ValidationFailed(f"The stock list cannot be sorted by {sort!r}.")
    with uow:
        statement, tables = _stock_statement(flt)
        if request.search.strip():
            # plan each search for its own term (a generic plan ignores the trigram indexes)
            uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            statement = statement.where(Variant.id.in_(_matching_variants(request.search)))
        one_location = flt.location_id is not None
        if sort == "sku":
            rows, next_after = _sku_keyset(uow.session, statement, tables, one_location, request)
        else:
            order = _sort_columns(sort, tables, one_location)
            rows, next_after = keyset(
                uow.session, statement, order, request.after, request.limit, request.descending
            )
        return Page([_stock_row(r) for r in rows], next_after)


#: the expression of products' trigram index, written as the index has it so it is used
_PRODUCT_WORDS: ColumnClause[str] = literal_column(
    "(products.title || ' ' || coalesce(products.vendor, '') || ' ' || words(products.tags))"
)


def _matching_variants(search: str) -> CompoundSelect[int]:
    """Variants whose SKU or product (title, vendor, tags) contains ``search``, or that carry
    it as a barcode. One indexed lookup per kind, united: an OR across the joined tables
    would read every variant."""
    term = search.strip()
    pattern = like_pattern(term)
    return union(
        select(Variant.id).where(Variant.sku.ilike(pattern)),
        select(Variant.id)
        .join(Product, Product.id == Variant.product_id)
        .where(_PRODUCT_WORDS.ilike(pattern)),
        select(Barcode.variant_id).where(Barcode.code == term),
    )


#: one run of a keyset walk: the statement, its order, and where it starts (None: the start)
_Phase = tuple["Select[*tuple[Any, ...]]", list[Any], tuple[Any, ...] | None]


def _sku_keyset(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    tables: _StockTables,
    one_location: bool,
    request: PageRequest,
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """Keyset paging by SKU, where variants without a SKU come after the others (before, when
    descending). SKUs with a value are read along their unique index, those without by id;
    the cursor's first value is None once the page is among the variants without one."""
    tail = [Variant.id] if one_location else [tables.level.c.variant_id, tables.level.c.location_id]
    after, limit, descending = request.after, request.limit, request.descending
    with_sku = statement.where(Variant.sku.is_not(None))
    without_sku = statement.where(Variant.sku.is_(None))
    phases: list[_Phase] = []
    sku_phase: _Phase
    null_phase: _Phase
    if after is None:
        sku_phase = (with_sku, [Variant.sku, *tail], None)
        null_phase = (without_sku, tail, None)
    elif after[0] is not None:
        bound = Variant.sku <= after[0] if descending else Variant.sku >= after[0]
        sku_phase = (with_sku.where(bound), [Variant.sku, *tail], tuple(after))
        null_phase = (without_sku, tail, None)
    else:
        sku_phase = (with_sku, [Variant.sku, *tail], None)
        null_phase = (without_sku, tail, tuple(after[1:]))
    if descending:
        # NULLs sort first when descending, as PostgreSQL has it
        phases = [null_phase] if after is None or after[0] is None else []
        phases.append(sku_phase)
    else:
        phases = [sku_phase] if after is None or after[0] is not None else []
        phases.append(null_phase)
    rows: list[tuple[Any, tuple[Any, ...]]] = []
    more = False
    for phase_statement, order, phase_after in phases:
        wanted = limit + 1 - len(rows)
        if wanted <= 0:
            break
        found, _ = keyset(session, phase_statement, order, phase_after, wanted, descending)
        is_sku_phase = len(order) > len(tail)
        for r in found:
            values = tuple(getattr(r, f"_k{i}") for i in range(len(order)))
            rows.append((r, values if is_sku_phase else (None, *values)))
    if len(rows) > limit:
        more = True
        rows = rows[:limit]
    next_after = rows[-1][1] if more and rows else None
    return [r for r, _ in rows], next_after


@dataclass(frozen=True)
class _StockTables:
    level: Any
    place: Any
    bin: Any


def _stock_statement(flt: StockFilter) -> tuple[Select[*tuple[Any, ...]], _StockTables]:
    level = InventoryLevel.__table__.alias("l")
    place = Location.__table__.alias("loc")
    bin_ = Bin.__table__.alias("b")
    figures = [func.coalesce(level.c[s], 0).label(s) for s in STATES]
    available = func.coalesce(level.c.available, 0)
    columns = [
        Variant.id.label("variant_id"),
        place.c.id.label("location_id"),
        place.c.name.label("location_name"),
        Product.id.label("product_id"),
        Product.title.label("product_title"),
        variant_title_sql().label("variant_title"),
        Variant.sku,
        select(Barcode.code)
        .where(Barcode.variant_id == Variant.id)
        .order_by(Barcode.id)
        .limit(1)
        .scalar_subquery()
        .label("barcode"),
        bin_.c.code.label("bin_code"),
        Variant.inventory_policy,
        *figures,
        available.label("available"),
        level.c.reorder_point,
        level.c.reorder_quantity,
        (level.c.variant_id.is_not(None)).label("is_stocked"),
    ]
    if flt.location_id is not None:
        statement = (
            select(*columns)
            .select_from(Variant)
            .join(Product, Product.id == Variant.product_id)
            .join(place, place.c.id == flt.location_id)
            .outerjoin(
                level,
                and_(level.c.variant_id == Variant.id, level.c.location_id == place.c.id),
            )
        )
    else:
        statement = (
            select(*columns)
            .select_from(level)
            .join(Variant, Variant.id == level.c.variant_id)
            .join(Product, Product.id == Variant.product_id)
            .join(place, place.c.id == level.c.location_id)
        )
    statement = statement.outerjoin(bin_, bin_.c.id == level.c.bin_id)
    if flt.bin_id is not None:
        statement = statement.where(level.c.bin_id == flt.bin_id)
    if flt.low_stock:
        statement = statement.where(
            level.c.reorder_point.is_not(None), level.c.available <= level.c.reorder_point
        )
    if flt.out_of_stock:
        statement = statement.where(available <= 0)
    if flt.negative_available:
        statement = statement.where(available < 0)
    return statement, _StockTables(level, place, bin_)


def _sort_columns(sort: str, tables: _StockTables, one_location: bool) -> list[Any]:
    """The order of the list: the chosen key, then what makes a row unique. Over one location
    a variant is unique (variants' primary key drives the scan); over all, the level's key."""
    heads: dict[str, list[Any]] = {
        "catalog": [],
        "sku": [func.coalesce(Variant.sku, "")],
        "product": [Product.title],
        "available": [func.coalesce(tables.level.c.available, 0)],
        "on_hand": [func.coalesce(tables.level.c.on_hand, 0)],
        "bin": [func.coalesce(tables.bin.c.code, "")],
    }
    head = heads[sort]
    if one_location:
        return [*head, Variant.id]
    return [*head, tables.level.c.variant_id, tables.level.c.location_id]


def keyset(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    order: Sequence[SQLColumnExpression[Any]],
    after: tuple[Any, ...] | None,
    limit: int,
    descending: bool = False,
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """Keyset paging over a composite, total order (the last columns must be unique together).

    Like ``services.paging.keyset_page`` but for keys of several columns, such as a level's
    (variant, location). The cursor is the values of ``order`` on the last row.
    """
    if after is not None:
        key = tuple_(*order)
        bound = tuple_(*[literal(v) for v in after])
        statement = statement.where(key < bound if descending else key > bound)
    statement = statement.order_by(*[c.desc() if descending else c for c in order])
    labels = [f"_k{i}" for i in range(len(order))]
    statement = statement.add_columns(*[c.label(n) for c, n in zip(order, labels, strict=True)])
    rows: list[Any] = list(session.execute(statement.limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = tuple(getattr(rows[-1], n) for n in labels) if more and rows else None
    return rows, next_after


def _stock_row(r: Any) -> StockRow:
    return StockRow(
        variant_id=r.variant_id,
        location_id=r.location_id,
        location_name=r.location_name,
        product_id=r.product_id,
        product_title=r.product_title,
        variant_title=r.variant_title,
        sku=r.sku,
        barcode=r.barcode,
        bin_code=r.bin_code,
        inventory_policy=r.inventory_policy,
        on_hand=r.on_hand,
        committed=r.committed,
        damaged=r.damaged,
        quality_control=r.quality_control,
        safety_stock=r.safety_stock,
        other_unavailable=r.other_unavailable,
        incoming=r.incoming,
        available=r.available,
        reorder_point=r.reorder_point,
        reorder_quantity=r.reorder_quantity,
        is_stocked=r.is_stocked,
    )


def stock_of_variant(uow: UnitOfWork, variant_id: int) -> tuple[VariantRef, list[StockRow]]:
    """A variant and its stock at every active location (zeros where never stocked)."""
    with uow:
        ref = require_variants(uow.session, [variant_id])[variant_id]
        rows = []
        for place_id in uow.session.scalars(
            select(Location.id).where(Location.is_active).order_by(Location.id)
        ):
            statement, _ = _stock_statement(StockFilter(location_id=place_id))
            row = uow.execute(statement.where(Variant.id == variant_id)).one()
            rows.append(_stock_row(row))
        return ref, rows


def lookup_code(uow: UnitOfWork, code: str) -> list[VariantRef]:
    """The variants a scanned or typed code names (see ``find_variants_by_code``)."""
    with uow:
        return find_variants_by_code(uow.session, code)


def search_variants(uow: UnitOfWork, search: str, *, limit: int = 25) -> list[VariantRef]:
    """Variants whose SKU, barcode or product title matches ``search``: exact codes first,
    then partial matches by SKU and title (trigram indexes)."""
    search = search.strip()
    if not search:
        return []
    with uow:
        exact = find_variants_by_code(uow.session, search)
        uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        pattern = like_pattern(search)
        rows = uow.execute(
            select(*_variant_columns())
            .join(Product, Product.id == Variant.product_id)
            .where(or_(Variant.sku.ilike(pattern), Product.title.ilike(pattern)))
            .order_by(Product.title, Variant.position, Variant.id)
            .limit(limit)
        ).all()
        seen = {v.variant_id for v in exact}
        return (
            exact
            + [_variant_ref(r) for r in rows if r.variant_id not in seen][
                : max(limit - len(exact), 0)
            ]
        )


def stock_rows(uow: UnitOfWork, location_id: int, variant_ids: Sequence[int]) -> list[StockRow]:
    """Stock-list rows of these variants at one location (zeros where never stocked), in the
    order asked."""
    if not variant_ids:
        return []
    with uow:
        statement, _ = _stock_statement(StockFilter(location_id=location_id))
        rows = {
            r.variant_id: _stock_row(r)
            for r in uow.execute(statement.where(Variant.id.in_(set(variant_ids))))
        }
        return [rows[v] for v in variant_ids if v in rows]
