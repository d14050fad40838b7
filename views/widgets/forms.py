"""What every dialog that edits a record shares: it asks before closing over unsaved changes,
it keeps what was typed when a save is refused and shows why on the field concerned, and a
record has at most one editor open (a second request brings the open one forward).

A dialog subclasses ``FormDialog``; it declares what the person can change (``form_state``),
wraps each field that a refusal can concern (``field``), and saves by ``submit``-ting its
service call, or lets its opener do that (``saves_with``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from services.errors import DomainError, ValidationFailed, is_store_unreachable

ERROR_COLOR = "#b3261e"
_ERROR_STYLE = f"color: {ERROR_COLOR};"


class FormDialog(QDialog):
    """A dialog that edits something and saves it.

    Closing it (Esc, Close, Cancel, the window's X) with changes not saved asks: Save,
    Discard or Keep editing. Saving runs off the UI thread; a refusal in the user's terms (a
    DomainError) is shown on the field it concerns and the dialog stays open as it was.

    Signals:
        saved(object): what the save returned; the dialog closes (accepted) right after.

    Attributes:
        message: the refusal no field shows, under the form.
        unsaved_box: the "save your changes?" question while it is open (tests answer it).
        saved_result: what the last save returned.
    """

    saved = Signal(object)

    #: whether closing over changes offers Save; a dialog whose OK is an action that cannot be
    #: undone (ship, cancel, refund) offers only Discard and Keep editing, so no Enter in the
    #: question does that action
    saves_on_close = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(wordWrap=True, objectName="formMessage", styleSheet=_ERROR_STYLE)
        self.message.hide()
        self.unsaved_box: QMessageBox | None = None
        self.saved_result: Any = None
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._clean: dict[str, Any] | None = None
        self._saving = False
        self._work: Callable[[FormDialog], Callable[[], Any]] | None = None
        self._tasks: Any = None
        self._label = "Saving"

    # -- what the person changes -----------------------------------------------------------

    def form_state(self) -> dict[str, Any]:
        """What the person can change, by name; the dialog has unsaved changes when this
        differs from what ``mark_clean`` saw."""
        return {}

    def mark_clean(self, *names: str) -> None:
        """Take the form as it is now as saved: all of it, or only the named parts (a choice
        that finished loading in the background, while the rest may hold edits already)."""
        state = self.form_state()
        if names and self._clean is not None:
            self._clean.update({name: state.get(name) for name in names})
        else:
            self._clean = state

    def showEvent(self, event: QShowEvent) -> None:
        if self._clean is None:  # what the dialog was filled with before showing is not a change
            self.mark_clean()
        super().showEvent(event)

    def has_changes(self) -> bool:
        state = self.form_state()
        clean = self._clean or {}
        return any(state.get(name) != clean.get(name) for name in state.keys() | clean.keys())

    def can_save(self) -> bool:
        """Whether this person may save (the question offers Save only then)."""
        return True

    # -- fields and their messages ---------------------------------------------------------

    def field(self, name: str, widget: QWidget) -> QWidget:
        """``widget`` with room under it for a message about ``name`` (a service's field
        name, as in ValidationFailed.fields); put the returned widget in the layout."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = QLabel(wordWrap=True, objectName=f"{name}Message", styleSheet=_ERROR_STYLE)
        label.hide()
        layout.addWidget(label)
        self._fields[name] = (widget, label)
        edits = [widget] if isinstance(widget, QLineEdit) else widget.findChildren(QLineEdit)
        for edit in edits:  # typing again puts the message away
            edit.textEdited.connect(lambda _: self.clear_message(name))
        return box

    def field_message(self, name: str) -> str:
        """The message shown on the field ``name`` now ("" when none)."""
        entry = self._fields.get(name)
        return entry[1].text() if entry is not None and not entry[1].isHidden() else ""

    def show_message(self, name: str | None, text: str) -> None:
        """Show ``text`` on the field ``name`` (under the form when no field has that name)
        and put the cursor there, with what was typed kept and selected."""
        entry = self._fields.get(name or "")
        if entry is None:
            self.message.setText(text)
            self.message.show()
            self._make_room()
            return
        widget, label = entry
        label.setText(text)
        label.show()
        self._make_room()
        edit = widget if isinstance(widget, QLineEdit) else widget.findChild(QLineEdit)
        (edit or widget).setFocus()
        if edit is not None:
            edit.selectAll()

    def _make_room(self) -> None:
        """Grow (never shrink) so a message just shown is read whole, not cut off."""
        if self.layout() is not None:
            self.layout().activate()
        self.resize(self.size().expandedTo(self.sizeHint()))

    def clear_message(self, name: str) -> None:
        label = self._fields[name][1]
        label.hide()
        label.clear()

    def clear_messages(self) -> None:
        for name in self._fields:
            self.clear_message(name)
        self.message.hide()
        self.message.clear()

    def show_error(self, error: DomainError) -> None:
        """A refusal on the fields it names (``fields`` of a ValidationFailed, or
        ``error_field``); what no field shows goes under the form."""
        self.clear_messages()
        fields = error.fields if isinstance(error, ValidationFailed) else {}
        shown = {name: text for name, text in fields.items() if name in self._fields}
        if not shown and (name := self.error_field(error)) in self._fields:
            shown = {name: str(error)}
        elif len(fields) == 1:
            shown = {name: str(error) for name in shown}  # the whole sentence, not "Below 0"
        for name, text in reversed(list(shown.items())):  # the cursor ends on the first
            self.show_message(name, text)
        if not shown or len(shown) < len(fields):
            self.show_message(None, str(error))

    def error_field(self, error: DomainError) -> str | None:
        """The field a refusal that names none concerns (None: the form as a whole)."""
        return None

    # -- saving ----------------------------------------------------------------------------

    def saves_with(
        self, tasks: Any, work: Callable[[FormDialog], Callable[[], Any]], *, label: str
    ) -> None:
        """Saving runs ``work(dialog)()`` (a service call) on ``tasks``: for dialogs that only
        collect input and whose opener knows the service."""
        self._tasks, self._work, self._label = tasks, work, label

    def accept(self) -> None:
        """Save (the dialog closes once saved); Enter and the OK/Save button come here."""
        if not self._saving:
            self.save()

    def save(self) -> None:
        """Check the input and ``submit`` the service call; subclasses with a service of their
        own override this. Without one, the dialog closes accepted."""
        if self._work is None:
            self._saved(None)
            return
        try:
            call = self._work(self)
        except DomainError as error:
            self.show_error(error)
            return
        self.submit(self._tasks, call, label=self._label)

    def submit(
        self,
        tasks: Any,
        fn: Callable[..., Any],
        *args: Any,
        label: str = "Saving",
        busy: QWidget | None = None,
        **kwargs: Any,
    ) -> None:
        """Run the service call ``fn(*args, **kwargs)`` as a change (``busy``, the dialog by
        default, disabled meanwhile); close when it is done."""
        self._saving = True
        self._tasks = self._tasks or tasks
        self.clear_messages()
        tasks.change(
            fn,
            *args,
            label=label,
            busy=busy or self,
            on_done=self._saved,
            on_error=self.save_failed,
            **kwargs,
        )

    def _saved(self, result: Any) -> None:
        self._saving = False
        self.saved_result = result
        self.mark_clean()
        self.saved.emit(result)
        QDialog.accept(self)

    def save_failed(self, error: BaseException) -> None:
        """A refusal stays in the dialog; anything else goes to the task runner's report."""
        self._saving = False
        if isinstance(error, DomainError) and not is_store_unreachable(error):
            self.show_error(error)
            return
        if self._tasks is not None:
            self._tasks.report_error(error, self)
        else:
            self.show_message(None, "The change could not be saved; see the log for details.")

    # -- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc, Close, Cancel and the window's X: asks first when there are unsaved changes."""
        if self._saving or (self.unsaved_box is not None and self.unsaved_box.isVisible()):
            return
        if not self.has_changes():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"“{self.windowTitle()}” has changes that are not saved.",
            parent=self,
        )
        offer_save = self.saves_on_close and self.can_save()
        box.setInformativeText(
            "Save them, discard them, or keep editing?"
            if offer_save
            else "Discard them, or keep editing?"
        )
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        save.setVisible(offer_save)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save if offer_save else keep)
        box.setEscapeButton(keep)

        def answered(button: QAbstractButton) -> None:
            self.unsaved_box = None
            if button is save:
                self.accept()
            elif button is discard:
                self.discard()

        box.buttonClicked.connect(answered)
        self.unsaved_box = box
        box.open()

    def discard(self) -> None:
        """Close without saving, throwing the changes away."""
        self.mark_clean()
        super().reject()


