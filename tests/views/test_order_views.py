"""The Orders screen driven as a person would: find, fulfil with tracking, read the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from models.status import OrderStatus
from services.orders import OrderAction, get_order_detail
from tests import orders_support as support
from tests.views.scanning import Keyboard, scanner_types
from views.orders import OrdersPage
from views.orders.create_order import CreateOrderDialog
from views.orders.dialogs import CancelDialog, FulfilDialog
from views.orders.scan_to_pack import ScanToPackDialog
from views.widgets.keys import ConfirmDialog
from views.widgets.pdf_preview import PdfPreviewDialog


def _page(context_for, qtbot, role="manager") -> OrdersPage:
    page = OrdersPage(context_for(role))
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    page.on_shown()
    return page


def _idle(page: OrdersPage) -> None:
    """Wait until background work is done, including work its results started (a loaded
    list opens its first order), so nothing runs on after the test's store is gone."""
    for _ in range(20):
        page.context.tasks.wait_for_idle()
        if not page.context.tasks.running:
            return


def test_a_manager_finds_an_order_fulfils_it_with_tracking_and_sees_the_timeline(
    store, staff, context_for, qtbot, qtmodeltester
) -> None:
    shop = support.shop(store, staff["admin"], skus=("TEE-RED", "MUG"))
    support.place(store, staff["manager"], shop, (1, 1), email="other@example.com")
    order_id = support.place(store, staff["manager"], shop, (2, 1), email="ada@example.com")
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    number = get_order_detail(store.unit_of_work(), order_id).number

    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(page.model)
    qtbot.keyClicks(page.search, "ada@exa")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.row(0).number == number
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    assert page.detail.title.text() == f"Order #{number}"
    fulfil = page.detail.buttons[OrderAction.FULFIL]
    assert fulfil.isEnabled()
    assert not page.detail.buttons[OrderAction.CONFIRM].isEnabled()

    qtbot.mouseClick(fulfil, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, FulfilDialog)
    assert dialog.lines.rowCount() == 2
    dialog.carrier.setCurrentText("UPS")
    qtbot.keyClicks(dialog.tracking, "1Z999AA10123456784")
    qtbot.mouseClick(dialog.fulfil_button, Qt.MouseButton.LeftButton)
    assert dialog.confirmation is not None
    qtbot.mouseClick(dialog.confirmation.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and page.detail.detail.status == "shipped",
        timeout=10_000,
    )
    _idle(page)
    assert "Shipped" in page.detail.statuses.text()
    timeline = [
        page.detail.timeline.item(r, 2).text() for r in range(page.detail.timeline.rowCount())
    ]
    assert timeline[0] == "Status processing → shipped: Everything was fulfilled"
    assert "tracking 1Z999AA10123456784" in timeline[1]
    assert page.detail.shipments.item(0, 3).text() == "1Z999AA10123456784"
    page.grab().save("/tmp/orders-page.png")
    _idle(page)


def _fulfilled(store, order_id: int) -> tuple[str, list[int]]:
    detail = get_order_detail(store.unit_of_work(), order_id)
    return detail.status, [line.fulfilled_quantity for line in detail.lines]


def test_a_scanned_tracking_number_and_enter_in_the_fulfil_dialog_ship_nothing(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("TEE-RED", "MUG"))
    order_id = support.place(store, staff["manager"], shop, (2, 1))
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    number = get_order_detail(store.unit_of_work(), order_id).number
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    qtbot.mouseClick(page.detail.buttons[OrderAction.FULFIL], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, FulfilDialog)
    scanner_types(dialog.tracking, "1Z999AA10123456784")  # the carrier label, then Enter
    qtbot.keyClick(dialog.lines.spins[min(dialog.lines.spins)], Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Enter)
    _idle(page)
    assert dialog.isVisible() and dialog.confirmation is None
    assert dialog.tracking.text() == "1Z999AA10123456784"
    assert _fulfilled(store, order_id) == ("processing", [0, 0])

    # the person lowers the first line to 1 and fulfils on purpose: asked first, with figures
    first = dialog.lines.spins[min(dialog.lines.spins)]
    first.setValue(1)
    qtbot.mouseClick(dialog.fulfil_button, Qt.MouseButton.LeftButton)
    question = dialog.confirmation
    assert question is not None and question.isVisible()
    assert question.message.text().startswith(f"Ship 2 units on 2 lines of order #{number} from ")
    assert "(1Z999AA10123456784)" in question.message.text()
    assert "cannot be undone" in question.message.text()
    assert question.action_button.text() == "Ship 2 units"
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter answers nothing
    assert question.isVisible()
    question.grab().save("/tmp/scanner-keys-fulfil-question.png")
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # go back: nothing shipped
    assert not question.isVisible() and dialog.isVisible()
    _idle(page)
    assert _fulfilled(store, order_id) == ("processing", [0, 0])
    qtbot.mouseClick(dialog.fulfil_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.confirmation.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)  # saved, then closed
    qtbot.waitUntil(
        lambda: [ln.fulfilled_quantity for ln in page.detail.detail.lines] == [1, 1],
        timeout=10_000,
    )
    _idle(page)
    assert _fulfilled(store, order_id)[1] == [1, 1]


