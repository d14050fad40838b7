"""Shortcuts are discoverable: Help > Keyboard shortcuts lists every one, from the same table
the screens bind them from; menus show their keys; buttons' tooltips name theirs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from app.areas import page_classes
from app.main_window import MainWindow
from views.inventory.transfers_tab import TransfersTab
from views.shortcuts import SHORTCUTS
from views.widgets.shortcuts_dialog import ShortcutsDialog

ROOT = Path(__file__).resolve().parents[2]


def _settle(context, qtbot) -> None:
    for _ in range(10):
        context.tasks.wait_for_idle()
        qtbot.wait(20)


def test_f1_lists_every_shortcut_by_where_it_works(context_for, qtbot) -> None:
    context = context_for("admin")
    window = MainWindow(context, page_classes())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is not None, timeout=5_000)
    table = window.findChild(ShortcutsDialog).table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    assert len(rows) == len(SHORTCUTS)
    assert ("Orders", "Ctrl+N", "New order") in rows
    assert ("Inventory · Stock", "Ctrl+J", "Adjust stock of the selected item") in rows
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert any(
        a.text() == "&Keyboard shortcuts" and a.shortcut() == QKeySequence("F1")
        for a in help_menu.actions()
    )
    _settle(context, qtbot)


def test_every_shortcut_the_screens_bind_is_in_the_table(context_for, qtbot) -> None:
    context = context_for("admin")
    window = MainWindow(context, page_classes())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    for title in window.page_titles():
        window.show_area(title)
        _settle(context, qtbot)
    declared = {(s.area, QKeySequence(s.keys)) for s in SHORTCUTS}
    bound = window.findChildren(QShortcut)
    assert len(bound) > 20
    for shortcut in bound:
        area, _, action = shortcut.whatsThis().partition(": ")
        assert (area, shortcut.key()) in declared, shortcut.key().toString()
        assert any(s.action == action for s in SHORTCUTS)
    everywhere = {QKeySequence(s.keys) for s in SHORTCUTS if s.area == "Everywhere"}
    for menu in (a.menu() for a in window.menuBar().actions()):
        for action in menu.actions():
            assert action.shortcut().isEmpty() or action.shortcut() in everywhere


def test_no_screen_makes_a_shortcut_of_its_own() -> None:
    makers = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("views", "app")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "shortcuts.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "QShortcut(" in line or "shortcut=QKeySequence(" in line
    ]
    assert makers == []
    assert not [k for k, n in Counter((s.area, s.keys) for s in SHORTCUTS).items() if n > 1]


def test_a_button_with_a_shortcut_names_it_in_its_tooltip(context_for, qtbot) -> None:
    context = context_for("warehouse")
    tab = TransfersTab(context)
    qtbot.addWidget(tab)
    assert tab.new_button.toolTip() == "New transfer (Ctrl+N)"
    assert tab.ship_button.toolTip() == "Ship the transfer (Ctrl+S)"
    _settle(context, qtbot)
