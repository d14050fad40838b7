"""The scanner input: fast bursts ending with Enter are scans wherever the focus is; people's
typing still reaches the fields. The feedback line shows and sounds each outcome."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from views.widgets import scanner
from views.widgets.scanner import ScanFeedback, ScannerInput


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


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
    clock = _Clock()
    scans: list[str] = []
    # the fake clock decides what is a scan; the real one only hands typed keys on, and
    # a busy CI machine can pause longer than a scanner's gap between two simulated keys
    watcher = ScannerInput(window, clock=clock, hold_ms=1_000)
    watcher.scanned.connect(scans.append)
    return window, field, button, clock, scans, watcher


def _scan(qtbot, widget, code: str, clock: _Clock) -> None:
    """What a USB scanner does: every character 5 ms after the last, then Enter."""
    for char in code:
        clock.now += 0.005
        qtbot.keyClick(widget, char)
    clock.now += 0.005
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _type(qtbot, widget, text: str, clock: _Clock) -> None:
    """What a person does: a character every 150 ms."""
    for char in text:
        clock.now += 0.15
        qtbot.keyClick(widget, char)


def test_a_scan_with_nothing_focused_is_caught(qtbot, screen) -> None:
    _window, _, button, clock, scans, _ = screen
    _scan(qtbot, button, "4006381333931", clock)
    assert scans == ["4006381333931"]


def test_a_scan_into_a_focused_field_does_not_type_into_it(qtbot, screen) -> None:
    _window, field, _, clock, scans, _ = screen
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    _scan(qtbot, field, "A-03-2", clock)
    assert scans == ["A-03-2"]
    assert field.text() == "" and entered == []


def test_a_person_typing_reaches_the_field_and_enter_still_works(qtbot, screen) -> None:
    _window, field, _, clock, scans, _ = screen
    field.setFocus()
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    _type(qtbot, field, "12", clock)
    qtbot.waitUntil(lambda: field.text() == "12", timeout=5_000)
    clock.now += 0.3
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["12"] and scans == []


def test_a_short_fast_burst_is_typing_not_a_scan(qtbot, screen) -> None:
    _window, field, _, clock, scans, _ = screen
    field.setFocus()
    _scan(qtbot, field, "7", clock)
    assert scans == [] and field.text() == "7"


def test_keys_are_left_alone_while_the_screen_is_hidden_or_switched_off(qtbot, screen) -> None:
    window, field, _, clock, scans, watcher = screen
    field.setFocus()
    watcher.enabled = False
    _scan(qtbot, field, "SKU-1", clock)
    assert scans == [] and field.text() == "SKU-1"
    watcher.enabled = True
    window.hide()
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    _scan(qtbot, other, "SKU-2", clock)
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
