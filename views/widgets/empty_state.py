"""A message over a list or table while it has no rows: what is missing and how to add it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

MUTED = "#5f6368"


class EmptyState(QLabel):
    """Shown centred over ``view``'s viewport while its model has no rows (and, for a list
    that loads in pages, once ``ready`` says loading is done: never "nothing" while loading)."""

    def __init__(
        self,
        view: QAbstractItemView,
        text: str,
        *,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(text, view.viewport(), objectName="emptyState", wordWrap=True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._view = view
        self._ready = ready
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self.refresh)
        view.viewport().installEventFilter(self)
        self.setGeometry(view.viewport().rect())
        self.refresh()

    def refresh(self, *_: object) -> None:
        self.setVisible(self._view.model().rowCount() == 0 and self._ready())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view.viewport() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False
