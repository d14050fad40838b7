"""Messy product files: each problem is named on its row with the file's line number, nothing is
imported while a row is rejected, and the merchant's decisions let the catalog in anyway."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.errors import PermissionDenied, ValidationFailed
from services.imports import planning
from services.imports.products import ImportRejected, import_products, plan_product_import
from services.imports.records import Choice, IssueKind, Outcome, Resolutions
from services.inventory.ledger import verify_ledger
from services.progress import Cancelled, Progress
from tests import factories

HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Barcode,"
    "Variant Inventory Qty,Variant Inventory Policy\n"
)


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def _products(store) -> int:
    with store.session_factory() as session:
        return session.execute(text("SELECT count(*) FROM products")).scalar_one()


def _row(plan, line: int):
    return next(r for r in plan.rows if r.line == line)


def test_a_price_that_is_not_a_number_is_named_on_its_line_and_nothing_is_imported(
    store, staff
) -> None:
    data = _csv(
        "mug,Mug,Size,Small,MUG-S,12.50,,3,deny",
        "mug,,,Large,MUG-L,call us,,3,deny",
    )
    plan = plan_product_import(store.unit_of_work(), data)
    assert _row(plan, 2).outcome is Outcome.CREATE
    rejected = _row(plan, 3)
    assert rejected.outcome is Outcome.REJECT
    assert rejected.reasons == ("Price: “call us” is not an amount of money.",)
    with pytest.raises(ImportRejected, match="The first is line 3: Price"):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0
    # skipping the row is the merchant's choice, and imports the rest
    skip = Resolutions(by_line={(3, IssueKind.BAD_VALUE): Choice.SKIP_ROW})
    result = import_products(store.unit_of_work(), staff["merchandiser"], data, resolutions=skip)
    assert (result.plan.variants.create, result.plan.variants.skip) == (1, 1)


def test_a_file_in_the_wrong_encoding_names_the_rows_and_imports_with_the_right_one(
    store, staff
) -> None:
    data = _csv("creme,Crème brûlée bowl,Title,Default Title,BOWL-1,9.90,,,deny").decode()
    cp1252 = data.encode("cp1252")
    plan = plan_product_import(store.unit_of_work(), cp1252)
    row = _row(plan, 2)
    assert row.outcome is Outcome.REJECT
    assert "not Unicode (UTF-8)" in row.reasons[0] and "Windows-1252" in row.reasons[0]
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], cp1252)
    assert _products(store) == 0
    import_products(
        store.unit_of_work(),
        staff["merchandiser"],
        cp1252,
        resolutions=Resolutions(encoding="cp1252"),
    )
    with store.session_factory() as session:
        assert session.execute(text("SELECT title FROM products")).scalar() == ("Crème brûlée bowl")


def test_a_missing_required_column_rejects_every_row(store, staff) -> None:
    data = b"Variant SKU,Variant Price,Vendor\nA-1,10.00,Acme\nA-2,11.00,Acme\n"
    plan = plan_product_import(store.unit_of_work(), data)
    assert [r.outcome for r in plan.rows] == [Outcome.REJECT, Outcome.REJECT]
    assert "no handle and no title" in plan.rows[0].reasons[0]
    assert "neither a Handle nor a Title column" in plan.notes[0]
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0


def test_a_file_that_is_no_product_file_says_so(store) -> None:
    with pytest.raises(ValidationFailed, match="not a product file"):
        plan_product_import(store.unit_of_work(), b"Name,Email\nAda,ada@example.com\n")


def test_a_duplicate_sku_across_products_is_rejected_until_the_merchant_decides(
    store, staff
) -> None:
    factories.product(store, title="Wool Scarf", skus=("SCARF-1",))
    factories.product(store, handle="plate", title="Plate", skus=("PLATE-1",))
    data = _csv(
        "mug,Mug,Title,Default Title,MUG-1,12.50,,,deny",
        "bowl,Bowl,Title,Default Title,MUG-1,9.00,,,deny",
        "plate,Plate,Title,Default Title,SCARF-1,7.00,,,deny",
    )
    plan = plan_product_import(store.unit_of_work(), data)
    assert [r.outcome for r in plan.rows] == [Outcome.CREATE, Outcome.REJECT, Outcome.REJECT]
    assert "SKU MUG-1 is also on line 2 (“Mug”)" in plan.rows[1].reasons[0]
    assert "SKU SCARF-1 belongs to “Wool Scarf” in the catalog" in plan.rows[2].reasons[0]
    assert plan.rows[1].needs_decision
    with pytest.raises(ImportRejected, match="Same SKU on two products: 2"):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 2
    clear = Resolutions(by_kind={IssueKind.DUPLICATE_SKU: Choice.CLEAR_SKU})
    import_products(store.unit_of_work(), staff["merchandiser"], data, resolutions=clear)
    with store.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT p.handle, v.sku FROM variants v JOIN products p ON p.id = v.product_id "
                "ORDER BY p.id"
            )
        ).all()
    # the plate keeps its own SKU: the file's row is matched by its options, without a SKU
    assert [tuple(r) for r in rows][1:] == [("plate", "PLATE-1"), ("mug", "MUG-1"), ("bowl", None)]


def test_a_truncated_last_line_is_rejected(store, staff) -> None:
    data = _csv("mug,Mug,Title,Default Title,MUG-1,12.50,,,deny") + b'bowl,"Bowl with a lo'
    plan = plan_product_import(store.unit_of_work(), data)
    assert _row(plan, 3).outcome is Outcome.REJECT
    assert "looks cut off" in _row(plan, 3).reasons[0]
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0


def test_a_barcode_in_scientific_notation_is_rejected_or_dropped_as_chosen(store, staff) -> None:
    data = _csv(
        "mug,Mug,Title,Default Title,MUG-1,12.50,7.84E+11,,deny",
        "bowl,Bowl,Title,Default Title,BOWL-1,9.00,'0012345678905,,deny",
    )
    plan = plan_product_import(store.unit_of_work(), data)
    assert _row(plan, 2).outcome is Outcome.REJECT
    assert "Excel's scientific notation: its digits are lost" in _row(plan, 2).reasons[0]
    assert _row(plan, 3).outcome is Outcome.CREATE
    tidied = [i.message for i in _row(plan, 3).issues]
    assert "Barcode: leading apostrophe removed." in tidied
    with pytest.raises(ImportRejected):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0
    drop = Resolutions(by_line={(2, IssueKind.MANGLED_BARCODE): Choice.DROP_BARCODE})
    import_products(store.unit_of_work(), staff["merchandiser"], data, resolutions=drop)
    with store.session_factory() as session:
        codes = session.execute(text("SELECT code FROM barcodes")).scalars()
    assert list(codes) == ["0012345678905"]


def test_negative_stock_under_deny_is_taken_as_zero_with_a_ledger_note(store, staff) -> None:
    data = _csv(
        "mug,Mug,Title,Default Title,MUG-1,12.50,,-3,deny",
        "bowl,Bowl,Title,Default Title,BOWL-1,9.00,,-2,continue",
    )
    plan = plan_product_import(store.unit_of_work(), data)
    assert _row(plan, 2).outcome is Outcome.REJECT
    assert _row(plan, 3).outcome is Outcome.CREATE  # backorders allowed: -2 is fine
    zero = Resolutions(by_kind={IssueKind.NEGATIVE_STOCK: Choice.STOCK_AS_ZERO})
    import_products(store.unit_of_work(), staff["merchandiser"], data, resolutions=zero)
    with store.unit_of_work() as uow:
        rows = uow.execute(
            text(
                "SELECT v.sku, m.on_hand_delta, m.reason, m.note FROM stock_movements m "
                "JOIN variants v ON v.id = m.variant_id ORDER BY v.sku"
            )
        ).all()
        assert verify_ledger(uow) == []
    assert [(r.sku, r.on_hand_delta, r.reason) for r in rows] == [
        ("BOWL-1", -2, "import"),
        ("MUG-1", 0, "import"),
    ]
    assert "the file said -3" in rows[1].note


def _footprint(store) -> tuple[int, ...]:
    """What an import changes: ledger rows, audit entries of records (the import's own entry,
    who imported which file, is kept whatever it changed), outbox events, versions."""
    with store.session_factory() as session:
        return tuple(
            session.execute(
                text(
                    "SELECT (SELECT count(*) FROM stock_movements), (SELECT count(*) FROM "
                    "audit_log WHERE action <> 'catalog.import'), (SELECT count(*) FROM "
                    "outbox_events), (SELECT sum(version) FROM products), (SELECT sum(version) "
                    "FROM variants)"
                )
            ).one()
        )


def test_importing_the_same_file_again_with_the_same_decisions_changes_nothing(
    store, staff
) -> None:
    factories.product(store, handle="plate", title="Plate", skus=("PLATE-1",))
    data = _csv(
        "mug,Mug,Title,Default Title,MUG-1,12.50,,-3,deny",
        "bowl,Bowl,Title,Default Title,BOWL-1,9.00,,-2,continue",
        "plate,Plate,Title,Default Title,MUG-1,7.00,,4,deny",
    )
    decided = Resolutions(
        by_kind={
            IssueKind.NEGATIVE_STOCK: Choice.STOCK_AS_ZERO,
            IssueKind.DUPLICATE_SKU: Choice.CLEAR_SKU,
        }
    )
    import_products(store.unit_of_work(), staff["manager"], data, resolutions=decided)
    after_first = _footprint(store)
    for _ in range(2):
        plan = plan_product_import(store.unit_of_work(), data, resolutions=decided)
        assert {r.outcome for r in plan.rows} == {Outcome.UNCHANGED}, [
            (r.line, r.outcome, r.reasons) for r in plan.rows
        ]
        result = import_products(store.unit_of_work(), staff["manager"], data, resolutions=decided)
        assert result.stock_movements == 0
        assert _footprint(store) == after_first
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_translated_headers_and_extra_columns_are_named_and_the_rest_imported(store, staff) -> None:
    data = (
        "Handle,Titel,Anbieter,Option1 Name,Option1 Wert,Variante SKU,Variante Preis,"
        "Unit price total measure,Price / United States,Pattern (product.metafields.custom.p)\n"
        'becher,Becher,Acme,Größe,Klein,BECHER-K,"12,50",250,13.00,striped\n'
    ).encode()
    plan = plan_product_import(store.unit_of_work(), data)
    assert (
        "“Titel” as Title" in plan.notes[0] and "“Variante Preis” as Variant Price" in plan.notes[0]
    )
    assert plan.not_imported_columns == ()
    assert plan.notes[1] == (
        "Kept as they are and given back by the export: Unit price total measure, "
        "Price / United States, Pattern (product.metafields.custom.p)."
    )
    import_products(store.unit_of_work(), staff["merchandiser"], data)
    with store.session_factory() as session:
        row = session.execute(
            text(
                "SELECT p.title, p.vendor, v.option1, v.price FROM variants v "
                "JOIN products p ON p.id = v.product_id"
            )
        ).one()
    assert tuple(row) == ("Becher", "Acme", "Klein", 1250)


def test_a_re_import_with_changes_updates_only_what_changed(store, staff) -> None:
    first = _csv("mug,Mug,Size,Small,MUG-S,12.50,,3,deny", "mug,,,Large,MUG-L,14.00,,3,deny")
    import_products(store.unit_of_work(), staff["manager"], first)
    second = _csv("mug,Mug,Size,Small,MUG-S,12.50,,3,deny", "mug,,,Large,MUG-L,15.00,,5,deny")
    plan = plan_product_import(store.unit_of_work(), second)
    assert _row(plan, 2).outcome is Outcome.UNCHANGED
    assert _row(plan, 3).outcome is Outcome.UPDATE
    assert _row(plan, 3).reasons == ("price $14.00 → $15.00, stock 3 → 5",)
    # changing the stock of a variant already in the catalog is a stock adjustment
    with pytest.raises(PermissionDenied):
        import_products(store.unit_of_work(), staff["merchandiser"], second)
    import_products(store.unit_of_work(), staff["manager"], second)
    with store.session_factory() as session:
        assert session.execute(text("SELECT sum(on_hand) FROM inventory_levels")).scalar() == 8


def test_an_import_that_is_cancelled_changes_nothing(store, staff) -> None:
    class StopWhileWriting(Progress):
        def __init__(self) -> None:
            self.stages: list[str] = []

        def report(self, done: int, total: int | None = None, text: str = "") -> None:
            self.stages.append(text)
            super().report(done, total, text)

        @property
        def cancelled(self) -> bool:
            return any(stage.startswith("Writing products") for stage in self.stages)

    progress = StopWhileWriting()
    with pytest.raises(Cancelled):
        import_products(
            store.unit_of_work(),
            staff["merchandiser"],
            _csv("mug,Mug,Title,Default Title,MUG-1,12.50,,4,deny"),
            progress=progress,
        )
    assert progress.stages[:3] == [
        "Reading the file",
        "Checking rows",
        "Comparing with the catalog",
    ]
    assert _products(store) == 0


def test_a_file_written_a_batch_at_a_time_keeps_nothing_when_a_late_row_is_rejected(
    store, staff, monkeypatch
) -> None:
    monkeypatch.setattr(planning, "CHUNK", 1)  # every product is written as soon as it is read
    rows = [f"p{n},Product {n},Size,S,P-{n},5.00,,2,deny" for n in range(1, 5)]
    data = _csv(*rows, "late,Late,Size,S,LATE-1,not a price,,1,deny")
    with pytest.raises(ImportRejected, match="line 6"):
        import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert _products(store) == 0
    result = import_products(store.unit_of_work(), staff["merchandiser"], _csv(*rows))
    assert result.plan.products.create == 4 == _products(store)
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []
    again = plan_product_import(store.unit_of_work(), _csv(*rows))
    assert {r.outcome for r in again.rows} == {Outcome.UNCHANGED}


def test_a_file_whose_products_rows_are_apart_is_read_whole_and_imported_alike(
    store, staff, monkeypatch
) -> None:
    monkeypatch.setattr(planning, "CHUNK", 1)
    data = _csv(
        "mug,Mug,Size,S,MUG-S,12.50,4006381333931,5,deny",
        "bowl,Bowl,Size,S,BOWL-S,9.00,,2,deny",
        "mug,,Size,M,MUG-M,12.50,,3,deny",  # the mug again, after the bowl
    )
    plan = plan_product_import(store.unit_of_work(), data)
    assert (plan.products.create, plan.variants.create) == (2, 3)
    result = import_products(store.unit_of_work(), staff["merchandiser"], data)
    assert result.stock_movements == 3
    with store.session_factory() as session:
        mug = session.execute(
            text(
                "SELECT array_agg(v.sku ORDER BY v.position) FROM variants v "
                "JOIN products p ON p.id = v.product_id WHERE p.handle = 'mug'"
            )
        ).scalar_one()
    assert mug == ["MUG-S", "MUG-M"]
