"""The dry run's engine: a parsed file compared with the store, row by row.

``plan_file`` reads the file, raises every issue (applying the merchant's decisions as it
goes), matches products by handle then SKU and variants by SKU then options, and reports what
importing would do. ``services.imports.writer`` carries out the same ``Work``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from models.money import MoneyFormat
from services.catalog.rules import (
    gtin_check_digit_ok,
    is_valid_handle,
    length_problem,
    slugify,
    variant_title,
)
from services.errors import ValidationFailed
from services.imports.columns import SHOPIFY, looks_like_woocommerce, normalise
from services.imports.records import (
    KEEP,
    Choice,
    Counts,
    ImageIn,
    ImportPlan,
    Issue,
    IssueKind,
    Outcome,
    Parsed,
    ProductIn,
    Resolutions,
    RowResult,
    VariantIn,
)
from services.imports.shopify import read_shopify, shopify_keys, stream_shopify
from services.imports.stored import StoredProduct, StoredVariant, load_store
from services.imports.table import read_table
from services.imports.woocommerce import GroupedIn, read_woocommerce
from services.progress import Progress
from services.store import money_format

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
    ("weight_unit", "weight unit"),
    ("inventory_policy", "when out of stock"),
    ("requires_shipping", "requires shipping"),
    ("taxable", "charge tax"),
    ("track_stock", "stock tracking"),
    ("extra", "other columns"),
)
MONEY_FIELDS = {"price", "compare_at_price", "cost"}


@dataclass
class VariantWork:
    variant: VariantIn
    store: StoredVariant | None
    changed: list[str]
    stock_delta: int = 0

    @property
    def moves_stock(self) -> bool:
        """Whether writing it touches the ledger: a change of stock, or a new variant whose
        stock the merchant decided to take as zero (its first ledger row carries that note).
        A variant already at the decided figure moves nothing, so a re-import changes
        nothing."""
        noted_first = self.variant.stock_note is not None and self.store is None
        return bool(self.stock_delta) or noted_first


@dataclass
class ProductWork:
    product: ProductIn
    store: StoredProduct | None
    changed: list[str]
    variants: list[VariantWork] = field(default_factory=list)
    new_images: list[ImageIn] = field(default_factory=list)
    #: (image id, alt, position) of stored images the file describes differently
    image_updates: list[tuple[int, str, int]] = field(default_factory=list)
    options_changed: bool = False
    #: the stored product's variants that no row of the file describes (kept as they are)
    not_in_file: list[StoredVariant] = field(default_factory=list)
    new_collections: list[str] = field(default_factory=list)
    published: bool | None = None


@dataclass
class Work:
    products: list[ProductWork]
    #: WooCommerce grouped products: the collection, its members, what importing changes
    grouped: list[tuple[GroupedIn, list[int | ProductIn], Outcome]]
    location_id: int | None


@dataclass
class PlannedFile:
    """A file compared with the store: the work importing it would do, and its report."""

    planner: Planner
    work: Work
    encoding: str
    grouped: list[GroupedIn]

    @property
    def rejects_rows(self) -> bool:
        """Some row is rejected until the merchant decides or fixes it: the file can't be
        applied (the report's ``can_apply``, without building the report)."""
        rejected = self.planner.rejected_lines
        return any(line in rejected for line in self.planner.parsed.rows)

    def report(self) -> ImportPlan:
        return _report(self.planner, self.encoding, self.work, self.grouped)


class Planner:
    def __init__(self, parsed: Parsed, resolutions: Resolutions, money: MoneyFormat) -> None:
        self.parsed = parsed
        self.resolutions = resolutions
        #: how the report writes amounts (the file's own are read as files write them)
        self.money = money
        #: every issue raised, with the merchant's decision (None: undecided)
        self.decisions: list[tuple[Issue, Choice | None]] = []
        self.by_line: dict[int, tuple[ProductIn, VariantIn | None]] = {}
        self.rejected_lines: set[int] = set()
        self.skipped_lines: set[int] = set()

    def add(self, product: ProductIn) -> None:
        """Know the product's rows: an issue on one of them may skip or change it."""
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


#: products planned between two calls of ``plan_file``'s ``on_products``
CHUNK = 1_000


def plan_file(
    session: Session,
    data: bytes,
    resolutions: Resolutions,
    progress: Progress,
    *,
    stream: bool = True,
    on_products: Callable[[Work, list[ProductWork]], bool] | None = None,
) -> PlannedFile:
    """The file read, checked and compared with the store. Its report is built on demand
    (``PlannedFile.report``), so an import can build it while the server writes.

    A Shopify file is planned product by product as it is read: ``on_products`` gets the
    work so far and each thousand products' part of it as soon as it is known (an import
    writes them while the rest of the file is read), as long as no row is rejected and it
    returns True. Raises ProductsInterleaved for a file whose products' rows are not
    together; ``stream=False`` plans such a file whole.
    """

    def tick(stage: str, done: int, total: int) -> None:
        progress.report(done, total, stage)  # raises Cancelled once the user asked to stop

    money = money_format(session)
    tick("Reading the file", 0, 3)
    table = read_table(data, encoding=resolutions.encoding)
    if not table.headers:
        raise ValidationFailed("The file is empty: there is no header row.")
    grouped: list[GroupedIn] = []
    products: Iterator[ProductIn]
    streamed = False
    if looks_like_woocommerce(table.headers):
        parsed, grouped = read_woocommerce(table, money)
    elif not any(normalise(h) in _KNOWN_SHOPIFY for h in table.headers):
        raise ValidationFailed(
            "This is not a product file this import knows: expected Shopify's columns "
            "(Handle or URL handle, Title, ...) or WooCommerce's (ID, Type, SKU, Name, ...)."
        )
    elif stream:
        streamed = True
        parsed, products = stream_shopify(table, money)
        handles, skus = shopify_keys(table)
    else:
        parsed = read_shopify(table, money)
    if not streamed:
        products = iter(parsed.products)
        handles = [p.handle for p in parsed.products]
        skus = [v.sku for p in parsed.products for v in p.variants if v.sku]
    tick("Checking rows", 1, 3)
    location_id = session.execute(text("SELECT id FROM locations WHERE is_default")).scalar()
    store, by_handle, by_sku = load_store(session, handles, skus, location_id)
    tick("Comparing with the catalog", 2, 3)
    planner = Planner(parsed, resolutions, money)
    checks = _FileChecks(planner)
    comparer = _Comparer(planner, store, by_handle, by_sku)
    work = Work([], [], location_id)
    issues = _ParseIssues(planner)
    batch: list[ProductWork] = []
    writing = on_products is not None
    last_line = table.rows[-1].line if table.rows else 0
    if not streamed:  # every product is known: all their rows' issues first, as they come
        for product in parsed.products:
            planner.add(product)
        issues.raise_all()
    for product in products:
        if streamed:
            planner.add(product)
            issues.raise_for(product)
        checks.check(product)
        if product.skipped:
            continue
        pw = comparer.compare(product)
        work.products.append(pw)
        batch.append(pw)
        if len(batch) == CHUNK:
            # how far into the file: the import's longest stage, while the server writes
            progress.report(product.lines[-1], last_line, "Reading and checking products")
            writing = writing and _hand_over(planner, work, batch, on_products)
            batch = []
    issues.raise_all()  # rows that belong to no product
    if batch:
        _hand_over(planner, work, batch, on_products if writing else None)
    work.grouped = _grouped(planner, grouped, work, session)
    return PlannedFile(planner, work, table.encoding, grouped)


def _hand_over(
    planner: Planner,
    work: Work,
    batch: list[ProductWork],
    on_products: Callable[[Work, list[ProductWork]], bool] | None,
) -> bool:
    """Give ``on_products`` the batch while the file can still be applied; whether to go on."""
    if on_products is None or planner.rejected_lines:
        return False
    return on_products(work, batch)


class _ParseIssues:
    """The issues the reader found, raised with the products they belong to."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.issues = planner.parsed.issues  # the reader appends to it as it reads
        self.pending: list[Issue] = []
        self.seen = 0

    def _take(self) -> None:
        self.pending += self.issues[self.seen :]
        self.seen = len(self.issues)

    def raise_for(self, product: ProductIn) -> None:
        """The issues of the product's rows, and of rows before them that belong to none.
        The reader has read one row past the product: that row's issues wait."""
        self._take()
        last = product.lines[-1]
        later = [i for i in self.pending if i.line > last]
        for issue in self.pending:
            if issue.line <= last:
                self.planner.raise_issue(issue)
        self.pending = later

    def raise_all(self) -> None:
        self._take()
        for issue in self.pending:
            self.planner.raise_issue(issue)
        self.pending = []


_KNOWN_SHOPIFY = {
    normalise(spelling)
    for name, spellings in SHOPIFY.items()
    if name not in ("tags", "status", "type", "vendor", "collection")
    for spelling in spellings
}


class _FileChecks:
    """Within the file: a SKU on two variants, the same variant twice, a barcode shared. The
    row met later gets the issue, so products can be checked one by one in file order."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.holders: dict[str, tuple[ProductIn, VariantIn]] = {}
        self.barcodes: dict[str, VariantIn] = {}

    def check(self, product: ProductIn) -> None:
        if product.skipped:
            return
        planner = self.planner
        combos: dict[tuple[str | None, ...], int] = {}
        for v in product.variants:
            if v.skipped:
                continue
            if v.sku:
                first = self.holders.get(v.sku)
                if first is None:
                    self.holders[v.sku] = (product, v)
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
                first_holder = self.barcodes.setdefault(v.barcode, v)
                if first_holder is not v:
                    planner.raise_issue(
                        Issue(
                            v.line,
                            IssueKind.SHARED_BARCODE,
                            f"Barcode {v.barcode} is also on line {first_holder.line}: a scan "
                            "will find both.",
                        )
                    )


def _title(p: ProductIn | StoredProduct) -> str:
    title = p.title
    return title if isinstance(title, str) and title else p.handle


class _Comparer:
    """Each product of the file against the store, in file order: matched by handle, then by
    SKU (a product the file already matched is not matched twice)."""

    def __init__(
        self,
        planner: Planner,
        store: dict[int, StoredProduct],
        by_handle: dict[str, int],
        by_sku: dict[str, int],
    ) -> None:
        self.planner = planner
        self.store = store
        self.by_handle = by_handle
        self.by_sku = by_sku
        self.claimed: set[int] = set()

    def compare(self, product: ProductIn) -> ProductWork:
        stored = _match_product(product, self.store, self.by_handle, self.by_sku, self.claimed)
        if stored is not None:
            self.claimed.add(stored.id)
        return _product_work(self.planner, product, stored, self.store, self.by_sku)


def _match_product(
    product: ProductIn,
    store: dict[int, StoredProduct],
    by_handle: dict[str, int],
    by_sku: dict[str, int],
    claimed: set[int],
) -> StoredProduct | None:
    if product.handle in by_handle:
        return store[by_handle[product.handle]]
    owners = {by_sku[v.sku] for v in product.variants if v.sku and v.sku in by_sku}
    if len(owners) == 1:
        owner = owners.pop()
        if owner not in claimed:
            return store[owner]  # the file renamed the product's handle
    return None


def _product_work(
    planner: Planner,
    product: ProductIn,
    stored: StoredProduct | None,
    store: dict[int, StoredProduct],
    by_sku: dict[str, int],
) -> ProductWork:
    _check_lengths(planner, product)
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
    pw = ProductWork(product, stored, [])
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
            if v.skipped:
                continue
        # a row already rejected is still checked on: the dry run names all its problems
        match = _match_variant(v, unmatched, len(product.options))
        if match is not None:
            unmatched.remove(match)
            if v.sku_cleared:
                v.sku = match.sku
        tracked = (
            v.track_stock if v.track_stock is not KEEP else (match is None or match.track_stock)
        )
        if not tracked and v.quantity is not None:
            planner.raise_issue(
                Issue(
                    v.line,
                    IssueKind.TIDIED,
                    "Inventory tracker is blank: Shopify does not count this variant's stock "
                    "(a gift card, a service), so it is always sellable and its quantity "
                    f"{v.quantity} is not kept.",
                )
            )
            v.quantity = None
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
            if v.skipped:
                continue
        limit = planner.resolutions.stock_limit
        if v.quantity is not None and v.quantity > limit:
            planner.raise_issue(
                Issue(
                    v.line,
                    IssueKind.LARGE_STOCK,
                    f"Stock {v.quantity:,} is more than {limit:,}, which is usually a typo (or a "
                    "barcode in the quantity column). Import it as written, or skip the row.",
                )
            )
            if v.skipped:
                continue
        _warnings(planner, v, match)
        vw = VariantWork(v, match, _variant_changes(v, match))
        if v.quantity is not None:
            vw.stock_delta = v.quantity - (match.on_hand if match else 0)
            if vw.stock_delta:
                vw.changed.append("stock")
        if v.line not in planner.rejected_lines:
            pw.variants.append(vw)
    for v in product.variants:  # a skipped row is still in the file
        if v.skipped and (match := _match_variant(v, unmatched, len(product.options))):
            unmatched.remove(match)
    pw.not_in_file = unmatched
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
    # nothing left to create: skipped as chosen (or rejected, until decided)
    if (
        stored is None
        and not pw.variants
        and not any(line in planner.rejected_lines for line in product.lines)
    ):
        planner.skipped_lines.update(product.lines)
        product.skipped = True
    return pw


def _check_lengths(planner: Planner, product: ProductIn) -> None:
    texts = [("handle", "Handle", product.handle)]
    texts += [
        (name, label.capitalize(), value)
        for name, label in _PRODUCT_FIELDS
        if name != "status" and isinstance(value := getattr(product, name), str)
    ]
    texts += [("option", "Option name", name) for name, _ in product.options]
    if isinstance(product.tags, tuple):
        texts += [("tag", f"Tag “{t[:20]}…”", t) for t in product.tags]
    for field_name, label, value in texts:
        problem = length_problem(field_name, label, value)
        if problem:
            planner.raise_issue(Issue(product.line, IssueKind.BAD_PRODUCT, problem))
    for v in product.variants:
        variant_texts = [("sku", "SKU", v.sku)]
        variant_texts += [("option", "Option value", o) for o in v.options if o]
        if isinstance(v.barcode, str):
            variant_texts.append(("barcode", "Barcode", v.barcode))
        for field_name, label, value in variant_texts:
            problem = length_problem(field_name, label, value)
            if problem:
                planner.raise_issue(Issue(v.line, IssueKind.BAD_VALUE, problem))


def _keep_value_order(
    file_options: list[tuple[str, list[str]]], stored: list[tuple[str, list[str]]]
) -> list[tuple[str, list[str]]]:
    """A CSV implies an option's value order by its rows; the catalog's order (which the
    merchant may have arranged) stays, and values new in the file follow it."""
    result = []
    for k, (name, values) in enumerate(file_options):
        if k < len(stored) and stored[k][0] == name:
            # values the file does not mention stay: their variants are kept (an import never
            # deletes), and a file of some variants changes no option
            known = stored[k][1]
            result.append((name, known + [v for v in values if v not in known]))
        else:
            result.append((name, list(values)))
    return result


def _match_variant(
    v: VariantIn, candidates: list[StoredVariant], option_count: int
) -> StoredVariant | None:
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


def _check_result(planner: Planner, pw: ProductWork) -> None:
    """The product as it will stand must hold together: every variant with a value for each
    option, and no two variants alike. Stored variants the file does not mention count too."""
    stored = pw.store
    options = (
        [name for name, _ in pw.product.options]
        if pw.product.options_given or stored is None
        else [name for name, _ in stored.options]
    )
    matched = {vw.store.id for vw in pw.variants if vw.store is not None}
    # (option values, SKU) of every variant the product will have
    final = [(vw.variant.options, vw.variant.sku) for vw in pw.variants]
    if stored is not None:
        final += [(v.options, v.sku) for v in stored.variants if v.id not in matched]
    width = len(options)
    misfits = [
        sku or variant_title(values)
        for values, sku in final
        if sum(1 for x in values if x) != width or any(values[width:])
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
    seen: dict[tuple[str | None, ...], str | None] = {}
    for values, sku in final:
        if values in seen and options:
            first = seen[values] or variant_title(values)
            planner.raise_issue(
                Issue(
                    pw.product.line,
                    IssueKind.BAD_PRODUCT,
                    f"“{_title(pw.product)}” would have {variant_title(values)} twice "
                    f"({first} and {sku or variant_title(values)}).",
                )
            )
            return
        seen[values] = sku


def _product_changes(product: ProductIn, stored: StoredProduct) -> list[str]:
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


def _variant_changes(v: VariantIn, stored: StoredVariant | None) -> list[str]:
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


def _warnings(planner: Planner, v: VariantIn, match: StoredVariant | None) -> None:
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
                f"Compare-at price {planner.money.format(compare)} is below the price "
                f"{planner.money.format(price)}: the storefront shows no saving.",
            )
        )


def _images(pw: ProductWork) -> None:
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
    planner: Planner, grouped: list[GroupedIn], work: Work, session: Session
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


def _report(planner: Planner, encoding: str, work: Work, grouped: list[GroupedIn]) -> ImportPlan:
    money = planner.money
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
        # a product whose other rows can still be imported (once the merchant skips or fixes
        # the rejected one) is counted as what it would become; only a product with every row
        # rejected is a rejected product
        if all(line in planner.rejected_lines for line in p.lines):
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
                reasons = [_describe_variant(vw, money)]
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
    spreadsheet_rows = planner.parsed.spreadsheet_rows
    for line in sorted(planner.parsed.rows):
        _, handle, sku = planner.parsed.rows[line]
        issues = tuple(issues_by_line.get(line, ()))
        if line in planner.rejected_lines:
            result = Outcome.REJECT
            reasons = [
                i.message for i in issues if i.blocking and planner_choice(planner, i) is None
            ] or [_rejected_with(planner, issues_by_line, line)]
        elif line in planner.skipped_lines or _product_skipped(planner, line):
            result, reasons = Outcome.SKIP, ["skipped as chosen"]
        else:
            result, reasons = outcome.get(line, (Outcome.UNCHANGED, ["nothing to import"]))
        rows.append(
            RowResult(line, handle, sku, result, tuple(reasons), issues, spreadsheet_rows.get(line))
        )
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


def _rejected_with(planner: Planner, issues_by_line: dict[int, list[Issue]], line: int) -> str:
    """Why a row with no problem of its own is rejected: its product is, on another line."""
    product, _ = planner.by_line.get(line, (None, None))
    if product is not None:
        for other in product.lines:
            if any(i.kind is IssueKind.BAD_PRODUCT for i in issues_by_line.get(other, ())):
                return f"Its product “{product.handle}” is rejected: see line {other}."
    return "rejected"


def planner_choice(planner: Planner, issue: Issue) -> Choice | None:
    for raised, choice in planner.decisions:
        if raised is issue:
            return choice
    return None


def _product_skipped(planner: Planner, line: int) -> bool:
    found = planner.by_line.get(line)
    return bool(found and found[0].skipped)


def _kept_variants(work: Work) -> str:
    kept = []
    for pw in work.products:
        if pw.store is None:
            continue
        extra = pw.not_in_file
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


def _describe_product(pw: ProductWork) -> list[str]:
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


def _describe_variant(vw: VariantWork, money: MoneyFormat) -> str:
    parts = []
    s, v = vw.store, vw.variant
    assert s is not None
    words = dict(_VARIANT_FIELDS)
    for name in vw.changed:
        if name in MONEY_FIELDS:
            parts.append(
                f"{words[name]} {money.format(getattr(s, name)) or '(none)'} → "
                f"{money.format(getattr(v, name)) or '(none)'}"
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
