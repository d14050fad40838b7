"""What catalog services hand to views, the API and the CLI: plain frozen records, never ORM
objects that could lazy-load on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from services.catalog.rules import variant_title


class Severity(StrEnum):
    ERROR = "error"  # the change cannot be saved like this
    WARNING = "warning"  # saved, but the merchant should know (a GTIN with a bad check digit)


@dataclass(frozen=True)
class Finding:
    """One validation result, in the merchant's words, tied to the field it is about.

    ``field`` is a path the editor can highlight: ``"title"``, ``"variants[2].sku"``.
    """

    severity: Severity
    field: str
    message: str


@dataclass(frozen=True)
class VariantRow:
    """One row of the catalog list: a variant with what the merchandiser scans for."""

    variant_id: int
    product_id: int
    product_title: str
    variant_title: str
    handle: str
    sku: str | None
    barcode: str | None
    vendor: str | None
    product_type: str | None
    status: str
    published: bool
    price: int
    compare_at_price: int | None
    cost: int | None
    inventory_policy: str
    on_hand: int
    available: int
    #: the currency of the price, compare-at price and cost (the store's)
    currency: str


@dataclass(frozen=True)
class OptionDetail:
    position: int
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class VariantDetail:
    id: int
    version: int
    position: int
    sku: str | None
    options: tuple[str | None, str | None, str | None]
    price: int
    compare_at_price: int | None
    cost: int | None
    weight_grams: Decimal | None
    inventory_policy: str
    requires_shipping: bool
    taxable: bool
    barcodes: tuple[str, ...]
    image_id: int | None
    on_hand: int
    available: int

    @property
    def title(self) -> str:
        return variant_title(self.options)


@dataclass(frozen=True)
class ImageDetail:
    id: int
    position: int
    src: str
    alt_text: str
    content_type: str | None
    #: bytes are stored in the store (uploaded from a file) rather than only linked by URL
    has_content: bool


@dataclass(frozen=True)
class ProductDetail:
    id: int
    version: int
    handle: str
    title: str
    description_html: str
    vendor: str | None
    product_type: str | None
    tags: tuple[str, ...]
    status: str
    published_at: datetime | None
    seo_title: str | None
    seo_description: str | None
    options: tuple[OptionDetail, ...]
    variants: tuple[VariantDetail, ...]
    images: tuple[ImageDetail, ...]
    collection_ids: tuple[int, ...]
    updated_at: datetime
    #: the currency of the variants' prices and costs (the store's)
    currency: str

    @property
    def published(self) -> bool:
        return self.published_at is not None


@dataclass(frozen=True)
class CollectionRow:
    id: int
    version: int
    handle: str
    title: str
    description_html: str
    published: bool
    product_count: int


@dataclass(frozen=True)
class SavedProduct:
    """What a save returns: the product as stored now, and the warnings the merchant should see."""

    product: ProductDetail
    warnings: tuple[Finding, ...] = field(default_factory=tuple)
    created: bool = False
