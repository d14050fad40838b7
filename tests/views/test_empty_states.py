"""Empty lists and tabs say what is missing and how to add it, rather than nothing."""

from __future__ import annotations

from sqlalchemy import text

from tests import factories
from tests import orders_support as support
from views.catalog.product_editor import ProductEditorDialog
from views.inventory.transfers_tab import TransfersTab
from views.orders import OrdersPage


def _settle(context, qtbot) -> None:
    for _ in range(10):
        context.tasks.wait_for_idle()
        qtbot.wait(20)


def test_a_product_without_images_says_how_to_add_one(store, staff, context_for, qtbot) -> None:
    [variant] = factories.product(store, skus=("MUG-1",), title="Plain Mug")
    with store.session_factory() as session:
        product_id = session.execute(
            text("SELECT product_id FROM variants WHERE id = :v"), {"v": variant}
        ).scalar_one()
    context = context_for("merchandiser")
    editor = ProductEditorDialog(context, product_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    editor.tabs.setCurrentIndex(2)
    assert editor.images.count() == 0
    assert editor.images_empty.isVisible()
    assert "No images yet" in editor.images_empty.text()
    _settle(context, qtbot)


def test_an_order_with_nothing_shipped_or_paid_says_so_on_its_tabs(
    store, staff, context_for, qtbot
) -> None:
    shop = support.shop(store, staff["admin"], skus=("MUG",))
    support.place(store, staff["manager"], shop, (1,), email="ada@example.com")
    context = context_for("manager")
    page = OrdersPage(context)
    qtbot.addWidget(page)
    page.show()
    empty = {state.parent().parent(): state for state in page.detail.empty_states}
    # no order chosen yet: the tabs say nothing about shipping
    assert not any(state.isVisible() for state in page.detail.empty_states)
    page.on_shown()
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _settle(context, qtbot)
    page.detail.tabs.setCurrentWidget(page.detail.shipments)
    assert empty[page.detail.shipments].isVisible()
    assert empty[page.detail.shipments].text() == "Nothing shipped yet."
    page.detail.tabs.setCurrentWidget(page.detail.money)
    assert empty[page.detail.money].text() == "No payments or refunds yet."
    assert empty[page.detail.money].isVisible()


def test_no_transfers_says_how_to_start_one(context_for, qtbot) -> None:
    context = context_for("warehouse")
    tab = TransfersTab(context)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(
        lambda: not tab.model.is_loading and tab.list.empty_state.isVisible(), timeout=10_000
    )
    assert tab.list.empty_state.text() == "No transfers here. Start one with Ctrl+N."
    _settle(context, qtbot)
