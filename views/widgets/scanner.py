"""Barcode scanner input that works anywhere on a screen, and the feedback a scan deserves.

A USB scanner is a keyboard that types very fast and ends with Enter: for a capital (or a
"(" in a GS1 code) it presses Shift, the key, then releases both, all within a few
milliseconds. ``ScannerInput`` watches the key presses aimed at a screen (whatever has the focus
there: a table, a button, a search field, nothing at all), holds back characters that arrive
faster than a person types, and when Enter ends such a burst it emits ``scanned`` with the code
instead of typing it. Modifier keys (Shift, AltGr, Caps Lock...) are part of the burst, never
its end: they carry the capitals. Characters a person types are handed on to where they were
going, a few milliseconds late, so fields keep working as usual; the key releases of what was
held or scanned are kept back too, so a field never hears of keys it was not given. Screens that
scan should not bind shortcuts to plain character keys: those keys are claimed here so a scanned
letter never fires a shortcut.

``ScanFeedback`` shows the outcome of a scan in colour (green, amber, red) with a short flash,
and sounds it. The outcome stays until the next one, or at least ``HOLD_MS``: a screen that
reloads meanwhile (its own refresh, another workstation's change) puts its hint back only
after that. QtMultimedia needs PulseAudio and is not there on every workstation, so the
sound is the system bell (``QApplication.beep()``): one ring for a good scan, two for a
warning, three for an error.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

#: a scanner types a character every few milliseconds; people rarely under 60 ms
MAX_GAP_MS = 45
#: shorter bursts than this are typing, not a label (bin codes like "A-1" are 3 characters)
MIN_LENGTH = 3

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: keys a scanner presses around characters (Shift for capitals, AltGr for symbols on some
#: layouts); they neither start nor end a burst
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Hyper_L,
        Qt.Key.Key_Hyper_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_Mode_switch,
    }
)
#: modifiers that only choose which character a key types
_CHARACTER_MODIFIERS = (
    Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.KeypadModifier
    | Qt.KeyboardModifier.GroupSwitchModifier
)
#: the group separator a GS1 code carries between variable-length fields (a scanner types it
#: as Ctrl+])
GROUP_SEPARATOR = "\x1d"


@dataclass
class _HeldKey:
    target: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScannerInput(QObject):
    """Turns fast key bursts ending with Enter, aimed anywhere in ``root``'s window while
    ``root`` is visible, into ``scanned`` codes.

    Signals:
        scanned(str): a code a scanner typed (without the Enter).

    Attributes:
        enabled: set False to let every key through (a dialog that takes typed codes).
    """

    scanned = Signal(str)

    def __init__(
        self,
        root: QWidget,
        *,
        max_gap_ms: int = MAX_GAP_MS,
        min_length: int = MIN_LENGTH,
        clock: Callable[[], float] = time.monotonic,
        hold_ms: int | None = None,
    ) -> None:
        super().__init__(root)
        self._root = root
        self._max_gap = max_gap_ms / 1000
        self._min_length = min_length
        self._clock = clock
        self._held: list[_HeldKey] = []
        # keys pressed into a burst whose release has not come yet (a few at most: the
        # oldest go when a person's release never reaches this window)
        self._kept_back: deque[int] = deque(maxlen=16)
        self._last = 0.0
        self._replaying = False
        self.enabled = True
        # how long held keys wait for the next one before going on to their widget; tests
        # driving ``clock`` by hand lengthen it so a slow machine does not flush a scan midway
        self._flush_timer = QTimer(self, singleShot=True, interval=hold_ms or max_gap_ms)
        self._flush_timer.timeout.connect(self.flush)
        app = QApplication.instance()
        assert app is not None, "a QApplication must exist before a ScannerInput"
        app.installEventFilter(self)
        root.destroyed.connect(self._on_root_destroyed)

    def _on_root_destroyed(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- the filter ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            return False
        if self._replaying or not self.enabled:
            return False
        if not isinstance(event, QKeyEvent) or not isinstance(watched, QWidget):
            return False
        if event.key() in _MODIFIER_KEYS:
            return False  # Shift around a capital: part of the burst, for the widget too
        if kind == QEvent.Type.KeyRelease:
            return self._release_kept_back(event)
        if not self._watches(watched) or event.isAutoRepeat():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Qt offers keys to shortcuts before the widget sees them: claim the characters
            # (so a scanned "I" never fires a shortcut) and the Enter that ends a scan
            if self._is_character(event) or (
                event.key() in _ENTER_KEYS and self._scan_ready(self._clock())
            ):
                event.accept()
                return True
            return False
        now = self._clock()
        if event.key() in _ENTER_KEYS:
            if self._scan_ready(now):
                code = "".join(h.text for h in self._held)
                self._held.clear()
                self._flush_timer.stop()
                self._kept_back.append(event.key())
                self.scanned.emit(code)
                return True
            self.flush()
            return False
        if not self._is_character(event):
            self.flush()
            return False
        if self._held and now - self._last > self._max_gap:
            self.flush()  # the earlier keys were typed by a person
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(), event.text()))
        self._kept_back.append(event.key())
        self._last = now
        self._flush_timer.start()
        return True

    def _release_kept_back(self, event: QKeyEvent) -> bool:
        """Swallow the release of a key whose press was held or scanned: the widget got a
        whole press and release on a flush, or nothing at all for a scan."""
        if event.isAutoRepeat() or event.key() not in self._kept_back:
            return False
        self._kept_back.remove(event.key())
        return True

    def _scan_ready(self, now: float) -> bool:
        """Held keys make a scan: enough of them, and Enter right after the last."""
        return len(self._held) >= self._min_length and now - self._last <= self._max_gap * 2

    @staticmethod
    def _is_character(event: QKeyEvent) -> bool:
        text = event.text()
        if text == GROUP_SEPARATOR:
            return True
        other = event.modifiers() & ~_CHARACTER_MODIFIERS
        return len(text) == 1 and text.isprintable() and not other

    def _watches(self, widget: QWidget) -> bool:
        """Keys aimed at the root's window while the root is on screen, unless a modal dialog
        is up (it gets its keys; so does any dialog, being a window of its own)."""
        if not self._root.isVisible():
            return False
        window = self._root.window()
        if widget.window() is not window:
            return False
        modal = QApplication.activeModalWidget()
        return modal is None or modal is window

    def flush(self) -> None:
        """Hand held keys to the widgets they were aimed at: a person was typing."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        self._replaying = True
        try:
            for key in held:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        key.target, QKeyEvent(kind, key.key, key.modifiers, key.text)
                    )
        finally:
            self._replaying = False


