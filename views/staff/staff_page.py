"""Staff: who has access and with which role, and the activity log of every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services import staff as staff_service
from services.audit import list_audit
from services.staff import RoleRow, StaffRow
from views.context import StoreChanges, ViewContext
from views.widgets.forms import FormDialog, OpenEditors
from views.widgets.lazy_table import Column, KeysetTableModel
from views.widgets.page import Page
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "never"


class StaffPage(Page):
    title = "Staff"
    topics = ("staff.",)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._roles: list[RoleRow] = []
        self._staff: list[StaffRow] = []
        self.dialog: QDialog | None = None  # the dialog open now (tests reach it here)
        self.editors = OpenEditors()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_people(), "People")
        self.tabs.addTab(self._build_activity(), "Activity")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    # -- people ----------------------------------------------------------------------------

    def _build_people(self) -> QWidget:
        box = QWidget()
        self.people = QTableWidget(0, 4, objectName="people")
        self.people.setHorizontalHeaderLabels(["Name", "E-mail", "Role", "Last sign-in"])
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.verticalHeader().hide()
        self.people.setAlternatingRowColors(True)
        self.people.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # a double-click also "activates" (as Enter does): one connection, one dialog
        self.people.activated.connect(lambda _: self._on_edit_clicked())
        manage = self.context.can("staff.manage")
        self.add_button = QPushButton("Add person…", enabled=manage)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button = QPushButton("Change role or access…", enabled=manage)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.password_button = QPushButton("Set password…")
        self.password_button.clicked.connect(self._on_password_clicked)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.password_button):
            buttons.addWidget(button)
        buttons.addStretch()
        if not manage:
            buttons.addWidget(QLabel("Only admins add people or change roles."))
        layout = QVBoxLayout(box)
        layout.addLayout(buttons)
        layout.addWidget(self.people)
        return box

    def on_shown(self) -> None:
        self.reload_people()
        if self.activity_model.rowCount() == 0:
            self.activity_model.set_query()

    def on_store_changed(self, changes: StoreChanges) -> None:
        self.reload_people()

    def reload_people(self) -> None:
        store = self.context.store
        self.context.tasks.query(
            lambda: (
                staff_service.list_staff(store.unit_of_work()),
                staff_service.list_roles(store.unit_of_work()),
            ),
            on_done=self._on_people_loaded,
        )

    def _on_people_loaded(self, result: tuple[list[StaffRow], list[RoleRow]]) -> None:
        self._staff, self._roles = result
        self.people.setRowCount(len(self._staff))
        for row, person in enumerate(self._staff):
            name = person.full_name + ("" if person.is_active else " (no access)")
            for column, text in enumerate(
                (name, person.email, person.role_name, _when(person.last_sign_in_at))
            ):
                item = QTableWidgetItem(text)
                if not person.is_active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.people.setItem(row, column, item)
        self.people.resizeColumnToContents(0)

    def _selected(self) -> StaffRow | None:
        row = self.people.currentRow()
        return self._staff[row] if 0 <= row < len(self._staff) else None

    def _on_add_clicked(self) -> None:
        def make() -> PersonDialog:
            dialog = PersonDialog(self._roles, parent=self)
            dialog.saves_with(
                self.context.tasks,
                lambda d: self._call(
                    staff_service.add_staff,
                    email=d.email.text(),
                    full_name=d.name.text(),
                    role=d.role.currentData(),
                    password=d.password.text(),
                ),
                label="Adding",
            )
            return dialog

        self._open(("person", None), make)

    def _on_edit_clicked(self) -> None:
        person = self._selected()
        if person is None or not self.context.can("staff.manage"):
            return

        def make() -> PersonDialog:
            dialog = PersonDialog(self._roles, person=person, parent=self)
            dialog.saves_with(
                self.context.tasks,
                lambda d: self._call(
                    staff_service.update_staff,
                    person.id,
                    expected_version=person.version,
                    full_name=d.name.text(),
                    role=d.role.currentData(),
                    is_active=d.active.currentIndex() == 0,
                ),
                label="Saving",
            )
            return dialog

        self._open(("person", person.id), make)

    def _on_password_clicked(self) -> None:
        person = self._selected()
        if person is None:
            return
        if person.id != self.context.actor.staff_id and not self.context.can("staff.manage"):
            QMessageBox.information(self, "Not allowed", "You can only change your own password.")
            return

        def make() -> PasswordDialog:
            dialog = PasswordDialog(person, parent=self)
            dialog.saves_with(
                self.context.tasks,
                lambda d: self._call(staff_service.set_password, person.id, d.password.text()),
                label="Saving",
            )
            dialog.saved.connect(
                lambda _: QMessageBox.information(
                    self, "Password set", "The new password works from now."
                )
            )
            return dialog

        self._open(("password", person.id), make)

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
        store, actor = self.context.store, self.context.actor
        return lambda: fn(store.unit_of_work(), actor, *args, **kwargs)

    def _open(self, key: tuple[str, int | None], make: Callable[[], FormDialog]) -> None:
        """One dialog per person and purpose; the list reloads after a save."""

        def made() -> FormDialog:
            dialog = make()
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _: self.reload_people())
            dialog.finished.connect(
                lambda _: setattr(self, "dialog", None) if self.dialog is dialog else None
            )
            return dialog

        self.dialog = self.editors.open(key, made, modal=True)

    # -- activity --------------------------------------------------------------------------

    def _build_activity(self) -> QWidget:
        box = QWidget()
        self.activity_search = SearchBox("Search actions, records or people")
        self.activity_search.search_changed.connect(
            lambda text: self.activity_model.set_query(search=text)
        )
        store = self.context.store
        self.activity_model = KeysetTableModel(
            [
                Column("occurred_at", "When", format=_when, width=17),
                Column("staff_name", "Who", width=18),
                Column("action", "What", width=22),
                Column("entity_type", "Record", width=12),
                Column("entity_id", "Id", width=10),
                Column("note", "Note"),
            ],
            lambda request: list_audit(store.unit_of_work(), request),
            self.context.tasks,
        )
        self.activity = ListView(
            self.activity_model,
            settings=self.context.settings,
            settings_key="staff/activity",
            empty_text="No activity matches the search.",
        )
        self.activity.setObjectName("activity")
        layout = QVBoxLayout(box)
        layout.addWidget(self.activity_search)
        layout.addWidget(self.activity)
        return box


class PersonDialog(FormDialog):
    """Add a person, or change one's name, role and access."""

    def __init__(
        self, roles: list[RoleRow], *, person: StaffRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Change {person.full_name}" if person else "Add person")
        self.name = QLineEdit(person.full_name if person else "")
        self.email = QLineEdit(person.email if person else "", enabled=person is None)
        self.role = QComboBox()
        for role in roles:
            self.role.addItem(f"{role.name}: {role.description}", role.code)
        if person:
            self.role.setCurrentIndex(max(0, self.role.findData(person.role_code)))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.active = QComboBox()
        self.active.addItems(["Has access", "No access (deactivated)"])
        form = QFormLayout(self)
        form.addRow("Name", self.field("full_name", self.name))
        form.addRow("E-mail", self.field("email", self.email))
        form.addRow("Role", self.field("role", self.role))
        if person is None:
            form.addRow("First password", self.field("password", self.password))
        else:
            self.active.setCurrentIndex(0 if person.is_active else 1)
            form.addRow("Access", self.active)
        form.addRow(self.message)
        form.addRow(_buttons(self))

    def form_state(self) -> dict[str, object]:
        return {
            "texts": (self.name.text(), self.email.text(), self.password.text()),
            "role": self.role.currentData(),
            "active": self.active.currentIndex(),
        }


class PasswordDialog(FormDialog):
    """A new password for one person."""

    def __init__(self, person: StaffRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"New password for {person.full_name}")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("New password", self.field("password", self.password))
        form.addRow(self.message)
        form.addRow(_buttons(self))

    def form_state(self) -> dict[str, object]:
        return {"password": self.password.text()}


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
