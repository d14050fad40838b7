"""WooCommerce product exports: simple, variable, external and grouped products; variations as
separate rows linked to their parent by ``Parent`` (the parent's SKU, or ``id:44``).

How WooCommerce's shape maps onto this catalog:

- A variable product's attributes that its variations choose between become its options;
  each variation becomes a variant. An attribute every variation leaves at "any" (WooCommerce
  sells any size) is no option here, and the dry run says so.
- A simple product's single-valued attributes ("Color: Blue") become single-valued options,
  so nothing the file says is lost.
- Sale price, when set, is the price and the regular price the compare-at price.
- Categories become collections ("Clothing > Tshirts"); the first category's last part is the
  product type. Grouped products become collections of the products they group.
- The handle is made from the product's name (WooCommerce files carry no slug), so importing
  the same file again finds the same products.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.money import MoneyFormat
from services.catalog.rules import MAX_OPTIONS, option_values, slugify
from services.imports import values
from services.imports.columns import WOOCOMMERCE, WOOCOMMERCE_NOT_STORED, ColumnMap, map_columns
from services.imports.records import ImageIn, Issue, IssueKind, Parsed, ProductIn, VariantIn
from services.imports.table import Row, Table

_WEIGHT_UNITS = ("kg", "g", "lbs", "oz")


@dataclass
class _Entry:
    row: Row
    id: str
    kinds: set[str]
    sku: str | None
    name: str
    parent: str
    attributes: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class GroupedIn:
    """A grouped product: a collection of the products whose SKUs it lists."""

    line: int
    title: str
    skus: list[str]


def read_woocommerce(table: Table, money: MoneyFormat) -> tuple[Parsed, list[GroupedIn]]:
    columns = map_columns(table.headers, WOOCOMMERCE, WOOCOMMERCE_NOT_STORED)
    parsed = Parsed("WooCommerce product CSV", [], [], {})
    parsed.spreadsheet_rows = table.spreadsheet_rows
    parsed.not_imported_columns = list(columns.not_imported)
    if columns.recognised:
        parsed.notes.append(
            "Columns read by their meaning: "
            + ", ".join(f"“{h}” as {c}" for h, c in columns.recognised)
            + "."
        )
    reader = _Reader(columns, money, parsed)
    entries = [reader.entry(row) for row in table.rows]
    grouped = reader.build([e for e in entries if e is not None])
    return parsed, grouped


class _Reader:
    def __init__(self, columns: ColumnMap, money: MoneyFormat, parsed: Parsed) -> None:
        self.c = columns
        self.money = money
        self.parsed = parsed

    def cell(self, row: Row, name: str) -> str:
        return row.get(self.c.at(name)).strip()

    def issue(self, line: int, kind: IssueKind, message: str) -> None:
        self.parsed.issues.append(Issue(line, kind, message))

    def entry(self, row: Row) -> _Entry | None:
        sku = self.cell(row, "sku") or None
        self.parsed.rows[row.line] = ("variant", None, sku)
        if row.problems:
            for problem in row.problems:
                self.issue(row.line, IssueKind.BAD_ROW, problem)
            self.parsed.broken.add(row.line)
            return None
        kinds = {k.strip().lower() for k in self.cell(row, "type").split(",") if k.strip()}
        attributes = []
        for number in sorted(self.c.attributes):
            spots = self.c.attributes[number]
            name = row.get(spots.get("name")).strip()
            raw = row.get(spots.get("value")).strip()
            if name:
                attributes.append((name, [v.strip() for v in raw.split(",") if v.strip()]))
        return _Entry(
            row,
            self.cell(row, "id"),
            kinds,
            sku,
            self.cell(row, "name"),
            self.cell(row, "parent"),
            attributes,
        )

    def build(self, entries: list[_Entry]) -> list[GroupedIn]:
        by_id = {e.id: e for e in entries if e.id}
        by_sku = {e.sku: e for e in entries if e.sku and "variation" not in e.kinds}
        products: dict[int, ProductIn] = {}  # parent row line -> product
        handles: dict[str, int] = {}
        grouped: list[GroupedIn] = []
        variations: list[_Entry] = []
        for e in entries:
            line = e.row.line
            if "variation" in e.kinds:
                variations.append(e)
                continue
            if "grouped" in e.kinds:
                skus = [s.strip() for s in self.cell(e.row, "grouped").split(",") if s.strip()]
                grouped.append(GroupedIn(line, e.name, skus))
                self.parsed.rows[line] = ("collection", slugify(e.name), e.sku)
                self.issue(
                    line,
                    IssueKind.NOT_IMPORTED,
                    "A grouped product becomes a collection of the products it groups; its own "
                    "description and images are not kept.",
                )
                continue
            if not e.kinds & {"simple", "variable", "external"}:
                self.issue(
                    line,
                    IssueKind.BAD_VALUE,
                    f"Type “{self.cell(e.row, 'type')}” is not a product type this import knows.",
                )
                continue
            handle = self._handle(e, handles)
            product = self._product(e, handle)
            products[line] = product
            self.parsed.products.append(product)
            if "variable" in e.kinds:
                self.parsed.rows[line] = ("product", handle, e.sku)
                if e.sku:
                    self.issue(
                        line,
                        IssueKind.NOT_IMPORTED,
                        f"The parent SKU {e.sku} only links the variations: products have no "
                        "SKU of their own here.",
                    )
            else:
                self._single_variant(e, product)
        children: dict[int, list[_Entry]] = {}
        for e in variations:
            parent = self._parent(e, by_id, by_sku)
            if parent is None or parent.row.line not in products:
                self.issue(
                    e.row.line,
                    IssueKind.NO_PRODUCT,
                    f"Its parent “{e.parent or '(none)'}” is not a variable product in this file.",
                )
                continue
            children.setdefault(parent.row.line, []).append(e)
        for line, kids in children.items():
            parent = next(e for e in entries if e.row.line == line)
            self._variations(parent, products[line], kids)
        for line, product in products.items():
            if not product.variants and line not in children:
                entry = next(e for e in entries if e.row.line == line)
                if "variable" in entry.kinds:
                    self.issue(
                        line,
                        IssueKind.BAD_PRODUCT,
                        "This variable product has no variations in the file.",
                    )
        return grouped

    def _handle(self, e: _Entry, handles: dict[str, int]) -> str:
        base = slugify(e.name) or slugify(e.sku or "") or f"product-{e.id or e.row.line}"
        handles[base] = handles.get(base, 0) + 1
        return base if handles[base] == 1 else f"{base}-{handles[base]}"

    def _parent(
        self, e: _Entry, by_id: dict[str, _Entry], by_sku: dict[str, _Entry]
    ) -> _Entry | None:
        ref = e.parent
        if ref.lower().startswith("id:"):
            return by_id.get(ref[3:].strip())
        return by_sku.get(ref) or by_id.get(ref)

    def _product(self, e: _Entry, handle: str) -> ProductIn:
        row = e.row
        p = ProductIn(line=row.line, handle=handle, title=e.name)
        p.lines.append(row.line)
        if self.c.has("description"):
            p.description_html = row.get(self.c.at("description"))
        if self.c.has("short_description"):
            p.seo_description = self.cell(row, "short_description") or None
        if self.c.has("tags"):
            p.tags = tuple(
                dict.fromkeys(t.strip() for t in self.cell(row, "tags").split(",") if t.strip())
            )
        if self.c.has("categories"):
            categories = [c.strip() for c in self.cell(row, "categories").split(",") if c.strip()]
            p.collections = categories
            p.product_type = categories[0].split(">")[-1].strip() if categories else None
        if self.c.has("published"):
            published = self.cell(row, "published")
            p.status = "active" if published == "1" else "draft"
            p.published = published == "1"
        p.vendor = None
        images = [u.strip() for u in self.cell(row, "images").split(",") if u.strip()]
        p.images = [ImageIn(row.line, src, "", position) for position, src in enumerate(images, 1)]
        return p

    def _variant(self, e: _Entry, handle: str) -> VariantIn | None:
        row, line, c = e.row, e.row.line, self.c
        v = VariantIn(line=line, sku=e.sku)
        self.parsed.rows[line] = ("variant", handle, e.sku)
        if not e.sku:
            self.issue(
                line,
                IssueKind.NO_SKU,
                "No SKU: imported without one; a re-import finds it by its options.",
            )
        try:
            currency, locale = self.money.currency, self.money.locale
            regular = values.money(self.cell(row, "regular_price"), currency, locale=locale)
            sale = values.money(self.cell(row, "sale_price"), currency, locale=locale)
            stock = values.quantity(self.cell(row, "stock"))
        except values.BadValue as error:
            self.issue(line, IssueKind.BAD_VALUE, f"{str(error)[0].upper()}{str(error)[1:]}.")
            return None
        if sale is not None and regular is not None and sale < regular:
            v.price, v.compare_at_price = sale, regular
        elif regular is not None or sale is not None:
            v.price, v.compare_at_price = (sale if regular is None else regular), None
        else:
            v.price, v.compare_at_price = 0, None
            if "external" not in e.kinds:
                self.issue(line, IssueKind.TIDIED, "No price: imported at 0.00.")
        v.quantity = stock
        backorders = self.cell(row, "backorders").lower()
        v.inventory_policy = "continue" if backorders in ("1", "notify", "yes") else "deny"
        v.requires_shipping = not (e.kinds & {"virtual", "downloadable"})
        tax = self.cell(row, "tax_status").lower()
        v.taxable = tax != "none"
        for unit in _WEIGHT_UNITS:
            if c.has(f"weight_{unit}") and self.cell(row, f"weight_{unit}"):
                try:
                    v.weight_grams = values.grams(self.cell(row, f"weight_{unit}"), unit)
                except values.BadValue as error:
                    self.issue(line, IssueKind.BAD_VALUE, f"Weight: {error}.")
                    return None
                break
        else:
            v.weight_grams = None
        v.barcode = None
        return v

    def _single_variant(self, e: _Entry, product: ProductIn) -> None:
        if "external" in e.kinds:
            self.issue(
                e.row.line,
                IssueKind.NOT_IMPORTED,
                "An external product: imported as a regular product; its external link and "
                "button text are not kept.",
            )
        single = [(name, vals) for name, vals in e.attributes if len(vals) == 1]
        several = [(name, vals) for name, vals in e.attributes if len(vals) != 1]
        for name, vals in several:
            self.issue(
                e.row.line,
                IssueKind.NOT_IMPORTED,
                f"Attribute {name}: {', '.join(vals) or '(empty)'} describes the product rather "
                "than a variant; it is not imported.",
            )
        v = self._variant(e, product.handle)
        if v is None:
            return
        product.options = [(name, list(vals)) for name, vals in single[:MAX_OPTIONS]]
        v.options = option_values([vals[0] for _, vals in single[:MAX_OPTIONS]])
        product.variants.append(v)

    def _variations(self, parent: _Entry, product: ProductIn, kids: list[_Entry]) -> None:
        used = [
            (name, vals)
            for name, vals in parent.attributes
            if any(self._value(k, name) for k in kids)
        ]
        for name, vals in parent.attributes:
            if (name, vals) not in used:
                self.issue(
                    parent.row.line,
                    IssueKind.NOT_IMPORTED,
                    f"{name} ({', '.join(vals)}) is “any {name}” on every variation, so it is "
                    "not an option here; it is not imported.",
                )
        if len(used) > MAX_OPTIONS:
            self.issue(parent.row.line, IssueKind.BAD_PRODUCT, "More than three attributes vary.")
            return
        product.options = [(name, []) for name, _ in used]
        ordered = sorted(kids, key=lambda k: (_position(self.cell(k.row, "position")), k.row.line))
        for kid in ordered:
            product.lines.append(kid.row.line)
            chosen = [self._value(kid, name) for name, _ in used]
            missing = [name for (name, _), value in zip(used, chosen, strict=True) if not value]
            if missing:
                self.issue(
                    kid.row.line,
                    IssueKind.BAD_VALUE,
                    f"This variation is “any {missing[0]}” while others name one; give it a "
                    f"{missing[0]}.",
                )
                continue
            v = self._variant(kid, product.handle)
            if v is None:
                continue
            named = [value for value in chosen if value]  # each one, as none is missing
            for k, value in enumerate(named):
                if value not in product.options[k][1]:
                    product.options[k][1].append(value)
            v.options = option_values(named)
            image = self.cell(kid.row, "images").split(",")[0].strip()
            if image:
                v.image_src = image
                if not any(i.src == image for i in product.images):
                    product.images.append(ImageIn(kid.row.line, image, "", None))
            product.variants.append(v)
        # option values in the order the parent lists them, as the shop showed them
        for k, (name, _) in enumerate(used):
            listed = next(vals for n, vals in parent.attributes if n == name)
            product.options[k] = (
                name,
                sorted(product.options[k][1], key=lambda x: listed.index(x) if x in listed else 99),
            )

    def _value(self, e: _Entry, name: str) -> str | None:
        for attribute, vals in e.attributes:
            if attribute == name:
                return vals[0] if vals else None
        return None


def _position(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
