"""Publishing and collections: what the storefront shows, each change announced in the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services.catalog.collections import (
    delete_collection,
    save_collection,
    set_collection_products,
)
from services.catalog.publishing import publish_products, unpublish_products
from services.catalog.queries import get_product, list_collections
from services.errors import InvalidTransition, PermissionDenied, ValidationFailed
from tests import factories


def _product_id(store, variant_id: int) -> int:
    with store.session_factory() as session:
        return session.execute(
            text("SELECT product_id FROM variants WHERE id = :v"), {"v": variant_id}
        ).scalar_one()


def test_publishing_puts_active_products_on_the_storefront_and_announces_it(store, staff) -> None:
    [variant] = factories.product(store, handle="linen-shirt", skus=("LIN-1",))
    product = _product_id(store, variant)
    result = publish_products(store.unit_of_work(), staff["merchandiser"], [product])
    assert (result.changed, result.unchanged) == (1, 0)
    assert get_product(store.unit_of_work(), product).published
    again = publish_products(store.unit_of_work(), staff["merchandiser"], [product])
    assert (again.changed, again.unchanged) == (0, 1)
    unpublish_products(store.unit_of_work(), staff["merchandiser"], [product])
    assert not get_product(store.unit_of_work(), product).published
    with store.session_factory() as session:
        events = session.execute(
            text("SELECT topic, cache_tags, public FROM outbox_events ORDER BY id")
        ).all()
    assert [(e.topic, e.public) for e in events] == [
        ("product.published", True),
        ("product.unpublished", True),
    ]
    assert events[0].cache_tags == ["product:linen-shirt", "sku:LIN-1"]


def test_a_draft_cannot_be_published_and_nothing_is(store, staff) -> None:
    active = _product_id(store, factories.product(store, status="active")[0])
    draft = _product_id(store, factories.product(store, title="Half done", status="draft")[0])
    with pytest.raises(InvalidTransition, match="“Half done” is not active"):
        publish_products(store.unit_of_work(), staff["merchandiser"], [active, draft])
    assert not get_product(store.unit_of_work(), active).published


def test_warehouse_staff_cannot_publish(store, staff) -> None:
    product = _product_id(store, factories.product(store)[0])
    with pytest.raises(PermissionDenied):
        publish_products(store.unit_of_work(), staff["warehouse"], [product])


def test_collections_group_products_and_keep_unique_handles(store, staff) -> None:
    product = _product_id(store, factories.product(store)[0])
    sale = save_collection(store.unit_of_work(), staff["merchandiser"], title="Summer Sale")
    assert sale.handle == "summer-sale"
    sale = set_collection_products(
        store.unit_of_work(), staff["merchandiser"], sale.id, add=[product]
    )
    assert sale.product_count == 1
    assert get_product(store.unit_of_work(), product).collection_ids == (sale.id,)
    with pytest.raises(ValidationFailed, match="already used by another collection"):
        save_collection(store.unit_of_work(), staff["merchandiser"], title="Summer  sale!")
    renamed = save_collection(
        store.unit_of_work(),
        staff["merchandiser"],
        title="Summer Sale 2026",
        handle="summer-sale",
        collection_id=sale.id,
        version=sale.version,
    )
    assert [c.title for c in list_collections(store.unit_of_work())] == ["Summer Sale 2026"]
    delete_collection(store.unit_of_work(), staff["merchandiser"], renamed.id)
    assert list_collections(store.unit_of_work()) == []
    assert get_product(store.unit_of_work(), product).collection_ids == ()
