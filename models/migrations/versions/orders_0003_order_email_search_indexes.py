"""orders: e-mail search by prefix for every order, by trigram for guest checkouts only

A partial address ("ada@exa") searched by trigram over every order's e-mail read a million
posting-list entries per common trigram ("@ex", "com"...).
Registered customers' addresses are searched through the customers' trigram index; the
orders' own trigram index now covers guest checkouts only (customer_id IS NULL), and a
``text_pattern_ops`` index on lower(email) serves both exact and prefix lookups.

Revision ID: orders_0003
Revises: orders_0002
Create Date: 2026-11-25 12:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = 'orders_0003'
down_revision = 'orders_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_orders_email_trgm', table_name='orders')
    op.drop_index('ix_orders_email_lower', table_name='orders')
    op.create_index(
        'ix_orders_email_lower',
        'orders',
        [sa.text('lower(email) text_pattern_ops')],
        unique=False,
    )
    op.create_index(
        'ix_orders_guest_email_trgm',
        'orders',
        ['email'],
        unique=False,
        postgresql_using='gin',
        postgresql_ops={'email': 'gin_trgm_ops'},
        postgresql_where=sa.text('customer_id IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_orders_guest_email_trgm', table_name='orders')
    op.drop_index('ix_orders_email_lower', table_name='orders')
    op.create_index('ix_orders_email_lower', 'orders', [sa.text('lower(email)')], unique=False)
    op.create_index(
        'ix_orders_email_trgm',
        'orders',
        ['email'],
        unique=False,
        postgresql_using='gin',
        postgresql_ops={'email': 'gin_trgm_ops'},
    )
