"""A change made at one workstation shows on another's inventory screen within a second."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings

from app.live import OutboxListener
from models.status import MovementReason
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from tests import factories
from tests.inventory_helpers import message_boxes, settle, stock
from views.context import LiveChanges, ViewContext
from views.inventory import InventoryPage
from views.tasks import TaskRunner

__all__ = ["message_boxes"]  # an autouse fixture: message boxes never block


@pytest.mark.committed
def test_an_adjustment_elsewhere_refreshes_the_stock_list_within_a_second(
    committed_store, committed_staff, qtbot, tmp_path
) -> None:
    store = committed_store
    place = factories.location(store, "LIVE", is_default=True)
    [variant] = factories.product(store, skus=("LIVE-1",))
    stock(store, committed_staff, variant, place, 3)
    live = LiveChanges()
    context = ViewContext(
        store=store,
        actor=committed_staff["warehouse"],
        tasks=TaskRunner(),
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        live=live,
    )
    page = InventoryPage(context)
    qtbot.addWidget(page, before_close_func=settle)
    page.show()
    live.changed.connect(
        lambda changes: page.cares_about(changes) and page.on_store_changed(changes)
    )
    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    listener = OutboxListener(url, live)
    listener.start()
    try:
        qtbot.waitUntil(lambda: listener.state == "connected", timeout=5_000)
        tab = page.stock
        tab.model.set_query(search="LIVE-1")
        qtbot.waitUntil(
            lambda: tab.model.rowCount() == 1 and tab.model.row(0).on_hand == 3, timeout=10_000
        )
        adjust_stock(  # the other workstation
            store.unit_of_work(),
            committed_staff["manager"],
            [AdjustmentLine(variant, place, change=4)],
            reason=MovementReason.RECEIVED,
        )
        saved = time.monotonic()
        qtbot.waitUntil(
            lambda: tab.model.rowCount() == 1 and tab.model.row(0).on_hand == 7, timeout=2_000
        )
        assert time.monotonic() - saved < 1.0
    finally:
        listener.stop()
        listener.join(timeout=5)
        context.tasks.wait_for_idle()