def unsaved_form(root: QWidget) -> FormDialog | None:
    """The first open dialog under ``root`` holding changes not saved, if any."""
    for dialog in root.findChildren(FormDialog):
        if dialog.isVisible() and dialog.has_changes():
            return dialog
    return None


class OpenEditors:
    """At most one editor per record: asking for a record's editor again brings the open one
    forward instead of opening a second (a double-click is also an "activated")."""

    def __init__(self) -> None:
        self._open: dict[Hashable, QWidget] = {}

    def open(self, key: Hashable, make: Callable[[], QWidget], *, modal: bool = False) -> QWidget:
        """The editor of ``key`` (a kind and an id; None ids are new records, never shared),
        made by ``make`` and shown (window-modal with ``modal``) when none is open."""
        editor = self._open.get(key)
        if editor is not None and shiboken6.isValid(editor) and editor.isVisible():
            editor.raise_()
            editor.activateWindow()
            return editor
        editor = make()
        if not (isinstance(key, tuple) and key[-1] is None):
            self._open[key] = editor
            editor.destroyed.connect(lambda _=None, key=key: self._forget(key, editor))
            if isinstance(editor, QDialog):
                editor.finished.connect(lambda _, key=key: self._forget(key, editor))
        if modal and isinstance(editor, QDialog):
            editor.open()
        else:
            editor.show()
        return editor

    def _forget(self, key: Hashable, editor: QWidget) -> None:
        if self._open.get(key) is editor:
            del self._open[key]

    def editors(self) -> list[QWidget]:
        return [e for e in self._open.values() if shiboken6.isValid(e)]


__all__ = ["ERROR_COLOR", "FormDialog", "OpenEditors", "unsaved_form"]
