"""catalog: a variant's image, and the indexes the catalog list sorts and searches by

Revision ID: catalog_0001
Revises: 0001
Create Date: 2026-11-25 09:00:00

- ``variants.image_id``: the image shown for a variant (Shopify's "Variant Image"). Several
  variants share one image (every green size shows the green shirt), so the link lives on the
  variant; ``product_images.variant_id`` cannot say that.
- Keyset sort orders of the catalog list: product title, vendor, type, SKU, price. Each is an
  index whose order the list walks, so page 5,000 costs what page 1 costs.
- A trigram index on barcodes, so search-as-you-type finds a code from any part of it.
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
    op.execute(
        "CREATE INDEX ix_barcodes_code_trgm ON barcodes USING gin (code gin_trgm_ops)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_barcodes_code_trgm")
    op.drop_index("ix_variants_price_id", table_name="variants")
    op.drop_index("ix_variants_sku_sort", table_name="variants")
    op.drop_index("ix_products_type_sort", table_name="products")
    op.drop_index("ix_products_vendor_sort", table_name="products")
    op.drop_index("ix_products_title_sort", table_name="products")
    op.drop_index("ix_variants_image_id", table_name="variants")
    op.drop_constraint(
        op.f("fk_variants_image_id_product_images"), "variants", type_="foreignkey"
    )
    op.drop_column("variants", "image_id")
