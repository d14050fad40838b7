"""One keyset paging helper for every list: page after page, each row once, in order."""

from __future__ import annotations

import pytest

from services.catalog.queries import CatalogSort, list_variants
from services.inventory.levels import list_stock
from services.paging import PageRequest, cut, keyset_condition
from tests import factories
from tests.inventory_helpers import stock


def _all_pages(fetch, request: PageRequest) -> list:
    rows, after, pages = [], None, 0
    while True:
        page = fetch(PageRequest(**{**request.__dict__, "after": after}))
        rows += page.rows
        pages += 1
        after = page.next_after
        if after is None:
            return rows
        assert pages < 50, "the pages never end"


def test_a_condition_for_a_query_written_in_sql_continues_after_the_cursor() -> None:
    assert keyset_condition(["p.title", "v.id"], ("Mug", 7), False) == (
        "(p.title, v.id) > (:after0, :after1)",
        {"after0": "Mug", "after1": 7},
    )
    sql, _ = keyset_condition(["p.title"], ("Mug",), True, inclusive=True, prefix="c")
    assert sql == "(p.title) <= (:c0)"
    with pytest.raises(ValueError, match="another sort order"):
        keyset_condition(["p.title", "v.id"], ("Mug",), False)


def test_a_page_is_cut_from_one_row_more_than_it_shows() -> None:
    assert cut([1, 2, 3], 2, lambda r: (r,)) == ([1, 2], (2,))
    assert cut([1, 2], 2, lambda r: (r,)) == ([1, 2], None)
    assert cut([], 2, lambda r: (r,)) == ([], None)


@pytest.mark.parametrize("sort", [CatalogSort.TITLE, CatalogSort.PRICE, CatalogSort.SKU])
@pytest.mark.parametrize("descending", [False, True])
def test_the_catalog_pages_through_every_variant_once_in_order(
    store, sort: CatalogSort, descending: bool
) -> None:
    for n, price in enumerate((500, 500, 900, 100, 700)):
        factories.product(
            store, title=f"Paged {n % 3}", skus=(f"PG-{n}-A", f"PG-{n}-B"), price=price
        )
    request = PageRequest(limit=3, sort=sort.value, descending=descending)
    whole = list_variants(store.unit_of_work(), PageRequest(**{**request.__dict__, "limit": 100}))
    paged = _all_pages(lambda r: list_variants(store.unit_of_work(), r), request)
    assert [r.variant_id for r in paged] == [r.variant_id for r in whole.rows]
    assert len(paged) == 10


def test_the_stock_list_pages_through_every_level_once_in_order(store, staff) -> None:
    place = factories.location(store)
    for n in range(4):
        for variant in factories.product(store, skus=(f"ST-{n}-A", f"ST-{n}-B")):
            stock(store, staff, variant, place, n + 1)
    request = PageRequest(limit=3, sort="available", filters={"location_id": place})
    whole = list_stock(store.unit_of_work(), PageRequest(**{**request.__dict__, "limit": 100}))
    paged = _all_pages(lambda r: list_stock(store.unit_of_work(), r), request)
    assert [r.variant_id for r in paged] == [r.variant_id for r in whole.rows]
    assert [r.available for r in paged] == sorted(r.available for r in paged)
