"""Keys that cannot do what the user did not mean.

A USB scanner ends every code with Enter, and people press Enter to finish a field. So:

- ``ScanField`` is a line edit whose Enter acts on the field (``returnPressed``) and goes no
  further: it never presses the default button of the dialog around it.
- ``deliberate_buttons`` makes a dialog's buttons for something that cannot be undone: no
  button is the default, so Enter anywhere in the dialog presses none of them; the person
  clicks (or tabs to the button and presses Space).
- ``ConfirmDialog`` asks before such an action, saying what will happen, with those buttons and
  an optional reason field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ScanField(QLineEdit):
    """A field for what a scanner or a person types and ends with Enter: Enter emits
    ``returnPressed`` and stops here, whatever dialog the field is in."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in _ENTER_KEYS:
            event.accept()  # QLineEdit ignores it so the dialog's default button would fire


def deliberate_buttons(
    action: str, cancel: str = "Cancel"
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A button box with ``cancel`` (rejects) and ``action`` (emits only ``clicked``: connect
    it), neither of them the default, so no Enter presses them. Returns the box, the action's
    button and the cancel button."""
    box = QDialogButtonBox()
    # an ActionRole button is never made the default on show, as the first AcceptRole one is
    go = box.addButton(action, QDialogButtonBox.ButtonRole.ActionRole)
    back = box.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
    for button in (go, back):
        # a QDialog makes the first auto-default button in the focus chain its default
        button.setAutoDefault(False)
        button.setDefault(False)
    return box, go, back


class ConfirmDialog(QDialog):
    """Asks before something that cannot be undone: ``consequence`` says what happens, the
    ``action`` button does it, "Go back" (or Esc) does nothing. Open it with ``open()``; it
    finishes accepted only when the action was clicked.

    Attributes:
        message: the consequence as shown.
        action_button: the button that goes ahead.
        back_button: the button that does nothing ("Go back").
        reason: the field asking why (None unless ``reason`` was given).
    """

    def __init__(
        self,
        title: str,
        consequence: str,
        action: str,
        parent: QWidget | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.message = QLabel(consequence, wordWrap=True, objectName="consequence")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = ScanField(placeholderText=reason) if reason else None
        buttons, self.action_button, self.back_button = deliberate_buttons(action, "Go back")
        self.action_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        if self.reason is not None:
            form = QFormLayout()
            form.addRow("Why", self.reason)
            layout.addLayout(form)
            self.reason.setFocus()
        layout.addWidget(buttons)

    def reason_text(self) -> str | None:
        """What was typed as the reason, or None when nothing was."""
        return (self.reason.text().strip() or None) if self.reason is not None else None
