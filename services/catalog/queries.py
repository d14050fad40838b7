"""Reading the catalog: the variant list (keyset pages, search-as-you-type, filters, sort),
a product's detail, and the values the filters offer.

The list is built for a million variants. Every sort order is an index the query walks
(``models.catalog`` names them), and a page continues from the last row's sort key, never by
OFFSET. Search is where a plain query goes wrong at that size: PostgreSQL walks the sort index
and filters row by row, which is instant when matches are everywhere and takes a third of a
second when they cluster at the far end of the sort order ("waterproof" sorts near the end).
So a search runs as up to three small queries, each with the plan that suits it, merged here:

- products whose title, vendor or tags contain the term: all matching products through the
  trigram index on ``products.search_text``, the first page of them by sort key, then their
  variants;
- variants whose SKU contains the term (trigram index) and variants with a barcode starting
  with it (a covering index): a capped probe; few matches are sorted directly, and many
  matches are dense enough that walking the sort index finds a page at once.

Terms shorter than three characters have no trigram to look up; they match the start of the
product title, which the title sort index answers as a range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from models.catalog import SKU_SORT, TITLE_SORT, TYPE_SORT, VENDOR_SORT
from services.arrays import Array
from services.catalog.records import (
    CollectionRow,
    ImageDetail,
    OptionDetail,
    ProductDetail,
    VariantDetail,
    VariantRow,
)
from services.catalog.rules import clean_barcode, variant_title
from services.errors import NotFound, ValidationFailed
from services.paging import Page, PageRequest, like_pattern
from services.store import money_format
from services.unit_of_work import UnitOfWork

#: matching variants a search probe collects before it calls the term "dense"
PROBE_CAP = {"sku": 1000, "barcode": 2000}
#: estimated SKU matches up to which collecting and sorting them beats walking the sort index
COLLECT_LIMIT = 12_000
#: shortest term the trigram indexes can look up
TRIGRAM_MIN = 3


class CatalogSort(StrEnum):
    TITLE = "title"
    VENDOR = "vendor"
    TYPE = "type"
    SKU = "sku"
    PRICE = "price"


class StockFilter(StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    LOW_STOCK = "low_stock"  # at or below a reorder point somewhere


@dataclass(frozen=True)
class CatalogFilter:
    """What the merchandiser narrowed the list to; also "all matching" for a bulk edit."""

    search: str = ""
    statuses: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    product_types: tuple[str, ...] = ()
    collection_id: int | None = None
    stock: StockFilter | None = None
    price_min: int | None = None
    price_max: int | None = None
    published: bool | None = None

    @classmethod
    def from_request(cls, request: PageRequest) -> CatalogFilter:
        return cls.from_mapping(request.filters, search=request.search)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, search: str = "") -> CatalogFilter:
        """From a view's saved filter settings; unknown keys are refused (a typo is a bug)."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown catalog filters: {sorted(unknown)}")
        given = dict(values)
        for name in ("statuses", "vendors", "product_types"):
            if name in given:
                given[name] = tuple(given[name] or ())
        if given.get("stock"):
            given["stock"] = StockFilter(given["stock"])
        given.setdefault("search", search)
        return cls(**given)

    @property
    def has_variant_conditions(self) -> bool:
        return self.stock is not None or self.price_min is not None or self.price_max is not None


@dataclass(frozen=True)
class _Sort:
    keys: tuple[str, ...]  # SQL expressions over p (products) and v (variants)
    product_level: bool
    #: a table the sort keys come from, joined to ``v``; its own column ends the key
    join: str = ""
    tail: tuple[str, ...] = ("v.id",)
    #: the price column that a price filter bounds (the joined one, to seek in its index)
    price: str = "v.price"

    @property
    def full(self) -> tuple[str, ...]:
        tail = ("p.id", "v.position", "v.id") if self.product_level else self.tail
        return self.keys + tail

    @property
    def product_part(self) -> tuple[str, ...]:
        return (*self.keys, "p.id")


