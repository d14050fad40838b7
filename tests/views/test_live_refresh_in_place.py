"""Changes committed at another workstation refresh the lists in place: the open order stays
open, the catalog keeps its scroll row and selection, an edited row shows its new values, and a
burst of changes costs a bounded number of fetches."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView

from app.live import OutboxListener
from models.status import MovementReason
from services.catalog.bulk import BulkEdit, Selection, apply_bulk_edit
from services.catalog.products import delete_product
from services.catalog.queries import get_product
from services.catalog.rules import Adjustment, AmountChange
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from services.orders import OrderAction
from tests import factories
from tests import orders_support as support
from tests.inventory_helpers import message_boxes, settle
from views.catalog import catalog_page
from views.catalog.catalog_page import CatalogPage
from views.context import LiveChanges, ViewContext
from views.orders import orders_page
from views.orders.detail import AVAILABLE
from views.orders.orders_page import OrdersPage
from views.tasks import TaskRunner
from views.widgets.page import Page

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block

pytestmark = pytest.mark.committed


class Fetches:
    """Counts a list's fetches (the real query runs): how many, and which were narrowed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.requests: list[Any] = []
        real = getattr(module, name)
        lock = threading.Lock()

        def counted(uow: Any, request: Any, *more: Any) -> Any:
            with lock:
                self.requests.append(request)
            return real(uow, request, *more)

        monkeypatch.setattr(module, name, counted)

    def since(self, mark: int) -> list[Any]:
        return self.requests[mark:]


@pytest.fixture
def workstation(committed_store, committed_staff, tmp_path, qtbot) -> Iterator[Any]:
    """``workstation(PageClass, role)``: a page as the main window shows it, hearing the
    store's announcements through a real listener."""
    listeners: list[OutboxListener] = []

    def open_page(page_class: type[Page], role: str = "manager") -> Page:
        live = LiveChanges()
        context = ViewContext(
            store=committed_store,
            actor=committed_staff[role],
            tasks=TaskRunner(),
            settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
            live=live,
        )
        page = page_class(context)
        qtbot.addWidget(page, before_close_func=settle)
        page.resize(1300, 700)
        page.show()
        page.on_shown()
        live.changed.connect(
            lambda changes: page.cares_about(changes) and page.on_store_changed(changes)
        )
        url = committed_store.engine.url.set(drivername="postgresql")
        listener = OutboxListener(url.render_as_string(hide_password=False), live)
        listener.start()
        listeners.append(listener)
        qtbot.waitUntil(lambda: live.listening, timeout=15_000)
        return page

    yield open_page
    for listener in listeners:
        listener.stop()
        listener.join(timeout=5)


