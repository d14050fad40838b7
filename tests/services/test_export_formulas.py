"""An export cannot attack the person who opens it, and reads back as the same catalog."""

from __future__ import annotations

import csv
import io

from services.exports.products import export_products_csv
from services.imports.products import import_products, plan_product_import
from services.imports.records import IssueKind, Outcome

HEADER = (
    "Handle,Title,Vendor,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode,"
    "Variant Inventory Qty,Variant Inventory Policy\n"
)
ROW = (
    'calc,"=HYPERLINK(""http://evil.example"",""Free"")",@vendor,Title,Default Title,'
    "-SKU-1,10.00,0012345678905,3,deny\n"
)


def test_formulas_in_a_file_are_named_then_exported_as_text_and_read_back_unchanged(
    store, staff
) -> None:
    data = (HEADER + ROW).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    warnings = [i.message for i in plan.rows[0].issues if i.kind is IssueKind.FORMULA]
    assert len(warnings) == 3
    assert warnings[0].startswith(
        'Title: “=HYPERLINK("http://evil.example","Free")” starts with “=”, so a '
        "spreadsheet would run it as a formula"
    )
    import_products(store.unit_of_work(), staff["merchandiser"], data)

    out = io.StringIO()
    export_products_csv(store.unit_of_work(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["Title"] == '\'=HYPERLINK("http://evil.example","Free")'
    assert rows[0]["Vendor"] == "'@vendor"
    assert rows[0]["Variant SKU"] == "'-SKU-1"
    assert rows[0]["Variant Barcode"] == "'0012345678905"  # leading zeros kept, as Shopify does
    assert rows[0]["Variant Inventory Qty"] == "3"

    again = plan_product_import(store.unit_of_work(), out.getvalue().encode())
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED]
    assert not [i for i in again.rows[0].issues if i.kind is IssueKind.FORMULA]
