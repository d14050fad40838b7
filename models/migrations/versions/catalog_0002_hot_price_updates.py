"""catalog: price changes as HOT updates; the list's price order in a narrow table

Revision ID: catalog_0002
Revises: catalog_0001
Create Date: 2026-11-25 12:00:00

A bulk price change of 100,000 variants cost about as much as inserting them again: price was
in an index (``ix_variants_price_id``, the list's sort by price), so every new row version went
into all seven indexes of ``variants``, the SKU trigram index too. Now:

- ``variants`` has no index on a column a price change touches, and its pages are filled only
  half way (``fillfactor``), so the new version of a row fits on its page: a HOT update, with
  no index entry written. Half-full pages are what lets a change of every row of a page stay
  HOT (a bulk edit selects neighbours: a product's variants, a vendor's products).
- ``products`` gets the same room: a bulk edit or an import bumps the version of thousands of
  neighbouring products.
- ``variant_price_keys`` holds (variant, price) with the (price, variant) index the list walks
  to sort by price. Statement-level triggers on ``variants`` keep it in step, set by set, in the
  statement that changed the variants; a price change costs this narrow row and its two index
  entries instead of seven entries of the wide one.

Existing tables are rewritten (CLUSTER, in id order) so the room is there from the start; a
store with a million variants waits some seconds, once.
"""

import sqlalchemy as sa
from alembic import op

revision = "catalog_0002"
down_revision = "catalog_0001"
branch_labels = None
depends_on = None

#: each trigger's statement is planned when it runs (EXECUTE): the rows of one product's save
#: and of a 100,000-variant bulk edit want different plans, and a plan cached for one would
#: serve the other
TRIGGERS = {
    "insert": (
        "NEW TABLE AS inserted",
        "INSERT INTO variant_price_keys (variant_id, price) SELECT id, price FROM inserted",
    ),
    "update": (
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "UPDATE variant_price_keys k SET price = n.price "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE k.variant_id = o.id AND n.price IS DISTINCT FROM o.price",
    ),
    "delete": (
        "OLD TABLE AS removed",
        "DELETE FROM variant_price_keys k USING removed r WHERE k.variant_id = r.id",
    ),
}


def upgrade() -> None:
    op.drop_index("ix_variants_price_id", table_name="variants")
    op.create_table(
        "variant_price_keys",
        sa.Column("variant_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("variant_id", name=op.f("pk_variant_price_keys")),
    )
    op.execute("INSERT INTO variant_price_keys (variant_id, price) SELECT id, price FROM variants")
    op.create_index("ix_variant_price_keys_price", "variant_price_keys", ["price", "variant_id"])
    for event, (transition, statement) in TRIGGERS.items():
        op.execute(
            f"""
            CREATE FUNCTION variant_price_keys_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                EXECUTE '{statement}';
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER variants_price_keys_{event} AFTER {event.upper()} ON variants "
            f"REFERENCING {transition} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION variant_price_keys_{event}()"
        )
    for table in ("variants", "products"):
        op.execute(f"ALTER TABLE {table} SET (fillfactor = 50)")
        op.execute(f"CLUSTER {table} USING pk_{table}")


def downgrade() -> None:
    for table in ("variants", "products"):
        op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    for event in TRIGGERS:
        op.execute(f"DROP TRIGGER variants_price_keys_{event} ON variants")
        op.execute(f"DROP FUNCTION variant_price_keys_{event}()")
    op.drop_table("variant_price_keys")
    op.create_index("ix_variants_price_id", "variants", ["price", "id"])
