"""Importing a product CSV (Shopify classic or 2025 headers, or WooCommerce).

``plan_product_import`` is the dry run: every row of the file with what would happen to it
(created, updated, unchanged, rejected, skipped), its line number and the reasons, and the
issues the merchant must decide (a SKU on two products, negative stock where overselling is
off, a barcode Excel turned into 7.84E+11, ...). ``import_products`` applies the same plan in
one transaction, all or nothing, and refuses while any row is still rejected. Importing the
same file again changes nothing: products are matched by handle, then by SKU; variants by SKU,
then by their options; every field is compared before anything is written.

Stock from the file (``Variant Inventory Qty``, ``Inventory quantity``, WooCommerce ``Stock``)
is the quantity on hand at the default location, set through the stock ledger with the reason
"import". A store without a default location gets one called "Main warehouse".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, Boolean, Integer, Text

from models.money import format_minor
from models.status import MovementReason
from services.actors import Actor
from services.catalog.events import ProductChange, emit_product_changes
from services.catalog.rules import gtin_check_digit_ok, is_valid_handle, slugify, variant_title
from services.errors import DomainError, ValidationFailed
from services.imports.columns import SHOPIFY, looks_like_woocommerce, normalise
from services.imports.records import (
    KEEP,
    Choice,
    Counts,
    ImageIn,
    ImportPlan,
    ImportResult,
    Issue,
    IssueKind,
    Outcome,
    Parsed,
    ProductIn,
    Resolutions,
    RowResult,
    VariantIn,
)
from services.imports.shopify import read_shopify
from services.imports.table import read_table
from services.imports.woocommerce import GroupedIn, read_woocommerce
from services.inventory.ledger import Movement, Reference, move_stock
from services.unit_of_work import UnitOfWork

#: called with (what is happening, done, total) while a big file is read and written
Progress = Callable[[str, int, int], None]
_IDS = ARRAY(BigInteger)


class ImportCancelled(DomainError):
    title = "Import cancelled"
    code = "cancelled"


class ImportRejected(ValidationFailed):
    """Rows are still rejected; nothing was imported."""


# -- what the store holds for the file's products ---------------------------------------------


@dataclass
class _StoreVariant:
    id: int
    product_id: int
    position: int
    sku: str | None
    options: tuple[str | None, str | None, str | None]
    price: int
    compare_at_price: int | None
    cost: int | None
    weight_grams: int | None
    inventory_policy: str
    requires_shipping: bool
    taxable: bool
    barcodes: tuple[str, ...]
    image_src: str | None
    on_hand: int


@dataclass
class _StoreProduct:
    id: int
    handle: str
    title: str
    description_html: str
    vendor: str | None
    product_type: str | None
    tags: tuple[str, ...]
    status: str
    published: bool
    seo_title: str | None
    seo_description: str | None
    options: list[tuple[str, list[str]]]
    variants: list[_StoreVariant] = field(default_factory=list)
    #: (id, src, alt, position)
    images: list[tuple[int, str, str, int]] = field(default_factory=list)
    collections: set[str] = field(default_factory=set)


def _load_store(
    session: Session, handles: list[str], skus: list[str], location_id: int | None
) -> tuple[dict[int, _StoreProduct], dict[str, int], dict[str, int]]:
    """The stored state of every product the file may touch: by id, handle -> id, SKU -> id."""
    rows = session.execute(
        text(
            """
            SELECT p.id, p.handle, p.title, p.description_html, p.vendor, p.product_type,
                   p.tags, p.status, p.published_at IS NOT NULL AS published, p.seo_title,
                   p.seo_description
            FROM products p
            WHERE p.handle = ANY(:handles)
               OR p.id IN (SELECT product_id FROM variants WHERE sku = ANY(:skus))
            """
        ).bindparams(bindparam("handles", type_=ARRAY(Text)), bindparam("skus", type_=ARRAY(Text))),
        {"handles": handles, "skus": skus},
    )
    products = {
        r.id: _StoreProduct(
            r.id,
            r.handle,
            r.title,
            r.description_html,
            r.vendor,
            r.product_type,
            tuple(r.tags),
            r.status,
            r.published,
            r.seo_title,
            r.seo_description,
            [],
        )
        for r in rows
    }
    if not products:
        return {}, {}, {}
    ids = sorted(products)
    by_ids = {"ids": ids}
    for r in session.execute(
        text(
            "SELECT product_id, name, values FROM product_options WHERE product_id = ANY(:ids) "
            "ORDER BY product_id, position"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].options.append((r.name, list(r.values)))
    for r in session.execute(
        text(
            """
            SELECT v.id, v.product_id, v.position, v.sku, v.option1, v.option2, v.option3,
                   v.price, v.compare_at_price, v.cost, v.weight_grams, v.inventory_policy,
                   v.requires_shipping, v.taxable, i.src AS image_src,
                   ARRAY(SELECT b.code FROM barcodes b WHERE b.variant_id = v.id ORDER BY b.id)
                       AS barcodes,
                   coalesce(l.on_hand, 0) AS on_hand
            FROM variants v
            LEFT JOIN product_images i ON i.id = v.image_id
            LEFT JOIN inventory_levels l ON l.variant_id = v.id AND l.location_id = :location
            WHERE v.product_id = ANY(:ids) ORDER BY v.product_id, v.position, v.id
            """
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids | {"location": location_id or 0},
    ):
        products[r.product_id].variants.append(
            _StoreVariant(
                r.id,
                r.product_id,
                r.position,
                r.sku,
                (r.option1, r.option2, r.option3),
                r.price,
                r.compare_at_price,
                r.cost,
                r.weight_grams,
                r.inventory_policy,
                r.requires_shipping,
                r.taxable,
                tuple(r.barcodes),
                r.image_src,
                r.on_hand,
            )
        )
    for r in session.execute(
        text(
            "SELECT id, product_id, src, alt_text, position FROM product_images "
            "WHERE product_id = ANY(:ids) ORDER BY product_id, position, id"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].images.append((r.id, r.src, r.alt_text, r.position))
    for r in session.execute(
        text(
            "SELECT cp.product_id, c.title FROM collection_products cp "
            "JOIN collections c ON c.id = cp.collection_id WHERE cp.product_id = ANY(:ids)"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].collections.add(r.title)
    by_handle = {p.handle: p.id for p in products.values()}
    by_sku = {v.sku: p.id for p in products.values() for v in p.variants if v.sku}
    return products, by_handle, by_sku


# -- the plan ---------------------------------------------------------------------------------

_PRODUCT_FIELDS = (
    ("title", "title"),
    ("description_html", "description"),
    ("vendor", "vendor"),
    ("product_type", "type"),
    ("tags", "tags"),
    ("status", "status"),
    ("seo_title", "SEO title"),
    ("seo_description", "SEO description"),
)
_VARIANT_FIELDS = (
    ("price", "price"),
    ("compare_at_price", "compare-at price"),
    ("cost", "cost"),
    ("weight_grams", "weight"),
    ("inventory_policy", "when out of stock"),
    ("requires_shipping", "requires shipping"),
    ("taxable", "charge tax"),
)
_MONEY = {"price", "compare_at_price", "cost"}


@dataclass
class _VariantWork:
    variant: VariantIn
    store: _StoreVariant | None
    changed: list[str]
    stock_delta: int = 0


@dataclass
class _ProductWork:
    product: ProductIn
    store: _StoreProduct | None
    changed: list[str]
    variants: list[_VariantWork] = field(default_factory=list)
    new_images: list[ImageIn] = field(default_factory=list)
    #: (image id, alt, position) of stored images the file describes differently
    image_updates: list[tuple[int, str, int]] = field(default_factory=list)
    options_changed: bool = False
    new_collections: list[str] = field(default_factory=list)
    published: bool | None = None


@dataclass
class _Work:
    products: list[_ProductWork]
    #: WooCommerce grouped products: the collection, its members, what importing changes
    grouped: list[tuple[GroupedIn, list[int | ProductIn], Outcome]]
    location_id: int | None


class _Planner:
    def __init__(self, parsed: Parsed, resolutions: Resolutions, currency: str) -> None:
        self.parsed = parsed
        self.resolutions = resolutions
        self.currency = currency
        #: every issue raised, with the merchant's decision (None: undecided)
        self.decisions: list[tuple[Issue, Choice | None]] = []
        self.by_line: dict[int, tuple[ProductIn, VariantIn | None]] = {}
        self.rejected_lines: set[int] = set()
        self.skipped_lines: set[int] = set()
        for product in parsed.products:
            for line in product.lines:
                self.by_line.setdefault(line, (product, None))
            for v in product.variants:
                self.by_line[v.line] = (product, v)

    def raise_issue(self, issue: Issue) -> Choice | None:
        choice = self.resolutions.choice(issue) if issue.choices else None
        self.decisions.append((issue, choice))
        found = self.by_line.get(issue.line)
        product, variant = found if found else (None, None)
        if choice is Choice.SKIP_PRODUCT and product is not None:
            product.skipped = True
        elif choice is Choice.SKIP_ROW:
            self.skipped_lines.add(issue.line)
            if variant is not None and variant.line == issue.line:
                variant.skipped = True
            elif product is not None:
                product.images = [i for i in product.images if i.line != issue.line]
        elif choice is Choice.CLEAR_SKU and variant is not None:
            variant.sku = None
            variant.sku_cleared = True
        elif choice is Choice.DROP_BARCODE and variant is not None:
            variant.barcode = KEEP
        elif choice is Choice.STOCK_AS_ZERO and variant is not None:
            variant.stock_note = (
                f"Import line {variant.line}: the file said {variant.quantity}, below zero "
                "where overselling is not allowed; taken as zero."
            )
            variant.quantity = 0
        elif choice is None and issue.blocking:
            if issue.kind is IssueKind.BAD_PRODUCT and product is not None:
                self.rejected_lines.update(product.lines)
            else:
                self.rejected_lines.add(issue.line)
        return choice


def _plan(
    session: Session,
    data: bytes,
    resolutions: Resolutions,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[ImportPlan, _Work]:
    def tick(stage: str, done: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled("The import was cancelled; nothing was changed.")
        if progress is not None:
            progress(stage, done, total)

    currency = session.execute(text("SELECT currency FROM store WHERE id = 1")).scalar() or "USD"
    tick("Reading the file", 0, 3)
    table = read_table(data, encoding=resolutions.encoding)
    if not table.headers:
        raise ValidationFailed("The file is empty: there is no header row.")
    grouped: list[GroupedIn] = []
    if looks_like_woocommerce(table.headers):
        parsed, grouped = read_woocommerce(table, currency)
    else:
        parsed = read_shopify(table, currency)
        if not any(normalise(h) in _KNOWN_SHOPIFY for h in table.headers):
            raise ValidationFailed(
                "This is not a product file this import knows: expected Shopify's columns "
                "(Handle or URL handle, Title, ...) or WooCommerce's (ID, Type, SKU, Name, ...)."
            )
    tick("Checking rows", 1, 3)
    planner = _Planner(parsed, resolutions, currency)
    for issue in parsed.issues:
        planner.raise_issue(issue)
    _check_file(planner)
    location_id = session.execute(text("SELECT id FROM locations WHERE is_default")).scalar()
    handles = [p.handle for p in parsed.products]
    skus = [v.sku for p in parsed.products for v in p.variants if v.sku]
    store, by_handle, by_sku = _load_store(session, handles, skus, location_id)
    tick("Comparing with the catalog", 2, 3)
    work = _compare(planner, store, by_handle, by_sku)
    work.location_id = location_id
    work.grouped = _grouped(planner, grouped, work, session)
    return _report(planner, table.encoding, work, grouped), work


_KNOWN_SHOPIFY = {
    normalise(spelling)
    for name, spellings in SHOPIFY.items()
    if name not in ("tags", "status", "type", "vendor", "collection")
    for spelling in spellings
}


def _check_file(planner: _Planner) -> None:
    """Within the file: a SKU on two variants, the same variant twice, a barcode shared."""
    holders: dict[str, tuple[ProductIn, VariantIn]] = {}
    barcodes: dict[str, list[VariantIn]] = {}
    for product in planner.parsed.products:
        if product.skipped:
            continue
        combos: dict[tuple, int] = {}
        for v in product.variants:
            if v.skipped:
                continue
            if v.sku:
                first = holders.get(v.sku)
                if first is None:
                    holders[v.sku] = (product, v)
                else:
                    where = (
                        "another variant of this product"
                        if first[0] is product
                        else f"“{_title(first[0])}”"
                    )
                    planner.raise_issue(
                        Issue(
                            v.line,
                            IssueKind.DUPLICATE_SKU,
                            f"SKU {v.sku} is also on line {first[1].line} ({where}). Import "
                            "this row without the SKU, or skip it.",
                        )
                    )
                    if v.skipped:
                        continue
            if product.options:
                combo = v.options[: len(product.options)]
                if combo in combos:
                    planner.raise_issue(
                        Issue(
                            v.line,
                            IssueKind.DUPLICATE_VARIANT,
                            f"{variant_title(combo)} is already on line {combos[combo]}.",
                        )
                    )
                    continue
                combos[combo] = v.line
            if v.barcode not in (None, KEEP):
                barcodes.setdefault(v.barcode, []).append(v)
    for code, holders_of in barcodes.items():
        if len(holders_of) > 1:
            for v in holders_of[1:]:
                planner.raise_issue(
                    Issue(
                        v.line,
                        IssueKind.SHARED_BARCODE,
                        f"Barcode {code} is also on line {holders_of[0].line}: a scan will find "
                        "both.",
                    )
                )


def _title(p: ProductIn | _StoreProduct) -> str:
    title = p.title
    return title if isinstance(title, str) and title else p.handle


def _compare(
    planner: _Planner,
    store: dict[int, _StoreProduct],
    by_handle: dict[str, int],
    by_sku: dict[str, int],
) -> _Work:
    work = _Work([], [], None)
    claimed: set[int] = set()
    for product in planner.parsed.products:
        if product.skipped or all(line in planner.rejected_lines for line in product.lines):
            continue
        stored = _match_product(product, store, by_handle, by_sku, claimed)
        if stored is not None:
            claimed.add(stored.id)
        work.products.append(_product_work(planner, product, stored, store, by_sku))
    return work


def _match_product(
    product: ProductIn,
    store: dict[int, _StoreProduct],
    by_handle: dict[str, int],
    by_sku: dict[str, int],
    claimed: set[int],
) -> _StoreProduct | None:
    if product.handle in by_handle:
        return store[by_handle[product.handle]]
    owners = {by_sku[v.sku] for v in product.variants if v.sku and v.sku in by_sku}
    if len(owners) == 1:
        owner = owners.pop()
        if owner not in claimed:
            return store[owner]  # the file renamed the product's handle
    return None


def _product_work(
    planner: _Planner,
    product: ProductIn,
    stored: _StoreProduct | None,
    store: dict[int, _StoreProduct],
    by_sku: dict[str, int],
) -> _ProductWork:
    if stored is None:
        if not isinstance(product.title, str) or not product.title.strip():
            planner.raise_issue(
                Issue(
                    product.line,
                    IssueKind.BAD_PRODUCT,
                    f"“{product.handle}” is not in the catalog yet and has no title here.",
                )
            )
        if not is_valid_handle(product.handle):
            suggestion = slugify(product.handle)
            planner.raise_issue(
                Issue(
                    product.line,
                    IssueKind.BAD_PRODUCT,
                    f"Handle “{product.handle}” may use only lower-case letters, digits and "
                    f"dashes{f' (such as “{suggestion}”)' if suggestion else ''}.",
                )
            )
    pw = _ProductWork(product, stored, [])
    if stored is not None:
        pw.changed = _product_changes(product, stored)
        if product.options_given and product.options:
            product.options = _keep_value_order(product.options, stored.options)
            pw.options_changed = product.options != stored.options
            if pw.options_changed:
                pw.changed.append("options")
        elif (
            product.options_given
            and not product.options
            and stored.options
            and all(v.options == (None, None, None) for v in product.variants)
        ):
            pw.options_changed = True
            pw.changed.append("options")
    unmatched = list(stored.variants) if stored else []
    for v in product.variants:
        if v.skipped:
            continue
        if v.sku and v.sku in by_sku and (stored is None or by_sku[v.sku] != stored.id):
            owner = store[by_sku[v.sku]]
            planner.raise_issue(
                Issue(
                    v.line,
                    IssueKind.DUPLICATE_SKU,
                    f"SKU {v.sku} belongs to “{owner.title}” in the catalog. Import this row "
                    "without the SKU, or skip it.",
                )
            )
            if v.skipped or v.line in planner.rejected_lines:
                continue
        match = _match_variant(v, unmatched, len(product.options))
        if match is not None:
            unmatched.remove(match)
            if v.sku_cleared:
                v.sku = match.sku
        policy = (
            v.inventory_policy
            if v.inventory_policy is not KEEP
            else (match.inventory_policy if match else "deny")
        )
        if v.quantity is not None and v.quantity < 0 and policy == "deny":
            planner.raise_issue(
                Issue(
                    v.line,
                    IssueKind.NEGATIVE_STOCK,
                    f"Stock {v.quantity} is below zero, but this variant may not be oversold. "
                    "Take it as zero (noted in the stock ledger), or skip the row.",
                )
            )
            if v.skipped or v.line in planner.rejected_lines:
                continue
        _warnings(planner, v, match)
        vw = _VariantWork(v, match, _variant_changes(v, match, planner.currency))
        if v.quantity is not None:
            vw.stock_delta = v.quantity - (match.on_hand if match else 0)
            if vw.stock_delta:
                vw.changed.append("stock")
        if v.line not in planner.rejected_lines:
            pw.variants.append(vw)
    if not product.skipped:
        _check_result(planner, pw)
    _images(pw)
    if stored is not None:
        pw.new_collections = [c for c in product.collections if c not in stored.collections]
    else:
        pw.new_collections = list(dict.fromkeys(product.collections))
    if product.published is not KEEP:
        was = stored.published if stored else False
        status = (
            product.status if product.status is not KEEP else (stored.status if stored else "draft")
        )
        want = bool(product.published) and status == "active"
        if want != was:
            pw.published = want
            if stored is not None:
                pw.changed.append("published")
    if stored is None and not pw.variants:
        for line in product.lines:
            if line not in planner.rejected_lines:
                planner.skipped_lines.add(line)
        product.skipped = True
    return pw


def _keep_value_order(
    file_options: list[tuple[str, list[str]]], stored: list[tuple[str, list[str]]]
) -> list[tuple[str, list[str]]]:
    """A CSV implies an option's value order by its rows; the catalog's order (which the
    merchant may have arranged) stays, and values new in the file follow it."""
    result = []
    for k, (name, values) in enumerate(file_options):
        if k < len(stored) and stored[k][0] == name:
            known = [v for v in stored[k][1] if v in values]
            result.append((name, known + [v for v in values if v not in known]))
        else:
            result.append((name, list(values)))
    return result


def _match_variant(
    v: VariantIn, candidates: list[_StoreVariant], option_count: int
) -> _StoreVariant | None:
    """The stored variant a row describes: the one with its SKU, else the one with its options
    (a variant is its option combination; a different SKU there is an SKU change)."""
    if v.sku:
        for c in candidates:
            if c.sku == v.sku:
                return c
    for c in candidates:
        if c.options == v.options and (not v.sku or c.sku is None or c.sku != v.sku):
            return c
    return None


def _check_result(planner: _Planner, pw: _ProductWork) -> None:
    """The product as it will stand must hold together: every variant with a value for each
    option, and no two variants alike. Stored variants the file does not mention count too."""
    stored = pw.store
    options = (
        [name for name, _ in pw.product.options]
        if pw.product.options_given or stored is None
        else [name for name, _ in stored.options]
    )
    matched = {vw.store.id for vw in pw.variants if vw.store is not None}
    final = [
        (vw.variant.options, vw.variant.sku or variant_title(vw.variant.options))
        for vw in pw.variants
    ]
    if stored is not None:
        final += [
            (v.options, v.sku or variant_title(v.options))
            for v in stored.variants
            if v.id not in matched
        ]
    misfits = [
        name
        for values, name in final
        if sum(1 for x in values if x) != len(options) or any(values[len(options) :])
    ]
    if misfits:
        described = ", ".join(options) if options else "no options"
        planner.raise_issue(
            Issue(
                pw.product.line,
                IssueKind.BAD_PRODUCT,
                f"“{_title(pw.product)}” would have {described}, but "
                f"{', '.join(misfits[:3])}{' and more' if len(misfits) > 3 else ''} would not fit "
                "(variants already in the catalog are kept). Give the file the same options "
                "as the catalog, or skip the product.",
            )
        )
        return
    seen: dict[tuple, str] = {}
    for values, name in final:
        if values in seen and options:
            planner.raise_issue(
                Issue(
                    pw.product.line,
                    IssueKind.BAD_PRODUCT,
                    f"“{_title(pw.product)}” would have {variant_title(values)} twice "
                    f"({seen[values]} and {name}).",
                )
            )
            return
        seen[values] = name


def _product_changes(product: ProductIn, stored: _StoreProduct) -> list[str]:
    changed = []
    for name, _ in _PRODUCT_FIELDS:
        new = getattr(product, name)
        if new is KEEP:
            continue
        if (
            name == "description_html"
            and (new or "").strip() == (stored.description_html or "").strip()
        ):
            continue
        if new != getattr(stored, name):
            changed.append(name)
    if product.handle != stored.handle:
        changed.append("handle")
    return changed


def _variant_changes(v: VariantIn, stored: _StoreVariant | None, currency: str) -> list[str]:
    if stored is None:
        return []
    changed = [
        name
        for name, _ in _VARIANT_FIELDS
        if getattr(v, name) is not KEEP and getattr(v, name) != getattr(stored, name)
    ]
    if v.sku != stored.sku:
        changed.append("sku")
    if v.options != stored.options:
        changed.append("options")
    if (
        v.barcode is not KEEP
        and v.barcode is not None
        and (not stored.barcodes or stored.barcodes[0] != v.barcode)
    ):
        changed.append("barcode")
    if v.barcode is None and stored.barcodes:
        pass  # an empty barcode cell keeps the stored barcodes: a scan still finds them
    if v.image_src and v.image_src != stored.image_src:
        changed.append("image")
    return changed


def _warnings(planner: _Planner, v: VariantIn, match: _StoreVariant | None) -> None:
    if isinstance(v.barcode, str) and gtin_check_digit_ok(v.barcode) is False:
        planner.raise_issue(
            Issue(
                v.line,
                IssueKind.CHECK_DIGIT,
                f"Barcode {v.barcode} has a wrong check digit; imported as written.",
            )
        )
    price = v.price if v.price is not KEEP else (match.price if match else 0)
    compare = (
        v.compare_at_price
        if v.compare_at_price is not KEEP
        else (match.compare_at_price if match else None)
    )
    if compare is not None and price is not None and compare < price:
        planner.raise_issue(
            Issue(
                v.line,
                IssueKind.COMPARE_AT_BELOW_PRICE,
                f"Compare-at price {format_minor(compare, planner.currency)} is below the price "
                f"{format_minor(price, planner.currency)}: the storefront shows no saving.",
            )
        )


def _images(pw: _ProductWork) -> None:
    stored = {src: (iid, alt, pos) for iid, src, alt, pos in (pw.store.images if pw.store else [])}
    ordered = sorted(
        enumerate(pw.product.images),
        key=lambda e: e[1].position if e[1].position is not None else 10_000 + e[0],
    )
    for position, (_, image) in enumerate(ordered, start=1):
        if image.src in stored:
            iid, alt, pos = stored[image.src]
            new_alt = alt if image.alt_text is KEEP else image.alt_text
            if new_alt != alt or pos != position:
                pw.image_updates.append((iid, new_alt, position))
        else:
            image.position = position
            pw.new_images.append(image)
    if (pw.new_images or pw.image_updates) and pw.store is not None:
        pw.changed.append("images")


def _grouped(
    planner: _Planner, grouped: list[GroupedIn], work: _Work, session: Session
) -> list[tuple[GroupedIn, list[int | ProductIn], Outcome]]:
    """WooCommerce grouped products: collections of the products they list by SKU."""
    result = []
    in_file = {
        v.sku: pw for pw in work.products for v in pw.product.variants if v.sku and not v.skipped
    }
    for g in grouped:
        members: list[int | ProductIn] = []
        for sku in g.skus:
            pw = in_file.get(sku)
            if pw is not None:
                members.append(pw.store.id if pw.store else pw.product)
                continue
            owner = session.execute(
                text("SELECT product_id FROM variants WHERE sku = :s"), {"s": sku}
            ).scalar()
            if owner is None:
                planner.raise_issue(
                    Issue(
                        g.line,
                        IssueKind.NOT_IMPORTED,
                        f"The grouped product lists {sku}, which is neither in the file nor in "
                        "the catalog.",
                    )
                )
            else:
                members.append(owner)
        existing = session.execute(
            text(
                "SELECT ARRAY(SELECT product_id FROM collection_products cp "
                "WHERE cp.collection_id = c.id) FROM collections c WHERE c.title = :t"
            ),
            {"t": g.title},
        ).scalar()
        if existing is None:
            outcome = Outcome.CREATE
        elif all(isinstance(m, int) and m in existing for m in members):
            outcome = Outcome.UNCHANGED
        else:
            outcome = Outcome.UPDATE
        result.append((g, members, outcome))
    return result


# -- the report -------------------------------------------------------------------------------


def _report(planner: _Planner, encoding: str, work: _Work, grouped: list[GroupedIn]) -> ImportPlan:
    currency = planner.currency
    issues_by_line: dict[int, list[Issue]] = {}
    for issue, _choice in planner.decisions:
        issues_by_line.setdefault(issue.line, []).append(issue)
    outcome: dict[int, tuple[Outcome, list[str]]] = {}
    products = {o: 0 for o in Outcome}
    variants = {o: 0 for o in Outcome}
    images_new = 0
    stock_units = 0
    for pw in work.products:
        p = pw.product
        if p.skipped:
            continue
        name = _title(p)
        if pw.store is None:
            p_outcome = Outcome.CREATE
            headline = f"new product “{name}”"
        elif (
            pw.changed
            or any(v.store is None or v.changed for v in pw.variants)
            or (pw.new_collections)
        ):
            p_outcome = Outcome.UPDATE
            headline = f"“{name}”: " + ", ".join(_describe_product(pw)) if pw.changed else ""
        else:
            p_outcome = Outcome.UNCHANGED
            headline = ""
        if any(line in planner.rejected_lines for line in p.lines):
            p_outcome = Outcome.REJECT
        products[p_outcome] += 1
        images_new += len(pw.new_images)
        for vw in pw.variants:
            v = vw.variant
            if vw.store is None:
                v_outcome = Outcome.CREATE
                reasons = [f"new variant {variant_title(v.options)}"]
                if v.quantity:
                    reasons.append(f"{v.quantity} in stock")
            elif vw.changed:
                v_outcome = Outcome.UPDATE
                reasons = [_describe_variant(vw, currency)]
            else:
                v_outcome = Outcome.UNCHANGED
                reasons = ["same as the catalog"]
            if v.stock_note:
                reasons.append("stock taken as zero")
            stock_units += max(vw.stock_delta, 0) if vw.store is None else vw.stock_delta
            variants[v_outcome] += 1
            if headline and v.line == p.line:
                reasons.insert(0, headline)
                if v_outcome is Outcome.UNCHANGED:
                    v_outcome = p_outcome
                    reasons.remove("same as the catalog")
            outcome[v.line] = (v_outcome, reasons)
        for line in p.lines:
            if line in outcome or line in planner.rejected_lines:
                continue
            new_here = [i for i in pw.new_images if i.line == line]
            if line == p.line and headline:
                outcome[line] = (p_outcome, [headline])
            elif new_here:
                outcome[line] = (
                    Outcome.CREATE if pw.store is None else Outcome.UPDATE,
                    [f"adds image {new_here[0].src.split('/')[-1].split('?')[0]}"],
                )
            elif pw.store is None:
                outcome[line] = (Outcome.CREATE, [f"part of new product “{name}”"])
            else:
                outcome[line] = (Outcome.UNCHANGED, ["same as the catalog"])
    for g, members, g_outcome in work.grouped:
        outcome[g.line] = (
            g_outcome,
            [
                f"collection “{g.title}” with {len(members)} product(s)"
                if g_outcome is not Outcome.UNCHANGED
                else "same as the catalog"
            ],
        )
    rows = []
    for line in sorted(planner.parsed.rows):
        _, handle, sku = planner.parsed.rows[line]
        issues = tuple(issues_by_line.get(line, ()))
        if line in planner.rejected_lines:
            reasons = [
                i.message for i in issues if i.blocking and planner_choice(planner, i) is None
            ]
            rows.append(RowResult(line, handle, sku, Outcome.REJECT, tuple(reasons), issues))
            continue
        if line in planner.skipped_lines or _product_skipped(planner, line):
            rows.append(RowResult(line, handle, sku, Outcome.SKIP, ("skipped as chosen",), issues))
            continue
        result, reasons = outcome.get(line, (Outcome.UNCHANGED, ["nothing to import"]))
        rows.append(RowResult(line, handle, sku, result, tuple(reasons), issues))
    variants[Outcome.REJECT] = sum(
        1
        for r in rows
        if r.outcome is Outcome.REJECT and planner.parsed.rows[r.line][0] == "variant"
    )
    variants[Outcome.SKIP] = sum(
        1 for r in rows if r.outcome is Outcome.SKIP and planner.parsed.rows[r.line][0] == "variant"
    )
    products[Outcome.SKIP] = sum(1 for p in planner.parsed.products if p.skipped)
    notes = list(planner.parsed.notes)
    kept = _kept_variants(work)
    if kept:
        notes.append(kept)
    return ImportPlan(
        format=planner.parsed.format,
        encoding=encoding,
        rows=tuple(rows),
        products=Counts(**{o.value: n for o, n in products.items()}),
        variants=Counts(**{o.value: n for o, n in variants.items()}),
        images_new=images_new,
        stock_units=stock_units,
        notes=tuple(notes),
        not_imported_columns=tuple(planner.parsed.not_imported_columns),
    )


def planner_choice(planner: _Planner, issue: Issue) -> Choice | None:
    for raised, choice in planner.decisions:
        if raised is issue:
            return choice
    return None


def _product_skipped(planner: _Planner, line: int) -> bool:
    found = planner.by_line.get(line)
    return bool(found and found[0].skipped)


def _kept_variants(work: _Work) -> str:
    kept = []
    for pw in work.products:
        if pw.store is None:
            continue
        matched = {vw.store.id for vw in pw.variants if vw.store is not None}
        extra = [v for v in pw.store.variants if v.id not in matched]
        if extra and pw.product.variants:
            names = ", ".join(v.sku or variant_title(v.options) for v in extra[:3])
            kept.append(f"“{pw.store.title}” keeps {names}")
    if not kept:
        return ""
    more = f" and {len(kept) - 5} more" if len(kept) > 5 else ""
    return (
        "Variants in the catalog but not in the file are kept (an import never deletes): "
        + "; ".join(kept[:5])
        + more
        + "."
    )


def _describe_product(pw: _ProductWork) -> list[str]:
    words = dict(_PRODUCT_FIELDS) | {
        "handle": "handle",
        "options": "options",
        "images": "images",
        "published": "publication",
    }
    out = []
    for name in pw.changed:
        if name == "handle" and pw.store is not None:
            out.append(f"handle {pw.store.handle} → {pw.product.handle}")
        elif name in ("title", "vendor", "product_type", "status") and pw.store is not None:
            out.append(
                f"{words[name]} {getattr(pw.store, name) or '(none)'} → "
                f"{getattr(pw.product, name) or '(none)'}"
            )
        else:
            out.append(f"{words.get(name, name)} changes")
    return out


def _describe_variant(vw: _VariantWork, currency: str) -> str:
    parts = []
    s, v = vw.store, vw.variant
    assert s is not None
    words = dict(_VARIANT_FIELDS)
    for name in vw.changed:
        if name in _MONEY:
            parts.append(
                f"{words[name]} {format_minor(getattr(s, name), currency) or '(none)'} → "
                f"{format_minor(getattr(v, name), currency) or '(none)'}"
            )
        elif name == "stock":
            parts.append(f"stock {s.on_hand} → {v.quantity}")
        elif name == "sku":
            parts.append(f"SKU {s.sku or '(none)'} → {v.sku or '(none)'}")
        elif name == "barcode":
            parts.append(f"barcode {s.barcodes[0] if s.barcodes else '(none)'} → {v.barcode}")
        else:
            parts.append(f"{words.get(name, name)} changes")
    return ", ".join(parts)


# -- the service functions --------------------------------------------------------------------


def plan_product_import(
    uow: UnitOfWork,
    data: bytes,
    *,
    resolutions: Resolutions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPlan:
    """The dry run: what importing ``data`` would do, row by row. Changes nothing.

    Raises ValidationFailed for a file that is no product file at all, ImportCancelled.
    """
    with uow:
        plan, _ = _plan(uow.session, data, resolutions or Resolutions(), progress, cancelled)
        return plan


def import_products(
    uow: UnitOfWork,
    actor: Actor,
    data: bytes,
    *,
    filename: str = "",
    resolutions: Resolutions | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Import the file as the dry run describes it: everything in one transaction, or nothing.

    Raises ImportRejected while any row is rejected (the message counts them by kind),
    PermissionDenied (catalog.import; catalog.prices to set prices; inventory.adjust to change
    the stock of variants already in the catalog), ImportCancelled.
    """
    with uow:
        uow.require(actor, "catalog.import")
        session = uow.session
        plan, work = _plan(session, data, resolutions or Resolutions(), progress, cancelled)
        if not plan.can_apply:
            raise ImportRejected(
                _rejection(plan), fields={"rows": f"{len(plan.rejected)} rejected"}
            )
        if any(
            (vw.store is None and vw.variant.price not in (KEEP, 0))
            or any(f in _MONEY for f in vw.changed)
            for pw in work.products
            if not pw.product.skipped
            for vw in pw.variants
        ):
            uow.require(actor, "catalog.prices")
        if any(
            vw.store is not None and vw.stock_delta for pw in work.products for vw in pw.variants
        ):
            uow.require(actor, "inventory.adjust")
        batch = uow.new_batch()
        writer = _Writer(uow, actor, work, batch, progress, cancelled, filename)
        writer.write()
        uow.audit(
            actor,
            "catalog.import",
            "import",
            batch,
            after={
                "file": filename,
                "format": plan.format,
                "products_created": plan.products.create,
                "products_updated": plan.products.update,
                "variants_created": plan.variants.create,
                "variants_updated": plan.variants.update,
                "skipped_rows": sum(1 for r in plan.rows if r.outcome is Outcome.SKIP),
            },
            note=f"Imported {filename or 'a product file'}",
        )
        uow.commit()
    return ImportResult(plan, batch, writer.location_id, writer.movements)


