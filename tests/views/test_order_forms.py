"""Order dialogs as a person meets them: a refused refund stays open with the message on the
amount and what was typed kept; closing a dialog over an edit asks; one dialog per order."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from models.status import OrderStatus
from services.orders import OrderAction, get_order_detail
from tests import orders_support as support
from tests.views.driving import answer_unsaved, idle
from tests.views.test_order_views import _page
from views.orders import OrdersPage
from views.orders.dialogs import EditLinesDialog, MoneyDialog


def _paid_order(store, staff, context_for, qtbot) -> tuple[OrdersPage, int]:
    shop = support.shop(store, staff["admin"], skus=("REF-A",), price=2500)
    order_id = support.place(store, staff["manager"], shop, (2,))
    support.advance(store, staff["manager"], order_id, OrderStatus.CONFIRMED)
    support.pay(store, staff["manager"], order_id, 5000)
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    idle(page)
    return page, order_id


def _refund_dialog(page, qtbot) -> MoneyDialog:
    qtbot.mouseClick(page.detail.buttons[OrderAction.REFUND], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, MoneyDialog)
    return dialog


def _type_and_refund(page, qtbot, dialog: MoneyDialog, amount: str) -> None:
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, amount)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    idle(page)


def test_a_refused_refund_keeps_the_dialog_open_with_the_message_on_the_amount(
    store, staff, context_for, qtbot
) -> None:
    page, order_id = _paid_order(store, staff, context_for, qtbot)
    dialog = _refund_dialog(page, qtbot)
    qtbot.keyClicks(dialog.reason, "Scuffed box")

    _type_and_refund(page, qtbot, dialog, "-5")
    assert dialog.isVisible()
    assert dialog.field_message("amount") == "Enter an amount above zero."
    assert (dialog.amount.text(), dialog.reason.text()) == ("-5", "Scuffed box")

    _type_and_refund(page, qtbot, dialog, "80.00")
    assert dialog.isVisible()
    number = page.detail.detail.number
    assert dialog.field_message("amount") == (
        f"Only $50.00 of order #{number}'s payment is left to refund; $80.00 is too much."
    )
    assert dialog.amount.text() == "80.00"
    dialog.grab().save("/tmp/editors-forms-refund.png")

    _type_and_refund(page, qtbot, dialog, "abc")
    assert dialog.isVisible() and dialog.field_message("amount")

    _type_and_refund(page, qtbot, dialog, "20.00")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    idle(page)
    assert get_order_detail(store.unit_of_work(), order_id).state.refundable == 3000


def test_esc_over_an_edited_order_asks_and_keep_editing_keeps_the_quantities(
    store, staff, context_for, qtbot
) -> None:
    page, order_id = _paid_order(store, staff, context_for, qtbot)
    qtbot.mouseClick(page.detail.buttons[OrderAction.EDIT], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, EditLinesDialog)
    page.detail.action_requested.emit(OrderAction.EDIT)  # asked again: the same dialog
    assert page.dialog is dialog
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, EditLinesDialog)] == [dialog]

    dialog.rows[0][3].setFocus()
    qtbot.keyClick(dialog.rows[0][3], Qt.Key.Key_Up)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Keep editing")
    assert dialog.isVisible() and dialog.rows[0][3].value() == 3

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    answer_unsaved(qtbot, dialog, "Discard")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    idle(page)
    assert [ln.quantity for ln in get_order_detail(store.unit_of_work(), order_id).lines] == [2]


def test_esc_with_nothing_changed_closes_without_asking(store, staff, context_for, qtbot) -> None:
    page, _ = _paid_order(store, staff, context_for, qtbot)
    dialog = _refund_dialog(page, qtbot)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.unsaved_box is None


def test_esc_over_a_typed_refund_reason_offers_no_refund_only_discard_or_keep(
    store, staff, context_for, qtbot
) -> None:
    page, order_id = _paid_order(store, staff, context_for, qtbot)
    dialog = _refund_dialog(page, qtbot)
    qtbot.keyClicks(dialog.reason, "Scuffed box")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.unsaved_box is not None and dialog.unsaved_box.isVisible())
    box = dialog.unsaved_box
    assert {b.text() for b in box.buttons() if b.isVisible()} == {"Discard", "Keep editing"}
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter keeps editing: it never refunds
    assert dialog.isVisible() and dialog.reason.text() == "Scuffed box"
    idle(page)
    assert get_order_detail(store.unit_of_work(), order_id).state.refundable == 5000
