"""Editing a product: the whole form saved at once, validated in the merchant's terms, never
silently overwriting someone else's save."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.catalog.products import (
    OptionDraft,
    ProductDraft,
    VariantDraft,
    add_option_value,
    delete_product,
    save_product,
    validate_product,
)
from services.catalog.queries import get_product
from services.catalog.records import Severity
from services.errors import Conflict, PermissionDenied, ValidationFailed
from services.inventory.ledger import Movement, move_stock
from tests import factories


def _shirt(**changes) -> ProductDraft:
    draft = ProductDraft(
        title="Linen Shirt",
        vendor="Acme",
        product_type="Shirts",
        tags=("summer", "linen"),
        status="active",
        options=(OptionDraft("Size", ("S", "M")),),
        variants=(
            VariantDraft(
                sku="LIN-S", options=("S", None, None), price=4500, barcodes=("4006381333931",)
            ),
            VariantDraft(sku="LIN-M", options=("M", None, None), price=4500),
        ),
    )
    return replace(draft, **changes)


def test_a_new_product_is_saved_with_its_variants_audited_and_announced(store, staff) -> None:
    saved = save_product(store.unit_of_work(), staff["merchandiser"], _shirt())
    product = saved.product
    assert saved.created and saved.warnings == ()
    assert product.handle == "linen-shirt"
    assert [(v.sku, v.title, v.price) for v in product.variants] == [
        ("LIN-S", "S", 4500),
        ("LIN-M", "M", 4500),
    ]
    assert product.variants[0].barcodes == ("4006381333931",)
    with store.session_factory() as session:
        audit = session.execute(
            text("SELECT action, after FROM audit_log WHERE entity_type = 'product'")
        ).one()
        event = session.execute(text("SELECT topic, cache_tags, public FROM outbox_events")).one()
    assert audit.action == "catalog.product.create"
    assert audit.after["variants"][1]["sku"] == "LIN-M"
    assert event.topic == "product.created"
    assert event.cache_tags == ["product:linen-shirt", "sku:LIN-S", "sku:LIN-M"]
    assert event.public is False  # not on the storefront yet


def test_a_duplicate_sku_names_the_product_that_has_it(store, staff) -> None:
    factories.product(store, title="Wool Scarf", skus=("LIN-M",))
    with pytest.raises(ValidationFailed) as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], _shirt())
    assert "SKU LIN-M is already used by “Wool Scarf”" in str(raised.value)
    assert raised.value.fields == {"variants[1].sku": raised.value.fields["variants[1].sku"]}
    with store.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM products")).scalar() == 1


def test_compare_at_below_price_and_a_bad_check_digit_are_warnings_not_errors(store, staff) -> None:
    draft = _shirt(
        variants=(
            VariantDraft(
                sku="LIN-S",
                options=("S", None, None),
                price=4500,
                compare_at_price=3000,
                barcodes=("4006381333932",),
            ),
            VariantDraft(sku="LIN-M", options=("M", None, None), price=4500),
        )
    )
    findings = validate_product(store.unit_of_work(), draft)
    assert {(f.severity, f.field) for f in findings} == {
        (Severity.WARNING, "variants[0].compare_at_price"),
        (Severity.WARNING, "variants[0].barcodes"),
    }
    saved = save_product(store.unit_of_work(), staff["merchandiser"], draft)
    assert "compare-at price $30.00 is below the price $45.00" in saved.warnings[0].message
    assert "4006381333932 has a wrong check digit" in saved.warnings[1].message


def test_errors_are_reported_together_each_on_its_field(store, staff) -> None:
    draft = _shirt(
        title=" ",
        handle="Not A Handle!",
        variants=(
            VariantDraft(sku="A", options=("S", None, None), price=-1),
            VariantDraft(sku="A", options=("XL", None, None)),
        ),
    )
    with pytest.raises(ValidationFailed) as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], draft)
    assert set(raised.value.fields) == {
        "title",
        "handle",
        "variants[0].price",
        "variants[1].option1",
        "variants[1].sku",
    }


def test_adding_an_option_value_generates_the_missing_variants() -> None:
    draft = _shirt(options=(OptionDraft("Size", ("S", "M")), OptionDraft("Colour", ("Sand",))))
    draft = replace(
        draft,
        variants=tuple(replace(v, options=(v.options[0], "Sand", None)) for v in draft.variants),
    )
    grown = add_option_value(draft, 1, "Navy")
    assert [v.title for v in grown.variants] == ["S / Sand", "M / Sand", "S / Navy", "M / Navy"]
    assert [v.sku for v in grown.variants[2:]] == [None, None]
    assert grown.variants[3].price == 4500
    with pytest.raises(ValidationFailed, match="already has “navy”"):
        add_option_value(grown, 1, "navy")


def test_the_second_of_two_editors_gets_a_conflict_naming_what_changed(store, staff) -> None:
    product_id = save_product(store.unit_of_work(), staff["merchandiser"], _shirt()).product.id
    loaded = get_product(store.unit_of_work(), product_id)
    first = ProductDraft.from_detail(loaded)
    second = ProductDraft.from_detail(loaded)
    save_product(
        store.unit_of_work(),
        staff["manager"],
        replace(
            first,
            title="Linen Shirt (Relaxed)",
            variants=(replace(first.variants[0], price=3900), first.variants[1]),
        ),
    )
    with pytest.raises(Conflict) as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], replace(second, vendor="Other"))
    message = str(raised.value)
    assert "changed by Manager Tester" in message
    assert "title: “Linen Shirt” → “Linen Shirt (Relaxed)”" in message
    assert "LIN-S price: $45.00 → $39.00" in message
    stored = get_product(store.unit_of_work(), product_id)
    assert (stored.vendor, stored.title) == ("Acme", "Linen Shirt (Relaxed)")


def test_a_sku_can_move_between_variants_in_one_save(store, staff) -> None:
    saved = save_product(store.unit_of_work(), staff["merchandiser"], _shirt()).product
    draft = ProductDraft.from_detail(saved)
    small, medium = draft.variants
    swapped = replace(draft, variants=(replace(small, sku="LIN-M"), replace(medium, sku="LIN-S")))
    result = save_product(store.unit_of_work(), staff["merchandiser"], swapped).product
    assert [(v.title, v.sku) for v in result.variants] == [("S", "LIN-M"), ("M", "LIN-S")]
    assert result.version == saved.version + 1


def test_warehouse_staff_cannot_edit_the_catalog(store, staff) -> None:
    with pytest.raises(PermissionDenied):
        save_product(store.unit_of_work(), staff["warehouse"], _shirt())


def test_archiving_a_published_product_takes_it_off_the_storefront(store, staff) -> None:
    saved = save_product(store.unit_of_work(), staff["merchandiser"], _shirt()).product
    with store.session_factory.begin() as session:
        session.execute(
            text("UPDATE products SET published_at = now() WHERE id = :id"), {"id": saved.id}
        )
    loaded = get_product(store.unit_of_work(), saved.id)
    archived = save_product(
        store.unit_of_work(),
        staff["merchandiser"],
        replace(ProductDraft.from_detail(loaded), status="archived"),
    ).product
    assert archived.published_at is None
    with store.session_factory() as session:
        topic, public = session.execute(
            text("SELECT topic, public FROM outbox_events ORDER BY id DESC LIMIT 1")
        ).one()
    assert (topic, public) == ("product.unpublished", True)


def test_a_variant_with_stock_history_cannot_be_removed_or_deleted(store, staff) -> None:
    saved = save_product(store.unit_of_work(), staff["merchandiser"], _shirt()).product
    place = factories.location(store)
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["manager"],
            [Movement(saved.variants[0].id, place, on_hand=2)],
            reason=MovementReason.RECEIVED,
        )
        uow.commit()
    draft = ProductDraft.from_detail(get_product(store.unit_of_work(), saved.id))
    with pytest.raises(ValidationFailed, match="LIN-S cannot be removed: stock has moved"):
        save_product(
            store.unit_of_work(),
            staff["merchandiser"],
            replace(draft, options=(OptionDraft("Size", ("M",)),), variants=draft.variants[1:]),
        )
    with pytest.raises(ValidationFailed, match="stock ledger keeps that history"):
        delete_product(store.unit_of_work(), staff["merchandiser"], saved.id, draft.version)


def test_a_fourth_option_is_refused_in_words_on_the_options(store, staff) -> None:
    draft = _shirt(
        options=(
            OptionDraft("Size", ("S",)),
            OptionDraft("Colour", ("Blue",)),
            OptionDraft("Fabric", ("Linen",)),
            OptionDraft("Fit", ("Slim",)),
        ),
        variants=(VariantDraft(sku="LIN-S", options=("S", "Blue", "Linen"), price=4500),),
    )
    with pytest.raises(ValidationFailed, match="at most three options") as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], draft)
    assert raised.value.fields["options"] == "A product has at most three options."
    findings = validate_product(store.unit_of_work(), draft)
    assert ("options", "A product has at most three options.") in {
        (f.field, f.message) for f in findings
    }


def test_a_barcode_already_on_another_product_is_a_warning_that_names_it(store, staff) -> None:
    save_product(store.unit_of_work(), staff["merchandiser"], _shirt())  # LIN-S has the code
    scarf = ProductDraft(
        title="Wool Scarf",
        options=(OptionDraft("Colour", ("Grey",)),),
        variants=(
            VariantDraft(sku="SCARF-G", options=("Grey", None, None), barcodes=("4006381333931",)),
        ),
    )
    findings = validate_product(store.unit_of_work(), scarf)
    [warning] = [f for f in findings if f.field == "variants[0].barcodes"]
    assert warning.severity is Severity.WARNING
    assert warning.message == (
        "SCARF-G: barcode 4006381333931 is already on “Linen Shirt” (S), SKU LIN-S; "
        "a scan of it may find either."
    )
    saved = save_product(store.unit_of_work(), staff["merchandiser"], scarf)
    assert [w.message for w in saved.warnings] == [warning.message]
    assert saved.product.variants[0].barcodes == ("4006381333931",)


def test_a_conflict_after_a_bulk_price_edit_names_who_made_it_and_when(store, staff) -> None:
    from services.catalog.bulk import BulkEdit, Selection, apply_bulk_edit
    from services.catalog.rules import Adjustment, AmountChange

    created = save_product(store.unit_of_work(), staff["merchandiser"], _shirt()).product
    stale = ProductDraft.from_detail(created)
    apply_bulk_edit(
        store.unit_of_work(),
        staff["manager"],
        Selection(variant_ids=(created.variants[0].id,)),
        BulkEdit(price=AmountChange(Adjustment.SET, 3900)),
    )
    with pytest.raises(Conflict) as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], replace(stale, vendor="Other"))
    message = str(raised.value)
    assert re.search(r"was changed by Manager Tester at \d\d:\d\d while you were", message)
    assert "Merchandiser" not in message
    assert "LIN-S price: $45.00 → $39.00" in message
    assert raised.value.details["by"] == "Manager Tester"


def test_text_longer_than_its_field_is_refused_on_the_field(store, staff) -> None:
    draft = _shirt(title="T" * 100_000, tags=("x" * 300,))
    with pytest.raises(ValidationFailed) as raised:
        save_product(store.unit_of_work(), staff["merchandiser"], draft)
    assert raised.value.fields["title"] == (
        "Title is 100,000 characters long; it holds at most 255."
    )
    assert "holds at most 255" in raised.value.fields["tags"]