def _rejection(plan: ImportPlan) -> str:
    counts: dict[str, int] = {}
    for row in plan.rejected:
        for issue in row.issues:
            if issue.blocking:
                counts[issue.kind.label] = counts.get(issue.kind.label, 0) + 1
    kinds = "; ".join(f"{label}: {n}" for label, n in sorted(counts.items()))
    first = plan.rejected[0]
    return (
        f"Nothing was imported: {len(plan.rejected)} row{'s' if len(plan.rejected) != 1 else ''} "
        f"need a decision or a fix ({kinds}). The first is line {first.line}: "
        f"{first.reasons[0] if first.reasons else 'rejected'}"
    )


# -- writing ----------------------------------------------------------------------------------


class _Writer:
    """Writes a plan with a handful of set-based statements, whatever the file's size."""

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        work: _Work,
        batch: str,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
        filename: str,
    ) -> None:
        self.uow = uow
        self.session = uow.session
        self.actor = actor
        self.work = work
        self.batch = batch
        self.progress = progress
        self.cancelled = cancelled
        self.filename = filename
        self.location_id = work.location_id
        self.movements = 0
        self.product_ids: dict[int, int] = {}  # id(ProductIn) -> product id

    def tick(self, stage: str, done: int, total: int = 8) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled("The import was cancelled; nothing was changed.")
        if self.progress is not None:
            self.progress(stage, done, total)

    def write(self) -> None:
        live = [pw for pw in self.work.products if not pw.product.skipped]
        new = [pw for pw in live if pw.store is None]
        updated = [pw for pw in live if pw.store is not None]
        self.tick("Writing products", 1)
        self._insert_products(new)
        self._update_products([pw for pw in updated if pw.changed])
        self.tick("Writing options and images", 2)
        self._options([pw for pw in live if pw.store is None or pw.options_changed])
        images = self._images(live)
        self.tick("Writing variants", 3)
        variant_ids = self._variants(live, images)
        self.tick("Writing barcodes", 4)
        self._barcodes(live, variant_ids)
        self.tick("Setting stock", 5)
        self._stock(live, variant_ids)
        self.tick("Collections", 6)
        self._collections(live)
        self.tick("Recording the import", 7)
        self._audit_and_announce(new, updated)
        self.tick("Done", 8)

    def pid(self, pw: _ProductWork) -> int:
        return pw.store.id if pw.store is not None else self.product_ids[id(pw.product)]

    def _insert_products(self, new: list[_ProductWork]) -> None:
        if not new:
            return
        rows = self.session.execute(
            text(
                """
                INSERT INTO products (handle, title, description_html, vendor, product_type,
                                      tags, status, published_at, seo_title, seo_description)
                SELECT d.handle, d.title, d.body, d.vendor, d.type,
                       CASE WHEN d.tags = '' THEN '{}'::text[]
                            ELSE string_to_array(d.tags, chr(31)) END,
                       d.status, CASE WHEN d.published THEN now() END, d.seo_title, d.seo_desc
                FROM unnest(:handle, :title, :body, :vendor, :type, :tags, :status, :published,
                            :seo_title, :seo_desc)
                    AS d(handle, title, body, vendor, type, tags, status, published, seo_title,
                         seo_desc)
                RETURNING id, handle
                """
            ).bindparams(
                *(
                    bindparam(n, type_=ARRAY(Text))
                    for n in (
                        "handle",
                        "title",
                        "body",
                        "vendor",
                        "type",
                        "tags",
                        "status",
                        "seo_title",
                        "seo_desc",
                    )
                ),
                bindparam("published", type_=ARRAY(Boolean)),
            ),
            {
                "handle": [pw.product.handle for pw in new],
                "title": [_value(pw.product.title, pw.product.handle) for pw in new],
                "body": [_value(pw.product.description_html, "") for pw in new],
                "vendor": [_value(pw.product.vendor, None) for pw in new],
                "type": [_value(pw.product.product_type, None) for pw in new],
                "tags": [chr(31).join(_value(pw.product.tags, ())) for pw in new],
                "status": [_value(pw.product.status, "draft") for pw in new],
                "published": [bool(pw.published) for pw in new],
                "seo_title": [_value(pw.product.seo_title, None) for pw in new],
                "seo_desc": [_value(pw.product.seo_description, None) for pw in new],
            },
        )
        by_handle = {r.handle: r.id for r in rows}
        for pw in new:
            self.product_ids[id(pw.product)] = by_handle[pw.product.handle]

    def _update_products(self, changed: list[_ProductWork]) -> None:
        if not changed:
            return

        def pick(pw: _ProductWork, name: str) -> Any:
            new = getattr(pw.product, name)
            return getattr(pw.store, name) if new is KEEP else new

        self.session.execute(
            text(
                """
                UPDATE products p SET handle = d.handle, title = d.title,
                    description_html = d.body, vendor = d.vendor, product_type = d.type,
                    tags = CASE WHEN d.tags = '' THEN '{}'::text[]
                                ELSE string_to_array(d.tags, chr(31)) END,
                    status = d.status,
                    published_at = CASE
                        WHEN d.status <> 'active' THEN NULL
                        WHEN d.publish IS NULL THEN p.published_at
                        WHEN d.publish THEN coalesce(p.published_at, now()) END,
                    seo_title = d.seo_title, seo_description = d.seo_desc,
                    version = p.version + 1, updated_at = now()
                FROM unnest(:id, :handle, :title, :body, :vendor, :type, :tags, :status, :publish,
                            :seo_title, :seo_desc)
                    AS d(id, handle, title, body, vendor, type, tags, status, publish, seo_title,
                         seo_desc)
                WHERE p.id = d.id
                """
            ).bindparams(
                bindparam("id", type_=_IDS),
                *(
                    bindparam(n, type_=ARRAY(Text))
                    for n in (
                        "handle",
                        "title",
                        "body",
                        "vendor",
                        "type",
                        "tags",
                        "status",
                        "seo_title",
                        "seo_desc",
                    )
                ),
                bindparam("publish", type_=ARRAY(Boolean)),
            ),
            {
                "id": [pw.store.id for pw in changed if pw.store],
                "handle": [pw.product.handle for pw in changed],
                "title": [pick(pw, "title") for pw in changed],
                "body": [pick(pw, "description_html") for pw in changed],
                "vendor": [pick(pw, "vendor") for pw in changed],
                "type": [pick(pw, "product_type") for pw in changed],
                "tags": [chr(31).join(pick(pw, "tags")) for pw in changed],
                "status": [pick(pw, "status") for pw in changed],
                "publish": [pw.published for pw in changed],
                "seo_title": [pick(pw, "seo_title") for pw in changed],
                "seo_desc": [pick(pw, "seo_description") for pw in changed],
            },
        )

    def _options(self, pws: list[_ProductWork]) -> None:
        ids = [self.pid(pw) for pw in pws]
        if not ids:
            return
        self.session.execute(
            text("DELETE FROM product_options WHERE product_id = ANY(:ids)").bindparams(
                bindparam("ids", type_=_IDS)
            ),
            {"ids": ids},
        )
        rows = [
            (self.pid(pw), position, name, chr(31).join(vals))
            for pw in pws
            for position, (name, vals) in enumerate(pw.product.options, start=1)
        ]
        if rows:
            self.session.execute(
                text(
                    "INSERT INTO product_options (product_id, position, name, values) "
                    "SELECT p, n, name, string_to_array(vals, chr(31)) "
                    "FROM unnest(:p, :n, :name, :vals) AS d(p, n, name, vals)"
                ).bindparams(
                    bindparam("p", type_=_IDS),
                    bindparam("n", type_=ARRAY(Integer)),
                    bindparam("name", type_=ARRAY(Text)),
                    bindparam("vals", type_=ARRAY(Text)),
                ),
                {
                    "p": [r[0] for r in rows],
                    "n": [r[1] for r in rows],
                    "name": [r[2] for r in rows],
                    "vals": [r[3] for r in rows],
                },
            )

    def _images(self, pws: list[_ProductWork]) -> dict[tuple[int, str], int]:
        """Image ids by (product id, src): stored ones and those inserted now."""
        ids: dict[tuple[int, str], int] = {}
        for pw in pws:
            if pw.store is not None:
                for iid, src, _, _ in pw.store.images:
                    ids[(pw.store.id, src)] = iid
        new = [(self.pid(pw), i) for pw in pws for i in pw.new_images]
        if new:
            rows = self.session.execute(
                text(
                    "INSERT INTO product_images (product_id, position, src, alt_text) "
                    "SELECT * FROM unnest(:p, :n, :src, :alt) RETURNING id, product_id, src"
                ).bindparams(
                    bindparam("p", type_=_IDS),
                    bindparam("n", type_=ARRAY(Integer)),
                    bindparam("src", type_=ARRAY(Text)),
                    bindparam("alt", type_=ARRAY(Text)),
                ),
                {
                    "p": [p for p, _ in new],
                    "n": [i.position or 1 for _, i in new],
                    "src": [i.src for _, i in new],
                    "alt": [_value(i.alt_text, "") for _, i in new],
                },
            )
            for r in rows:
                ids[(r.product_id, r.src)] = r.id
        updates = [u for pw in pws for u in pw.image_updates]
        if updates:
            self.session.execute(
                text(
                    "UPDATE product_images i SET alt_text = d.alt, position = d.n "
                    "FROM unnest(:id, :alt, :n) AS d(id, alt, n) WHERE i.id = d.id"
                ).bindparams(
                    bindparam("id", type_=_IDS),
                    bindparam("alt", type_=ARRAY(Text)),
                    bindparam("n", type_=ARRAY(Integer)),
                ),
                {
                    "id": [u[0] for u in updates],
                    "alt": [u[1] for u in updates],
                    "n": [u[2] for u in updates],
                },
            )
        return ids

    def _variants(
        self, pws: list[_ProductWork], images: dict[tuple[int, str], int]
    ) -> dict[int, int]:
        """Variant ids by line: inserted and updated variants of the file."""
        ids: dict[int, int] = {}
        inserts: list[tuple[int, int, _VariantWork]] = []
        updates: list[_VariantWork] = []
        for pw in pws:
            pid = self.pid(pw)
            position = max((v.position for v in pw.store.variants), default=0) if pw.store else 0
            for vw in pw.variants:
                if vw.store is None:
                    position += 1
                    inserts.append((pid, position, vw))
                else:
                    ids[vw.variant.line] = vw.store.id
                    if vw.changed:
                        updates.append(vw)

        def image_of(pid: int, vw: _VariantWork) -> int | None:
            src = vw.variant.image_src
            if src:
                return images.get((pid, src))
            return None

        if inserts:
            rows = self.session.execute(
                text(
                    """
                    INSERT INTO variants (product_id, position, sku, option1, option2, option3,
                        price, compare_at_price, cost, weight_grams, inventory_policy,
                        requires_shipping, taxable, image_id)
                    SELECT * FROM unnest(:p, :n, :sku, :o1, :o2, :o3, :price, :compare, :cost,
                                         :grams, :policy, :ship, :tax, :image)
                    RETURNING id, product_id, position
                    """
                ).bindparams(*_variant_binds(), bindparam("n", type_=ARRAY(Integer))),
                _variant_params(
                    [(pid, vw.variant, None, image_of(pid, vw)) for pid, _, vw in inserts]
                )
                | {"n": [n for _, n, _ in inserts]},
            )
            by_key = {(r.product_id, r.position): r.id for r in rows}
            for pid, n, vw in inserts:
                ids[vw.variant.line] = by_key[(pid, n)]
        if updates:
            params = _variant_params(
                [
                    (vw.store.product_id, vw.variant, vw.store, image_of(vw.store.product_id, vw))
                    for vw in updates
                    if vw.store is not None
                ]
            )
            # SKUs may move between variants of the file: free them first
            self.session.execute(
                text(
                    "UPDATE variants SET sku = NULL WHERE id = ANY(:ids) AND sku IS NOT NULL "
                    "AND sku <> ALL(coalesce(:skus, '{}'))"
                ).bindparams(bindparam("ids", type_=_IDS), bindparam("skus", type_=ARRAY(Text))),
                {
                    "ids": [vw.store.id for vw in updates if vw.store],
                    "skus": [s for s in params["sku"] if s],
                },
            )
            self.session.execute(
                text(
                    """
                    UPDATE variants v SET sku = d.sku, option1 = d.o1, option2 = d.o2,
                        option3 = d.o3, price = d.price, compare_at_price = d.compare,
                        cost = d.cost, weight_grams = d.grams, inventory_policy = d.policy,
                        requires_shipping = d.ship, taxable = d.tax,
                        image_id = coalesce(d.image, v.image_id),
                        version = v.version + 1, updated_at = now()
                    FROM unnest(:id, :sku, :o1, :o2, :o3, :price, :compare, :cost, :grams,
                                :policy, :ship, :tax, :image)
                        AS d(id, sku, o1, o2, o3, price, compare, cost, grams, policy, ship,
                             tax, image)
                    WHERE v.id = d.id
                    """
                ).bindparams(*_variant_binds(with_product=False), bindparam("id", type_=_IDS)),
                {k: v for k, v in params.items() if k != "p"}
                | {"id": [vw.store.id for vw in updates if vw.store]},
            )
            self._bump([vw.store.product_id for vw in updates if vw.store])
        return ids

    def _bump(self, product_ids: Iterable[int]) -> None:
        """A product whose variants changed has a new version: open editors see a conflict."""
        ids = sorted(set(product_ids))
        if ids:
            self.session.execute(
                text(
                    "UPDATE products SET version = version + 1, updated_at = now() "
                    "WHERE id = ANY(:ids)"
                ).bindparams(bindparam("ids", type_=_IDS)),
                {"ids": ids},
            )

    def _barcodes(self, pws: list[_ProductWork], variant_ids: dict[int, int]) -> None:
        replace: list[tuple[int, str, tuple[str, ...]]] = []
        for pw in pws:
            for vw in pw.variants:
                code = vw.variant.barcode
                if not isinstance(code, str):
                    continue
                if vw.store is None:
                    replace.append((variant_ids[vw.variant.line], code, ()))
                elif "barcode" in vw.changed:
                    others = tuple(b for b in vw.store.barcodes if b != code)
                    replace.append((vw.store.id, code, others))
        if not replace:
            return
        # the file's barcode goes first (the main one); the variant's others stay after it
        self.session.execute(
            text("DELETE FROM barcodes WHERE variant_id = ANY(:ids)").bindparams(
                bindparam("ids", type_=_IDS)
            ),
            {"ids": [vid for vid, _, _ in replace]},
        )
        rows = [(vid, code) for vid, main, others in replace for code in (main, *others)]
        self.session.execute(
            text(
                "INSERT INTO barcodes (variant_id, code) SELECT * FROM unnest(:v, :c) "
                "ON CONFLICT DO NOTHING"
            ).bindparams(bindparam("v", type_=_IDS), bindparam("c", type_=ARRAY(Text))),
            {"v": [r[0] for r in rows], "c": [r[1] for r in rows]},
        )

    def _stock(self, pws: list[_ProductWork], variant_ids: dict[int, int]) -> None:
        moves = [
            (variant_ids[vw.variant.line], vw)
            for pw in pws
            for vw in pw.variants
            if vw.stock_delta or vw.variant.stock_note
        ]
        if not moves:
            return
        location = self._default_location()
        reference = Reference.of("import", self.batch)
        plain = [
            Movement(vid, location, on_hand=vw.stock_delta)
            for vid, vw in moves
            if not vw.variant.stock_note
        ]
        self.movements += move_stock(
            self.uow,
            self.actor,
            plain,
            reason=MovementReason.IMPORT,
            reference=reference,
            note=f"Imported from {self.filename}" if self.filename else "Imported from a file",
        )
        for vid, vw in moves:
            if vw.variant.stock_note:
                self.movements += move_stock(
                    self.uow,
                    self.actor,
                    [Movement(vid, location, on_hand=vw.stock_delta)],
                    reason=MovementReason.IMPORT,
                    reference=reference,
                    note=vw.variant.stock_note,
                    record_unchanged=True,
                )

    def _default_location(self) -> int:
        if self.location_id is not None:
            return self.location_id
        code = "MAIN"
        taken = set(self.session.execute(text("SELECT code FROM locations")).scalars())
        n = 1
        while code in taken:
            n += 1
            code = f"MAIN{n}"
        self.location_id = int(
            self.session.execute(
                text(
                    "INSERT INTO locations (code, name, is_default) "
                    "VALUES (:code, 'Main warehouse', true) RETURNING id"
                ),
                {"code": code},
            ).scalar_one()
        )
        self.uow.audit(
            self.actor,
            "inventory.location.create",
            "location",
            self.location_id,
            after={"code": code, "name": "Main warehouse", "is_default": True},
            note="Created for stock in an imported product file: the store had no default "
            "location.",
        )
        return self.location_id

    def _collections(self, pws: list[_ProductWork]) -> None:
        wanted = [(self.pid(pw), title) for pw in pws for title in pw.new_collections]
        groups = [
            (g.title, [m if isinstance(m, int) else self.product_ids[id(m)] for m in members])
            for g, members, _ in self.work.grouped
        ]
        titles = list(dict.fromkeys([t for _, t in wanted] + [t for t, _ in groups]))
        if not titles:
            return
        self.session.execute(
            text(
                "INSERT INTO collections (title, handle) "
                "SELECT t, h FROM unnest(:t, :h) AS d(t, h) "
                "WHERE NOT EXISTS (SELECT 1 FROM collections c WHERE c.title = d.t) "
                "ON CONFLICT (handle) DO NOTHING"
            ).bindparams(bindparam("t", type_=ARRAY(Text)), bindparam("h", type_=ARRAY(Text))),
            {"t": titles, "h": [slugify(t) or "collection" for t in titles]},
        )
        ids = {
            r.title: r.id
            for r in self.session.execute(
                text("SELECT title, id FROM collections WHERE title = ANY(:t)").bindparams(
                    bindparam("t", type_=ARRAY(Text))
                ),
                {"t": titles},
            )
        }
        pairs = [(ids[t], p) for p, t in wanted if t in ids] + [
            (ids[t], p) for t, members in groups for p in members if t in ids
        ]
        if pairs:
            self.session.execute(
                text(
                    "INSERT INTO collection_products (collection_id, product_id) "
                    "SELECT * FROM unnest(:c, :p) ON CONFLICT DO NOTHING"
                ).bindparams(bindparam("c", type_=_IDS), bindparam("p", type_=_IDS)),
                {"c": [c for c, _ in pairs], "p": [p for _, p in pairs]},
            )

    def _audit_and_announce(self, new: list[_ProductWork], updated: list[_ProductWork]) -> None:
        touched = [
            pw
            for pw in updated
            if pw.changed
            or pw.new_collections
            or any(vw.store is None or vw.changed for vw in pw.variants)
        ]
        entries: list[tuple[object, dict[str, Any] | None, dict[str, Any] | None]] = [
            (self.pid(pw), None, _summary(pw)) for pw in new
        ] + [(self.pid(pw), {"version_before_import": True}, _summary(pw)) for pw in touched]
        self.uow.audit_many(
            self.actor,
            "catalog.import.product",
            "product",
            entries,
            note=f"Import of {self.filename}" if self.filename else "Import",
        )
        self._bump([self.pid(pw) for pw in touched if not pw.changed])
        for topic, pws in (("product.created", new), ("product.updated", touched)):
            changes = [
                ProductChange(
                    self.pid(pw),
                    pw.product.handle,
                    tuple(vw.variant.sku for vw in pw.variants if vw.variant.sku),
                    bool(pw.published) or bool(pw.store and pw.store.published),
                    tuple(sorted(set(pw.changed) | {f for vw in pw.variants for f in vw.changed})),
                    pw.store.handle if pw.store else None,
                )
                for pw in pws
            ]
            emit_product_changes(self.uow, topic, changes)


