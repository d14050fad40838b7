"""Shopify product files, classic and 2025 headers: rows grouped by handle into products.

The first row of a handle carries the product (title, description, vendor, option names) and
usually its first variant. Further rows with the same handle are more variants, or only an
image ("image-only rows"). ``Option1 Name`` "Title" with the value "Default Title" means a
product without options.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache, partial

from models.money import MoneyFormat
from services.catalog.rules import DEFAULT_TITLE, MAX_OPTIONS, slugify
from services.exports.cells import looks_like_formula, unprotect
from services.imports import values
from services.imports.columns import SHOPIFY, SHOPIFY_NOT_STORED, ColumnMap, map_columns, normalise
from services.imports.records import (
    KEEP,
    ImageIn,
    Issue,
    IssueKind,
    Parsed,
    ProductIn,
    VariantIn,
)
from services.imports.table import Row, Table

_VARIANT_FIELDS = (
    "option1_value",
    "option2_value",
    "option3_value",
    "sku",
    "price",
    "grams",
    "inventory_qty",
    "barcode",
    "compare_at_price",
    "cost",
)
_2025_MARKS = {"url handle", "product image url", "inventory quantity", "compare-at price"}


class ProductsInterleaved(Exception):
    """A product's rows resume after another product's: the file can't be read product by
    product (``stream_shopify``), only whole (``read_shopify``)."""


def read_shopify(table: Table, money: MoneyFormat) -> Parsed:
    reader = _open(table, money)
    for row in table.rows:
        reader.read(row)
    return reader.parsed


def stream_shopify(table: Table, money: MoneyFormat) -> tuple[Parsed, Iterator[ProductIn]]:
    """The file's products, each as soon as its last row is read, so the rest of the import
    can go on while the file is still being read. Shopify writes a product's rows together;
    when a product's rows resume after another's, the iterator raises ProductsInterleaved
    (``read_shopify`` reads such a file whole). ``parsed`` fills in as the iterator goes."""
    reader = _open(table, money)
    return reader.parsed, _products(reader, table)


def _open(table: Table, money: MoneyFormat) -> _Reader:
    columns = map_columns(table.headers, SHOPIFY, SHOPIFY_NOT_STORED)
    headers = {normalise(h) for h in table.headers}
    style = "2025 headers" if headers & _2025_MARKS else "classic headers"
    parsed = Parsed(f"Shopify product CSV ({style})", [], [], {})
    parsed.spreadsheet_rows = table.spreadsheet_rows
    kept = set(columns.not_imported)
    # a column we know by name is kept under its classic spelling, so a file exported in the
    # other style reads back the same
    classic = {columns.at(name): SHOPIFY[name][0] for name in SHOPIFY_NOT_STORED}
    extra = [(classic.get(i, h), i) for i, h in enumerate(table.headers) if h in kept and h.strip()]
    parsed.extra_columns = [h for h, _ in extra]
    translated = [(h, c) for h, c in columns.recognised if normalise(h) not in _ENGLISH]
    if translated:
        parsed.notes.append(
            "Columns read by their meaning: "
            + ", ".join(f"“{h}” as {c}" for h, c in translated)
            + "."
        )
    if extra:
        parsed.notes.append(
            "Kept as they are and given back by the export: " + ", ".join(h for h, _ in extra) + "."
        )
    if not columns.has("handle") and not columns.has("title"):
        parsed.notes.append(
            "The file has neither a Handle nor a Title column, so no row says which product it "
            "belongs to."
        )
    return _Reader(columns, money, parsed, extra)


def _products(reader: _Reader, table: Table) -> Iterator[ProductIn]:
    current: ProductIn | None = None
    done: set[int] = set()  # id() of the products yielded
    for row in table.rows:
        product = reader.read(row)
        if product is None or product is current:
            continue
        if id(product) in done:
            raise ProductsInterleaved(product.handle)
        if current is not None:
            done.add(id(current))
            yield current
        current = product
    if current is not None:
        yield current


def shopify_keys(table: Table) -> tuple[list[str], list[str]]:
    """The handles and SKUs a Shopify file names, read straight from its cells (no row is
    parsed): what to look up in the catalog before the products are read."""
    columns = map_columns(table.headers, SHOPIFY, SHOPIFY_NOT_STORED)
    handle, title, sku = (columns.index.get(name) for name in ("handle", "title", "sku"))

    def cell(cells: tuple[str, ...], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    handles: dict[str, None] = {}
    skus: dict[str, None] = {}
    for row in table.rows:
        cells = row.cells
        name = cell(cells, handle).lower() or slugify(cell(cells, title))
        if name:
            handles[name] = None
        code = cell(cells, sku).lstrip("'")
        if code:
            skus[code] = None
    return list(handles), list(skus)


_ENGLISH = {normalise(s) for spellings in SHOPIFY.values() for s in spellings[:1]} | {
    normalise(s)
    for s in (
        "URL handle",
        "Description",
        "Published on online store",
        "SKU",
        "Weight value (grams)",
        "Inventory quantity",
        "Continue selling when out of stock",
        "Price",
        "Compare-at price",
        "Requires shipping",
        "Charge tax",
        "Barcode",
        "Product image URL",
        "Variant image URL",
        "Variant Inventory Quantity",
        "Compare at price",
        "Body HTML",
        "Product Type",
        "Variant Cost",
        "Collections",
    )
}


class _Reader:
    def __init__(
        self, columns: ColumnMap, money: MoneyFormat, parsed: Parsed, extra: list[tuple[str, int]]
    ) -> None:
        self.c = columns
        #: (header, index) of the columns the catalog keeps as they are
        self._extra = extra
        #: index -> the value our export writes in that column anyway (not worth keeping)
        self._extra_defaults = {
            i: default
            for name, default in (("gift_card", "false"), ("fulfillment_service", "manual"))
            if (i := columns.at(name)) is not None
        }
        #: amounts are read as files write them; the report writes them as the store does
        self.money = money
        self.currency = money.currency
        self.parsed = parsed
        self.products: dict[str, ProductIn] = {}
        # the row's cells by field name, read once per row (a file can hold a million cells)
        self._index = [(name, i) for name, i in columns.index.items()]
        self._row: Row | None = None
        self._values: dict[str, str] = {}
        # a catalog repeats a few thousand amounts; not a bound method, so the reader holds
        # no reference cycle
        amount = lru_cache(maxsize=4096)(
            partial(values.money, currency=money.currency, locale=money.locale)
        )
        self._parsers = [
            (name, target, parse)
            for name, target, parse in (
                ("price", "price", amount),
                ("compare_at_price", "compare_at_price", amount),
                ("cost", "cost", amount),
                ("grams", "weight_grams", values.grams),
                ("inventory_qty", "quantity", values.quantity),
                ("requires_shipping", "requires_shipping", values.boolean),
                ("taxable", "taxable", values.boolean),
            )
            if columns.has(name)
        ]
        self._has = {name: columns.has(name) for name in SHOPIFY}
        self._image_srcs: dict[str, set[str]] = {}

    def cell(self, row: Row, name: str) -> str:
        """A cell of the row being read, trimmed ("" where the file has no such column)."""
        if row is not self._row:
            self._row = row
            cells = row.cells
            self._values = {name: cells[i].strip() for name, i in self._index}
            self._check_formulas(row.line)
        return self._values.get(name, "")

    def _check_formulas(self, line: int) -> None:
        """Text cells our export protected come back as written; a formula is named."""
        found = self._values
        for name in _TEXT_FIELDS:
            value = found.get(name)
            if not value or value[0] not in _FORMULA_STARTS:
                continue
            text = unprotect(value)
            found[name] = text
            if text is value and looks_like_formula(value):
                self.issue(
                    line,
                    IssueKind.FORMULA,
                    f"{_TEXT_LABEL.get(name, name.replace('_', ' ').capitalize())}: "
                    f"“{value[:40]}” starts with “{value[0]}”, so a spreadsheet would run it "
                    "as a formula; it is imported as text (our exports protect it).",
                )

    def issue(self, line: int, kind: IssueKind, message: str) -> None:
        self.parsed.issues.append(Issue(line, kind, message))

    def read(self, row: Row) -> ProductIn | None:
        """Read a row into its product; returns the product (None: the row has none)."""
        handle_text = self.cell(row, "handle").lower()
        title = self.cell(row, "title")
        handle = handle_text or slugify(title)
        sku = self.cell(row, "sku") or None
        self.parsed.rows[row.line] = ("variant", handle or None, sku)
        if row.problems:
            for problem in row.problems:
                self.issue(row.line, IssueKind.BAD_ROW, problem)
            self.parsed.broken.add(row.line)
            return None
        if not handle:
            self.issue(
                row.line,
                IssueKind.NO_PRODUCT,
                "This row has no handle and no title, so it belongs to no product.",
            )
            return None
        product = self.products.get(handle)
        if product is None:
            product = self._product(row, handle)
            self.products[handle] = product
            self.parsed.products.append(product)
        else:
            self._check_agrees(row, product)
        product.lines.append(row.line)
        if any(self.cell(row, f) for f in _VARIANT_FIELDS):
            self._variant(row, product)
        else:
            self.parsed.rows[row.line] = (
                "image" if self.cell(row, "image_src") else "product",
                handle,
                None,
            )
        self._images(row, product)
        return product

    def _check_agrees(self, row: Row, product: ProductIn) -> None:
        """A later row of a product that names another title or other options is another
        product under the same handle (rows pasted from two files, say): merging them would
        mix their options, so the product is rejected with both lines named."""
        title = self.cell(row, "title")
        if title and isinstance(product.title, str) and title != product.title:
            self._disagree(row, product, f"title “{product.title}”", f"“{title}”")
        names = [self.cell(row, f"option{n}_name") for n in (1, 2, 3)]
        if not any(names) or (names[0] == "Title" and not product.options):
            return
        ours = [name for name, _ in product.options]
        if [n for n in names if n] != ours:
            self._disagree(
                row,
                product,
                f"options {', '.join(ours) or 'none'}",
                ", ".join(n for n in names if n),
            )

    def _disagree(self, row: Row, product: ProductIn, first: str, later: str) -> None:
        self.issue(
            row.line,
            IssueKind.BAD_PRODUCT,
            f"Line {product.line} gives “{product.handle}” the {first}, but line {row.line} "
            f"gives it {later}: one handle for two different products. Give one of them "
            "another handle.",
        )

    def _product(self, row: Row, handle: str) -> ProductIn:
        p = ProductIn(line=row.line, handle=handle)
        c = self.c
        if c.has("title"):
            p.title = self.cell(row, "title")
        if c.has("body"):
            p.description_html = row.get(c.at("body"))
        if c.has("vendor"):
            p.vendor = self.cell(row, "vendor") or None
        if c.has("type"):
            p.product_type = self.cell(row, "type") or None
        if c.has("tags"):
            p.tags = tuple(
                dict.fromkeys(t.strip() for t in self.cell(row, "tags").split(",") if t.strip())
            )
        if c.has("seo_title"):
            p.seo_title = self.cell(row, "seo_title") or None
        if c.has("seo_description"):
            p.seo_description = self.cell(row, "seo_description") or None
        if c.has("collection"):
            p.collections = [
                t.strip() for t in self.cell(row, "collection").split(",") if t.strip()
            ]
        published: bool | None = None
        if c.has("published"):
            try:
                published = values.boolean(self.cell(row, "published"))
            except values.BadValue as error:
                self.issue(row.line, IssueKind.BAD_PRODUCT, f"Published: {error}.")
        if c.has("status") and self.cell(row, "status"):
            status = self.cell(row, "status").lower()
            if status in ("active", "draft", "archived"):
                p.status = status
            else:
                self.issue(
                    row.line,
                    IssueKind.BAD_PRODUCT,
                    f"Status “{self.cell(row, 'status')}” is not draft, active or archived.",
                )
        elif published is not None:
            p.status = "active" if published else "draft"  # files from before Status existed
        if published is not None:
            p.published = published
        names = [self.cell(row, f"option{n}_name") for n in (1, 2, 3)]
        p.options_given = any(self.c.has(f"option{n}_name") for n in (1, 2, 3))
        if names[0] == "Title" and self.cell(row, "option1_value") == DEFAULT_TITLE:
            names = []
        p.options = [(name, []) for name in names if name]
        if len(p.options) > MAX_OPTIONS:
            self.issue(row.line, IssueKind.BAD_PRODUCT, "A product has at most three options.")
        return p

    def _variant(self, row: Row, product: ProductIn) -> None:
        has = self._has
        line = row.line
        self.cell(row, "sku")  # reads the row's cells once
        cell = self._values.get
        sku = cell("sku", "")
        if sku.startswith("'"):
            sku = sku.lstrip("'")
            self.issue(line, IssueKind.TIDIED, f"SKU: leading apostrophe removed ({sku}).")
        v = VariantIn(line=line, sku=sku or None)
        self.parsed.rows[line] = ("variant", product.handle, v.sku)
        if not v.sku and has["sku"]:
            self.issue(
                line,
                IssueKind.NO_SKU,
                "No SKU: imported without one; a re-import finds it by its options.",
            )
        option_values = [
            cell("option1_value") or None,
            cell("option2_value") or None,
            cell("option3_value") or None,
        ]
        if not product.options and option_values[0] == DEFAULT_TITLE:
            option_values[0] = None
        for k, value in enumerate(option_values):
            if value is None:
                continue
            if k >= len(product.options):
                if product.options or k > 0 or product.variants:
                    self.issue(
                        line,
                        IssueKind.BAD_VALUE,
                        f"Option{k + 1} value “{value}” has no option name on the product's "
                        "first row.",
                    )
                    return
                product.options.append(("Title", []))  # legacy files name the option "Title"
            if value not in product.options[k][1]:
                product.options[k][1].append(value)
        for k, (name, _) in enumerate(product.options):
            if option_values[k] is None:
                self.issue(line, IssueKind.BAD_VALUE, f"No {name} given for this variant.")
                return
        v.options = (option_values[0], option_values[1], option_values[2])
        ok = True
        for name, target, parse in self._parsers:
            try:
                parsed = parse(cell(name, ""))
            except values.BadValue as error:
                self.issue(line, IssueKind.BAD_VALUE, f"{_LABEL[name]}: {error}.")
                ok = False
                continue
            if target in MONEY_TARGETS and isinstance(parsed, int):  # minor units
                written = cell(name, "")
                if values.extra_decimals(written, self.currency):
                    self.issue(
                        line,
                        IssueKind.TIDIED,
                        f"{_LABEL[name]}: {written} has more decimals than {self.currency} "
                        f"amounts; rounded to {self.money.format(parsed)}.",
                    )
            if parsed is None and name in ("requires_shipping", "taxable", "price"):
                if name == "price":
                    self.issue(line, IssueKind.TIDIED, "No price: a new variant gets 0.00.")
                continue
            setattr(v, target, parsed)
        if has["inventory_policy"]:
            policy = cell("inventory_policy", "").lower()
            if policy in ("deny", "false", "no"):
                v.inventory_policy = "deny"
            elif policy in ("continue", "true", "yes"):
                v.inventory_policy = "continue"
            elif policy:
                self.issue(
                    line,
                    IssueKind.BAD_VALUE,
                    f"When out of stock: “{policy}” is neither deny nor continue.",
                )
                ok = False
        if has["weight_unit"]:
            unit = cell("weight_unit", "").lower()
            unit = {"lbs": "lb", "kgs": "kg"}.get(unit, unit)
            if unit in ("g", "kg", "lb", "oz"):
                v.weight_unit = unit
            elif unit:
                self.issue(
                    line, IssueKind.BAD_VALUE, f"Weight unit “{unit}” is not g, kg, lb or oz."
                )
                ok = False
        if has["inventory_tracker"]:
            # blank: Shopify does not count it (gift cards, services); any tracker counts
            v.track_stock = bool(cell("inventory_tracker", ""))
        if self._extra:
            cells = row.cells
            # sorted: the export's column order is kept apart (catalog_extra_columns), and two
            # files with the columns in another order hold the same values
            v.extra = tuple(
                sorted(
                    (header, cells[i].strip())
                    for header, i in self._extra
                    if i < len(cells)
                    and cells[i].strip()
                    and cells[i].strip().lower() != self._extra_defaults.get(i)
                )
            )
        if has["barcode"]:
            reading = values.barcode(cell("barcode", ""))
            for note in reading.notes:
                self.issue(line, IssueKind.TIDIED, f"Barcode: {note}.")
            if reading.mangled:
                self.issue(
                    line,
                    IssueKind.MANGLED_BARCODE,
                    f"Barcode {reading.code} is in Excel's scientific notation: its digits are "
                    "lost. Format the column as text in the spreadsheet and export again, or "
                    "import the row without it.",
                )
                v.barcode = KEEP
            else:
                v.barcode = reading.code
        image = cell("variant_image", "")
        if image:
            v.image_src = image
            srcs = self._image_srcs.setdefault(product.handle, set())
            if image not in srcs:
                srcs.add(image)
                product.images.append(ImageIn(line, image, KEEP, None))
        if ok:
            product.variants.append(v)

    def _images(self, row: Row, product: ProductIn) -> None:
        src = self.cell(row, "image_src")
        if not src:
            return
        position_text = self.cell(row, "image_position")
        try:
            position = values.quantity(position_text) if position_text else None
        except values.BadValue:
            position = None
        alt = self.cell(row, "image_alt") if self.c.has("image_alt") else KEEP
        srcs = self._image_srcs.setdefault(product.handle, set())
        if src not in srcs:
            srcs.add(src)
            product.images.append(ImageIn(row.line, src, alt, position))
            return
        for image in product.images:
            if image.src == src:
                # a variant image met first, or the same image twice: one image
                if image.alt_text is KEEP or not image.alt_text:
                    image.alt_text = alt
                image.position = image.position or position
                return
        product.images.append(ImageIn(row.line, src, alt, position))


#: the cells that hold free text, where a formula could hide
_TEXT_FIELDS = (
    "title", "vendor", "type", "tags", "seo_title", "seo_description",
    "option1_name", "option1_value", "option2_name", "option2_value",
    "option3_name", "option3_value", "sku", "barcode", "image_alt", "collection",
)  # fmt: skip
_FORMULA_STARTS = frozenset("'=+-@\t\r")
_TEXT_LABEL = {"seo_title": "SEO title", "seo_description": "SEO description", "sku": "SKU"}
MONEY_TARGETS = frozenset({"price", "compare_at_price", "cost"})
_LABEL = {
    "price": "Price",
    "compare_at_price": "Compare-at price",
    "cost": "Cost per item",
    "grams": "Weight (grams)",
    "inventory_qty": "Inventory quantity",
    "requires_shipping": "Requires shipping",
    "taxable": "Charge tax",
}
