"""inventory: a ledger row belongs to its level, checked once, at commit

A stock movement referenced its variant and its location, two checks per row, each locking
the referenced row: every reservation at a location took a share lock on that one location
row, and on the variant's (a hot SKU's is locked by every order at once). A movement now
references the level it changes, (variant_id, location_id) in ``inventory_levels``: one
check, on a row the action locks anyway, and a stronger rule (no ledger row without its
figures). Checked at commit: a reservation writes its ledger row before it updates the level,
and refuses with "not enough stock" when there is no level, which the check must not
pre-empt; the demo writes its year of ledger before the levels it sums to.

Revision ID: inventory_0006
Revises: inventory_0005
Create Date: 2026-11-25 16:00:00
"""

from alembic import op

revision = "inventory_0006"
down_revision = "inventory_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE stock_movements
            DROP CONSTRAINT fk_stock_movements_variant_id_variants,
            DROP CONSTRAINT fk_stock_movements_location_id_locations,
            ADD CONSTRAINT fk_stock_movements_variant_id_inventory_levels
                FOREIGN KEY (variant_id, location_id)
                REFERENCES inventory_levels (variant_id, location_id)
                ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
        """
    )


def downgrade() -> None:
    op.execute(
        """
        ALTER TABLE stock_movements
            DROP CONSTRAINT fk_stock_movements_variant_id_inventory_levels,
            ADD CONSTRAINT fk_stock_movements_variant_id_variants
                FOREIGN KEY (variant_id) REFERENCES variants (id) ON DELETE CASCADE,
            ADD CONSTRAINT fk_stock_movements_location_id_locations
                FOREIGN KEY (location_id) REFERENCES locations (id)
        """
    )
