"""The staff screen's forms as an admin meets them: a refused e-mail stays on the field with
what was typed; a double-click opens one dialog per person; closing over an edit asks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import text

from tests.views.driving import answer_unsaved, double_click, idle, no_message_boxes
from views.staff.staff_page import PersonDialog, StaffPage

pytestmark = pytest.mark.usefixtures("no_message_boxes")
__all__ = ["no_message_boxes"]


def _page(context_for, qtbot) -> StaffPage:
    page = StaffPage(context_for("admin"))
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.people.rowCount() >= 4, timeout=10_000)
    idle(page)
    return page


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
    idle(page)
    assert dialog.isVisible()
    assert dialog.field_message("email") == "Enter an e-mail address such as sam@example.com."
    assert (dialog.name.text(), dialog.email.text()) == ("Sam Porter", "sam.example.com")
    assert dialog.email.hasFocus()
    dialog.grab().save("/tmp/editors-forms-person.png")

    qtbot.keyClicks(dialog.email, "sam@example.com")  # the refused text is selected: replaced
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is None, timeout=10_000)
    idle(page)
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
    answer_unsaved(qtbot, dialog, "Keep editing")
    assert dialog.isVisible() and dialog.name.text().endswith(" Jr")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Discard")
    qtbot.waitUntil(lambda: page.dialog is None)
