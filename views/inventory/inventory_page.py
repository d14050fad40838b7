"""The Inventory area: stock, transfers, receiving, counts, the ledger and low stock, one tab
each (Alt+S, Alt+T, Alt+R, Alt+O, Alt+L, Alt+W). Scanning works on every tab without
clicking a field first. Changes made at another workstation refresh the tab on screen, and the
others when they are next shown."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from views.context import FIGURE_TOPICS, StoreChanges, ViewContext
from views.inventory.counts_tab import CountsTab
from views.inventory.ledger_tab import LedgerTab
from views.inventory.low_stock_tab import LowStockTab
from views.inventory.receiving_tab import ReceivingTab
from views.inventory.stock_tab import StockTab
from views.inventory.transfers_tab import TransfersTab
from views.widgets.page import Page


class InventoryPage(Page):
    title = "Inventory"
    topics = ("inventory.", "catalog.")

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.tabs = QTabWidget()
        self.stock = StockTab(context)
        self.transfers = TransfersTab(context)
        self.receiving = ReceivingTab(context)
        self.counts = CountsTab(context)
        self.ledger = LedgerTab(context)
        self.low_stock = LowStockTab(context)
        for tab, label in (
            (self.stock, "&Stock"),
            (self.transfers, "&Transfers"),
            (self.receiving, "&Receiving"),
            (self.counts, "C&ounts"),
            (self.ledger, "&Ledger"),
            (self.low_stock, "Lo&w stock"),
        ):
            self.tabs.addTab(tab, label)
        self.low_stock.purchase_order_drafted.connect(self._on_purchase_order_drafted)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._stale: set[QWidget] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)

    def on_shown(self) -> None:
        self._refresh(self.tabs.currentWidget())

    def on_store_changed(self, changes: StoreChanges) -> None:
        """Refresh the tab on screen now, in place; the others when they are next shown. A
        change of stock figures only refetches the stock list's rows of those variants."""
        current = self.tabs.currentWidget()
        self._stale = {self.tabs.widget(i) for i in range(self.tabs.count())} - {current}
        if not self.isVisible():
            self._stale.add(current)
        elif current is self.stock and changes.only(*FIGURE_TOPICS):
            self.stock.refresh_figures(changes.ids(*FIGURE_TOPICS))
        else:
            current.reload()  # type: ignore[attr-defined]

    def _on_tab_changed(self, _index: int) -> None:
        self._refresh(self.tabs.currentWidget())

    def _refresh(self, tab: QWidget) -> None:
        if tab in self._stale:
            self._stale.discard(tab)
            tab.reload()  # type: ignore[attr-defined]

    def _on_purchase_order_drafted(self, detail: object) -> None:
        self.tabs.setCurrentWidget(self.receiving)
        self.receiving.shown(detail)
