"""The staff screen's forms as an admin meets them: a refused e-mail stays on the field with
what was typed; a double-click opens one dialog per person; closing over an edit asks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import text

from tests.views.gestures import double_click
from views.staff.staff_page import PersonDialog, StaffPage


@pytest.fixture(autouse=True)
def _no_modal_message_boxes(monkeypatch) -> None:
    def fail(parent, title, message, *args, **kwargs):  # type: ignore[no-untyped-def]
        pytest.fail(f"message box: {title}: {message}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, fail)


def _page(context_for, qtbot) -> StaffPage:
    page = StaffPage(context_for("admin"))
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.people.rowCount() >= 4, timeout=10_000)
    _idle(page)
    return page


def _idle(page) -> None:
    for _ in range(20):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def _dialogs() -> list[PersonDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, PersonDialog) and w.isVisible()
    ]


def test_a_refused_e_mail_stays_on_the_field_with_what_was_typed(store, context_for, qtbot) -> None:
    page = _page(context_for, qtbot)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, PersonDialog)
    qtbot.keyClicks(dialog.name, "Sam Porter")
    qtbot.keyClicks(dialog.email, "sam.example.com")
    qtbot.keyClicks(dialog.password, "long enough pass")
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    _idle(page)
    assert dialog.isVisible()
    assert dialog.field_message("email") == "Enter an e-mail address such as sam@example.com."
    assert (dialog.name.text(), dialog.email.text()) == ("Sam Porter", "sam.example.com")
    assert dialog.email.hasFocus()
    dialog.grab().save("/tmp/editors-forms-person.png")

    qtbot.keyClicks(dialog.email, "sam@example.com")  # the refused text is selected: replaced
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    _idle(page)
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT full_name FROM staff WHERE email = 'sam@example.com'")
            ).scalar()
            == "Sam Porter"
        )


def test_a_double_click_on_a_person_opens_one_dialog_and_esc_over_a_change_asks(
    store, context_for, qtbot
) -> None:
    page = _page(context_for, qtbot)
    double_click(qtbot, page.people, 1)
    qtbot.waitUntil(lambda: len(_dialogs()) == 1, timeout=5_000)
    [dialog] = _dialogs()
    double_click(qtbot, page.people, 1)
    assert _dialogs() == [dialog]

    qtbot.keyClicks(dialog.name, " Jr")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.unsaved_box is not None and dialog.unsaved_box.isVisible())
    keep = next(b for b in dialog.unsaved_box.buttons() if b.text() == "Keep editing")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.name.text().endswith(" Jr")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.unsaved_box is not None and dialog.unsaved_box.isVisible())
    discard = next(b for b in dialog.unsaved_box.buttons() if b.text() == "Discard")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None)
