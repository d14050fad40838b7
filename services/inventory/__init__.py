"""Inventory: stock levels per variant and location, and everything that moves them.

``ledger`` is the only code that changes stock figures; every other path (adjustments,
transfers, purchase orders, counts, orders, returns, imports) calls it.
"""
