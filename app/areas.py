"""The areas of the main window, in navigation order.

Each entry names a ``views.<area>`` module and its Page class; modules are imported when the
main window opens, so the sign-in dialog paints without them. An area whose module is not
there yet is skipped.
"""

from __future__ import annotations

import importlib
import logging

from views.widgets.page import Page

log = logging.getLogger(__name__)

AREAS: tuple[tuple[str, str], ...] = (
    ("views.catalog", "CatalogPage"),
    ("views.inventory", "InventoryPage"),
    ("views.orders", "OrdersPage"),
    ("views.promotions", "PromotionsPage"),
    ("views.payments", "PaymentsPage"),
    ("views.reports", "ReportsPage"),
    ("views.staff.staff_page", "StaffPage"),
)


def page_classes() -> list[type[Page]]:
    classes = []
    for module_name, class_name in AREAS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue  # the area is not built yet
            raise
        classes.append(getattr(module, class_name))
    return classes
