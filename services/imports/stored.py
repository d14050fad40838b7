"""What the store holds for the products a file may touch, loaded in a few set-based queries
(a re-import of a hundred thousand variants compares against all of them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from services.arrays import Array

_IDS = Array("bigint")


@dataclass
class StoredVariant:
    id: int
    product_id: int
    position: int
    sku: str | None
    options: tuple[str | None, str | None, str | None]
    price: int
    compare_at_price: int | None
    cost: int | None
    weight_grams: Decimal | None
    weight_unit: str | None
    inventory_policy: str
    requires_shipping: bool
    taxable: bool
    track_stock: bool
    extra: tuple[tuple[str, str], ...]
    barcodes: tuple[str, ...]
    image_src: str | None
    on_hand: int


@dataclass
class StoredProduct:
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
    variants: list[StoredVariant] = field(default_factory=list)
    #: (id, src, alt, position)
    images: list[tuple[int, str, str, int]] = field(default_factory=list)
    collections: set[str] = field(default_factory=set)


def load_store(
    session: Session, handles: list[str], skus: list[str], location_id: int | None
) -> tuple[dict[int, StoredProduct], dict[str, int], dict[str, int]]:
    """The stored state of every product the file may touch: by id, handle -> id, SKU -> id."""
    rows = session.execute(
        text(
            """
            SELECT p.id, p.handle, p.title, p.description_html, p.vendor, p.product_type,
                   p.tags, p.status, p.published_at IS NOT NULL AS published, p.seo_title,
                   p.seo_description
            FROM products p
            WHERE p.handle IN (SELECT unnest(:handles))
               OR p.id IN (SELECT v.product_id FROM variants v
                           JOIN unnest(:skus) AS s(sku) ON v.sku = s.sku)
            """
        ).bindparams(
            bindparam("handles", type_=Array("text")), bindparam("skus", type_=Array("text"))
        ),
        {"handles": handles, "skus": skus},
    )
    products = {
        r.id: StoredProduct(
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
            "SELECT o.product_id, o.name, o.values FROM unnest(:ids) AS k(id) "
            "JOIN product_options o ON o.product_id = k.id ORDER BY o.product_id, o.position"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].options.append((r.name, list(r.values)))
    for r in session.execute(
        text(
            """
            SELECT v.id, v.product_id, v.position, v.sku, v.option1, v.option2, v.option3,
                   v.price, v.compare_at_price, v.cost, v.weight_grams, v.weight_unit,
                   v.inventory_policy, v.requires_shipping, v.taxable, v.track_stock, v.extra,
                   i.src AS image_src,
                   ARRAY(SELECT b.code FROM barcodes b WHERE b.variant_id = v.id ORDER BY b.id)
                       AS barcodes,
                   coalesce(l.on_hand, 0) AS on_hand
            FROM unnest(:ids) AS k(id) JOIN variants v ON v.product_id = k.id
            LEFT JOIN product_images i ON i.id = v.image_id
            LEFT JOIN inventory_levels l ON l.variant_id = v.id AND l.location_id = :location
            ORDER BY v.product_id, v.position, v.id
            """
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids | {"location": location_id or 0},
    ):
        products[r.product_id].variants.append(
            StoredVariant(
                r.id,
                r.product_id,
                r.position,
                r.sku,
                (r.option1, r.option2, r.option3),
                r.price,
                r.compare_at_price,
                r.cost,
                r.weight_grams,
                r.weight_unit,
                r.inventory_policy,
                r.requires_shipping,
                r.taxable,
                r.track_stock,
                tuple((h, v) for h, v in r.extra),
                tuple(r.barcodes),
                r.image_src,
                r.on_hand,
            )
        )
    for r in session.execute(
        text(
            "SELECT i.id, i.product_id, i.src, i.alt_text, i.position FROM unnest(:ids) AS k(id) "
            "JOIN product_images i ON i.product_id = k.id ORDER BY 2, 5, 1"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].images.append((r.id, r.src, r.alt_text, r.position))
    for r in session.execute(
        text(
            "SELECT cp.product_id, c.title FROM collection_products cp "
            "JOIN collections c ON c.id = cp.collection_id "
            "JOIN unnest(:ids) AS k(id) ON cp.product_id = k.id"
        ).bindparams(bindparam("ids", type_=_IDS)),
        by_ids,
    ):
        products[r.product_id].collections.add(r.title)
    by_handle = {p.handle: p.id for p in products.values()}
    by_sku = {v.sku: p.id for p in products.values() for v in p.variants if v.sku}
    return products, by_handle, by_sku
