"""The scanner input: fast bursts of key events (Shift around each capital) ending with Enter
are scans wherever the focus is; people's typing still reaches the fields. The feedback line
shows and sounds each outcome."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tests.views.scanning import Keyboard, key_events
from views.widgets import scanner
from views.widgets.scanner import GROUP_SEPARATOR, ScanFeedback, ScannerInput


@pytest.fixture
def screen(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    button = QPushButton("Do something")
    layout.addWidget(field)
    layout.addWidget(button)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    scans: list[str] = []
    watcher = ScannerInput(window)
    watcher.scanned.connect(scans.append)
    # the keyboard's clock decides what is a scan; the real one only hands typed keys on, and
    # a busy CI machine can pause longer than a scanner's gap between two simulated keys
    keyboard = Keyboard(qtbot, watcher)
    return window, field, button, keyboard, scans, watcher


class _KeysSeen(QObject):
    """What key presses and releases reach a widget (after the scanner had its say)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.keys: list[tuple[str, int]] = []
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            assert isinstance(event, QKeyEvent)
            kind = "press" if event.type() == QEvent.Type.KeyPress else "release"
            self.keys.append((kind, event.key()))
        return False

    def characters(self) -> list[tuple[str, int]]:
        modifiers = (Qt.Key.Key_Shift, Qt.Key.Key_Control)
        return [(kind, key) for kind, key in self.keys if key not in modifiers]


def test_the_keyboard_presses_shift_around_each_capital() -> None:
    shift, p = Qt.Key.Key_Shift, Qt.Key.Key_P
    assert [(press, key) for press, key, _, _ in key_events("P")] == [
        (True, shift),
        (True, p),
        (False, p),
        (False, shift),
    ]
    assert [(press, key) for press, key, _, _ in key_events("p")] == [(True, p), (False, p)]
    paren = Qt.Key.Key_ParenLeft
    assert [key for _, key, _, _ in key_events("(")] == [shift, paren, paren, shift]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("PAN-00189-BLA-32", id="upper-case SKU"),
        pytest.param("pan-00189-bla-32", id="lower-case SKU"),
        pytest.param("Tee-Blk-M", id="mixed case"),
        pytest.param("4006381333931", id="digits only (EAN-13)"),
        pytest.param("(01)09506000134352(17)201225", id="GS1 with parentheses"),
        pytest.param("]C1010950600013435217201225", id="GS1-128 with its symbology prefix"),
        pytest.param(
            f"]C101095060001343521012345{GROUP_SEPARATOR}17201225", id="GS1 with a separator"
        ),
    ],
)
def test_a_scan_into_a_focused_field_is_caught_whole_and_types_nothing(
    qtbot, screen, code: str
) -> None:
    _window, field, _, keyboard, scans, _ = screen
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    seen = _KeysSeen(field)
    keyboard.scan(field, code)
    assert scans == [code]
    assert field.text() == "" and entered == []
    assert seen.characters() == []  # not a press nor a release of the code reached the field
    qtbot.wait(50)  # nothing is handed on later either
    assert field.text() == ""


def test_a_scan_with_nothing_focused_is_caught(qtbot, screen) -> None:
    _window, _, button, keyboard, scans, _ = screen
    clicked: list[bool] = []
    button.clicked.connect(clicked.append)
    keyboard.scan(button, "PAN-00189-BLA-32")
    assert scans == ["PAN-00189-BLA-32"] and clicked == []


def test_scans_one_after_another_are_each_caught(qtbot, screen) -> None:
    _window, field, _, keyboard, scans, _ = screen
    field.setFocus()
    for code in ("SKU-A1", "4006381333931", "sku-b2"):
        keyboard.scan(field, code)
    assert scans == ["SKU-A1", "4006381333931", "sku-b2"] and field.text() == ""


def test_a_person_typing_capitals_reaches_the_field_and_enter_still_works(qtbot, screen) -> None:
    _window, field, _, keyboard, scans, _ = screen
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    keyboard.type(field, "Pan-1")
    qtbot.waitUntil(lambda: field.text() == "Pan-1", timeout=5_000)
    keyboard.press_enter(field)
    assert entered == ["Pan-1"] and scans == []


def test_a_scan_after_some_typing_leaves_the_typing_and_takes_the_code(qtbot, screen) -> None:
    _window, field, _, keyboard, scans, _ = screen
    field.setFocus()
    keyboard.type(field, "Note ")
    keyboard.scan(field, "PAN-00189-BLA-32")
    qtbot.waitUntil(lambda: field.text() == "Note ", timeout=5_000)
    assert scans == ["PAN-00189-BLA-32"]


def test_a_short_fast_burst_is_typing_not_a_scan(qtbot, screen) -> None:
    _window, field, _, keyboard, scans, _ = screen
    field.setFocus()
    keyboard.scan(field, "7")
    assert scans == [] and field.text() == "7"


def test_keys_are_left_alone_while_the_screen_is_hidden_or_switched_off(qtbot, screen) -> None:
    window, field, _, keyboard, scans, watcher = screen
    field.setFocus()
    watcher.enabled = False
    keyboard.scan(field, "SKU-1")
    assert scans == [] and field.text() == "SKU-1"
    watcher.enabled = True
    window.hide()
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    keyboard.scan(other, "SKU-2")
    assert scans == [] and other.text() == "SKU-2"


def test_feedback_shows_and_sounds_each_kind(qtbot) -> None:
    sounds: list[str] = []
    feedback = ScanFeedback(sound=sounds.append)
    qtbot.addWidget(feedback)
    with qtbot.waitSignal(feedback.shown) as shown:
        feedback.show_result("ok", "SKU-1: 3 counted")
    assert shown.args == ["ok", "SKU-1: 3 counted"]
    assert feedback.text() == "✔ SKU-1: 3 counted"
    assert "#34a853" in feedback.styleSheet()  # the flash
    qtbot.waitUntil(lambda: "#e6f4ea" in feedback.styleSheet(), timeout=2_000)  # settles
    feedback.show_result("warn", "belongs in B-07")
    feedback.show_result("error", "Unknown code 123")
    feedback.show_result("idle", "Scan a bin label")
    assert sounds == ["ok", "warn", "error"]
    assert feedback.kind == "idle"


def test_the_system_bell_rings_once_twice_or_three_times(qtbot, monkeypatch) -> None:
    rings: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: rings.append(1)))
    scanner.system_bell("error")
    qtbot.waitUntil(lambda: len(rings) == 3, timeout=2_000)
    rings.clear()
    scanner.system_bell("ok")
    qtbot.waitUntil(lambda: len(rings) == 1, timeout=2_000)


def test_an_outcome_stays_up_until_the_next_one_and_hints_wait_for_it(qtbot) -> None:
    feedback = ScanFeedback(sound=None)
    qtbot.addWidget(feedback)
    assert feedback.hold.interval() == scanner.HOLD_MS >= 3_000
    feedback.hold.setInterval(300)  # the same, sooner
    feedback.show_result("ok", "SKU-1: 1 of 3 received")
    feedback.show_hint("Scan items as they are unpacked.")
    qtbot.wait(100)
    assert feedback.text() == "✔ SKU-1: 1 of 3 received"
    feedback.show_result("ok", "SKU-1: 2 of 3 received")  # the next scan: at once
    assert feedback.text() == "✔ SKU-1: 2 of 3 received"
    qtbot.waitUntil(lambda: feedback.kind == "idle", timeout=5_000)
    assert feedback.text() == "Scan items as they are unpacked."
    feedback.show_hint("Nothing to scan.")  # no outcome up: at once
    assert feedback.text() == "Nothing to scan."
