"""Plurals are right where people read them: "1 item", never "1 items"; through Qt's
translation path in the desktop (views/wording.py), through one helper in the services."""

from __future__ import annotations

import io
import re
from pathlib import Path

from reportlab.pdfgen import canvas

from services.wording import counted as service_counted
from tests import orders_support as support
from views.orders import OrdersPage
from views.widgets.pdf_preview import PdfPreviewDialog
from views.wording import counted

ROOT = Path(__file__).resolve().parents[2]
NOUNS = (
    "items|orders|lines|pages|units|rows|variants|products|movements|images|bins|counts|"
    "transfers|customers|refunds|payments|returns|fulfillments|addresses|barcodes|collections|"
    "promotions|suppliers|locations|scans|labels|parcels|accounts|levels|entries|matches"
)
#: a number in braces, then (maybe one describing word and) a plural noun: "{n} items",
#: "{len(rows)} changed products"
COUNTED_IN_FSTRING = re.compile(
    r"\{[^{}\n]*\}\+?\s+(?:(?!and\b|or\b|over\b|of\b|off\b|to\b)[a-z]+\s+)?(?:"
    + NOUNS
    + r")\b(?!/)"
)
#: lines where the number is never one, each with why
ALWAYS_SEVERAL = {
    "MAX_ORDERS_PER_PICK_LIST": "a limit in the hundreds",
    "for v in differing if v.variance < 0)} units": "a pair of figures, +3 / -1 units",
    "for v in posted if v.variance < 0)} units": "a pair of figures, +3 / -1 units",
}


def test_no_message_counts_with_a_plural_written_into_an_f_string() -> None:
    found = []
    for package in ("views", "services", "app"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if COUNTED_IN_FSTRING.search(line) and not any(
                    allowed in line for allowed in ALWAYS_SEVERAL
                ):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_counted_texts_say_one_item_and_two_items(qapp) -> None:
    assert counted(1, "%Ln item(s)") == "1 item"
    assert counted(2, "%Ln item(s)") == "2 items"
    assert counted(0, "%Ln order(s)") == "0 orders"
    assert counted(1, "%Ln+ variant(s)") == "1+ variant"
    assert counted(1, "Its %Ln product(s) stay in the catalog.") == (
        "Its 1 product stay in the catalog."
    )
    assert service_counted(1, "unit") == "1 unit"
    assert service_counted(1_200, "unit") == "1,200 units"
    assert service_counted(2, "address", "addresses") == "2 addresses"


def test_the_orders_list_counts_one_order(store, staff, context_for, qtbot) -> None:
    shop = support.shop(store, staff["admin"], skus=("MUG",))
    support.place(store, staff["manager"], shop, (1,), email="ada@example.com")
    context = context_for("manager")
    page = OrdersPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.count.text() == "1 order"
    for _ in range(10):
        context.tasks.wait_for_idle()
        qtbot.wait(20)


def test_a_one_page_document_says_one_page(qtbot) -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Pick list")
    pdf.showPage()
    pdf.save()
    dialog = PdfPreviewDialog("Pick list", buffer.getvalue(), "pick-list.pdf")
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 1
    assert dialog.pages.text() == "1 page"
