"""inventory: refuse(kind, detail), so a write sent without waiting for its answer can refuse

A reservation travels to the store with the COMMIT, in one round trip, so a hot SKU's row stays
locked only while the server works. It cannot report a shortage by returning no rows then (no
one reads them before the COMMIT), so it calls ``refuse``, which fails the statement and so the
transaction, and the client turns SQLSTATE MO409 back into a domain error
(``services.unit_of_work.Refusal``).

Revision ID: inventory_0002
Revises: inventory_0001
Create Date: 2026-11-25 13:40:00
"""

from alembic import op

revision = "inventory_0002"
down_revision = "inventory_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION refuse(kind text, detail jsonb) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = 'MO409', MESSAGE = kind, DETAIL = detail::text;
        END $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION refuse(text, jsonb)")
