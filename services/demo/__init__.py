"""The demo store: a deterministic year of a believable shop, written straight with COPY.

``seed_demo(store)`` fills an empty store (a few hundred products, a few thousand variants,
customers and orders); ``seed_demo(store, scale=1_000_000)`` grows it to about a million
variants and order lines for benchmarks. ``seed_if_empty`` is what the app calls on its first
start. The sign-in for the login dialog is ``DEMO_SIGN_IN``.

Qt-free and HTTP-free like every service; it writes rows directly (COPY) rather than through
the other services, and the database's constraints and triggers check every one of them.
"""

from services.demo.generator import (
    DEMO_PASSWORD,
    DEMO_SIGN_IN,
    DEMO_STAFF,
    DemoSummary,
    StoreBusy,
    StoreNotEmpty,
    erase_store,
    product_count,
    seed_demo,
    seed_if_empty,
    store_contents,
)
from services.demo.plan import DEFAULT_SEED, MIN_SCALE, DemoPlan, plan_for

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DEMO_SIGN_IN",
    "DEMO_STAFF",
    "MIN_SCALE",
    "DemoPlan",
    "DemoSummary",
    "StoreBusy",
    "StoreNotEmpty",
    "erase_store",
    "plan_for",
    "product_count",
    "seed_demo",
    "seed_if_empty",
    "store_contents",
]
