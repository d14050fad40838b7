"""A USB scanner and a person at the keyboard, for screens that take scans."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from views.widgets.scanner import ScannerInput


class Keyboard:
    """Types into a screen's widgets the way a USB scanner (a character every 4 ms, then
    Enter) or a person (one every 150 ms) would.

    The screen's ``ScannerInput`` reads this keyboard's clock instead of the real one, and
    holds keys a second before handing them on: a busy test machine can pause longer than a
    scanner's gap between two simulated keys, and must not split a scan into typing.
    """

    def __init__(self, qtbot, scanner: ScannerInput) -> None:
        self.qtbot, self.now = qtbot, 0.0
        scanner._clock = lambda: self.now
        scanner._flush_timer.setInterval(1_000)

    def scan(self, widget: QWidget, code: str) -> None:
        for char in code:
            self.now += 0.004
            self.qtbot.keyClick(widget, char)
        self.now += 0.004
        self.qtbot.keyClick(widget, Qt.Key.Key_Return)
        self.now += 1.0

    def type(self, widget: QWidget, text: str) -> None:
        for char in text:
            self.now += 0.15
            self.qtbot.keyClick(widget, char)
        self.now += 0.15

    def press_enter(self, widget: QWidget) -> None:
        """Enter typed by a person: it hands on any keys still held, then goes to ``widget``."""
        self.now += 0.15
        self.qtbot.keyClick(widget, Qt.Key.Key_Return)