def test_enter_in_the_cancel_dialog_keeps_the_order(store, staff, context_for, qtbot) -> None:
    shop = support.shop(store, staff["admin"], skus=("KEEP",))
    order_id = support.place(store, staff["manager"], shop, (1,))
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    qtbot.mouseClick(page.detail.buttons[OrderAction.CANCEL], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, CancelDialog)
    qtbot.keyClicks(dialog.reason, "Customer asked")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    _idle(page)
    assert dialog.isVisible()
    assert get_order_detail(store.unit_of_work(), order_id).status != "cancelled"
    assert "cannot be undone" in dialog.findChild(QLabel).text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.detail.status == "cancelled", timeout=10_000)
    _idle(page)
    assert get_order_detail(store.unit_of_work(), order_id).status == "cancelled"


def test_shipping_or_cancelling_selected_orders_asks_first_naming_them(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("BULK-A",))
    ids = [support.place(store, staff["manager"], shop, (1,)) for _ in range(2)]
    for order_id in ids:
        support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    numbers = [get_order_detail(store.unit_of_work(), i).number for i in ids]
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    _idle(page)
    page.table.selectAll()
    page.bulk.activated.emit(page.bulk.findData(OrderAction.SHIP))  # chosen in the menu
    question = page.dialog
    assert isinstance(question, ConfirmDialog)
    said = question.message.text()
    assert said.startswith("Ship everything left on 2 orders (")
    assert all(f"#{n}" in said for n in numbers) and "cannot be undone" in said
    assert question.action_button.text() == "Ship 2 orders"
    qtbot.keyClick(question, Qt.Key.Key_Return)
    assert question.isVisible()
    question.grab().save("/tmp/scanner-keys-bulk-ship.png")
    qtbot.mouseClick(question.back_button, Qt.MouseButton.LeftButton)
    _idle(page)
    assert [get_order_detail(store.unit_of_work(), i).status for i in ids] == ["processing"] * 2

    page.bulk.activated.emit(page.bulk.findData(OrderAction.CANCEL))
    question = page.dialog
    assert question.reason is not None
    scanner_types(question.reason, "Fraud check failed")  # Enter ends the reason only
    assert question.isVisible()
    qtbot.mouseClick(question.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog is not question, timeout=10_000)
    _idle(page)
    assert "2 of 2 orders done." in page.last_bulk_summary
    page.dialog.close()
    details = [get_order_detail(store.unit_of_work(), i) for i in ids]
    assert [d.status for d in details] == ["cancelled"] * 2


def test_a_note_lands_on_the_timeline_and_the_pick_list_previews(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("CAP",))
    order_id = support.place(store, staff["manager"], shop, (3,))
    support.pay(
        store,
        staff["manager"],
        order_id,
        get_order_detail(store.unit_of_work(), order_id).totals.total,
    )
    number = get_order_detail(store.unit_of_work(), order_id).number
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    qtbot.keyClicks(page.detail.note, "Customer will pick up")
    qtbot.keyClick(page.detail.note, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            page.detail.timeline.rowCount() > 0
            and page.detail.timeline.item(0, 2).text() == "Note: Customer will pick up"
        ),
        timeout=10_000,
    )
    page.table.clearSelection()
    page.preview_pick_list()  # nothing selected: every paid, unfulfilled order
    qtbot.waitUntil(lambda: isinstance(page.dialog, ConfirmDialog), timeout=10_000)
    assert f"#{number}: not confirmed" in page.dialog.message.text()  # paid, still pending
    qtbot.mouseClick(page.dialog.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, PdfPreviewDialog), timeout=10_000)
    assert page.dialog.document.pageCount() == 1
    qtbot.wait(600)  # QPdfView renders pages in the background
    page.dialog.grab().save("/tmp/pick-preview.png")
    page.dialog.close()
    _idle(page)


