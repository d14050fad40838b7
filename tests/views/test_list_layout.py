"""Lists at the default window size (1280x800): the important columns in view, long text
elided in the middle and whole in the tooltip, and the widths a person set kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

from app.areas import page_classes
from app.main_window import MainWindow
from tests import orders_support as support
from views.orders import OrdersPage
from views.widgets.table_view import CELL_PADDING, ListView

LONG_EMAIL = "someone.with.a.rather.long.name@example.com"


@pytest.fixture
def orders_window(store, staff, context_for, qtbot) -> Iterator[tuple[MainWindow, OrdersPage]]:
    """The main window at 1280x800 on the Orders list, with two orders (one long e-mail)."""
    shop = support.shop(store, staff["admin"], skus=("TEE-RED", "MUG"))
    support.place(store, staff["manager"], shop, (1, 1), email=LONG_EMAIL)
    support.place(store, staff["manager"], shop, (2, 1), email="ada@example.com")
    context = context_for("manager")
    window = MainWindow(context, page_classes())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_area("Orders")
    assert isinstance(page, OrdersPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    yield window, page
    _idle(context, qtbot)


def _idle(context, qtbot) -> None:
    for _ in range(10):
        context.tasks.wait_for_idle()
        qtbot.wait(20)


def _column(table: ListView, title: str) -> int:
    return [c.title for c in table.model().columns].index(title)


def test_the_orders_list_shows_total_and_status_at_1280_by_800(orders_window) -> None:
    _window, page = orders_window
    table = page.table
    viewport = table.viewport().rect()
    for title in ("Order", "Placed", "Customer", "Total", "Status"):
        cell = table.visualRect(page.model.index(0, _column(table, title)))
        assert viewport.contains(cell), f"{title} is cut off: {cell} in {viewport}"
    # the date and the money are whole; the long e-mail gives way
    for title in ("Placed", "Total"):
        index = page.model.index(0, _column(table, title))
        text = index.data()
        room = table.visualRect(index).width() - CELL_PADDING
        assert table.fontMetrics().horizontalAdvance(text) <= room, title


def test_long_text_is_elided_in_the_middle_and_whole_in_its_tooltip(orders_window) -> None:
    _window, page = orders_window
    table = page.table
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    row = page.model.find(lambda r: r.customer_name == LONG_EMAIL)
    cell = table.visualRect(page.model.index(row, _column(table, "Customer")))
    assert table.fontMetrics().horizontalAdvance(LONG_EMAIL) > cell.width()  # elided
    point = cell.center()
    QApplication.sendEvent(
        table.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, point, table.viewport().mapToGlobal(point)),
    )
    assert QToolTip.text() == LONG_EMAIL
    QToolTip.hideText()


def _drag(header, x: int, to_x: int) -> None:
    """Drag a header's section edge the way a mouse does."""
    y = header.height() // 2
    viewport = header.viewport()

    def send(kind: QEvent.Type, at: int, buttons: Qt.MouseButton) -> None:
        point = QPointF(at, y)
        QApplication.sendEvent(
            viewport,
            QMouseEvent(
                kind,
                point,
                viewport.mapToGlobal(point),
                Qt.MouseButton.LeftButton,
                buttons,
                Qt.KeyboardModifier.NoModifier,
            ),
        )

    send(QEvent.Type.MouseButtonPress, x, Qt.MouseButton.LeftButton)
    for step in range(1, 6):
        send(QEvent.Type.MouseMove, x + (to_x - x) * step // 5, Qt.MouseButton.LeftButton)
    send(QEvent.Type.MouseButtonRelease, to_x, Qt.MouseButton.NoButton)


def test_a_column_the_user_widened_keeps_its_width_next_time(orders_window, qtbot) -> None:
    window, page = orders_window
    context = page.context
    header = page.table.horizontalHeader()
    placed = _column(page.table, "Placed")
    before = header.sectionSize(placed)
    edge = header.sectionViewportPosition(placed) + before - 1
    _drag(header, edge, edge + 40)
    widened = header.sectionSize(placed)
    assert widened >= before + 30
    _idle(context, qtbot)
    window.close()

    again = OrdersPage(context)
    qtbot.addWidget(again)
    again.resize(1280, 760)
    again.show()
    assert again.table.horizontalHeader().sectionSize(placed) == widened
