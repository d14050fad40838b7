"""Bulk edits: a preview of every row, one audited transaction, a revert from the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.catalog.bulk import (
    BulkEdit,
    Selection,
    apply_bulk_edit,
    list_bulk_edits,
    preview_bulk_edit,
    revert_bulk_edit,
)
from services.catalog.queries import CatalogFilter, CatalogSort, list_variants
from services.catalog.rules import Adjustment, AmountChange, Rounding
from services.errors import Conflict, PermissionDenied, ValidationFailed
from services.paging import PageRequest
from tests import factories

RAISE_10_ENDING_99 = AmountChange(Adjustment.INCREASE_PERCENT, 1000, Rounding.END_99)


def _prices(store, ids) -> list[int]:
    with store.session_factory() as session:
        return list(
            session.execute(
                text("SELECT price FROM variants WHERE id = ANY(:ids) ORDER BY id"), {"ids": ids}
            ).scalars()
        )


def test_the_preview_shows_every_row_before_and_after_and_changes_nothing(store) -> None:
    ids = factories.product(store, skus=("TEE-S", "TEE-M"), price=2000)
    preview = preview_bulk_edit(
        store.unit_of_work(),
        Selection(variant_ids=tuple(ids)),
        BulkEdit(price=RAISE_10_ENDING_99, add_tags=("sale",)),
    )
    assert preview.selected == 2 and preview.changing == 2 and preview.products == 1
    assert [(r.sku, r.before["price"], r.after["price"]) for r in preview.rows] == [
        ("TEE-S", 2000, 2199),
        ("TEE-M", 2000, 2199),
    ]
    assert preview.rows[0].after["tags"] == ["sale"]
    assert preview.description == "Price: raise by 10 %, ending in .99; Tags: add sale"
    assert _prices(store, ids) == [2000, 2000]


def test_apply_changes_every_row_in_one_audited_batch(store, staff) -> None:
    ids = factories.product(store, skus=("TEE-S", "TEE-M"), price=2000)
    other = factories.product(store, skus=("MUG",), price=1000)
    result = apply_bulk_edit(
        store.unit_of_work(),
        staff["merchandiser"],
        Selection(variant_ids=tuple(ids + other)),
        BulkEdit(price=RAISE_10_ENDING_99),
    )
    assert (result.variants_changed, result.products_changed) == (3, 2)
    assert _prices(store, ids + other) == [2199, 2199, 1099]
    with store.session_factory() as session:
        entries = session.execute(
            text(
                "SELECT entity_type, before, after FROM audit_log WHERE batch_id = :b ORDER BY id"
            ),
            {"b": result.batch_id},
        ).all()
        events = session.execute(text("SELECT topic, payload FROM outbox_events")).all()
        versions = session.execute(text("SELECT version FROM products ORDER BY id")).scalars()
    assert [e.entity_type for e in entries] == ["variant", "variant", "variant", "bulk_edit"]
    assert (entries[0].before, entries[0].after) == ({"price": 2000}, {"price": 2199})
    assert entries[-1].after["variants"] == 3
    assert [e.topic for e in events] == ["product.updated", "product.updated"]
    assert events[0].payload["fields"] == ["price"]
    assert list(versions) == [2, 2]  # open editors of these products now see a conflict


def test_all_matching_the_filter_selects_what_the_list_shows(store, staff) -> None:
    acme = factories.product(store, skus=("A1", "A2"), vendor="Acme")
    other = factories.product(store, skus=("B1",), vendor="Bluebird")
    apply_bulk_edit(
        store.unit_of_work(),
        staff["merchandiser"],
        Selection(matching=CatalogFilter(vendors=("Acme",))),
        BulkEdit(price=AmountChange(Adjustment.SET, 1500)),
    )
    assert _prices(store, acme + other) == [1500, 1500, 1000]


def test_revert_from_the_audit_entry_restores_what_nobody_changed_since(store, staff) -> None:
    ids = factories.product(store, skus=("TEE-S", "TEE-M", "TEE-L"), price=2000)
    result = apply_bulk_edit(
        store.unit_of_work(),
        staff["merchandiser"],
        Selection(variant_ids=tuple(ids)),
        BulkEdit(price=RAISE_10_ENDING_99, inventory_policy="continue", add_tags=("sale",)),
    )
    with store.session_factory.begin() as session:  # someone re-prices one variant meanwhile
        session.execute(text("UPDATE variants SET price = 2500 WHERE id = :id"), {"id": ids[2]})
    reverted = revert_bulk_edit(store.unit_of_work(), staff["manager"], result.audit_entry_id)
    assert reverted.restored_variants == 2 and reverted.restored_products == 1
    assert reverted.kept == ("TEE-L was changed since",)
    assert _prices(store, ids) == [2000, 2000, 2500]
    with store.session_factory() as session:
        assert session.execute(text("SELECT tags FROM products")).scalar_one() == []
        policies = session.execute(text("SELECT inventory_policy FROM variants ORDER BY id"))
        assert list(policies.scalars()) == ["deny", "deny", "continue"]
    with pytest.raises(Conflict, match="already been reverted"):
        revert_bulk_edit(store.unit_of_work(), staff["manager"], result.audit_entry_id)
    history = list_bulk_edits(store.unit_of_work())
    assert [(h.is_revert, h.reverted) for h in history] == [(True, False), (False, True)]
    assert history[1].description.startswith("Price: raise by 10 %")


def test_status_and_collections_change_per_product_and_revert(store, staff) -> None:
    from sqlalchemy import insert

    from models.catalog import Collection

    ids = factories.product(store, skus=("S", "M"), status="active")
    with store.session_factory.begin() as session:
        sale = session.execute(
            insert(Collection).values(handle="sale", title="Sale").returning(Collection.id)
        ).scalar_one()
        session.execute(text("UPDATE products SET published_at = now()"))
    result = apply_bulk_edit(
        store.unit_of_work(),
        staff["merchandiser"],
        Selection(variant_ids=tuple(ids)),
        BulkEdit(status="archived", add_collection_ids=(sale,)),
    )
    with store.session_factory() as session:
        status, published = session.execute(text("SELECT status, published_at FROM products")).one()
        members = session.execute(text("SELECT count(*) FROM collection_products")).scalar()
    assert (status, published, members) == ("archived", None, 1)
    revert_bulk_edit(store.unit_of_work(), staff["merchandiser"], result.audit_entry_id)
    with store.session_factory() as session:
        assert session.execute(text("SELECT status FROM products")).scalar() == "active"
        assert session.execute(text("SELECT count(*) FROM collection_products")).scalar() == 0


def test_warehouse_staff_cannot_bulk_edit_prices(store, staff) -> None:
    ids = factories.product(store)
    with pytest.raises(PermissionDenied):
        apply_bulk_edit(
            store.unit_of_work(),
            staff["warehouse"],
            Selection(variant_ids=tuple(ids)),
            BulkEdit(price=RAISE_10_ENDING_99),
        )
    assert _prices(store, ids) == [1000]


def _by_price(store) -> list[str]:
    page = list_variants(store.unit_of_work(), PageRequest(sort=CatalogSort.PRICE))
    return [row.sku for row in page.rows]


def test_the_list_sorted_by_price_follows_every_price_change(store, staff) -> None:
    cheap = factories.product(store, skus=("CHEAP",), price=1000)
    factories.product(store, skus=("DEAR",), price=2000)
    assert _by_price(store) == ["CHEAP", "DEAR"]
    result = apply_bulk_edit(
        store.unit_of_work(),
        staff["merchandiser"],
        Selection(variant_ids=tuple(cheap)),
        BulkEdit(price=AmountChange(Adjustment.SET, 3000)),
    )
    assert _by_price(store) == ["DEAR", "CHEAP"]
    revert_bulk_edit(store.unit_of_work(), staff["merchandiser"], result.audit_entry_id)
    assert _by_price(store) == ["CHEAP", "DEAR"]
    with store.session_factory() as session:
        out_of_step = session.execute(
            text(
                "SELECT count(*) FROM variants v FULL JOIN variant_price_keys k "
                "ON k.variant_id = v.id WHERE k.price IS DISTINCT FROM v.price"
            )
        ).scalar_one()
    assert out_of_step == 0


@pytest.mark.parametrize(
    ("field", "change", "message"),
    [
        ("price", AmountChange(Adjustment.SET, -500), "A price cannot be set below zero."),
        ("cost", AmountChange(Adjustment.SET, -1), "A cost cannot be set below zero."),
        ("price", AmountChange(Adjustment.INCREASE_BY, -500), "without a minus sign"),
    ],
)
def test_a_negative_amount_is_refused_in_words_on_its_field(
    store, staff, field, change, message
) -> None:
    ids = factories.product(store, skus=("NEG-S",), price=2000)
    selection = Selection(variant_ids=tuple(ids))
    edit = BulkEdit(**{field: change})
    with pytest.raises(ValidationFailed, match=message) as previewed:
        preview_bulk_edit(store.unit_of_work(), selection, edit)
    assert list(previewed.value.fields) == [field]
    with pytest.raises(ValidationFailed, match=message):
        apply_bulk_edit(store.unit_of_work(), staff["merchandiser"], selection, edit)
    assert _prices(store, ids) == [2000]
