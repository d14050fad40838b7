"""A client process for the hot-SKU benchmark: its own interpreter, engine and connection, as
a storefront API process or a workstation would be. Kept small so it starts quickly."""

from __future__ import annotations

import time
from typing import Any


def reserve_loop(
    url: str, variant: int, place: int, count: int, staff_id: int | None, barrier: Any
) -> tuple[float, float, int]:
    """Reserve one unit ``count`` times through the ledger, each in its own unit of work."""
    from app.database import make_engine
    from services.actors import Actor
    from services.errors import InsufficientStock
    from services.inventory.ledger import Reference, reserve
    from services.unit_of_work import Store

    engine = make_engine(url, pool_size=1)
    store = Store(engine)
    actor = Actor(staff_id=staff_id, name="Bench", role="Bench")
    with engine.connect():
        pass  # connect before the clock starts
    barrier.wait()
    start, done = time.time(), 0
    for i in range(count):
        try:
            with store.unit_of_work() as uow:
                reserve(uow, actor, [(variant, place, 1)], reference=Reference.of("order", i))
                uow.commit()
            done += 1
        except InsufficientStock:
            pass
    end = time.time()
    engine.dispose()
    return start, end, done


def raw_loop(
    conninfo: str, variant: int, place: int, count: int, barrier: Any
) -> tuple[float, float, int]:
    """The baseline: a raw conditional UPDATE of the same row, autocommitted, ``count`` times."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        barrier.wait()
        start, done = time.time(), 0
        for _ in range(count):
            done += conn.execute(
                "UPDATE inventory_levels SET committed = committed + 1 "
                "WHERE variant_id = %s AND location_id = %s AND available >= 1",
                (variant, place),
            ).rowcount
        return start, time.time(), done
