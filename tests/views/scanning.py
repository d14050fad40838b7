"""A USB scanner and a person at the keyboard, for screens that take scans.

Both send what a US keyboard sends: for a capital or a shifted symbol, Shift is pressed, then
the key (with the Shift modifier and the character as its text), then the key and Shift are
released. The events go through ``QTest.simulateEvent``, as the window system's would: the
ShortcutOverride first, then the press, then the release.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from views.widgets.scanner import GROUP_SEPARATOR, ScannerInput

#: characters a US keyboard types with Shift held, and the key under each
_SHIFTED = dict(zip('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./", strict=True))
_NO_MODIFIER = Qt.KeyboardModifier.NoModifier
_SHIFT = Qt.KeyboardModifier.ShiftModifier
#: a scanner's pace: a key event every 2 ms
SCANNER_EVENT_S = 0.002
#: a person's pace: a character every 150 ms
PERSON_CHARACTER_S = 0.15


def key_events(char: str) -> list[tuple[bool, int, Qt.KeyboardModifier, str]]:
    """The (press?, key, modifiers, text) events that type ``char`` on a US keyboard."""
    if char == GROUP_SEPARATOR:  # Ctrl+]
        control = Qt.KeyboardModifier.ControlModifier
        return [
            (True, Qt.Key.Key_Control, _NO_MODIFIER, ""),
            (True, Qt.Key.Key_BracketRight, control, char),
            (False, Qt.Key.Key_BracketRight, control, char),
            (False, Qt.Key.Key_Control, control, ""),
        ]
    shifted = char.isupper() or char in _SHIFTED
    key = ord(char.upper()) if char.isalnum() else ord(char)
    if not shifted:
        return [(True, key, _NO_MODIFIER, char), (False, key, _NO_MODIFIER, char)]
    # the window system reports the state before each event: Shift's own press carries no
    # modifier and its release carries Shift
    return [
        (True, Qt.Key.Key_Shift, _NO_MODIFIER, ""),
        (True, key, _SHIFT, char),
        (False, key, _SHIFT, char),
        (False, Qt.Key.Key_Shift, _SHIFT, ""),
    ]


def send(widget: QWidget, events: list[tuple[bool, int, Qt.KeyboardModifier, str]]) -> None:
    for press, key, modifiers, text in events:
        QTest.simulateEvent(widget, press, key, modifiers, text, False)


ENTER = [
    (True, Qt.Key.Key_Return, _NO_MODIFIER, "\r"),
    (False, Qt.Key.Key_Return, _NO_MODIFIER, "\r"),
]


class Keyboard:
    """Types into a screen's widgets the way a USB scanner (a key event every 2 ms, Shift around
    each capital, then Enter) or a person (a character every 150 ms) would.

    The screen's ``ScannerInput`` reads this keyboard's clock instead of the real one, and
    holds keys a second before handing them on: a busy test machine can pause longer than a
    scanner's gap between two simulated keys, and must not split a scan into typing.
    """

    def __init__(self, qtbot, scanner: ScannerInput) -> None:
        self.qtbot, self.now = qtbot, 100.0
        scanner._clock = lambda: self.now
        scanner._flush_timer.setInterval(1_000)

    def scan(self, widget: QWidget, code: str) -> None:
        for char in code:
            for event in key_events(char):
                self.now += SCANNER_EVENT_S
                send(widget, [event])
        for event in ENTER:
            self.now += SCANNER_EVENT_S
            send(widget, [event])
        self.now += 1.0

    def type(self, widget: QWidget, text: str) -> None:
        for char in text:
            self.now += PERSON_CHARACTER_S
            send(widget, key_events(char))
        self.now += PERSON_CHARACTER_S

    def press_enter(self, widget: QWidget) -> None:
        """Enter typed by a person: it hands on any keys still held, then goes to ``widget``."""
        self.now += PERSON_CHARACTER_S
        send(widget, ENTER)


def scanner_types(widget: QWidget, code: str) -> None:
    """A scanner's burst, Enter included, into ``widget`` on a screen that does not watch for
    scans (a dialog's field): every key event reaches the field."""
    for char in code:
        send(widget, key_events(char))
    send(widget, ENTER)
