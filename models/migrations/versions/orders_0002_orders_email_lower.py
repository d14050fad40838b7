"""orders: index lower(email) for exact e-mail search

Revision ID: orders_0002
Revises: orders_0001
Create Date: 2026-11-25 11:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = 'orders_0002'
down_revision = 'orders_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_email_lower', 'orders', [sa.text('lower(email)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_email_lower', table_name='orders')
