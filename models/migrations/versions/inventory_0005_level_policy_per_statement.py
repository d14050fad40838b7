"""inventory: a level's allow_negative is checked once per statement, not looked up per row

``inventory_levels.allow_negative`` mirrors the variant's inventory policy so the level's
CHECKs can forbid negative stock under "deny". A row trigger looked the policy up for every
level inserted, a large part of an import's opening of its levels. Now a statement
that gives the flag (``open_levels`` joins the variants) is checked by one statement-level
trigger against the variants, set-based; one that leaves it out still has it filled in per
row, as before. Either way a level whose flag disagrees with its variant's policy is refused.

Revision ID: inventory_0005
Revises: inventory_0004
Create Date: 2026-11-25 15:40:00
"""

from alembic import op

revision = "inventory_0005"
down_revision = "inventory_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE inventory_levels ALTER COLUMN allow_negative DROP DEFAULT")
    op.execute("DROP TRIGGER inventory_levels_policy ON inventory_levels")
    op.execute(
        "CREATE TRIGGER inventory_levels_policy BEFORE INSERT ON inventory_levels "
        "FOR EACH ROW WHEN (NEW.allow_negative IS NULL) "
        "EXECUTE FUNCTION inventory_level_policy()"
    )
    op.execute(
        """
        CREATE FUNCTION inventory_levels_policy_check() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            wrong record;
        BEGIN
            SELECT o.variant_id, o.location_id INTO wrong
            FROM opened o JOIN variants v ON v.id = o.variant_id
            WHERE o.allow_negative <> (v.inventory_policy = 'continue')
            LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'the level of variant % at location % says allow_negative '
                                'against its variant''s inventory policy',
                                wrong.variant_id, wrong.location_id
                      USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER inventory_levels_policy_check AFTER INSERT ON inventory_levels "
        "REFERENCING NEW TABLE AS opened FOR EACH STATEMENT "
        "EXECUTE FUNCTION inventory_levels_policy_check()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER inventory_levels_policy_check ON inventory_levels")
    op.execute("DROP FUNCTION inventory_levels_policy_check()")
    op.execute("DROP TRIGGER inventory_levels_policy ON inventory_levels")
    op.execute(
        "CREATE TRIGGER inventory_levels_policy BEFORE INSERT ON inventory_levels "
        "FOR EACH ROW EXECUTE FUNCTION inventory_level_policy()"
    )
    op.execute("ALTER TABLE inventory_levels ALTER COLUMN allow_negative SET DEFAULT false")