def test_a_pick_list_for_orders_not_confirmed_or_not_paid_names_them_first(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("PICK-A", "PICK-B"))
    waiting = support.place(store, staff["manager"], shop, (1,))  # pending, unpaid
    ready = support.place(store, staff["manager"], shop, (2,))
    support.advance(store, staff["manager"], ready, OrderStatus.CONFIRMED)
    support.pay(
        store, staff["manager"], ready, get_order_detail(store.unit_of_work(), ready).totals.total
    )
    waiting_number = get_order_detail(store.unit_of_work(), waiting).number
    ready_number = get_order_detail(store.unit_of_work(), ready).number
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    _idle(page)
    page.table.selectAll()
    qtbot.mouseClick(page.pick_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, ConfirmDialog), timeout=10_000)
    question = page.dialog
    said = question.message.text()
    assert said.startswith("1 of the 2 orders is not ready to ship:")
    assert f"#{waiting_number}: not confirmed, not paid" in said
    assert f"#{ready_number}" not in said
    question.grab().save("/tmp/scanner-keys-pick-question.png")
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Enter goes on with nothing
    assert question.isVisible()
    qtbot.mouseClick(question.back_button, Qt.MouseButton.LeftButton)
    _idle(page)
    assert page.dialog is None  # no pick list

    # the ready order alone: its packing slip comes without a question
    row = page.model.find(lambda r: r.id == ready)
    page.table.selectRow(row)
    qtbot.mouseClick(page.slips_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, PdfPreviewDialog), timeout=10_000)
    page.dialog.close()
    _idle(page)


def test_scan_to_pack_refuses_a_wrong_item_and_ships_with_one_keystroke(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("PACK-A", "PACK-B", "OTHER"))
    order_id = support.place(store, staff["manager"], shop, (1, 1))
    support.advance(store, staff["manager"], order_id, OrderStatus.CONFIRMED)
    number = get_order_detail(store.unit_of_work(), order_id).number
    page = _page(context_for, qtbot, role="warehouse")
    page.open_scan_to_pack()
    dialog = page.dialog
    assert isinstance(dialog, ScanToPackDialog)

    def scan(code: str) -> None:
        qtbot.keyClicks(dialog.scan, code)
        qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
        dialog.context.tasks.wait_for_idle()

    scan(str(number))
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=10_000)
    scan("OTHER")
    assert "not on order" in dialog.signal.text() and dialog.signal.kind == "error"
    scan("PACK-A")
    scan("PACK-A")
    assert "already packed" in dialog.signal.text()
    scan("PACK-B")
    assert "press Enter to ship" in dialog.signal.text()
    dialog.grab().save("/tmp/scan-to-pack.png")
    with qtbot.waitSignal(dialog.order_packed, timeout=10_000) as packed:
        qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert packed.args[0].status == "shipped"
    assert dialog.session is None and "Scan the next packing slip" in dialog.signal.text()
    _idle(page)


