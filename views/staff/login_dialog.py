"""The sign-in dialog: the first thing a user sees, painted before the store is even open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from services.actors import Actor
from services.errors import DomainError
from views.tasks import TaskRunner


class LoginDialog(QDialog):
    """Asks for e-mail and password and signs in through ``sign_in`` off the UI thread.

    The store may still be starting when the dialog shows: Sign in stays disabled (the typed
    text is kept) until ``set_store_ready`` is called.

    Signals:
        signed_in(Actor): the staff member who signed in.
        retry_requested(): the store could not be opened and the person asked to try again.
    """

    signed_in = Signal(object)
    retry_requested = Signal()

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in · Merchant Office")
        self.setMinimumWidth(380)
        self._tasks = tasks
        self._sign_in: Callable[[str, str], Actor] | None = None
        self.actor: Actor | None = None

        heading = QLabel("<h2>Merchant Office</h2>")
        self.store_state = QLabel("Opening the store…")
        self.store_state.setObjectName("storeState")
        self.email = QLineEdit(placeholderText="you@yourshop.com")
        self.email.setObjectName("email")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setObjectName("password")
        self.error = QLabel(objectName="error", wordWrap=True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self.hint = QLabel(objectName="hint", wordWrap=True)
        self.hint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.hint.linkActivated.connect(self._on_hint_link_activated)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.hint.hide()

        form = QFormLayout()
        form.addRow("E-mail", self.email)
        form.addRow("Password", self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.addButton(
            "Sign in", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setEnabled(False)
        self.retry_button = self.buttons.addButton(
            "Try again", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.retry_button.hide()
        self.retry_button.clicked.connect(self._on_retry_clicked)
        self.buttons.accepted.connect(self._on_sign_in_clicked)
        # Enter in the e-mail field moves on; Enter in the password field signs in.
        self.email.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.store_state)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.email.setFocus()

    def set_store_ready(
        self,
        sign_in: Callable[[str, str], Actor],
        *,
        description: str,
    ) -> None:
        self._sign_in = sign_in
        self.store_state.setText(description)
        self.sign_in_button.setEnabled(True)

    def show_demo_sign_in(self, accounts: Sequence[tuple[str, str]], password: str) -> None:
        """Offer the demo store's accounts, as (role, e-mail), all with ``password``; the first
        e-mail is filled in unless one was typed, and choosing another fills in that one."""
        if not accounts:
            return
        rows = "".join(
            f'<tr><td>{escape(role)}</td><td><a href="{escape(email)}">{escape(email)}</a></td>'
            "</tr>"
            for role, email in accounts
        )
        self.hint.setText(
            "<p>Demo store sign-in, one account per role, each with the password "
            f'<b>{escape(password)}</b>:</p><table cellspacing="4">{rows}</table>'
        )
        self.hint.show()
        if not self.email.text():
            self.email.setText(accounts[0][1])
            self.password.setFocus()

    def _on_hint_link_activated(self, email: str) -> None:
        self.email.setText(email)
        self.password.setFocus()
        self.password.selectAll()

    def set_store_failed(self, message: str) -> None:
        self.store_state.setText(message)
        self.store_state.setWordWrap(True)
        self.store_state.setStyleSheet("color: #b3261e;")
        self.retry_button.show()
        self.retry_button.setFocus()
        self.adjustSize()  # the sentence wraps onto lines the dialog must grow to show

    def _on_retry_clicked(self) -> None:
        self.retry_button.hide()
        self.store_state.setStyleSheet("")
        self.store_state.setText("Opening the store…")
        self.retry_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QDialog would accept on Enter by itself; the fields decide what Enter does here.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)

    def _on_sign_in_clicked(self) -> None:
        if self._sign_in is None or not self.sign_in_button.isEnabled():
            return
        if not self.email.text().strip() or not self.password.text():
            self._show_error("Enter your e-mail and password.")
            return
        self.error.hide()
        self._tasks.change(
            self._sign_in,
            self.email.text(),
            self.password.text(),
            label="Signing in",
            busy=self.sign_in_button,
            on_done=self._on_signed_in,
            on_error=self._on_failed,
        )

    def _on_signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.signed_in.emit(actor)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self._show_error(str(error))
            self.password.selectAll()
            self.password.setFocus()
        else:
            self._tasks.report_error(error, self)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
