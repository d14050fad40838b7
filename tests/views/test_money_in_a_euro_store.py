"""A store that sells in euros and writes in German: amounts are typed and shown as ``12,50 €``,
in every money field, from the store's own settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text

from models.money import MoneyFormat
from tests import orders_support as support
from tests.views.scanning import Keyboard
from views.catalog.catalog_page import CatalogPage
from views.catalog.product_editor import ProductEditorDialog
from views.orders.create_order import CreateOrderDialog
from views.widgets.money_field import MoneyField, PercentField

EURO = MoneyFormat("EUR", "de_DE")
NBSP = "\u00a0"


def _euro_store(store, *, locale: str | None = "de_DE", country: str = "DE") -> None:
    with store.unit_of_work() as uow:
        uow.execute(
            text(
                "UPDATE store SET currency = 'EUR', locale = :locale,"
                " address = jsonb_build_object('country_code', CAST(:country AS text))"
            ),
            {"locale": locale, "country": country},
        )
        uow.commit()


def _product_of(store, variant_id: int) -> int:
    with store.unit_of_work() as uow:
        return int(
            uow.execute(
                text("SELECT product_id FROM variants WHERE id = :v"), {"v": variant_id}
            ).scalar_one()
        )


def _typed(qtbot, field, keys: str) -> None:
    field.clear()
    field.setFocus()
    qtbot.keyClicks(field, keys)


def test_a_euro_stores_money_field_takes_a_decimal_comma(qtbot) -> None:
    field = MoneyField(EURO)
    qtbot.addWidget(field)
    _typed(qtbot, field, "12,50")
    assert field.value() == 1250
    field.editingFinished.emit()
    assert field.text() == "12,50"
    _typed(qtbot, field, "1.234,56")
    assert field.value() == 123456
    field.editingFinished.emit()
    assert field.text() == "1234,56"
    assert field.placeholderText() == "0,00"


def test_a_dot_where_a_euro_store_writes_a_comma_is_not_an_amount_yet(qtbot) -> None:
    field = MoneyField(EURO)
    qtbot.addWidget(field)
    _typed(qtbot, field, "12.5")  # 12,50 or 125? the field does not guess
    assert field.text() == "12.5" and field.value() is None
    assert not field.hasAcceptableInput()
    _typed(qtbot, field, "12x")
    assert field.text() == "12"  # a letter never appears


def test_yen_have_no_decimals_and_a_rate_is_a_percentage(qtbot) -> None:
    yen = MoneyField(MoneyFormat("JPY", "ja_JP"))
    rate = PercentField(EURO)
    qtbot.addWidget(yen)
    qtbot.addWidget(rate)
    _typed(qtbot, yen, "1,200")
    assert yen.value() == 1200
    yen.set_value(1200)
    assert yen.text() == "1200"
    _typed(qtbot, rate, "8,25")
    assert rate.value() == 825  # basis points, not cents
    _typed(qtbot, rate, "19 %")
    assert rate.value() == 1900


def test_the_new_order_dialog_of_a_euro_store_takes_and_shows_euros(
    store, staff, context_for, qtbot
) -> None:
    _euro_store(store)
    support.shop(store, staff["admin"], skus=("EURO-1",), price=1250)
    context = context_for("manager")
    assert context.money == EURO
    dialog = CreateOrderDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    keyboard = Keyboard(qtbot, dialog.scanner)  # a person types: keys reach the fields

    def typed(field, keys: str) -> None:
        field.clear()
        field.setFocus()
        keyboard.type(field, keys)
        qtbot.waitUntil(lambda: field.text() == keys, timeout=5_000)

    typed(dialog.product_search, "EURO-1")
    keyboard.press_enter(dialog.product_search)
    context.tasks.wait_for_idle()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    dialog._lines[0][1].setValue(2)
    assert dialog.table.item(0, 3).text() == f"12,50{NBSP}€"
    assert dialog.total_label.text() == f"25,00{NBSP}€"
    typed(dialog.shipping, "4,95")
    typed(dialog.discount, "1.000")  # a thousand euros, grouped the German way
    typed(dialog.tax_rate, "19")
    draft = dialog.draft()
    assert (draft.shipping_total, draft.discount, draft.tax_rate_bp) == (495, 100000, 1900)


def test_a_store_with_no_locale_writes_as_its_country_does(
    store, staff, context_for, qtbot
) -> None:
    _euro_store(store, locale=None, country="FR")
    support.shop(store, staff["admin"], skus=("FR-1",), price=123456)
    page = CatalogPage(context_for("merchandiser"))
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    price = next(i for i, c in enumerate(page.model.columns) if c.key == "price")
    assert page.model.index(0, price).data() == f"1\u202f234,56{NBSP}€"
    _typed(qtbot, page.price_min, "1 000,5")
    assert page.price_min.value() == 100050
    assert page.current_filter().price_min == 100050
    page.context.tasks.wait_for_idle()


def test_the_product_grid_of_a_euro_store_edits_a_price_in_a_money_field(
    store, staff, context_for, qtbot
) -> None:
    _euro_store(store)
    [variant] = support.shop(store, staff["admin"], skus=("EU-GRID",), price=123456).variants
    product_id = _product_of(store, variant)
    dialog = ProductEditorDialog(context_for("admin"), product_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    dialog.tabs.setCurrentIndex(1)
    price = next(
        c
        for c in range(dialog.grid.columnCount())
        if dialog.grid.horizontalHeaderItem(c).text() == "Price"
    )
    cell = dialog.grid.item(0, price)
    assert cell.text() == "1234,56"
    dialog.grid.setCurrentItem(cell)
    dialog.grid.editItem(cell)
    field = dialog.grid.findChild(MoneyField)
    assert field is not None and field.money == EURO
    field.selectAll()
    qtbot.keyClicks(field, "19,99")
    qtbot.keyClick(field, Qt.Key.Key_Return)  # the grid takes the value once events run
    qtbot.waitUntil(lambda: cell.text() == "19,99", timeout=5_000)
    assert dialog.draft().variants[0].price == 1999
