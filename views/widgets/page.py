"""The base of an area's screen in the main window."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from views.context import ViewContext


class Page(QWidget):
    """One area of the app (Catalog, Inventory, Orders, ...).

    Attributes:
        title: the navigation label.
        permission: needed to see the page at all (None: every signed-in person).
        topics: outbox topic prefixes this page refreshes on (``("product.", "inventory.")``).
        opens: kinds of global-search hits the page can show (``("variant",)``); the main
            window calls ``open_item`` with the hit's kind and id.
    """

    title: ClassVar[str] = ""
    permission: ClassVar[str | None] = None
    topics: ClassVar[tuple[str, ...]] = ()
    opens: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def on_shown(self) -> None:
        """Called each time the page becomes the visible one."""

    def on_store_changed(self, topics: set[str]) -> None:
        """Another workstation (or this one) committed changes with these outbox topics.
        Pages refresh what they show; the default does nothing."""

    def open_item(self, kind: str, item_id: int) -> None:
        """Show one record found by the global search (a variant, an order, a customer)."""

    @classmethod
    def allowed(cls, context: ViewContext) -> bool:
        """The signed-in person may see this page."""
        return cls.permission is None or context.can(cls.permission)

    def cares_about(self, topics: set[str]) -> bool:
        return any(topic.startswith(self.topics) for topic in topics) if self.topics else False
