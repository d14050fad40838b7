"""Every keyboard shortcut of the app, declared once: where it works, its keys, what it does.

Screens bind their shortcuts through ``bind`` (a key not declared here is refused), menus take
their keys from ``keys_of``, and Help > Keyboard shortcuts lists this same table: what the
dialog shows is what the app does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QWidget


@dataclass(frozen=True)
class Shortcut:
    """Attributes:
    area: where it works ("Everywhere", "Orders", "Inventory · Stock").
    keys: the key sequence, in Qt's portable text ("Ctrl+Shift+P").
    action: what it does, in the user's words.
    """

    area: str
    keys: str
    action: str

    @property
    def shown(self) -> str:
        """The keys as this platform writes them (Ctrl+Shift+P, ⌘⇧P)."""
        return QKeySequence(self.keys).toString(QKeySequence.SequenceFormat.NativeText)


EVERYWHERE = "Everywhere"
LISTS = "Lists"
CATALOG = "Catalog"
PRODUCT = "Catalog · Product editor"
ORDERS = "Orders"
SCAN_TO_PACK = "Orders · Scan to pack"
PREVIEW = "Printing · Preview"
STOCK = "Inventory · Stock"
LEDGER = "Inventory · Ledger"
LOW_STOCK = "Inventory · Low stock"
RECEIVING = "Inventory · Receiving"
TRANSFERS = "Inventory · Transfers"
COUNTS = "Inventory · Counts"
COUNTING = "Inventory · Counting"
PROMOTIONS = "Promotions"

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(EVERYWHERE, "Ctrl+K", "Search the store: SKU, barcode, order number, customer"),
    *(
        Shortcut(EVERYWHERE, f"Ctrl+{n}", f"Go to area {n} in the list on the left")
        for n in range(1, 10)
    ),
    Shortcut(EVERYWHERE, "F1", "Show these keyboard shortcuts"),
    Shortcut(EVERYWHERE, "Ctrl+Shift+Q", "Sign out"),
    Shortcut(EVERYWHERE, "Ctrl+Q", "Quit"),
    Shortcut(LISTS, "Ctrl+F", "Go to the list's search box"),
    Shortcut(CATALOG, "Ctrl+N", "New product"),
    Shortcut(CATALOG, "Ctrl+B", "Bulk edit the selected variants"),
    Shortcut(CATALOG, "Ctrl+I", "Import products from a file"),
    Shortcut(CATALOG, "Ctrl+E", "Export products to a file"),
    Shortcut(CATALOG, "Ctrl+Shift+P", "Publish the selected products"),
    Shortcut(CATALOG, "F5", "Refresh the list"),
    Shortcut(PRODUCT, "Ctrl+S", "Save the product"),
    Shortcut(PRODUCT, "Ctrl+Shift+N", "Add a variant"),
    Shortcut(ORDERS, "Ctrl+N", "New order"),
    Shortcut(ORDERS, "Ctrl+P", "Pick list for the selected orders"),
    Shortcut(ORDERS, "Ctrl+Shift+P", "Packing slips for the selected orders"),
    Shortcut(ORDERS, "F8", "Scan to pack"),
    Shortcut(ORDERS, "F5", "Refresh the list"),
    Shortcut(SCAN_TO_PACK, "Ctrl+Return", "Complete the packed order"),
    Shortcut(SCAN_TO_PACK, "Escape", "Start the order over"),
    Shortcut(PREVIEW, "Ctrl+P", "Print"),
    Shortcut(PREVIEW, "Ctrl+S", "Save as PDF"),
    Shortcut(STOCK, "Ctrl+J", "Adjust stock of the selected item"),
    Shortcut(STOCK, "Ctrl+M", "Move units between states"),
    Shortcut(STOCK, "Ctrl+R", "Set the reorder point"),
    Shortcut(STOCK, "Return", "The selected item's history"),
    Shortcut(STOCK, "F5", "Refresh the list"),
    Shortcut(LEDGER, "Return", "The selected item's history"),
    Shortcut(LEDGER, "F5", "Refresh the list"),
    Shortcut(LOW_STOCK, "Ctrl+O", "Order the selected items from their supplier"),
    Shortcut(RECEIVING, "Ctrl+N", "New purchase order"),
    Shortcut(RECEIVING, "Ctrl+E", "Edit the purchase order"),
    Shortcut(RECEIVING, "Ctrl+O", "Mark the purchase order as ordered"),
    Shortcut(RECEIVING, "Ctrl+Shift+R", "Receive everything left"),
    Shortcut(RECEIVING, "F5", "Refresh the list"),
    Shortcut(TRANSFERS, "Ctrl+N", "New transfer"),
    Shortcut(TRANSFERS, "Ctrl+E", "Edit the transfer"),
    Shortcut(TRANSFERS, "Ctrl+S", "Ship the transfer"),
    Shortcut(TRANSFERS, "Ctrl+Shift+R", "Receive everything left"),
    Shortcut(TRANSFERS, "F5", "Refresh the list"),
    Shortcut(COUNTS, "Ctrl+N", "Start a count"),
    Shortcut(COUNTS, "Return", "Open the selected count"),
    Shortcut(COUNTING, "Ctrl+Z", "Undo the last scan"),
    Shortcut(COUNTING, "Ctrl+P", "Post the count"),
    Shortcut(COUNTING, "Alt+Left", "Back to the counts"),
    Shortcut(COUNTING, "Escape", "Skip the unknown code"),
    Shortcut(COUNTING, "F5", "Refresh the variances"),
    Shortcut(PROMOTIONS, "Ctrl+N", "New promotion"),
    Shortcut(PROMOTIONS, "Ctrl+D", "Duplicate the selected promotion"),
    Shortcut(PROMOTIONS, "F5", "Refresh the list"),
)

_BY_AREA_AND_KEYS = {(s.area, QKeySequence(s.keys).toString()): s for s in SHORTCUTS}


def declared(area: str, keys: str) -> Shortcut:
    """The declaration of ``keys`` in ``area``; KeyError for a shortcut nobody declared."""
    return _BY_AREA_AND_KEYS[(area, QKeySequence(keys).toString())]


def keys_of(area: str, keys: str) -> QKeySequence:
    """The key sequence of a declared shortcut, for a menu's QAction."""
    return QKeySequence(declared(area, keys).keys)


def bind(
    area: str,
    keys: str,
    parent: QWidget,
    slot: Callable[[], object],
    *,
    button: QAbstractButton | None = None,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    """A QShortcut for a declared shortcut; ``button`` (the action's button) gets a tooltip
    naming the keys, so hovering over a button teaches its shortcut."""
    entry = declared(area, keys)
    shortcut = QShortcut(QKeySequence(entry.keys), parent, context=context)
    shortcut.activated.connect(slot)
    shortcut.setWhatsThis(f"{entry.area}: {entry.action}")
    if button is not None:
        button.setToolTip(f"{entry.action} ({entry.shown})")
    return shortcut
