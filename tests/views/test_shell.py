"""The sign-in dialog and the main window, driven as a user would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from app.main_window import MainWindow
from services.staff import sign_in
from tests.conftest import TEST_PASSWORD
from views.context import StoreChanges
from views.staff.login_dialog import LoginDialog
from views.staff.staff_page import StaffPage
from views.tasks import TaskRunner
from views.widgets.page import Page


def _ready_dialog(store, qtbot) -> LoginDialog:
    dialog = LoginDialog(TaskRunner(serial=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.sign_in_button.isEnabled()  # the store is still opening
    dialog.set_store_ready(
        lambda e, p: sign_in(store.unit_of_work(), e, p),
        description="Connected.",
    )
    dialog.show_demo_sign_in([("Admin", "admin@example.com")], "pw")
    return dialog


def test_wrong_password_keeps_the_dialog_open_with_a_clear_message(store, qtbot) -> None:
    dialog = _ready_dialog(store, qtbot)
    assert dialog.email.text() == "admin@example.com"  # the demo sign-in is offered
    assert "Demo store sign-in" in dialog.hint.text()
    qtbot.keyClicks(dialog.password, "not my password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "do not match" in dialog.error.text()
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.email.text() == "admin@example.com"


def test_right_password_signs_in(store, qtbot) -> None:
    dialog = _ready_dialog(store, qtbot)
    dialog.email.setText("manager@example.com")
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].role == "Manager"
    assert not dialog.isVisible()


def test_a_nul_character_pasted_into_the_e_mail_is_refused_in_words(store, qtbot) -> None:
    dialog = _ready_dialog(store, qtbot)
    dialog.email.setText("admin@example.com\x00")  # pasted: QTest cannot type a NUL
    qtbot.keyClicks(dialog.password, TEST_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "The e-mail cannot contain the invisible NUL character" in dialog.error.text()
    assert dialog.isVisible() and dialog.actor is None


def test_the_demo_sign_in_names_every_account_its_role_and_the_password(qtbot) -> None:
    dialog = LoginDialog(TaskRunner(serial=True))
    qtbot.addWidget(dialog)
    dialog.show()
    accounts = [
        ("Admin", "admin@demo.shop"),
        ("Manager", "manager@demo.shop"),
        ("Warehouse", "warehouse@demo.shop"),
        ("Merchandiser", "merchandiser@demo.shop"),
    ]
    dialog.show_demo_sign_in(accounts, "juniper-demo")
    assert dialog.hint.isVisible()
    shown = QTextDocumentFragment.fromHtml(dialog.hint.text()).toPlainText()
    assert "password juniper-demo" in shown
    for role, email in accounts:
        assert f"{role}\n{email}\n" in shown  # a row of the table: the role, its e-mail
    assert dialog.email.text() == "admin@demo.shop"
    # choosing another account's e-mail fills it in, ready for the password
    dialog.hint.linkActivated.emit("warehouse@demo.shop")
    assert dialog.email.text() == "warehouse@demo.shop"


class _Second(Page):
    title = "Second"
    topics = ("thing.",)

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.changes: list[set[str]] = []

    def on_store_changed(self, changes: StoreChanges) -> None:
        self.changes.append(changes.topics)


class _AdminsOnly(Page):
    title = "Secret"
    permission = "staff.manage"


def test_main_window_shows_who_is_signed_in_and_navigates(context_for, qtbot) -> None:
    context = context_for("warehouse")
    window = MainWindow(context, [StaffPage, _Second, _AdminsOnly])
    qtbot.addWidget(window)
    window.show()
    assert window.page_titles() == ["Staff", "Second"]  # no permission, no page
    assert window.staff_label.text() == "Warehouse Tester · Warehouse"
    assert "connected" in window.connection_label.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.page(1)
    context.live.changed.emit(StoreChanges.of_topics({"thing.updated"}))
    context.live.changed.emit(StoreChanges.of_topics({"other.updated"}))
    assert window.page(1).changes == [{"thing.updated"}]
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    context.live.changed.emit(StoreChanges({"thing.updated": frozenset({1})}))
    context.live.changed.emit(StoreChanges({"thing.created": frozenset({2})}))
    assert len(window.page(1).changes) == 1  # out of sight: nothing fetched
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.page(1).changes[1:] == [{"thing.updated", "thing.created"}]  # once, shown
    context.live.connection_changed.emit("reconnecting")
    assert "reconnecting" in window.connection_label.text()


def test_window_geometry_and_last_area_persist(context_for, qtbot) -> None:
    context = context_for("admin")
    window = MainWindow(context, [StaffPage, _Second])
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)
    window.navigation.setCurrentRow(1)
    window.close()
    again = MainWindow(context, [StaffPage, _Second])
    qtbot.addWidget(again)
    again.show()
    assert again.stack.currentIndex() == 1
    assert (again.width(), again.height()) == (700, 500)


def test_staff_page_lists_people_and_activity(context_for, qtbot) -> None:
    context = context_for("admin")
    page = StaffPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.people.rowCount() == 4, timeout=10_000)
    names = {page.people.item(r, 0).text() for r in range(4)}
    assert "Merchandiser Tester" in names
    assert page.add_button.isEnabled()


class _Catalog(Page):
    title = "Catalog"
    opens = ("variant",)

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.opened: list[tuple[str, int]] = []

    def open_item(self, kind: str, item_id: int) -> None:
        self.opened.append((kind, item_id))


def test_global_search_opens_the_hit_in_its_area(context_for, store, qtbot) -> None:
    from tests import factories

    [variant] = factories.product(store, skus=("MUG-BLUE",))
    context = context_for("merchandiser")
    window = MainWindow(context, [StaffPage, _Catalog])
    qtbot.addWidget(window)
    window.show()
    popup = window.open_global_search()
    qtbot.keyClicks(popup.box, "MUG-BLUE")
    qtbot.waitUntil(lambda: popup.results.count() > 0, timeout=10_000)
    qtbot.keyClick(popup.box, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.page(1)
    assert window.page(1).opened == [("variant", variant)]


def test_quitting_over_an_editor_with_changes_asks_there_first(context_for, qtbot) -> None:
    context = context_for("admin")
    window = MainWindow(context, [StaffPage, _Second])
    qtbot.addWidget(window)
    window.show()
    staff = window.show_area("Staff")
    qtbot.waitUntil(lambda: staff.people.rowCount() >= 4, timeout=10_000)
    qtbot.mouseClick(staff.add_button, Qt.MouseButton.LeftButton)
    dialog = staff.dialog
    qtbot.keyClicks(dialog.name, "Half typed")
    window.close()  # what File > Quit and signing out do
    assert window.isVisible() and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.unsaved_box is not None and dialog.unsaved_box.isVisible())
    discard = next(b for b in dialog.unsaved_box.buttons() if b.text() == "Discard")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    window.close()
    assert not window.isVisible()


def test_a_nul_character_pasted_into_the_staff_form_is_refused_in_words(
    context_for, qtbot, store
) -> None:
    from sqlalchemy import text

    context = context_for("admin")
    page = StaffPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.people.rowCount() >= 4, timeout=10_000)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = page.dialog
    form.name.setText("Sam\x00")  # pasted: QTest cannot type a NUL
    qtbot.keyClicks(form.email, "sam@example.com")
    qtbot.keyClicks(form.password, "a long enough password")
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(form.field_message("full_name")), timeout=10_000)
    context.tasks.wait_for_idle()
    shown = form.field_message("full_name")
    assert shown == (
        "The full name cannot contain the invisible NUL character (it comes with text pasted "
        "from some programs); remove it and try again."
    )
    assert "$argon2" not in shown and form.isVisible()
    with store.session_factory() as session:
        assert not session.execute(
            text("SELECT count(*) FROM staff WHERE email = 'sam@example.com'")
        ).scalar()
