"""server: one schema on PostgreSQL 15 to 18; the database refuses an order status change
that the transitions table forbids

``available`` was declared without its storage, so PostgreSQL 18 made it VIRTUAL and 15 to 17
STORED: a store is converted to STORED where it was virtual. The allowed order status pairs are
copied from ``models.status.ORDER_TRANSITIONS`` into ``order_status_transitions``, and a trigger
refuses any other change of ``orders.status``, whatever the client (a raw UPDATE included).

Revision ID: server_0001
Revises: inventory_0006, orders_0003
Create Date: 2026-12-04 16:40:00
"""

from alembic import op

from models.status import order_transition_pairs

revision = "server_0001"
down_revision = ("inventory_0006", "orders_0003")
branch_labels = None
depends_on = None

AVAILABLE = "on_hand - committed - damaged - quality_control - safety_stock - other_unavailable"


def upgrade() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM pg_attribute
                WHERE attrelid = 'inventory_levels'::regclass AND attname = 'available'
                  AND attgenerated = 'v'
            ) THEN
                ALTER TABLE inventory_levels DROP COLUMN available;
                ALTER TABLE inventory_levels ADD COLUMN available integer
                    GENERATED ALWAYS AS ({AVAILABLE}) STORED NOT NULL;
            END IF;
        END $$
        """
    )
    op.execute(
        """
        CREATE TABLE order_status_transitions (
            from_status text NOT NULL,
            to_status text NOT NULL,
            PRIMARY KEY (from_status, to_status)
        )
        """
    )
    values = ", ".join(f"('{old}', '{new}')" for old, new in sorted(order_transition_pairs()))
    op.execute(f"INSERT INTO order_status_transitions VALUES {values}")
    op.execute(
        """
        CREATE FUNCTION refuse_order_transition() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM order_status_transitions
                WHERE from_status = OLD.status AND to_status = NEW.status
            ) THEN
                RAISE EXCEPTION 'an order cannot go from % to %', OLD.status, NEW.status
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER orders_status_transition BEFORE UPDATE OF status ON orders "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) "
        "EXECUTE FUNCTION refuse_order_transition()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER orders_status_transition ON orders")
    op.execute("DROP FUNCTION refuse_order_transition()")
    op.execute("DROP TABLE order_status_transitions")
