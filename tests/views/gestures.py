"""Mouse gestures as the window system delivers them, for GUI tests."""

from __future__ import annotations

from PySide6.QtCore import Qt


def double_click(qtbot, view, row: int) -> None:
    """A double-click as the window system delivers it: press, release, double-click,
    release (QTest's ``mouseDClick`` alone sends only the double-click event)."""
    pos = view.visualRect(view.model().index(row, 0)).center()
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(view.viewport(), left, pos=pos)
    qtbot.mouseRelease(view.viewport(), left, pos=pos)
    qtbot.mouseDClick(view.viewport(), left, pos=pos)
    qtbot.mouseRelease(view.viewport(), left, pos=pos)
