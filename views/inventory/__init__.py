"""The Inventory area of the desktop app: the warehouse's screens."""

from views.inventory.inventory_page import InventoryPage

__all__ = ["InventoryPage"]