def _select(table: QAbstractItemView, row: int) -> None:
    table.selectionModel().setCurrentIndex(
        table.model().index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def _elsewhere(work: Any) -> threading.Thread:
    """The other workstation: its own connections, its own commits."""
    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_the_open_order_stays_open_and_selected_while_100_orders_arrive(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    manager = committed_staff["manager"]
    shop = support.shop(committed_store, committed_staff["admin"], skus=("BURST",), on_hand=500)
    for _ in range(40):
        support.place(committed_store, manager, shop, (1,))
    fetches = Fetches(monkeypatch, orders_page, "list_orders")
    page = workstation(OrdersPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 40, timeout=10_000)
    table = page.table
    _select(table, 20)
    chosen = page.model.row(20)
    table.scrollTo(page.model.index(18, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.id == chosen.id)
    top = page.model.row(table.first_visible_row())
    mark = len(fetches.requests)

    started = time.monotonic()
    other = _elsewhere(
        lambda: [support.place(committed_store, manager, shop, (1,)) for _ in range(100)]
    )
    other.join(timeout=180)
    qtbot.waitUntil(lambda: page.model.rowCount() == 140, timeout=30_000)
    elapsed = time.monotonic() - started
    qtbot.wait(300)  # anything still due lands now

    assert page.model.row(table.currentIndex().row()) == chosen
    assert table.selected_rows() == [chosen]
    assert page.detail.detail.id == chosen.id
    assert page.detail.title.text() == f"Order #{chosen.number}"
    assert page.model.row(table.first_visible_row()) == top  # nothing moved under the eye
    assert table.new_rows_button.isVisible()
    assert table.new_rows_button.text() == "↑ 100 new"
    # at most one refetch per 250 ms, not one per order
    assert len(fetches.since(mark)) <= elapsed / 0.25 + 2
    page.grab().save("/tmp/live-refresh-orders.png")

    qtbot.mouseClick(table.new_rows_button, Qt.MouseButton.LeftButton)
    assert table.first_visible_row() == 0
    assert not table.new_rows_button.isVisible()
    assert page.model.row(0).number > chosen.number


def test_confirming_the_open_order_here_refreshes_the_list_and_the_order_once(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    shop = support.shop(committed_store, committed_staff["admin"], skus=("ONCE",))
    for _ in range(3):
        support.place(committed_store, committed_staff["manager"], shop, (1,))
    lists = Fetches(monkeypatch, orders_page, "list_orders")
    details = Fetches(monkeypatch, orders_page, "get_order_detail")
    page = workstation(OrdersPage)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    _select(page.table, 1)
    chosen = page.model.row(1)
    qtbot.waitUntil(lambda: page.detail.detail.id == chosen.id, timeout=15_000)
    qtbot.wait(300)
    listed, opened = len(lists.requests), len(details.requests)

    qtbot.mouseClick(page.detail.buttons[OrderAction.CONFIRM], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.row(1).status == "confirmed", timeout=15_000)
    qtbot.waitUntil(lambda: page.detail.detail.status == "confirmed", timeout=15_000)
    qtbot.wait(600)  # the task's own result and the store's announcement have both arrived

    assert len(lists.since(listed)) == 1 and len(details.since(opened)) == 1
    assert page.table.currentIndex().row() == 1 and page.detail.detail.id == chosen.id


def test_stock_moved_elsewhere_updates_only_the_open_orders_available_figures(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    shop = support.shop(committed_store, committed_staff["admin"], skus=("AV-1", "AV-2"))
    order_id = support.place(committed_store, committed_staff["manager"], shop, (2, 1))
    details = Fetches(monkeypatch, orders_page, "get_order_detail")
    lists = Fetches(monkeypatch, orders_page, "list_orders")
    page = workstation(OrdersPage)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    lines = page.detail.lines
    assert page.detail.detail.id == order_id
    assert [lines.item(r, AVAILABLE).text() for r in (0, 1)] == ["8", "9"]
    opened, listed = len(details.requests), len(lists.requests)

    adjust_stock(  # a delivery booked at another workstation
        committed_store.unit_of_work(),
        committed_staff["warehouse"],
        [AdjustmentLine(shop.variants[0], shop.location_id, change=5)],
        reason=MovementReason.RECEIVED,
    )
    qtbot.waitUntil(lambda: lines.item(0, AVAILABLE).text() == "13", timeout=15_000)
    qtbot.wait(300)

    assert lines.item(1, AVAILABLE).text() == "9"
    assert len(details.requests) == opened and len(lists.requests) == listed
    assert page.detail.detail.id == order_id
    page.detail.grab().save("/tmp/live-refresh-detail.png")


def _catalog(store, staff, products: int) -> tuple[int, list[int]]:
    place = factories.location(store, "LIVE", is_default=True)
    variants: list[int] = []
    for n in range(products):
        variants += factories.product(store, title=f"Item {n:04d}", skus=(f"LV-{n:04d}",))
    return place, variants


def _scroll_to(page: CatalogPage, qtbot, rows: int) -> None:
    while page.model.rowCount() < rows:
        loaded = page.model.rowCount()
        page.table.scrollToBottom()
        qtbot.waitUntil(lambda n=loaded: page.model.rowCount() > n, timeout=10_000)


def test_the_catalog_keeps_its_scroll_row_and_selection_while_availability_events_arrive(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    place, variants = _catalog(committed_store, committed_staff, 450)
    fetches = Fetches(monkeypatch, catalog_page, "list_variants")
    page = workstation(CatalogPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 200, timeout=10_000)
    _scroll_to(page, qtbot, 400)
    table = page.table
    table.scrollTo(page.model.index(300, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    _select(table, 300)
    chosen = page.model.row(300)
    assert chosen.sku == "LV-0300" and chosen.available == 0
    loaded, top = page.model.rowCount(), table.first_visible_row()
    mark = len(fetches.requests)

    # orders and receipts elsewhere: the chosen variant, its neighbours, and variants not loaded
    touched = variants[295:310] + variants[420:]
    other = _elsewhere(
        lambda: [
            adjust_stock(
                committed_store.unit_of_work(),
                committed_staff["manager"],
                [AdjustmentLine(v, place, change=5)],
                reason=MovementReason.RECEIVED,
            )
            for v in touched
        ]
    )
    other.join(timeout=180)
    qtbot.waitUntil(
        lambda: all(page.model.row(r).available == 5 for r in range(295, 310)), timeout=30_000
    )
    qtbot.wait(300)

    assert page.model.rowCount() == loaded
    assert table.first_visible_row() == top == 300
    assert table.currentIndex().row() == 300
    assert [r.variant_id for r in table.selected_rows()] == [chosen.variant_id]
    column = [c.key for c in page.model.columns].index("available")
    assert page.model.index(300, column).data() == "5"
    burst = fetches.since(mark)
    # only the loaded rows of the changed variants were refetched, never the list
    assert burst and all(set(r.filters.get("variant_ids", ())) <= set(touched) for r in burst)
    assert all(r.filters.get("variant_ids") for r in burst)
    assert len(burst) < len(touched)
    page.grab().save("/tmp/live-refresh-catalog.png")


def _thirty_variants_with_the_thirteenth_selected(store, staff, workstation, qtbot) -> CatalogPage:
    _catalog(store, staff, 30)
    page = workstation(CatalogPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 30, timeout=10_000)
    _select(page.table, 12)
    return page


def test_an_edited_row_shows_its_new_values_where_it_is(
    committed_store, committed_staff, workstation, qtbot
) -> None:
    page = _thirty_variants_with_the_thirteenth_selected(
        committed_store, committed_staff, workstation, qtbot
    )
    row = page.model.row(12)

    apply_bulk_edit(  # the other workstation
        committed_store.unit_of_work(),
        committed_staff["admin"],
        Selection(variant_ids=(row.variant_id,)),
        BulkEdit(price=AmountChange(Adjustment.SET, 4_250), status="draft"),
    )
    qtbot.waitUntil(lambda: page.model.row(12).price == 4_250, timeout=15_000)

    price = [c.key for c in page.model.columns].index("price")
    status = [c.key for c in page.model.columns].index("status")
    assert page.model.index(12, price).data() == "$42.50"
    assert page.model.index(12, status).data() == "Draft"
    assert page.model.rowCount() == 30
    assert page.table.currentIndex().row() == 12
    assert [r.variant_id for r in page.table.selected_rows()] == [row.variant_id]


def test_a_product_deleted_elsewhere_vanishes_and_the_selection_stays_on_its_row(
    committed_store, committed_staff, workstation, qtbot
) -> None:
    page = _thirty_variants_with_the_thirteenth_selected(
        committed_store, committed_staff, workstation, qtbot
    )
    chosen, gone = page.model.row(12), page.model.row(4)
    version = get_product(committed_store.unit_of_work(), gone.product_id).version

    delete_product(  # the other workstation
        committed_store.unit_of_work(), committed_staff["admin"], gone.product_id, version
    )
    qtbot.waitUntil(lambda: page.model.rowCount() == 29, timeout=15_000)

    assert gone.variant_id not in {r.variant_id for r in page.model.rows()}
    assert page.table.currentIndex().row() == 11
    assert page.table.selected_rows() == [chosen]


def test_a_change_made_here_refreshes_the_list_once(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    _catalog(committed_store, committed_staff, 10)
    fetches = Fetches(monkeypatch, catalog_page, "list_variants")
    page = workstation(CatalogPage, role="admin")
    qtbot.waitUntil(lambda: page.model.rowCount() == 10, timeout=10_000)
    _select(page.table, 3)
    chosen = page.model.row(3)
    mark = len(fetches.requests)

    page._publish(True)
    qtbot.waitUntil(lambda: page.model.row(3).published, timeout=15_000)
    qtbot.wait(600)  # the task's own result and the store's announcement have both arrived

    assert len(fetches.since(mark)) == 1
    assert page.model.row(3).variant_id == chosen.variant_id


def test_a_burst_of_a_thousand_changes_costs_one_refetch_each(
    committed_store, committed_staff, workstation, qtbot, monkeypatch
) -> None:
    place = factories.location(committed_store, "LIVE", is_default=True)
    variants: list[int] = []
    for n in range(250):
        skus = tuple(f"TH-{n:03d}-{size}" for size in "SMLX")
        variants += factories.product(committed_store, title=f"Item {n:03d}", skus=skus)
    fetches = Fetches(monkeypatch, catalog_page, "list_variants")
    page = workstation(CatalogPage, role="admin")
    qtbot.waitUntil(lambda: page.model.rowCount() == 200, timeout=10_000)
    _select(page.table, 150)
    chosen = page.model.row(150)

    mark = len(fetches.requests)
    adjust_stock(  # one receipt of 1,000 lines elsewhere: 1,000 availability events
        committed_store.unit_of_work(),
        committed_staff["manager"],
        [AdjustmentLine(v, place, change=3) for v in variants],
        reason=MovementReason.RECEIVED,
    )
    qtbot.waitUntil(lambda: page.model.row(199).available == 3, timeout=15_000)
    qtbot.wait(600)
    [refetch] = fetches.since(mark)
    assert len(refetch.filters["variant_ids"]) == 200  # the loaded rows, no others

    mark = len(fetches.requests)
    apply_bulk_edit(  # a price change of all 1,000 variants elsewhere, one commit
        committed_store.unit_of_work(),
        committed_staff["admin"],
        Selection(variant_ids=tuple(variants)),
        BulkEdit(price=AmountChange(Adjustment.SET, 999)),
    )
    qtbot.waitUntil(lambda: page.model.row(199).price == 999, timeout=15_000)
    qtbot.wait(600)
    assert len(fetches.since(mark)) == 1
    assert page.table.currentIndex().row() == 150
    assert page.model.row(150).variant_id == chosen.variant_id
