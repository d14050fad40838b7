"""Catalog: products, their options and variants, barcodes, collections and images."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, MinorUnits, Timestamped, Versioned
from models.status import InventoryPolicy, ProductStatus, check_in

#: sort-key expressions of the catalog list; the indexes below are built on exactly these
TITLE_SORT = 'lower(title) COLLATE "C"'
VENDOR_SORT = "lower(coalesce(vendor, '')) COLLATE \"C\""
TYPE_SORT = "lower(coalesce(product_type, '')) COLLATE \"C\""
SKU_SORT = "coalesce(sku, '') COLLATE \"C\""
#: what search-as-you-type matches on a product, stored lower-cased in ``search_text``
PRODUCT_SEARCH_TEXT = "lower(title || ' ' || coalesce(vendor, '') || ' ' || words(tags))"

collection_products = Table(
    "collection_products",
    Base.metadata,
    Column("collection_id", ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, server_default="0"),
    Index("ix_collection_products_product_id", "product_id"),
)


class Product(Versioned, Timestamped, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint(check_in("status", ProductStatus), name="status"),
        CheckConstraint("handle ~ '^[a-z0-9][a-z0-9-]*$'", name="handle_format"),
        # The catalog list's sort orders (services.catalog.queries): lower-cased, "C" collation.
        Index("ix_products_title_sort", text(TITLE_SORT), "id"),
        Index("ix_products_vendor_sort", text(VENDOR_SORT), text(TITLE_SORT), "id"),
        Index("ix_products_type_sort", text(TYPE_SORT), text(TITLE_SORT), "id"),
        Index(
            "ix_products_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
        # Half of each page left free: a bulk edit or an import bumps the version of thousands
        # of neighbouring products, and with room on their page those are HOT updates that
        # touch none of the nine indexes (the trigram index among them).
        {"postgresql_with": {"fillfactor": "50"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    vendor: Mapped[str | None] = mapped_column(Text, index=True)
    product_type: Mapped[str | None] = mapped_column(Text, index=True)
    tags: Mapped[list[str]] = mapped_column(default=list, server_default="{}")
    status: Mapped[str] = mapped_column(
        Text, default=ProductStatus.DRAFT, server_default=ProductStatus.DRAFT.value, index=True
    )
    #: set while the product is published to the storefront
    published_at: Mapped[datetime | None]
    seo_title: Mapped[str | None] = mapped_column(Text)
    seo_description: Mapped[str | None] = mapped_column(Text)
    #: title, vendor and tags lower-cased for search-as-you-type (written by the database)
    search_text: Mapped[str | None] = mapped_column(
        Text, Computed(PRODUCT_SEARCH_TEXT, persisted=True)
    )

    options: Mapped[list[ProductOption]] = relationship(
        back_populates="product", order_by="ProductOption.position", cascade="all, delete-orphan"
    )
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )


class ProductOption(Base):
    """One of up to three options (Size, Colour, ...) and its values in display order."""

    __tablename__ = "product_options"
    __table_args__ = (
        UniqueConstraint("product_id", "position"),
        CheckConstraint("position BETWEEN 1 AND 3", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    values: Mapped[list[str]] = mapped_column(default=list, server_default="{}")
    product: Mapped[Product] = relationship(back_populates="options")


class Variant(Versioned, Timestamped, Base):
    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint(check_in("inventory_policy", InventoryPolicy), name="inventory_policy"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("compare_at_price IS NULL OR compare_at_price >= 0", name="compare_at"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
        CheckConstraint("sku IS NULL OR sku <> ''", name="sku_not_empty"),
        CheckConstraint("weight_unit IN ('g', 'kg', 'lb', 'oz')", name="weight_unit"),
        # SKU unique when present: real catalogs have variants without one.
        Index("uq_variants_sku", "sku", unique=True, postgresql_where=text("sku IS NOT NULL")),
        Index("ix_variants_product_id_position", "product_id", "position"),
        Index("ix_variants_sku_sort", text(SKU_SORT), "id"),
        Index(
            "ix_variants_sku_trgm",
            "sku",
            postgresql_using="gin",
            postgresql_ops={"sku": "gin_trgm_ops"},
        ),
        # No index holds a price, money or policy column, and half of each page is left free:
        # a bulk price change then writes each new row version next to the old one (a HOT
        # update) instead of into all six indexes. The price order of the catalog list lives
        # in ``variant_price_keys``.
        {"postgresql_with": {"fillfactor": "50"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    sku: Mapped[str | None] = mapped_column(Text)
    option1: Mapped[str | None] = mapped_column(Text)
    option2: Mapped[str | None] = mapped_column(Text)
    option3: Mapped[str | None] = mapped_column(Text)
    price: Mapped[int] = mapped_column(MinorUnits, default=0)
    compare_at_price: Mapped[int | None] = mapped_column(MinorUnits)
    cost: Mapped[int | None] = mapped_column(MinorUnits)
    #: grams with their decimals (Shopify writes 4.1 g); ``weight_unit`` is how it is shown
    weight_grams: Mapped[Decimal | None] = mapped_column(Numeric)
    weight_unit: Mapped[str] = mapped_column(Text, default="g", server_default="g")
    #: false for what is not counted (gift cards, services): always sellable, no levels
    track_stock: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    #: a file's columns we have no place for, as [header, value] pairs, given back on export
    extra: Mapped[list[list[str]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    inventory_policy: Mapped[str] = mapped_column(
        Text, default=InventoryPolicy.DENY, server_default=InventoryPolicy.DENY.value
    )
    requires_shipping: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    taxable: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    #: the image shown for this variant; several variants may share one (all the green sizes)
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_images.id", ondelete="SET NULL", use_alter=True), index=True
    )

    product: Mapped[Product] = relationship(back_populates="variants")
    barcodes: Mapped[list[Barcode]] = relationship(
        back_populates="variant", order_by="Barcode.id", cascade="all, delete-orphan"
    )

    @property
    def title(self) -> str:
        """ "Red / Large", or "Default Title" like Shopify when the product has no options."""
        values = [v for v in (self.option1, self.option2, self.option3) if v]
        return " / ".join(values) if values else "Default Title"


class VariantPriceKey(Base):
    """Each variant's price, kept for the catalog list's sort by price (an index on it).

    Derived data, like an index: triggers on ``variants`` insert, update and delete these rows
    in the same statement, set by set (``catalog_0002``), so nothing writes them directly. It
    is a table of its own so that ``variants`` has no index on the price: a price change there
    stays a HOT update, and only this narrow row and its two index entries are rewritten.
    """

    __tablename__ = "variant_price_keys"
    __table_args__ = (Index("ix_variant_price_keys_price", "price", "variant_id"),)

    # no foreign key: the delete trigger removes a variant's row, and a key checked row by
    # row would cost every variant insert a locking lookup
    variant_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    price: Mapped[int] = mapped_column(MinorUnits)


class Barcode(Base):
    """A scannable code (GTIN, UPC, ISBN or in-house) of a variant; a variant may have several."""

    __tablename__ = "barcodes"
    __table_args__ = (
        UniqueConstraint("variant_id", "code"),
        # barcodes are found by their first digits; the variant is in the index too
        Index("ix_barcodes_code_sort", text('code COLLATE "C"'), "variant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(Text, index=True)
    variant: Mapped[Variant] = relationship(back_populates="barcodes")


class Collection(Versioned, Timestamped, Base):
    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    description_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_at: Mapped[datetime | None]


class ProductImage(Base):
    __tablename__ = "product_images"
    __table_args__ = (Index("ix_product_images_product_id_position", "product_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: a URL for images hosted elsewhere, or the original file name of uploaded content
    src: Mapped[str] = mapped_column(Text)
    alt_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_type: Mapped[str | None] = mapped_column(Text)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))
    product: Mapped[Product] = relationship(back_populates="images")


class ExtraColumn(Base):
    """A product file's column the catalog keeps as it is (``Variant.extra``), in the order
    files brought them, so an export writes them back in that order."""

    __tablename__ = "catalog_extra_columns"

    header: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, Identity())
