"""catalog: a variant's image, and what the catalog list sorts and searches by

Revision ID: catalog_0001
Revises: 0001
Create Date: 2026-11-25 09:00:00

- ``variants.image_id``: the image shown for a variant (Shopify's "Variant Image"). Several
  variants share one image (every green size shows the green shirt), so the link lives on the
  variant; ``product_images.variant_id`` cannot say that.
- Keyset sort orders of the catalog list: product title, vendor, type, SKU, price. Each is an
  index whose order the list walks, so page 5,000 costs what page 1 costs.
- ``products.search_text``: title, vendor and tags lower-cased once, when written, with a
  trigram index. Matching it with LIKE is cheaper than ILIKE over the concatenation the first
  migration indexed, which re-folds case and re-joins tags on every row it checks.
- Barcodes are found by their first digits, from an index that also holds the variant, so the
  probe never touches the table.
"""

import sqlalchemy as sa
from alembic import op

revision = "catalog_0001"
down_revision = "0001"
branch_labels = None
depends_on = None

TITLE = 'lower(title) COLLATE "C"'
VENDOR = "lower(coalesce(vendor, '')) COLLATE \"C\""
TYPE = "lower(coalesce(product_type, '')) COLLATE \"C\""
SKU = "coalesce(sku, '') COLLATE \"C\""
SEARCH_TEXT = "lower(title || ' ' || coalesce(vendor, '') || ' ' || words(tags))"


def upgrade() -> None:
    op.add_column("variants", sa.Column("image_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_variants_image_id_product_images"),
        "variants",
        "product_images",
        ["image_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_variants_image_id", "variants", ["image_id"])
    # Sort keys are lower-cased and in the "C" collation: case-insensitive for the merchant, a
    # LIKE 'ab%' prefix on the same expression can use the same index, and the order is the
    # same on every server whatever its default collation.
    op.create_index("ix_products_title_sort", "products", [sa.text(TITLE), "id"])
    op.create_index("ix_products_vendor_sort", "products", [sa.text(VENDOR), sa.text(TITLE), "id"])
    op.create_index("ix_products_type_sort", "products", [sa.text(TYPE), sa.text(TITLE), "id"])
    op.create_index("ix_variants_sku_sort", "variants", [sa.text(SKU), "id"])
    op.create_index("ix_variants_price_id", "variants", ["price", "id"])
    op.create_index(
        "ix_barcodes_code_sort", "barcodes", [sa.text('code COLLATE "C"'), "variant_id"]
    )
    op.add_column(
        "products",
        sa.Column("search_text", sa.Text(), sa.Computed(SEARCH_TEXT, persisted=True)),
    )
    op.execute("DROP INDEX ix_products_search_trgm")
    op.execute(
        "CREATE INDEX ix_products_search_text_trgm ON products "
        "USING gin (search_text gin_trgm_ops)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_products_search_text_trgm")
    op.execute(
        "CREATE INDEX ix_products_search_trgm ON products USING gin "
        "((title || ' ' || coalesce(vendor, '') || ' ' || words(tags)) gin_trgm_ops)"
    )
    op.drop_column("products", "search_text")
    op.drop_index("ix_barcodes_code_sort", table_name="barcodes")
    op.drop_index("ix_variants_price_id", table_name="variants")
    op.drop_index("ix_variants_sku_sort", table_name="variants")
    op.drop_index("ix_products_type_sort", table_name="products")
    op.drop_index("ix_products_vendor_sort", table_name="products")
    op.drop_index("ix_products_title_sort", table_name="products")
    op.drop_index("ix_variants_image_id", table_name="variants")
    op.drop_constraint(op.f("fk_variants_image_id_product_images"), "variants", type_="foreignkey")
    op.drop_column("variants", "image_id")
