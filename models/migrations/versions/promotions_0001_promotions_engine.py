"""promotions: codes, combinability per class, usage counters, redemptions given back, the
explanation of an order's pricing

- ``promotions.method`` (automatic or code), ``combines_with`` (the classes of discount it may
  be combined with: product, order, shipping) replacing the single ``combinable`` flag,
  ``customer_tag``; ``used_count`` and ``discount_given``, counted by the conditional UPDATE
  that redeems it (``used_count <= usage_limit`` is a CHECK too).
- A code is unique whatever its case (an index on ``lower(code)``), in ``promotions`` and in
  ``promotion_codes``, the single-use codes generated in batches.
- Loading the automatic promotions live now reads a partial index of the enabled automatic
  ones by end time, so ten thousand expired promotions cost nothing.
- A redemption given back (the order was cancelled) keeps its row with ``returned_at``; once
  per customer is a partial unique index over the redemptions not given back.
- ``order_discounts`` keep their class and their share of each line; ``order_pricing`` keeps
  the engine's explanation of an order's last pricing.

Revision ID: promotions_0001
Revises: 0001
Create Date: 2026-12-04 15:40:00
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'promotions_0001'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('promotions', sa.Column('method', sa.Text(), server_default='automatic',
                                          nullable=False))
    op.add_column('promotions', sa.Column('combines_with', postgresql.ARRAY(sa.Text()),
                                          server_default='{}', nullable=False))
    op.add_column('promotions', sa.Column('customer_tag', sa.Text(), nullable=True))
    op.add_column('promotions', sa.Column('used_count', sa.Integer(), server_default='0',
                                          nullable=False))
    op.add_column('promotions', sa.Column('discount_given', sa.BigInteger(), server_default='0',
                                          nullable=False))
    op.execute("UPDATE promotions SET method = 'code' WHERE code IS NOT NULL")
    op.execute(
        "UPDATE promotions SET combines_with = '{product,order,shipping}' WHERE combinable"
    )
    op.execute(
        "UPDATE promotions p SET used_count = r.n, discount_given = r.amount "
        "FROM (SELECT promotion_id, count(*) AS n, sum(amount) AS amount "
        "      FROM promotion_redemptions GROUP BY promotion_id) r WHERE r.promotion_id = p.id"
    )
    op.drop_column('promotions', 'combinable')
    op.create_check_constraint('method', 'promotions', "method IN ('automatic', 'code')")
    op.create_check_constraint(
        'automatic_has_no_code', 'promotions', "method = 'code' OR code IS NULL"
    )
    op.create_check_constraint(
        'combines_with_classes', 'promotions',
        "combines_with <@ ARRAY['product', 'order', 'shipping']::text[]",
    )
    op.create_check_constraint(
        'within_usage_limit', 'promotions',
        "used_count >= 0 AND (usage_limit IS NULL OR used_count <= usage_limit)",
    )
    op.drop_constraint('uq_promotions_code', 'promotions', type_='unique')
    op.create_index('ix_promotions_code_lower', 'promotions', [sa.text('lower(code)')],
                    unique=True)
    op.create_index(
        'ix_promotions_live_automatic', 'promotions',
        [sa.text("coalesce(ends_at, 'infinity'::timestamptz)")],
        postgresql_where=sa.text("is_active AND method = 'automatic'"),
    )
    op.create_index(
        'ix_promotions_search_trgm', 'promotions',
        [sa.text("lower(title || ' ' || coalesce(code, '')) gin_trgm_ops")],
        postgresql_using='gin',
    )

    op.create_table(
        'promotion_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('promotion_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.Text(), nullable=False),
        sa.Column('used_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.CheckConstraint('used_count BETWEEN 0 AND 1', name=op.f('ck_promotion_codes_single_use')),
        sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'],
                                name=op.f('fk_promotion_codes_promotion_id_promotions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_codes')),
    )
    op.create_index('ix_promotion_codes_code_lower', 'promotion_codes', [sa.text('lower(code)')],
                    unique=True)
    op.create_index('ix_promotion_codes_promotion_id_id', 'promotion_codes',
                    ['promotion_id', 'id'])

    op.add_column('promotion_redemptions', sa.Column('code', sa.Text(), nullable=True))
    op.add_column('promotion_redemptions', sa.Column('promotion_code_id', sa.Integer(),
                                                     nullable=True))
    op.add_column('promotion_redemptions', sa.Column('once_per_customer', sa.Boolean(),
                                                     server_default='false', nullable=False))
    op.add_column('promotion_redemptions', sa.Column('returned_at', sa.DateTime(timezone=True),
                                                     nullable=True))
    op.create_foreign_key(
        op.f('fk_promotion_redemptions_promotion_code_id_promotion_codes'),
        'promotion_redemptions', 'promotion_codes', ['promotion_code_id'], ['id'],
    )
    op.drop_index('ix_promotion_redemptions_promotion_id', table_name='promotion_redemptions')
    op.create_index('ix_promotion_redemptions_promotion_id_id', 'promotion_redemptions',
                    ['promotion_id', 'id'])
    op.create_index(
        'ix_promotion_redemptions_once_per_customer', 'promotion_redemptions',
        ['promotion_id', 'customer_id'], unique=True,
        postgresql_where=sa.text(
            'once_per_customer AND returned_at IS NULL AND customer_id IS NOT NULL'
        ),
    )

    op.add_column('order_discounts', sa.Column('discount_class', sa.Text(),
                                               server_default='order', nullable=False))
    op.add_column('order_discounts', sa.Column('lines', postgresql.JSONB(astext_type=sa.Text()),
                                               server_default='[]', nullable=False))
    op.create_check_constraint(
        'discount_class', 'order_discounts',
        "discount_class IN ('product', 'order', 'shipping')",
    )
    op.create_table(
        'order_pricing',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('explanation', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('priced_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_order_pricing_order_id_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_pricing')),
    )


def downgrade() -> None:
    op.drop_table('order_pricing')
    op.drop_constraint('ck_order_discounts_discount_class', 'order_discounts', type_='check')
    op.drop_column('order_discounts', 'lines')
    op.drop_column('order_discounts', 'discount_class')
    op.drop_index('ix_promotion_redemptions_once_per_customer',
                  table_name='promotion_redemptions')
    op.drop_index('ix_promotion_redemptions_promotion_id_id', table_name='promotion_redemptions')
    op.create_index('ix_promotion_redemptions_promotion_id', 'promotion_redemptions',
                    ['promotion_id'])
    op.drop_constraint(op.f('fk_promotion_redemptions_promotion_code_id_promotion_codes'),
                       'promotion_redemptions', type_='foreignkey')
    for column in ('returned_at', 'once_per_customer', 'promotion_code_id', 'code'):
        op.drop_column('promotion_redemptions', column)
    op.drop_table('promotion_codes')
    op.drop_index('ix_promotions_search_trgm', table_name='promotions')
    op.drop_index('ix_promotions_live_automatic', table_name='promotions')
    op.drop_index('ix_promotions_code_lower', table_name='promotions')
    op.create_unique_constraint('uq_promotions_code', 'promotions', ['code'])
    for name in ('within_usage_limit', 'combines_with_classes', 'automatic_has_no_code',
                 'method'):
        op.drop_constraint(f'ck_promotions_{name}', 'promotions', type_='check')
    op.add_column('promotions', sa.Column('combinable', sa.Boolean(), server_default='false',
                                          nullable=False))
    op.execute("UPDATE promotions SET combinable = cardinality(combines_with) > 0")
    for column in ('discount_given', 'used_count', 'customer_tag', 'combines_with', 'method'):
        op.drop_column('promotions', column)