def _summary(pw: _ProductWork) -> dict[str, Any]:
    return {
        "handle": pw.product.handle,
        "changed": sorted(set(pw.changed)),
        "variants_created": sum(1 for vw in pw.variants if vw.store is None),
        "variants_updated": sum(1 for vw in pw.variants if vw.store is not None and vw.changed),
        "line": pw.product.line,
    }


def _value(value: Any, default: Any) -> Any:
    return default if value is KEEP else value


def _variant_binds(*, with_product: bool = True) -> tuple:
    return (
        *((bindparam("p", type_=_IDS),) if with_product else ()),
        bindparam("sku", type_=ARRAY(Text)),
        bindparam("o1", type_=ARRAY(Text)),
        bindparam("o2", type_=ARRAY(Text)),
        bindparam("o3", type_=ARRAY(Text)),
        bindparam("price", type_=ARRAY(BigInteger)),
        bindparam("compare", type_=ARRAY(BigInteger)),
        bindparam("cost", type_=ARRAY(BigInteger)),
        bindparam("grams", type_=ARRAY(Integer)),
        bindparam("policy", type_=ARRAY(Text)),
        bindparam("ship", type_=ARRAY(Boolean)),
        bindparam("tax", type_=ARRAY(Boolean)),
        bindparam("image", type_=_IDS),
    )


