"""Helpers for the demo store's tests: a database of its own, seeded once per module."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from app.database import make_engine
from services.unit_of_work import Store

#: the demo's year ends here in every test, so a failure can be replayed exactly
END = datetime(2026, 11, 25, 9, tzinfo=UTC)

#: levels whose committed stock is not what open orders still have to ship plus what shipped
#: transfers still owe their destination (as services.inventory.transfers commits it)
COMMITTED_MISMATCHES = """
    WITH owed AS (
        SELECT variant_id, location_id, sum(qty) AS qty FROM (
            SELECT l.variant_id, l.location_id, l.quantity - l.fulfilled_quantity AS qty
            FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE o.status IN ('pending', 'confirmed', 'processing')
            UNION ALL
            SELECT tl.variant_id, t.origin_location_id, tl.quantity - tl.received_quantity
            FROM transfer_lines tl JOIN transfers t ON t.id = tl.transfer_id
            WHERE t.status IN ('shipped', 'partially_received')
        ) x GROUP BY 1, 2
    )
    SELECT variant_id, location_id, i.committed, owed.qty
    FROM inventory_levels i FULL JOIN owed USING (variant_id, location_id)
    WHERE coalesce(i.committed, 0) <> coalesce(owed.qty, 0)
"""


@contextmanager
def fresh_store(pg_server: Any, template_database: str) -> Iterator[Store]:
    """A store on a new database cloned from the migrated template (store row, 4 staff)."""
    name = f"mo_demo_{uuid.uuid4().hex[:8]}"
    engine = make_engine(pg_server.create_database(name, template_database), pool_size=2)
    try:
        yield Store(engine)
    finally:
        engine.dispose()
        pg_server.drop_database(name)


def rows(store: Store, sql: str, **params: Any) -> list[Any]:
    with store.session_factory() as session:
        return list(session.execute(text(sql), params).all())


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.session_factory() as session:
        return session.execute(text(sql), params).scalar_one()
