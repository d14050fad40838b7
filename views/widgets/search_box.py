"""A search field that asks the database as the user types, without a query per keystroke."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from views import shortcuts

#: typing pauses shorter than this do not start a query
DEBOUNCE_MS = 150


class SearchBox(QLineEdit):
    """Signals:
    search_changed(str): the text, once the user paused typing (or pressed Enter).
    """

    search_changed = Signal(str)

    def __init__(self, placeholder: str = "Search", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.textEdited.connect(lambda _: self._timer.start())
        self.returnPressed.connect(self._emit)
        # the clear button changes the text without textEdited
        self.textChanged.connect(lambda text: None if text else self._timer.start())
        self._last = ""

    def focus_shortcut(self, parent: QWidget) -> None:
        shortcuts.bind(shortcuts.LISTS, "Ctrl+F", parent, self._focus_all)

    def _focus_all(self) -> None:
        self.setFocus()
        self.selectAll()

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.search_changed.emit(text)
