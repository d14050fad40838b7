"""Driving screens as a person does, for GUI tests: a real double-click, waiting out the
background work, answering "save your changes?", and no message box left waiting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox


def double_click(qtbot: Any, view: Any, row: int) -> None:
    """A double-click as the window system delivers it: press, release, double-click,
    release (QTest's ``mouseDClick`` alone sends only the double-click event)."""
    pos = view.visualRect(view.model().index(row, 0)).center()
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(view.viewport(), left, pos=pos)
    qtbot.mouseRelease(view.viewport(), left, pos=pos)
    qtbot.mouseDClick(view.viewport(), left, pos=pos)
    qtbot.mouseRelease(view.viewport(), left, pos=pos)


def idle(screen: Any) -> None:
    """Wait until the screen's background work is done, and the work its results started, so
    the test may use the store's one connection itself."""
    for _ in range(20):
        screen.context.tasks.wait_for_idle()
        if not screen.context.tasks.running:
            return


def answer_unsaved(qtbot: Any, dialog: Any, answer: str) -> None:
    """Click ``answer`` ("Save", "Discard", "Keep editing") in the dialog's question."""
    qtbot.waitUntil(lambda: dialog.unsaved_box is not None and dialog.unsaved_box.isVisible())
    button = next(b for b in dialog.unsaved_box.buttons() if b.text() == answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box offscreen waits for a click forever; fail with its text instead.
    Import it into a test module and use it (``pytestmark``) there."""

    def fail(parent, title, message, *args, **kwargs):  # type: ignore[no-untyped-def]
        pytest.fail(f"message box: {title}: {message}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, fail)
