"""catalog: what a Shopify file says that we used to lose

Revision ID: catalog_0003
Revises: catalog_0002
Create Date: 2026-12-04 15:30:00

- ``variants.weight_grams`` keeps decimals (Shopify writes 4.1 g, 226.796185 g for 8 oz) and
  ``weight_unit`` the unit the merchant shows it in;
- ``variants.track_stock``: false for what Shopify does not track (gift cards, services,
  bookings): always sellable, no stock levels;
- ``variants.extra``: the file's columns the catalog has no place for (metafields, Google
  Shopping, market prices, ...), as ``[header, value]`` pairs, so an export gives them back;
  ``catalog_extra_columns`` keeps those headers in the order files brought them.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "catalog_0003"
down_revision = "catalog_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("variants", "weight_grams", type_=sa.Numeric(), existing_type=sa.Integer())
    op.add_column(
        "variants", sa.Column("weight_unit", sa.Text(), server_default="g", nullable=False)
    )
    op.create_check_constraint(
        "ck_variants_weight_unit", "variants", "weight_unit IN ('g', 'kg', 'lb', 'oz')"
    )
    op.create_table(
        "catalog_extra_columns",
        sa.Column("header", sa.Text(), primary_key=True),
        sa.Column("position", sa.BigInteger(), sa.Identity(), nullable=False),
    )
    op.add_column(
        "variants",
        sa.Column("track_stock", sa.Boolean(), server_default="true", nullable=False),
    )
    op.add_column(
        "variants",
        sa.Column(
            "extra", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_table("catalog_extra_columns")
    op.drop_column("variants", "extra")
    op.drop_column("variants", "track_stock")
    op.drop_constraint("ck_variants_weight_unit", "variants")
    op.drop_column("variants", "weight_unit")
    op.alter_column(
        "variants",
        "weight_grams",
        type_=sa.Integer(),
        existing_type=sa.Numeric(),
        postgresql_using="round(weight_grams)::integer",
    )