# -- feedback ----------------------------------------------------------------------------------

STYLES = {
    "idle": "background: #f1f3f4; color: #202124;",
    "ok": "background: #e6f4ea; color: #1e7d32;",
    "warn": "background: #fef7e0; color: #8a5a00;",
    "error": "background: #fce8e6; color: #b3261e;",
}
FLASH = {
    "ok": "background: #34a853; color: white;",
    "warn": "background: #f9ab00; color: #202124;",
    "error": "background: #d93025; color: white;",
}
RINGS = {"ok": 1, "warn": 2, "error": 3}
#: how long a scan's outcome stays before a screen's hint may take its place: long enough to
#: look up from the parcel and read it
HOLD_MS = 4_000
ICONS = {"idle": "", "ok": "✔ ", "warn": "⚠ ", "error": "✖ "}


def system_bell(kind: str) -> None:
    """Ring the system bell once for a good scan, twice for a warning, three times for an
    error, 120 ms apart."""
    for ring in range(RINGS.get(kind, 1)):
        QTimer.singleShot(ring * 120, QApplication.beep)


class ScanFeedback(QLabel):
    """A large message line that flashes and sounds the outcome of each scan, and keeps it
    until the next outcome; hints (``show_hint``) wait until an outcome has been up
    ``HOLD_MS``.

    Signals:
        shown(str, str): the kind ("ok", "warn", "error", "idle") and the message, after
            each call to ``show_result`` (tests and screen readers follow it).
    """

    shown = Signal(str, str)

    def __init__(
        self,
        text: str = "Ready to scan.",
        *,
        sound: Callable[[str], None] | None = system_bell,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scanFeedback")
        self.setWordWrap(True)
        self.setMinimumHeight(44)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._sound = sound
        self._kind = "idle"
        self._settle = QTimer(self, singleShot=True, interval=220)
        self._settle.timeout.connect(lambda: self._paint(self._kind, flash=False))
        self._hint: str | None = None
        self.hold = QTimer(self, singleShot=True, interval=HOLD_MS)
        self.hold.timeout.connect(self._on_hold_timeout)
        self.show_result("idle", text, sound=False)

    @property
    def kind(self) -> str:
        return self._kind

    def show_result(self, kind: str, message: str, *, sound: bool = True) -> None:
        """Show ``message`` as ``kind`` ("ok", "warn", "error" or "idle"), flash it, sound it."""
        self._kind = kind
        self.setText(f"{ICONS.get(kind, '')}{message}")
        self.setAccessibleDescription(f"{kind}: {message}")
        flash = kind in FLASH
        self._paint(kind, flash=flash)
        if flash:
            self._settle.start()
        if sound and self._sound is not None and kind in RINGS:
            self._sound(kind)
        if kind in RINGS:
            self.hold.start()
        else:
            self.hold.stop()
            self._hint = None
        self.shown.emit(kind, message)

    def show_hint(self, message: str) -> None:
        """Show ``message`` as what to do next, unless a scan's outcome went up less than
        ``HOLD_MS`` ago: then the hint follows when that time is over."""
        if self.hold.isActive():
            self._hint = message
            return
        self.show_result("idle", message, sound=False)

    def _on_hold_timeout(self) -> None:
        if self._hint is not None:
            self.show_result("idle", self._hint, sound=False)

    def _paint(self, kind: str, *, flash: bool) -> None:
        colours = FLASH[kind] if flash else STYLES.get(kind, STYLES["idle"])
        weight = 400 if kind == "idle" else 600
        self.setStyleSheet(
            f"QLabel#scanFeedback {{ {colours} font-size: 16px; font-weight: {weight};"
            " padding: 8px 12px; border-radius: 6px; }"
        )
