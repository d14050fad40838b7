"""inventory: reserve_stock(), the single-line reservation, planned once per session

A one-line reservation (a storefront order of one SKU, a hot SKU's) writes its ledger row
first, before the level's lock is taken, then the conditional UPDATE of the level, so the row
stays locked only for that UPDATE and the COMMIT; too little stock refuses (``refuse``) and
rolls the ledger row back with the rest. A function rather than statements sent by the client:
PL/pgSQL keeps its plans for the session, while the client's prepared statements are dropped
by psycopg on every rollback, and planning the two statements anew was much of the server's
work per reservation.

Revision ID: inventory_0003
Revises: inventory_0002
Create Date: 2026-11-25 14:50:00
"""

from alembic import op

revision = "inventory_0003"
down_revision = "inventory_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION reserve_stock(
            p_variant bigint, p_location bigint, p_quantity integer, p_reference_type text,
            p_reference_id text, p_note text, p_staff bigint
        ) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO stock_movements (variant_id, location_id, committed_delta, reason,
                                         reference_type, reference_id, note, staff_id)
            VALUES (p_variant, p_location, p_quantity, 'reserved', p_reference_type,
                    p_reference_id, p_note, p_staff);
            UPDATE inventory_levels SET committed = committed + p_quantity, updated_at = now()
            WHERE variant_id = p_variant AND location_id = p_location
              AND (allow_negative OR available >= p_quantity);
            IF NOT FOUND THEN
                PERFORM refuse('insufficient_stock',
                               jsonb_build_array(jsonb_build_array(p_variant, p_location,
                                                                   p_quantity)));
            END IF;
        END $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION reserve_stock(bigint, bigint, integer, text, text, text, bigint)")