def test_editing_lines_before_packing_updates_totals_and_the_timeline(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("EDIT-A",), price=1000)
    order_id = support.place(store, staff["manager"], shop, (1,))
    page = _page(context_for, qtbot)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    assert page.detail.detail.id == order_id
    qtbot.mouseClick(page.detail.buttons[OrderAction.EDIT], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.rows[0][3].setValue(3)
    dialog.note.setText("Customer wants three")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(
        lambda: page.detail.detail is not None and page.detail.detail.totals.total == 3000,
        timeout=10_000,
    )
    _idle(page)
    assert page.detail.timeline.item(0, 2).text().startswith("Edited (version")
    assert "EDIT-A 1 → 3" in page.detail.timeline.item(0, 2).text()


def test_the_split_is_remembered_the_lines_fit_and_an_empty_search_says_so(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("LONG-SKU-0001-XL", "B"))
    order_id = support.place(store, staff["manager"], shop, (2, 1), email="fit@example.com")
    page = _page(context_for, qtbot)
    page.resize(1210, 780)  # the page in a 1400 px window
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _idle(page)
    assert page.detail.detail.id == order_id
    lines = page.detail.lines
    header = lines.horizontalHeader()
    total = lines.columnCount() - 1
    assert header.sectionViewportPosition(total) + header.sectionSize(total) <= (
        lines.viewport().width()
    )
    assert not lines.horizontalScrollBar().isVisible()
    assert lines.isColumnHidden(5)  # nothing returned: no Returned column
    customer = page.model.columns.index(
        next(c for c in page.model.columns if c.key == "customer_name")
    )
    assert page.table.columnViewportPosition(customer) + page.table.columnWidth(customer) <= (
        page.table.viewport().width()
    )

    page.splitter.setSizes([420, 790])
    remembered = page.splitter.sizes()
    page.hide()
    again = _page(context_for, qtbot)
    again.resize(1210, 780)
    assert again.splitter.sizes() == remembered
    _idle(again)

    qtbot.keyClicks(page.search, "nothing-like-this")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    page.show()
    qtbot.waitUntil(lambda: page.no_match.isVisible(), timeout=10_000)
    assert page.model.rowCount() == 0
    assert page.no_match.text() == "No orders match the search or filters."
    assert page.detail.detail is None and page.count.text() == "No orders match."
    _idle(page)


def test_scan_to_pack_takes_scans_with_no_field_focused_and_fills_tracking_from_its_label(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("SCAN-A", "SCAN-B"))
    order_id = support.place(store, staff["manager"], shop, (2, 1))
    support.advance(store, staff["manager"], order_id, OrderStatus.PROCESSING)
    number = get_order_detail(store.unit_of_work(), order_id).number
    page = _page(context_for, qtbot, role="warehouse")
    page.open_scan_to_pack()
    dialog = page.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    dialog.table.setFocus()  # the table takes no focus: nothing in the dialog has it
    feedback: list[tuple[str, str]] = []
    dialog.signal.shown.connect(lambda kind, message: feedback.append((kind, message)))
    keyboard = Keyboard(qtbot, dialog.scanner)

    keyboard.scan(dialog.table, f"#{number}")
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=10_000)
    assert dialog.scan.text() == ""
    keyboard.scan(dialog, "SCAN-A")
    keyboard.scan(dialog, "SCAN-B")
    keyboard.scan(dialog, "SCAN-B")
    assert feedback[-1][0] == "error" and "already packed" in feedback[-1][1]
    assert dialog.session.units_left == 1
    dialog.tracking.setFocus()
    keyboard.scan(dialog.tracking, "1Z999AA10123456784")
    assert dialog.tracking.text() == "1Z999AA10123456784"
    assert dialog.session.units_left == 1  # a label scan packs nothing
    keyboard.scan(dialog, "SCAN-A")
    assert feedback[-1] == ("ok", "SCAN-A: 2 of 2. Complete: press Enter to ship.")
    with qtbot.waitSignal(dialog.order_packed, timeout=10_000) as packed:
        qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert packed.args[0].status == "shipped"
    _idle(page)  # the page refreshes on the same connection: let it finish first
    shipped = get_order_detail(store.unit_of_work(), order_id)
    assert shipped.fulfillments[0].tracking_number == "1Z999AA10123456784"


def test_the_new_order_dialog_adds_a_line_for_each_scan_without_a_click(
    store, staff, context_for, qtbot
) -> None:
    support.shop(store, staff["admin"], skus=("ADD-ME", "ADD-ME-TOO"), on_hand=1)
    page = _page(context_for, qtbot)
    page.open_create_dialog()
    dialog = page.dialog
    assert isinstance(dialog, CreateOrderDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    dialog.customer_search.setFocus()  # a person was about to look up the customer
    keyboard = Keyboard(qtbot, dialog.scanner)

    def scan(code: str) -> None:
        keyboard.scan(dialog.customer_search, code)
        dialog.context.tasks.wait_for_idle()
        qtbot.wait(10)  # the result arrives by signal

    scan("ADD-ME")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.customer_search.text() == ""  # the scan did not type into the field
    assert dialog.scan_feedback.kind == "ok" and "ADD-ME: 1 in the order" in (
        dialog.scan_feedback.text()
    )
    scan("ADD-ME")
    qtbot.waitUntil(lambda: dialog._lines[0][1].value() == 2, timeout=10_000)
    assert dialog.scan_feedback.kind == "warn" and "only 1 available" in (
        dialog.scan_feedback.text()
    )
    scan("NO-SUCH-THING")
    qtbot.waitUntil(lambda: dialog.scan_feedback.kind == "error", timeout=10_000)
    assert dialog.table.rowCount() == 1 and dialog.isVisible()

    # a search typed by hand lists what matches; Enter searches, it does not save the order
    dialog.product_search.setFocus()
    keyboard.type(dialog.product_search, "ADD-ME")
    keyboard.press_enter(dialog.product_search)
    dialog.context.tasks.wait_for_idle()
    qtbot.waitUntil(lambda: dialog._lines[0][1].value() == 3, timeout=10_000)
    assert dialog.isVisible() and dialog.result() == 0
    dialog.reject()
    _idle(page)
