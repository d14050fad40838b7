"""Printed documents as PDF bytes (reportlab): pick lists and packing slips.

Renderers take plain dataclasses (``services.orders.picking``) and never touch the database,
so the app previews and prints exactly what the CLI writes.
"""

from services.documents.packing_slip import render_packing_slips
from services.documents.pick_list import render_pick_list

__all__ = ["render_packing_slips", "render_pick_list"]
