"""Values no merchant means, and some an attacker does: every one the dry run accepts, the
import writes; every one it cannot take is named on its row in the dry run, never a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.imports.products import ImportRejected, import_products, plan_product_import
from services.imports.records import Choice, IssueKind, Outcome, Resolutions

HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode,"
    "Variant Inventory Qty,Variant Inventory Policy\n"
)


def _file(title: str = "Mug", price: str = "10", quantity: str = "3", handle: str = "mug"):
    row = f"{handle},{title},Title,Default Title,M-1,{price},,{quantity},deny\n"
    return (HEADER + row).encode()


def _products(store) -> int:
    with store.session_factory() as session:
        return session.execute(text("SELECT count(*) FROM products")).scalar_one()


def _rejected_for(store, staff, data: bytes) -> str:
    plan = plan_product_import(store.unit_of_work(), data)
    (row,) = plan.rows
    assert row.outcome is Outcome.REJECT and not plan.can_apply
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0
    return row.reasons[0]


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("1e309", "Price: “1e309” is more than $1,000,000,000.00, the most a price"),
        ("1e30", "Price: “1e30” is more than $1,000,000,000.00"),
        ("99999999999999999999", "“99999999999999999999” is more than $1,000,000,000.00"),
        ("NaN", "“NaN” is not an amount of money"),
        ("Infinity", "“Infinity” is not an amount of money"),
    ],
)
def test_an_impossible_price_is_named_on_its_row(store, staff, price, message) -> None:
    assert message in _rejected_for(store, staff, _file(price=price))


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("inf", "Inventory quantity: “inf” is not a quantity."),
        ("-Infinity", "“-Infinity” is not a quantity"),
        ("99999999999", "“99999999999” is more than 1,000,000,000, the most a stock figure"),
        ("1e309", "“1e309” is more than 1,000,000,000"),
    ],
)
def test_an_impossible_quantity_is_named_on_its_row(store, staff, quantity, message) -> None:
    assert message in _rejected_for(store, staff, _file(quantity=quantity))


@pytest.mark.parametrize("where", ["title", "handle"])
def test_a_nul_byte_anywhere_rejects_its_row_with_a_message(store, staff, where) -> None:
    data = _file(title="Mu\x00g") if where == "title" else _file(handle="mu\x00g")
    assert "NUL character" in _rejected_for(store, staff, data)


def test_a_huge_quantity_is_a_decision_like_negative_stock(store, staff) -> None:
    data = _file(quantity="1e9")
    plan = plan_product_import(store.unit_of_work(), data)
    (row,) = plan.rows
    assert row.outcome is Outcome.REJECT
    assert row.reasons == (
        "Stock 1,000,000,000 is more than 100,000, which is usually a typo (or a barcode in "
        "the quantity column). Import it as written, or skip the row.",
    )
    as_written = Resolutions(by_kind={IssueKind.LARGE_STOCK: Choice.STOCK_AS_WRITTEN})
    import_products(store.unit_of_work(), staff["merchandiser"], data, resolutions=as_written)
    with store.session_factory() as session:
        assert session.execute(text("SELECT on_hand FROM inventory_levels")).scalar() == 10**9


def test_the_sanity_limit_is_the_merchants_to_set(store) -> None:
    plan = plan_product_import(
        store.unit_of_work(), _file(quantity="250000"), resolutions=Resolutions(stock_limit=10**6)
    )
    assert plan.can_apply and plan.rows[0].outcome is Outcome.CREATE


def test_a_title_longer_than_its_field_is_refused_with_the_limit(store, staff) -> None:
    message = _rejected_for(store, staff, _file(title="T" * 100_000))
    assert message == "Title is 100,000 characters long; it holds at most 255."


def test_a_price_with_more_decimals_than_the_currency_is_rounded_and_said(store, staff) -> None:
    data = _file(price="1.005")
    plan = plan_product_import(store.unit_of_work(), data)
    (row,) = plan.rows
    assert row.outcome is Outcome.CREATE
    assert "Price: 1.005 has more decimals than USD amounts; rounded to $1.00." in [
        i.message for i in row.issues
    ]
    import_products(store.unit_of_work(), staff["merchandiser"], data)
    with store.session_factory() as session:
        assert session.execute(text("SELECT price FROM variants")).scalar() == 100


OPTIONS_HEADER = "Handle,Title,Body (HTML),Option1 Name,Option1 Value,Variant SKU,Variant Price\n"


def test_rows_of_one_handle_that_describe_two_products_are_rejected_naming_both_lines(
    store, staff
) -> None:
    data = (
        OPTIONS_HEADER
        + "shirt,Shirt,,Color,Red,SH-R,20\n"
        + "cap,Cap,,Title,Default Title,CAP,9\n"
        + "shirt,,,Size,Large,SH-L,20\n"
    ).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    shirt = [r for r in plan.rows if r.handle == "shirt"]
    assert {r.outcome for r in shirt} == {Outcome.REJECT}
    assert (
        "Line 2 gives “shirt” the options Color, but line 4 gives it Size: one handle for two "
        "different products. Give one of them another handle."
    ) in shirt[1].reasons
    assert plan.products.reject == 1
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], data)


def test_a_later_row_with_another_title_is_another_product(store) -> None:
    data = (OPTIONS_HEADER + "mug,Mug,,Size,S,M-S,5\nmug,Bowl,,Size,L,M-L,5\n").encode()
    plan = plan_product_import(store.unit_of_work(), data)
    assert "gives “mug” the title “Mug”, but line 3 gives it “Bowl”" in plan.rows[1].reasons[0]


def test_a_value_with_line_breaks_names_the_spreadsheet_row_too(store, staff) -> None:
    data = (
        OPTIONS_HEADER
        + 'mug,Mug,"<p>One</p>\n<p>Two</p>\n<p>Three</p>",Title,Default Title,M-1,5\n'
        + "bowl,Bowl,,Title,Default Title,B-1,call us\n"
    ).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    bowl = plan.rows[1]
    assert (bowl.line, bowl.spreadsheet_row) == (5, 3)
    assert plan.rows[0].spreadsheet_row is None
    with pytest.raises(ImportRejected, match=r"The first is line 5 \(row 3 in a spreadsheet\)"):
        import_products(store.unit_of_work(), staff["merchandiser"], data)


COUNT_HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,"
    "Status\n"
)


def test_counts_and_labels_agree_with_the_rows(store, staff) -> None:
    data = (
        COUNT_HEADER
        + "a,A,Size,S,A-S,1,,active\na,,,M,A-M,x,,\n"
        + "b,B,Size,S,B-S,1,,bogus\nb,,,M,B-M,2,,\n"
        + "c,C,Title,Default Title,C,-1,,\n"
    ).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    rows = {r.line: r for r in plan.rows}
    # product a is created once its bad row is skipped or fixed; b and c cannot be
    assert (plan.products.create, plan.products.reject) == (1, 2)
    assert (plan.variants.create, plan.variants.reject) == (1, 4)
    assert rows[5].reasons == ("Its product “b” is rejected: see line 4.",)


def test_kept_variants_are_only_those_the_file_does_not_describe(store, staff) -> None:
    both = (COUNT_HEADER + "a,A,Size,S,A-S,1,3,active\na,,,M,A-M,1,3,\n").encode()
    import_products(store.unit_of_work(), staff["manager"], both)
    one = plan_product_import(
        store.unit_of_work(), (COUNT_HEADER + "a,A,Size,S,A-S,1,3,active\n").encode()
    )
    assert [r.outcome for r in one.rows] == [Outcome.UNCHANGED]  # no option lost its value
    assert one.notes == (
        "Variants in the catalog but not in the file are kept (an import never deletes): "
        "“A” keeps A-M.",
    )
    rejected = plan_product_import(
        store.unit_of_work(),
        (COUNT_HEADER + "a,A,Size,S,A-S,1,-3,active\na,,,M,A-M,1,3,\n").encode(),
    )
    assert not any("keeps" in n for n in rejected.notes)
