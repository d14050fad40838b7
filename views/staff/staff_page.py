"""Staff: who has access and with which role, and the activity log of every change."""

from __future__ import annotations

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
        self.people.doubleClicked.connect(lambda _: self._on_edit_clicked())
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
        dialog = PersonDialog(self._roles, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.context.tasks.change(
            staff_service.add_staff,
            self.context.store.unit_of_work(),
            self.context.actor,
            email=dialog.email.text(),
            full_name=dialog.name.text(),
            role=dialog.role.currentData(),
            password=dialog.password.text(),
            label="Adding",
            on_done=lambda _: self.reload_people(),
        )

    def _on_edit_clicked(self) -> None:
        person = self._selected()
        if person is None or not self.context.can("staff.manage"):
            return
        dialog = PersonDialog(self._roles, person=person, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.context.tasks.change(
            staff_service.update_staff,
            self.context.store.unit_of_work(),
            self.context.actor,
            person.id,
            expected_version=person.version,
            full_name=dialog.name.text(),
            role=dialog.role.currentData(),
            is_active=dialog.active.currentIndex() == 0,
            label="Saving",
            on_done=lambda _: self.reload_people(),
        )

    def _on_password_clicked(self) -> None:
        person = self._selected()
        if person is None:
            return
        if person.id != self.context.actor.staff_id and not self.context.can("staff.manage"):
            QMessageBox.information(self, "Not allowed", "You can only change your own password.")
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"New password for {person.full_name}")
        password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout(dialog)
        form.addRow("New password", password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.context.tasks.change(
                staff_service.set_password,
                self.context.store.unit_of_work(),
                self.context.actor,
                person.id,
                password.text(),
                label="Saving",
                on_done=lambda _: QMessageBox.information(
                    self, "Password set", "The new password works from now."
                ),
            )

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
            self.activity_model, settings=self.context.settings, settings_key="staff/activity"
        )
        self.activity.setObjectName("activity")
        layout = QVBoxLayout(box)
        layout.addWidget(self.activity_search)
        layout.addWidget(self.activity)
        return box


class PersonDialog(QDialog):
    """Add a person, or change one's name, role and access."""

    def __init__(
        self, roles: list[RoleRow], *, person: StaffRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change person" if person else "Add person")
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
        form.addRow("Name", self.name)
        form.addRow("E-mail", self.email)
        form.addRow("Role", self.role)
        if person is None:
            form.addRow("First password", self.password)
        else:
            self.active.setCurrentIndex(0 if person.is_active else 1)
            form.addRow("Access", self.active)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
