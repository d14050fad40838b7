"""The Orders area of the desktop app."""

from views.orders.orders_page import OrdersPage

__all__ = ["OrdersPage"]
