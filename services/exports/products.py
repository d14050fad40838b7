"""Exporting the catalog as a Shopify product CSV.

The file is what Shopify's importer reads (its 2023 template's classic headers, or the 2025
template's spellings) and what ``services.imports.products`` reads back into the identical
catalog: importing an export changes nothing. Rows follow Shopify's own exports: a product's
first row carries the product and its first variant, each further variant has its own row, and
images beyond the variants get image-only rows.

Images uploaded from files have no web address a CSV could carry; they are counted in the
result and left out of the file (importing the file keeps them, as an import never deletes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from models.money import Money
from services.arrays import Array
from services.catalog.queries import CatalogFilter, matching_variant_ids
from services.catalog.rules import DEFAULT_TITLE
from services.exports.cells import csv_writer
from services.imports.columns import SHOPIFY, SHOPIFY_2025, normalise
from services.progress import NO_PROGRESS, Progress
from services.store import money_format
from services.unit_of_work import UnitOfWork

_IDS = Array("bigint")
BATCH = 2000


class HeaderStyle(StrEnum):
    CLASSIC = "classic"  # Handle, Variant SKU, Variant Price, ... (Shopify's 2023 template)
    CURRENT = "2025"  # URL handle, SKU, Price, ... (Shopify's 2025 template)


#: the columns written, in Shopify's template order
FIELDS = (
    "handle", "title", "body", "vendor", "type", "tags", "published",
    "option1_name", "option1_value", "option2_name", "option2_value",
    "option3_name", "option3_value", "sku", "grams", "inventory_tracker", "inventory_qty",
    "inventory_policy", "fulfillment_service", "price", "compare_at_price",
    "requires_shipping", "taxable", "barcode", "image_src", "image_position", "image_alt",
    "gift_card", "seo_title", "seo_description", "variant_image", "weight_unit", "cost",
    "status",
)  # fmt: skip


@dataclass(frozen=True)
class ExportResult:
    products: int
    variants: int
    images: int
    #: images stored from files, which a CSV cannot carry
    images_without_address: int


def headers(style: HeaderStyle) -> list[str]:
    if style is HeaderStyle.CURRENT:
        return [SHOPIFY_2025.get(f) or SHOPIFY[f][0] for f in FIELDS]
    return [SHOPIFY[f][0] for f in FIELDS]


def export_products_csv(
    uow: UnitOfWork,
    out: TextIO,
    *,
    matching: CatalogFilter | None = None,
    style: HeaderStyle = HeaderStyle.CLASSIC,
    progress: Progress = NO_PROGRESS,
) -> ExportResult:
    """Write the catalog (or the products with a variant matching ``matching``) to ``out``.

    Whole products are written even when the filter matched only some of their variants: a
    Shopify file describes products, and a partial one would read as a smaller product.
    """
    writer = csv_writer(out, lineterminator="\n")
    counts = {"products": 0, "variants": 0, "images": 0, "uploaded": 0}
    with uow:
        session = uow.session
        currency = money_format(session).currency
        location = session.execute(text("SELECT id FROM locations WHERE is_default")).scalar()
        extra = _ExtraColumns(
            session.execute(
                text("SELECT header FROM catalog_extra_columns ORDER BY position")
            ).scalars()
        )
        writer.writerow(headers(style) + extra.appended)
        ids = _product_ids(session, matching)
        for done, batch in _batches(ids):
            for product in _load(session, batch, location):
                for row in _rows(product, currency, style, location is not None, counts, extra):
                    writer.writerow(row)
            progress.report(min(done, len(ids)), len(ids), "Writing products")
    return ExportResult(
        counts["products"], counts["variants"], counts["images"], counts["uploaded"]
    )


class _ExtraColumns:
    """The columns files brought that the catalog keeps as they are (``variants.extra``): a
    column we write anyway (Gift Card, say) takes the kept value; the others follow ours."""

    def __init__(self, kept: Iterable[str]) -> None:
        spellings = {normalise(s): f for f in FIELDS for s in SHOPIFY.get(f, ())}
        spellings.update({normalise(s): f for f, s in SHOPIFY_2025.items() if f in FIELDS})
        self.fields: dict[str, str] = {}  # header -> our field it fills
        self.appended: list[str] = []
        for header in kept:
            field = spellings.get(normalise(header))
            if field is None:
                self.appended.append(header)
            else:
                self.fields[header] = field

    def fill(self, row: dict[str, str], pairs: list[list[str]]) -> list[str]:
        """Put the variant's kept values in ``row``; returns the appended columns' cells."""
        values = dict(pairs)
        for header, field in self.fields.items():
            if header in values:
                row[field] = values[header]
        return [values.get(h, "") for h in self.appended]


def _product_ids(session: Session, matching: CatalogFilter | None) -> list[int]:
    if matching is None:
        return list(session.execute(text("SELECT id FROM products ORDER BY id")).scalars())
    variant_ids = matching_variant_ids(session, matching)
    return list(
        session.execute(
            text(
                "SELECT DISTINCT product_id FROM variants "
                "WHERE id IN (SELECT unnest(:ids)) ORDER BY 1"
            ).bindparams(bindparam("ids", type_=_IDS)),
            {"ids": variant_ids},
        ).scalars()
    )


def _batches(ids: list[int]) -> Iterator[tuple[int, list[int]]]:
    for start in range(0, len(ids), BATCH):
        yield start + BATCH, ids[start : start + BATCH]


def _load(session: Session, ids: list[int], location: int | None) -> list[dict[str, Any]]:
    params = {"ids": ids}
    products = {
        r.id: dict(r._mapping) | {"options": [], "variants": [], "images": []}
        for r in session.execute(
            text(
                "SELECT id, handle, title, description_html, vendor, product_type, tags, "
                "status, published_at IS NOT NULL AS published, seo_title, seo_description "
                "FROM products WHERE id IN (SELECT unnest(:ids)) ORDER BY id"
            ).bindparams(bindparam("ids", type_=_IDS)),
            params,
        )
    }
    for r in session.execute(
        text(
            "SELECT product_id, name, values FROM product_options "
            "WHERE product_id IN (SELECT unnest(:ids)) ORDER BY product_id, position"
        ).bindparams(bindparam("ids", type_=_IDS)),
        params,
    ):
        products[r.product_id]["options"].append(r.name)
    for r in session.execute(
        text(
            """
            SELECT v.*, i.src AS image_src, i.content IS NOT NULL AND i.src NOT LIKE 'http%'
                       AS image_uploaded,
                   (SELECT b.code FROM barcodes b WHERE b.variant_id = v.id ORDER BY b.id
                    LIMIT 1) AS barcode,
                   l.on_hand
            FROM variants v
            LEFT JOIN product_images i ON i.id = v.image_id
            LEFT JOIN inventory_levels l ON l.variant_id = v.id AND l.location_id = :location
            WHERE v.product_id IN (SELECT unnest(:ids)) ORDER BY v.product_id, v.position, v.id
            """
        ).bindparams(bindparam("ids", type_=_IDS)),
        params | {"location": location or 0},
    ):
        products[r.product_id]["variants"].append(r)
    for r in session.execute(
        text(
            "SELECT product_id, src, alt_text, content IS NOT NULL AND src NOT LIKE 'http%' "
            "AS uploaded FROM product_images WHERE product_id IN (SELECT unnest(:ids)) "
            "ORDER BY product_id, position, id"
        ).bindparams(bindparam("ids", type_=_IDS)),
        params,
    ):
        products[r.product_id]["images"].append(r)
    return [products[i] for i in ids if i in products]


def _rows(
    p: dict[str, Any],
    currency: str,
    style: HeaderStyle,
    has_location: bool,
    counts: dict[str, int],
    extra: _ExtraColumns,
) -> Iterator[list[str]]:
    current = style is HeaderStyle.CURRENT
    images = [i for i in p["images"] if not i.uploaded]
    counts["uploaded"] += len(p["images"]) - len(images)
    counts["products"] += 1
    counts["images"] += len(images)
    options = p["options"]
    variants = p["variants"]
    for n in range(max(len(variants), len(images), 1)):
        row = dict.fromkeys(FIELDS, "")
        row["handle"] = p["handle"]
        if n == 0:
            row.update(
                title=p["title"],
                body=p["description_html"] or "",
                vendor=p["vendor"] or "",
                type=p["product_type"] or "",
                tags=", ".join(p["tags"]),
                published=_bool(p["published"]),
                seo_title=p["seo_title"] or "",
                seo_description=p["seo_description"] or "",
                gift_card=_bool(False),
                status=p["status"].capitalize() if current else p["status"],
            )
            if options:
                for k, name in enumerate(options, start=1):
                    row[f"option{k}_name"] = name
            else:
                row["option1_name"] = "Title"
        kept = [""] * len(extra.appended)
        if n < len(variants):
            counts["variants"] += 1
            _variant(row, variants[n], options, currency, current, has_location)
            kept = extra.fill(row, variants[n].extra)
        if n < len(images):
            image = images[n]
            row["image_src"] = image.src
            row["image_position"] = str(n + 1)
            row["image_alt"] = image.alt_text or ""
        yield [row[f] for f in FIELDS] + kept


def _variant(
    row: dict[str, str], v: Any, options: list[str], currency: str, current: bool, stock: bool
) -> None:
    values = (v.option1, v.option2, v.option3)
    if options:
        for k in range(len(options)):
            row[f"option{k + 1}_value"] = values[k] or ""
    else:
        row["option1_value"] = DEFAULT_TITLE
    policy = v.inventory_policy
    row.update(
        sku=_protected(v.sku),
        grams="" if v.weight_grams is None else str(v.weight_grams),
        inventory_tracker="shopify" if stock and v.track_stock else "",
        inventory_qty="" if not (stock and v.track_stock) or v.on_hand is None else str(v.on_hand),
        inventory_policy=policy.upper() if current else policy,
        fulfillment_service="manual",
        price=_money(v.price, currency),
        compare_at_price=_money(v.compare_at_price, currency),
        requires_shipping=_bool(v.requires_shipping),
        taxable=_bool(v.taxable),
        barcode=_protected(v.barcode),
        variant_image="" if v.image_uploaded or not v.image_src else v.image_src,
        weight_unit=v.weight_unit,
        cost=_money(v.cost, currency),
    )


def _protected(code: str | None) -> str:
    """A code of digits that a spreadsheet would read as a number (losing its leading zeros,
    or writing 12 digits and more as 7.84E+11) carries an apostrophe, as Shopify's own exports
    do; our importer and Shopify's take it off."""
    if not code:
        return ""
    if code.isdigit() and (code.startswith("0") or len(code) > 11):
        return "'" + code
    return code


def _money(minor: int | None, currency: str) -> str:
    return "" if minor is None else str(Money(minor, currency).to_decimal())


def _bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"