def _on(alias: str, expression: str) -> str:
    """A models.catalog sort expression written on a table alias."""
    for column in ("title", "vendor", "product_type", "sku"):
        expression = expression.replace(f"({column}", f"({alias}.{column}")
    return expression


_SORTS = {
    CatalogSort.TITLE: _Sort((_on("p", TITLE_SORT),), True),
    CatalogSort.VENDOR: _Sort((_on("p", VENDOR_SORT), _on("p", TITLE_SORT)), True),
    CatalogSort.TYPE: _Sort((_on("p", TYPE_SORT), _on("p", TITLE_SORT)), True),
    CatalogSort.SKU: _Sort((_on("v", SKU_SORT),), False),
    # The price order is kept in a narrow table of its own (models.catalog.VariantPriceKey),
    # so that a price change leaves the indexes of ``variants`` alone. Its (price, variant)
    # index is walked in order; the keyset bound is written on its columns to seek there.
    CatalogSort.PRICE: _Sort(
        ("vp.price",),
        False,
        join="JOIN variant_price_keys vp ON vp.variant_id = v.id",
        tail=("vp.variant_id",),
        price="vp.price",
    ),
}
_BARCODE_STARTS = 'b.code COLLATE "C" LIKE :barcode_prefix'
_AVAILABLE = (
    "(SELECT coalesce(sum(l.available), 0) FROM inventory_levels l WHERE l.variant_id = v.id)"
)
_ON_HAND = "(SELECT coalesce(sum(l.on_hand), 0) FROM inventory_levels l WHERE l.variant_id = v.id)"
_INT_ARRAY = Array("bigint")