def _variant_params(
    rows: list[tuple[int, VariantIn, _StoreVariant | None, int | None]],
) -> dict[str, list[Any]]:
    def pick(v: VariantIn, s: _StoreVariant | None, name: str, default: Any) -> Any:
        value = getattr(v, name)
        if value is KEEP:
            return getattr(s, name) if s is not None else default
        return value

    return {
        "p": [p for p, _, _, _ in rows],
        "sku": [v.sku for _, v, _, _ in rows],
        "o1": [v.options[0] for _, v, _, _ in rows],
        "o2": [v.options[1] for _, v, _, _ in rows],
        "o3": [v.options[2] for _, v, _, _ in rows],
        "price": [pick(v, s, "price", 0) or 0 for _, v, s, _ in rows],
        "compare": [pick(v, s, "compare_at_price", None) for _, v, s, _ in rows],
        "cost": [pick(v, s, "cost", None) for _, v, s, _ in rows],
        "grams": [pick(v, s, "weight_grams", None) for _, v, s, _ in rows],
        "policy": [pick(v, s, "inventory_policy", "deny") for _, v, s, _ in rows],
        "ship": [pick(v, s, "requires_shipping", True) for _, v, s, _ in rows],
        "tax": [pick(v, s, "taxable", True) for _, v, s, _ in rows],
        "image": [i for _, _, _, i in rows],
    }
