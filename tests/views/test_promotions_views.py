"""The Promotions area driven as a merchandiser would: create a scheduled code, preview it on a
cart, save it, find it in the list; refused values stay on their fields."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, Qt

from services.pricing.model import Kind
from services.promotions import Method, PromotionStatus, get_promotion
from tests import factories
from views.promotions import PromotionsPage
from views.promotions.editor import PromotionDialog


def _idle(context) -> None:
    for _ in range(20):
        context.tasks.wait_for_idle()
        if not context.tasks.running:
            return


def test_a_merchandiser_schedules_a_code_previews_it_and_finds_it_listed(
    store, staff, context_for, qtbot
) -> None:
    factories.product(store, title="Linen shirt", skus=("LIN-S",), price=6000)
    context = context_for("merchandiser")
    page = PromotionsPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.on_shown()
    _idle(context)
    empty = page.list.empty_state
    assert empty is not None and empty.isVisible() and "No promotions yet" in empty.text()

    dialog = PromotionDialog(context, currency="USD", parent=page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title, "Ten off fifty")
    dialog.method.setCurrentIndex(dialog.method.findData(Method.CODE))
    qtbot.keyClicks(dialog.code, "TENOFF")
    dialog.kind.setCurrentIndex(dialog.kind.findData(Kind.FIXED_AMOUNT))
    qtbot.keyClicks(dialog.amount, "10")
    dialog.minimum.setCurrentIndex(1)
    qtbot.keyClicks(dialog.min_subtotal, "50")
    dialog.start_later.setChecked(True)
    start = datetime.now().replace(second=0, microsecond=0) + timedelta(days=2)
    dialog.starts_at.setDateTime(QDateTime(start))

    qtbot.keyClicks(dialog.sample_search, "Linen")
    qtbot.keyClick(dialog.sample_search, Qt.Key.Key_Return)  # searches; never saves
    _idle(context)
    assert dialog.isVisible()
    assert "Linen shirt" in dialog.sample_found.currentText()
    dialog._on_sample_add()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    _idle(context)
    text = dialog.result.text()
    assert "total $50.00" in text and "Ten off fifty" in text
    dialog.grab().save("/tmp/promotions-dialog.png")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    _idle(context)
    assert (
        dialog.saved_result is not None and dialog.saved_result.status is PromotionStatus.SCHEDULED
    )
    page.model.reload()
    _idle(context)
    row = page.model.row(0)
    assert (row.title, row.code, row.status) == (
        "Ten off fifty",
        "TENOFF",
        PromotionStatus.SCHEDULED,
    )
    page.grab().save("/tmp/promotions-page.png")
    detail = get_promotion(store.unit_of_work(), staff["merchandiser"], row.id)
    assert detail.data.min_subtotal == 5000 and detail.data.value == 1000


def test_a_refused_value_stays_on_its_field_with_what_was_typed(
    store, staff, context_for, qtbot
) -> None:
    context = context_for("merchandiser")
    dialog = PromotionDialog(context, currency="USD")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title, "Broken")
    dialog.has_end.setChecked(True)
    dialog.start_later.setChecked(True)
    now = QDateTime.currentDateTime()
    dialog.starts_at.setDateTime(now.addDays(3))
    dialog.ends_at.setDateTime(now.addDays(1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    _idle(context)
    assert dialog.isVisible() and dialog.saved_result is None
    assert dialog.field_message("ends_at") == "The end must be after the start."
    assert dialog.title.text() == "Broken"


def test_someone_who_may_only_look_sees_the_list_without_changing_it(
    store, staff, context_for, qtbot
) -> None:
    context = context_for("merchandiser")
    looking = context_for("manager")
    assert PromotionsPage.allowed(context) and PromotionsPage.allowed(looking)


def test_redemptions_and_generated_codes_show_on_the_selected_promotion(
    store, staff, context_for, qtbot, tmp_path
) -> None:
    from services.orders import DraftLine, OrderDraft, create_order
    from services.promotions import PromotionInput, create_promotion, generate_codes
    from tests import orders_support as support

    merch = staff["merchandiser"]
    create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Ten off", Kind.FIXED_AMOUNT, 1000, method=Method.CODE, code="TEN"),
    )
    batch = create_promotion(
        store.unit_of_work(),
        merch,
        PromotionInput("Influencers", Kind.PERCENTAGE, 1500, method=Method.CODE),
    )
    generate_codes(store.unit_of_work(), merch, batch.id, 50, prefix="INF-")
    shop = support.shop(store, staff["admin"], skus=("TEE",), price=3000)
    create_order(
        store.unit_of_work(),
        staff["manager"],
        OrderDraft(
            lines=[DraftLine(shop.variants[0], 2)],
            location_id=shop.location_id,
            email="pat@example.com",
            codes=["ten"],
        ),
    )

    context = context_for("merchandiser")
    page = PromotionsPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.on_shown()
    _idle(context)
    rows = {page.model.row(i).title: i for i in range(page.model.rowCount())}
    assert page.model.row(rows["Influencers"]).code_count == 50
    page.list.setCurrentIndex(page.model.index(rows["Ten off"], 0))
    _idle(context)
    assert page.totals.text() == "Used on 1 order, $10.00 discount given."  # a guest's
    assert page.redemptions.rowCount() == 1 and page.redemptions.row(0).amount == 1000
    assert not page.export_button.isEnabled()  # one code, typed: nothing to export

    page.list.setCurrentIndex(page.model.index(rows["Influencers"], 0))
    _idle(context)
    assert page.export_button.isEnabled() and page.totals.text() == "Not used yet."
    path = tmp_path / "codes.csv"
    page.export_codes(batch.id, path)
    _idle(context)
    lines = path.read_text().splitlines()
    assert len(lines) == 51 and all(line.startswith("INF-") for line in lines[1:])
    assert page.notice.text() == "50 codes written to codes.csv."
