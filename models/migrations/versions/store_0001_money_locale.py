"""store: the locale the store writes money in

Revision ID: store_0001
Revises: 0001
Create Date: 2026-12-04 15:30:00

``store.locale`` (``de_DE``, ``en_US``): how amounts are typed and shown, ``12,50 €`` or
``$12.50``. NULL means the store has not chosen: the app then uses its country's locale, or its
currency's usual one (``models.money.default_locale``), so existing stores need no value.
"""

import sqlalchemy as sa
from alembic import op

revision = "store_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("store", sa.Column("locale", sa.Text(), nullable=True))
    op.create_check_constraint(
        op.f("ck_store_locale_form"),
        "store", "locale ~ '^[a-z]{2,3}(_[A-Za-z]{4})?(_[A-Z]{2}|_[0-9]{3})?$'"
    )


def downgrade() -> None:
    op.drop_constraint("ck_store_locale_form", "store", type_="check")
    op.drop_column("store", "locale")
