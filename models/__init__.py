"""The data model: SQLAlchemy declarative tables and domain value types.

Money columns hold integer minor units (cents) of the store's currency; see ``models.money``.
Allowed status transitions are declared once, in ``models.status``.
Importing this package registers every table on ``Base.metadata``.
"""

from models import (  # noqa: F401  (register tables)
    audit,
    catalog,
    customers,
    inventory,
    orders,
    outbox,
    payments,
    promotions,
    staff,
    store,
)
from models.base import Base

__all__ = ["Base"]