class _Where:
    """SQL conditions and their parameters, built from whitelisted fragments only."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: dict[str, Any] = {}

    def add(self, sql: str, **params: Any) -> None:
        self.parts.append(sql)
        self.params.update(params)

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"


def _product_conditions(f: CatalogFilter, where: _Where) -> None:
    if f.statuses:
        where.add("p.status = ANY(:statuses)", statuses=list(f.statuses))
    if f.vendors:
        where.add("p.vendor = ANY(:vendors)", vendors=list(f.vendors))
    if f.product_types:
        where.add("p.product_type = ANY(:types)", types=list(f.product_types))
    if f.collection_id is not None:
        where.add(
            "EXISTS (SELECT 1 FROM collection_products cp WHERE cp.product_id = p.id "
            "AND cp.collection_id = :collection_id)",
            collection_id=f.collection_id,
        )
    if f.published is not None:
        where.add("p.published_at IS NOT NULL" if f.published else "p.published_at IS NULL")


def _variant_conditions(f: CatalogFilter, where: _Where, *, price: str = "v.price") -> None:
    if f.price_min is not None:
        where.add(f"{price} >= :price_min", price_min=f.price_min)
    if f.price_max is not None:
        where.add(f"{price} <= :price_max", price_max=f.price_max)
    if f.stock is StockFilter.IN_STOCK:
        where.add(f"{_AVAILABLE} > 0")
    elif f.stock is StockFilter.OUT_OF_STOCK:
        where.add(f"{_AVAILABLE} <= 0")
    elif f.stock is StockFilter.LOW_STOCK:
        where.add(
            "EXISTS (SELECT 1 FROM inventory_levels l WHERE l.variant_id = v.id "
            "AND l.reorder_point IS NOT NULL AND l.available <= l.reorder_point)"
        )


def _search_condition(term: str, where: _Where) -> None:
    """The one definition of what a search term matches, for lists and "all matching"."""
    if len(term) < TRIGRAM_MIN:
        where.add(f"{_on('p', TITLE_SORT)} LIKE :prefix", prefix=_prefix(term))
        return
    where.add(
        "(p.search_text LIKE :text_pattern OR v.sku ILIKE :pattern OR EXISTS "
        f"(SELECT 1 FROM barcodes b WHERE b.variant_id = v.id AND {_BARCODE_STARTS}))",
        **_search_params(term),
    )


def _search_params(term: str) -> dict[str, str]:
    return {
        "text_pattern": like_pattern(term.lower()),
        "pattern": like_pattern(term),
        "barcode_prefix": like_pattern(clean_barcode(term))[1:],
    }


def _prefix(term: str) -> str:
    return like_pattern(term.lower())[1:]  # "ab%": the title starts with the term


def _keyset(
    sort: _Sort, request: PageRequest, where: _Where, *, products: _Where | None = None
) -> None:
    """Continue after the cursor. With ``products``, the bound on the product part of the key
    goes there (a query that pages products first); otherwise it joins ``where``."""
    if request.after is None:
        return
    op = "<" if request.descending else ">"
    after = list(request.after)
    if len(after) != len(sort.full):
        raise ValueError("the cursor belongs to another sort order")
    names = [f"c{i}" for i in range(len(after))]
    values = dict(zip(names, after, strict=True))
    where.add(f"({', '.join(sort.full)}) {op} ({', '.join(':' + n for n in names)})", **values)
    if sort.product_level:
        # the same bound on the product part alone is what the sort index can seek to
        n = len(sort.product_part)
        (products or where).add(
            f"({', '.join(sort.product_part)}) {op}= ({', '.join(':' + x for x in names[:n])})",
            **values,
        )


def _order(sort: _Sort, descending: bool) -> str:
    direction = " DESC" if descending else ""
    return ", ".join(k + direction for k in sort.full)


def _key_columns(sort: _Sort) -> str:
    return ", ".join(f"{k} AS k{i}" for i, k in enumerate(sort.full))


def _search_session(session: Session) -> None:
    # psycopg prepares repeated statements and a generic plan ignores the term (2 ms becomes
    # 250 ms); and the trigram and prefix indexes must win over a sequential scan the planner
    # may prefer when it overestimates matches. Both for this transaction only.
    session.execute(
        text(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
            "set_config('enable_seqscan', 'off', true)"
        )
    )


# -- the list ---------------------------------------------------------------------------------


def list_variants(uow: UnitOfWork, request: PageRequest) -> Page[VariantRow]:
    """One page of the catalog list, as the filter, search and sort in ``request`` say.

    ``request.sort`` is a CatalogSort value (title when None); ``request.filters`` holds
    CatalogFilter fields. The page's ``next_after`` continues exactly where it stopped.
    """
    f = CatalogFilter.from_request(request)
    sort = _SORTS[CatalogSort(request.sort or CatalogSort.TITLE)]
    term = f.search.strip()
    with uow:
        session = uow.session
        if term:
            _search_session(session)
        if term and len(term) >= TRIGRAM_MIN and sort.product_level:
            keyed = _search_branches(session, f, term, sort, request)
        else:
            keyed = _walk(session, f, term, sort, request)
        more = len(keyed) > request.limit
        keyed = keyed[: request.limit]
        rows = _rows(session, [vid for _, vid in keyed])
        next_after = keyed[-1][0] if more and keyed else None
        return Page(rows, next_after)


def _walk(
    session: Session, f: CatalogFilter, term: str, sort: _Sort, request: PageRequest
) -> list[tuple[tuple[Any, ...], int]]:
    """Sort keys and ids of one page, walking the sort index with every condition applied."""
    where = _Where()
    _product_conditions(f, where)
    _variant_conditions(f, where, price=sort.price)
    if term:
        _search_condition(term, where)
    _keyset(sort, request, where)
    return _keyed(
        session,
        f"SELECT {_key_columns(sort)} FROM variants v {sort.join} "
        f"JOIN products p ON p.id = v.product_id "
        f"WHERE {where.sql()} ORDER BY {_order(sort, request.descending)} LIMIT :limit",
        where.params | {"limit": request.limit + 1},
        len(sort.full),
        walk=True,
    )


def _search_branches(
    session: Session, f: CatalogFilter, term: str, sort: _Sort, request: PageRequest
) -> list[tuple[tuple[Any, ...], int]]:
    params = _search_params(term)
    limit = request.limit + 1
    found = _product_branch(session, f, params, sort, request)
    found += _sku_branch(session, f, params, sort, request)
    found += _barcode_branch(session, f, params, sort, request)
    unique = {vid: key for key, vid in found}
    merged = sorted(((k, v) for v, k in unique.items()), reverse=request.descending)
    return merged[:limit]


def _product_branch(
    session: Session, f: CatalogFilter, params: dict[str, str], sort: _Sort, request: PageRequest
) -> list[tuple[tuple[Any, ...], int]]:
    """Variants of the products whose title, vendor or tags match, first page by sort key."""
    matched = _Where()
    matched.add("p.search_text LIKE :text_pattern", text_pattern=params["text_pattern"])
    _product_conditions(f, matched)
    product_page = _Where()
    variant = _Where()
    _variant_conditions(f, variant)
    _keyset(sort, request, variant, products=product_page)
    # Each product has at least one variant, so the first `limit` products hold the page,
    # unless variant conditions may drop some of their variants.
    product_limit = "" if f.has_variant_conditions else "LIMIT :limit"
    direction = " DESC" if request.descending else ""
    product_keys = ", ".join(f"{k} AS pk{i}" for i, k in enumerate(sort.product_part))
    product_order = ", ".join(f"pk{i}{direction}" for i in range(len(sort.product_part)))
    # m: every matching product with its sort key, straight from the trigram index; pp: the
    # first page of them; then their variants, by primary key and product.
    statement = f"""
        WITH m AS MATERIALIZED (
            SELECT {product_keys} FROM products p
            WHERE {matched.sql()} AND {product_page.sql()}
        ), pp AS (
            SELECT pk{len(sort.product_part) - 1} AS id FROM m ORDER BY {product_order}
            {product_limit}
        )
        SELECT {_key_columns(sort)}
        FROM pp JOIN products p ON p.id = pp.id JOIN variants v ON v.product_id = p.id
        WHERE {variant.sql()}
        ORDER BY {_order(sort, request.descending)} LIMIT :limit
    """
    return _keyed(
        session,
        statement,
        matched.params | product_page.params | variant.params | {"limit": request.limit + 1},
        len(sort.full),
    )


def _sku_branch(
    session: Session, f: CatalogFilter, params: dict[str, str], sort: _Sort, request: PageRequest
) -> list[tuple[tuple[Any, ...], int]]:
    """Variants whose SKU contains the term.

    Few matches (the probe's cap) are sorted directly. For more, the cheaper plan depends on
    how many there are: collecting and sorting them costs what they number, walking the sort
    index costs what lies between them. The probe reads the table in physical order, so how
    far into the table it had to go for its cap estimates the total without counting it.
    """
    cap = PROBE_CAP["sku"]
    probe = session.execute(
        text(
            "SELECT v.id, (v.ctid::text::point)[0]::bigint AS block FROM variants v "
            "WHERE v.sku ILIKE :pattern LIMIT :cap"
        ),
        {"pattern": params["pattern"], "cap": cap + 1},
    ).all()
    if not probe:
        return []
    if len(probe) <= cap:
        return _branch_page(
            session, f, sort, request, "v.id = ANY(:ids)", ids=[r.id for r in probe]
        )
    blocks = session.execute(
        text(
            "SELECT greatest(pg_relation_size('variants') / "
            "current_setting('block_size')::bigint, 1)"
        )
    ).scalar_one()
    estimate = cap * blocks / (max(r.block for r in probe) + 1)
    return _branch_page(
        session,
        f,
        sort,
        request,
        "v.sku ILIKE :pattern",
        walk=estimate > COLLECT_LIMIT,
        pattern=params["pattern"],
    )


def _barcode_branch(
    session: Session, f: CatalogFilter, params: dict[str, str], sort: _Sort, request: PageRequest
) -> list[tuple[tuple[Any, ...], int]]:
    """Variants with a barcode that starts with the term.

    A prefix matching more than the probe's cap is not a barcode lookup yet (the first digits
    of a code are a manufacturer's whole range); barcodes join in once the term narrows them.
    """
    cap = PROBE_CAP["barcode"]
    ids = list(
        session.execute(
            text(
                "SELECT DISTINCT b.variant_id FROM (SELECT variant_id FROM barcodes b "
                f"WHERE {_BARCODE_STARTS} LIMIT :cap) b"
            ),
            {"barcode_prefix": params["barcode_prefix"], "cap": cap + 1},
        ).scalars()
    )
    if not ids or len(ids) > cap:
        return []
    return _branch_page(session, f, sort, request, "v.id = ANY(:ids)", ids=ids)


def _branch_page(
    session: Session,
    f: CatalogFilter,
    sort: _Sort,
    request: PageRequest,
    condition: str,
    *,
    walk: bool = False,
    **params: Any,
) -> list[tuple[tuple[Any, ...], int]]:
    where = _Where()
    where.add(condition, **params)
    _product_conditions(f, where)
    _variant_conditions(f, where, price=sort.price)
    _keyset(sort, request, where)
    statement = text(
        f"SELECT {_key_columns(sort)} FROM variants v {sort.join} "
        f"JOIN products p ON p.id = v.product_id "
        f"WHERE {where.sql()} ORDER BY {_order(sort, request.descending)} LIMIT :limit"
    )
    if "ids" in params:
        statement = statement.bindparams(bindparam("ids", type_=_INT_ARRAY))
    return _keyed(
        session, statement, where.params | {"limit": request.limit + 1}, len(sort.full), walk=walk
    )


def _keyed(
    session: Session, statement: Any, params: dict[str, Any], width: int, *, walk: bool = False
) -> list[tuple[tuple[Any, ...], int]]:
    """Run a page query; rows are (sort key, variant id).

    ``walk``: the query must walk its sort index in order and stop after a page. The planner
    misjudges how many rows a keyset bound and a prefix leave together and otherwise picks a
    bitmap scan that collects and sorts every match (190 ms instead of 2 ms for page two of
    "wa"), so bitmap scans are off for that one statement.
    """
    if isinstance(statement, str):
        statement = text(statement)
    if walk:
        session.execute(text("SELECT set_config('enable_bitmapscan', 'off', true)"))
    try:
        return [(tuple(r[:width]), r[width - 1]) for r in session.execute(statement, params)]
    finally:
        if walk:
            session.execute(text("SELECT set_config('enable_bitmapscan', 'on', true)"))


_ROW_SQL = text(
    f"""
    SELECT v.id, p.id AS product_id, p.title AS product_title, p.handle, v.sku,
           v.option1, v.option2, v.option3,
           (SELECT b.code FROM barcodes b WHERE b.variant_id = v.id ORDER BY b.id LIMIT 1)
               AS barcode,
           p.vendor, p.product_type, p.status, p.published_at IS NOT NULL AS published,
           v.price, v.compare_at_price, v.cost, v.inventory_policy,
           {_ON_HAND} AS on_hand, {_AVAILABLE} AS available,
           coalesce((SELECT currency FROM store WHERE id = 1), 'USD') AS currency
    FROM unnest(CAST(:ids AS bigint[])) WITH ORDINALITY AS k(id, n)
    JOIN variants v ON v.id = k.id JOIN products p ON p.id = v.product_id
    ORDER BY k.n
    """
)


def _rows(session: Session, ids: Sequence[int]) -> list[VariantRow]:
    if not ids:
        return []
    return [
        VariantRow(
            variant_id=r.id,
            product_id=r.product_id,
            product_title=r.product_title,
            variant_title=variant_title((r.option1, r.option2, r.option3)),
            handle=r.handle,
            sku=r.sku,
            barcode=r.barcode,
            vendor=r.vendor,
            product_type=r.product_type,
            status=r.status,
            published=r.published,
            price=r.price,
            compare_at_price=r.compare_at_price,
            cost=r.cost,
            inventory_policy=r.inventory_policy,
            on_hand=int(r.on_hand),
            available=int(r.available),
            currency=r.currency,
        )
        for r in session.execute(_ROW_SQL, {"ids": list(ids)})
    ]


def matching_variant_ids(session: Session, f: CatalogFilter) -> list[int]:
    """Every variant the filter matches, in id order: "select all matching" for a bulk edit."""
    where = _Where()
    _product_conditions(f, where)
    _variant_conditions(f, where)
    term = f.search.strip()
    if term:
        _search_session(session)
        _search_condition(term, where)
    return list(
        session.execute(
            text(
                "SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id "
                f"WHERE {where.sql()} ORDER BY v.id"
            ),
            where.params,
        ).scalars()
    )


def count_variants(uow: UnitOfWork, f: CatalogFilter, *, up_to: int | None = None) -> int:
    """How many variants match (stops counting at ``up_to``: "10,000+" is enough to show)."""
    where = _Where()
    _product_conditions(f, where)
    _variant_conditions(f, where)
    with uow:
        if f.search.strip():
            _search_session(uow.session)
            _search_condition(f.search.strip(), where)
        limit = "" if up_to is None else "LIMIT :up_to"
        return int(
            uow.session.execute(
                text(
                    "SELECT count(*) FROM (SELECT 1 FROM variants v JOIN products p "
                    f"ON p.id = v.product_id WHERE {where.sql()} {limit}) s"
                ),
                where.params | ({} if up_to is None else {"up_to": up_to}),
            ).scalar_one()
        )


# -- what the filters offer -------------------------------------------------------------------


def list_vendors(uow: UnitOfWork) -> list[str]:
    with uow:
        return list(
            uow.session.execute(
                text("SELECT DISTINCT vendor FROM products WHERE vendor IS NOT NULL ORDER BY 1")
            ).scalars()
        )


def list_product_types(uow: UnitOfWork) -> list[str]:
    with uow:
        return list(
            uow.session.execute(
                text(
                    "SELECT DISTINCT product_type FROM products "
                    "WHERE product_type IS NOT NULL AND product_type <> '' ORDER BY 1"
                )
            ).scalars()
        )


def list_collections(uow: UnitOfWork) -> list[CollectionRow]:
    with uow:
        rows = uow.session.execute(
            text(
                "SELECT c.id, c.version, c.handle, c.title, c.description_html, "
                "c.published_at IS NOT NULL AS published, "
                "(SELECT count(*) FROM collection_products cp WHERE cp.collection_id = c.id) AS n "
                "FROM collections c ORDER BY lower(c.title), c.id"
            )
        )
        return [
            CollectionRow(r.id, r.version, r.handle, r.title, r.description_html, r.published, r.n)
            for r in rows
        ]


# -- one product ------------------------------------------------------------------------------


def get_product(uow: UnitOfWork, product_id: int) -> ProductDetail:
    """Everything the product editor shows. Raises NotFound."""
    with uow:
        return load_product(uow.session, product_id)


def find_product_id(uow: UnitOfWork, *, handle: str | None = None, sku: str | None = None) -> int:
    """The product with this handle, or holding this SKU. Raises NotFound."""
    with uow:
        if handle:
            found = uow.session.execute(
                text("SELECT id FROM products WHERE handle = :h"), {"h": handle}
            ).scalar()
        elif sku:
            found = uow.session.execute(
                text("SELECT product_id FROM variants WHERE sku = :s"), {"s": sku}
            ).scalar()
        else:
            raise ValidationFailed("Give a handle or a SKU.")
        if found is None:
            raise NotFound(
                f"No product with {'handle ' + handle if handle else 'SKU ' + str(sku)}."
            )
        return int(found)


def find_product_id_of_variant(uow: UnitOfWork, variant_id: int) -> int:
    """The product a variant belongs to (global search opens variants). Raises NotFound."""
    with uow:
        found = uow.session.execute(
            text("SELECT product_id FROM variants WHERE id = :id"), {"id": variant_id}
        ).scalar()
    if found is None:
        raise NotFound("That variant no longer exists; someone may have deleted it.")
    return int(found)


def load_product(session: Session, product_id: int) -> ProductDetail:
    """A product's detail inside an open transaction (services reuse it after a change)."""
    p = session.execute(
        text(
            "SELECT id, version, handle, title, description_html, vendor, product_type, tags, "
            "status, published_at, seo_title, seo_description, updated_at "
            "FROM products WHERE id = :id"
        ),
        {"id": product_id},
    ).one_or_none()
    if p is None:
        raise NotFound("That product no longer exists; someone may have deleted it.")
    options = tuple(
        OptionDetail(r.position, r.name, tuple(r.values))
        for r in session.execute(
            text(
                "SELECT position, name, values FROM product_options WHERE product_id = :id "
                "ORDER BY position"
            ),
            {"id": product_id},
        )
    )
    variants = tuple(
        VariantDetail(
            id=r.id,
            version=r.version,
            position=r.position,
            sku=r.sku,
            options=(r.option1, r.option2, r.option3),
            price=r.price,
            compare_at_price=r.compare_at_price,
            cost=r.cost,
            weight_grams=r.weight_grams,
            inventory_policy=r.inventory_policy,
            requires_shipping=r.requires_shipping,
            taxable=r.taxable,
            barcodes=tuple(r.barcodes),
            image_id=r.image_id,
            on_hand=int(r.on_hand),
            available=int(r.available),
        )
        for r in session.execute(
            text(
                f"""
                SELECT v.*, {_ON_HAND} AS on_hand, {_AVAILABLE} AS available,
                       ARRAY(SELECT b.code FROM barcodes b WHERE b.variant_id = v.id
                             ORDER BY b.id) AS barcodes
                FROM variants v WHERE v.product_id = :id ORDER BY v.position, v.id
                """
            ),
            {"id": product_id},
        )
    )
    images = tuple(
        ImageDetail(r.id, r.position, r.src, r.alt_text, r.content_type, r.has_content)
        for r in session.execute(
            text(
                "SELECT id, position, src, alt_text, content_type, content IS NOT NULL "
                "AS has_content FROM product_images WHERE product_id = :id "
                "ORDER BY position, id"
            ),
            {"id": product_id},
        )
    )
    collection_ids = tuple(
        session.execute(
            text(
                "SELECT collection_id FROM collection_products WHERE product_id = :id "
                "ORDER BY collection_id"
            ),
            {"id": product_id},
        ).scalars()
    )
    return ProductDetail(
        id=p.id,
        version=p.version,
        handle=p.handle,
        title=p.title,
        description_html=p.description_html,
        vendor=p.vendor,
        product_type=p.product_type,
        tags=tuple(p.tags),
        status=p.status,
        published_at=p.published_at,
        seo_title=p.seo_title,
        seo_description=p.seo_description,
        options=options,
        variants=variants,
        images=images,
        collection_ids=collection_ids,
        updated_at=p.updated_at,
        currency=money_format(session).currency,
    )


def get_image_content(uow: UnitOfWork, image_id: int) -> tuple[bytes, str] | None:
    """An uploaded image's bytes and content type (None for an image only linked by URL)."""
    with uow:
        row = uow.session.execute(
            text("SELECT content, content_type FROM product_images WHERE id = :id"),
            {"id": image_id},
        ).one_or_none()
    if row is None or row.content is None:
        return None
    return bytes(row.content), row.content_type or "application/octet-stream"


__all__ = [
    "CatalogFilter",
    "CatalogSort",
    "StockFilter",
    "count_variants",
    "find_product_id",
    "find_product_id_of_variant",
    "get_image_content",
    "get_product",
    "list_collections",
    "list_product_types",
    "list_variants",
    "list_vendors",
    "load_product",
    "matching_variant_ids",
]
