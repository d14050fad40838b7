"""Shopify's inventory CSV: export, edit, import back; the On hand (current) guard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from models.status import MovementReason
from services.errors import PermissionDenied, ValidationFailed
from services.inventory.adjustments import AdjustmentLine, adjust_stock
from services.inventory.ledger import Reference, reserve, verify_ledger
from services.inventory.shopify_csv import COLUMNS, export_inventory_csv, import_inventory_csv
from tests import factories
from tests.inventory_helpers import figures, ledger_rows, stock

#: real files as merchants produce them, beside the repository (see DESIGN.md)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def shop(store, staff):
    main = factories.location(store, "MAIN")
    a, b = factories.product(store, skus=("CSV-A", "CSV-B"), handle="csv-tee")
    [plain] = factories.product(store, skus=(None,), handle="csv-mug")
    stock(store, staff, a, main, 5)
    stock(store, staff, b, main, 1)
    return main, a, b, plain


def _export(store, **kwargs) -> list[dict[str, str]]:
    out = io.StringIO()
    export_inventory_csv(store.unit_of_work(), out, **kwargs)
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict[str, str]], bom: bool = False) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return io.StringIO(("\ufeff" if bom else "") + out.getvalue())


def _import(store, actor, rows, **kwargs):
    return import_inventory_csv(store.unit_of_work(), actor, _csv(rows, **kwargs))


def test_export_writes_one_row_per_variant_and_location_in_shopifys_columns(
    store, staff, shop
) -> None:
    main, _a, _b, _plain = shop
    rows = [r for r in _export(store, location_id=main) if r["Handle"].startswith("csv-")]
    by_item = {r["SKU"] or r["Handle"]: r for r in rows}
    assert by_item["CSV-A"]["Location"] == "Location MAIN"
    assert by_item["CSV-A"]["On hand (current)"] == by_item["CSV-A"]["On hand (new)"] == "5"
    assert by_item["CSV-A"]["Option1 Value"] == "Option 1"
    assert by_item["csv-mug"]["Option1 Name"] == "Title"
    assert by_item["csv-mug"]["Option1 Value"] == "Default Title"
    assert by_item["csv-mug"]["On hand (current)"] == "0"


def test_an_edited_export_imports_back_as_import_movements(store, staff, shop) -> None:
    main, a, _b, plain = shop
    rows = [r for r in _export(store) if r["Handle"].startswith("csv-")]
    for r in rows:
        if r["SKU"] == "CSV-A":
            r["On hand (new)"] = "8"
        if r["Handle"] == "csv-mug":
            r["On hand (new)"] = "4"  # found by handle and "Default Title": no SKU
    report = _import(store, staff["warehouse"], rows, bom=True)
    assert (report.changed, report.skipped, report.errors) == (2, (), ())
    assert report.unchanged == len(rows) - 2
    assert figures(store, a, main)["on_hand"] == 8
    assert figures(store, plain, main)["on_hand"] == 4
    last = ledger_rows(store, a)[-1]
    assert (last["reason"], last["reference_id"], last["on_hand_delta"]) == (
        "import",
        report.reference,
        3,
    )


def test_a_row_whose_stock_changed_since_export_is_skipped_and_reported(store, staff, shop) -> None:
    main, a, b, _ = shop
    rows = [r for r in _export(store) if r["SKU"] in ("CSV-A", "CSV-B")]
    for r in rows:
        r["On hand (new)"] = "20"
    adjust_stock(  # someone sells from the shelf after the export
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(a, main, change=-2)],
        reason=MovementReason.CORRECTION,
    )
    report = _import(store, staff["warehouse"], rows)
    assert report.changed == 1
    [skipped] = report.skipped
    assert skipped.item == "CSV-A" and "was 5 when exported and is 3 now" in skipped.message
    assert figures(store, a, main)["on_hand"] == 3
    assert figures(store, b, main)["on_hand"] == 20
    assert "1 skipped because the stock changed since export" in report.summary()


def test_an_untouched_row_is_left_alone_even_when_stock_moved_since(store, staff, shop) -> None:
    main, a, _, _ = shop
    rows = [r for r in _export(store) if r["SKU"] == "CSV-A"]
    adjust_stock(
        store.unit_of_work(),
        staff["warehouse"],
        [AdjustmentLine(a, main, change=1)],
        reason=MovementReason.CORRECTION,
    )
    report = _import(store, staff["warehouse"], rows)
    assert (report.changed, report.unchanged, report.skipped) == (0, 1, ())
    assert figures(store, a, main)["on_hand"] == 6


def test_problems_are_reported_per_row_and_the_rest_applies(store, staff, shop) -> None:
    main, a, b, _ = shop
    with store.unit_of_work() as uow:
        reserve(uow, staff["admin"], [(b, main, 1)], reference=Reference.of("order", 9))
        uow.commit()
    blank = dict.fromkeys(COLUMNS, "")
    rows = [
        {**blank, "SKU": "CSV-A", "Location": "Location MAIN", "On hand (new)": "7"},
        {**blank, "SKU": "NOPE", "Location": "Location MAIN", "On hand (new)": "1"},
        {**blank, "SKU": "CSV-A", "Location": "Atlantis", "On hand (new)": "1"},
        {**blank, "SKU": "CSV-B", "Location": "Location MAIN", "On hand (new)": "0"},
        {**blank, "SKU": "CSV-A", "Location": "Location MAIN", "On hand (new)": "9"},
        {**blank, "Handle": "csv-mug", "Location": "MAIN", "On hand (new)": "1.5"},
    ]
    report = _import(store, staff["warehouse"], rows)
    assert report.changed == 1 and figures(store, a, main)["on_hand"] == 7
    messages = {(e.line, e.message.split(";")[0]) for e in report.errors}
    assert messages == {
        (3, "no variant has this SKU (or handle and options)"),
        (
            4,
            "the store has no location called 'Atlantis': map it to one of the store's "
            "locations, or create it",
        ),
        (5, "0 on hand is less than the 1 committed to orders or unavailable"),
        (6, "appears twice in the file"),
        (7, "On hand (new) must be a whole number (or 'not stocked'), not '1.5'"),
    }
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_a_dry_run_reports_and_changes_nothing(store, staff, shop) -> None:
    main, a, _, _ = shop
    rows = [r for r in _export(store) if r["SKU"] == "CSV-A"]
    rows[0]["On hand (new)"] = "50"
    report = import_inventory_csv(
        store.unit_of_work(), staff["warehouse"], _csv(rows), dry_run=True
    )
    assert report.changed == 1 and report.dry_run
    assert "1 would change" in report.summary()
    assert figures(store, a, main)["on_hand"] == 5


def test_bin_names_set_home_bins_for_those_allowed(store, staff, shop) -> None:
    _main, _a, _, _ = shop
    rows = [r for r in _export(store) if r["SKU"] == "CSV-A"]
    rows[0]["Bin name"] = "Z-9"
    report = _import(store, staff["warehouse"], rows)
    assert report.bins_changed == 0 and "needs the" in report.errors[0].message
    report = _import(store, staff["manager"], rows)
    assert report.bins_changed == 1
    assert next(r for r in _export(store) if r["SKU"] == "CSV-A")["Bin name"] == "Z-9"


def test_not_stocked_is_accepted_only_where_there_is_no_stock(store, staff, shop) -> None:
    blank = dict.fromkeys(COLUMNS, "")
    rows = [
        {**blank, "SKU": "CSV-A", "Location": "Location MAIN", "On hand (new)": "not stocked"},
        {
            **blank,
            "Handle": "csv-mug",
            "Option1 Value": "Default Title",
            "Location": "Location MAIN",
            "On hand (new)": "Not Stocked",
        },
    ]
    report = _import(store, staff["warehouse"], rows)
    assert [e.line for e in report.errors] == [2]
    assert report.unchanged == 1


def test_a_file_that_is_not_an_inventory_csv_is_refused(store, staff) -> None:
    product_csv = FIXTURES / "shopify" / "product_template_2023.csv"
    with (
        product_csv.open(encoding="utf-8") as f,
        pytest.raises(ValidationFailed, match="not a Shopify inventory CSV"),
    ):
        import_inventory_csv(store.unit_of_work(), staff["warehouse"], f)


def test_importing_needs_the_adjust_permission(store, staff, shop) -> None:
    rows = [r for r in _export(store) if r["SKU"] == "CSV-A"]
    with pytest.raises(PermissionDenied):
        _import(store, staff["merchandiser"], rows)
