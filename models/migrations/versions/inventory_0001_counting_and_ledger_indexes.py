"""inventory: adjustment numbers, per-scan ledger watermark, ledger and low-stock indexes

Revision ID: inventory_0001
Revises: 0001
Create Date: 2026-11-25 09:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "inventory_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE stock_adjustment_number_seq START 1001")
    op.add_column(
        "stock_count_scans",
        sa.Column("after_movement_id", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.create_index(
        "ix_inventory_levels_reorder",
        "inventory_levels",
        ["location_id", "variant_id"],
        unique=False,
        postgresql_where=sa.text("reorder_point IS NOT NULL"),
    )
    op.create_index(
        "ix_stock_movements_location_id_id", "stock_movements", ["location_id", "id"]
    )
    op.create_index("ix_stock_movements_reason_id", "stock_movements", ["reason", "id"])


def downgrade() -> None:
    op.drop_index("ix_stock_movements_reason_id", table_name="stock_movements")
    op.drop_index("ix_stock_movements_location_id_id", table_name="stock_movements")
    op.drop_index("ix_inventory_levels_reorder", table_name="inventory_levels")
    op.drop_column("stock_count_scans", "after_movement_id")
    op.execute("DROP SEQUENCE stock_adjustment_number_seq")
