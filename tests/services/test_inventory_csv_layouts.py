"""Every inventory CSV layout Shopify has exported, on a store with several locations, a SKU
the file gives two products, an item Shopify does not track and a location the store lacks."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from services.errors import PermissionDenied, ValidationFailed
from services.inventory.ledger import verify_ledger
from services.inventory.locations import list_locations, rename_location
from services.inventory.shopify_csv import Layout, import_inventory_csv
from tests.inventory_files import MAIN, POP_UP, SHOP, a_shop, file_2023, file_location_columns
from tests.inventory_helpers import figures


@pytest.fixture
def shop(store, staff):
    return a_shop(store, staff)


def _import(store, actor, data: str, **kwargs):
    return import_inventory_csv(store.unit_of_work(), actor, io.StringIO(data), **kwargs)


def _on_hand(store, variant: int, place: int) -> int:
    return figures(store, variant, place).get("on_hand", 0)


def _messages(issues) -> list[tuple[int, str, str]]:
    return [(i.line, i.location, i.message) for i in issues]


FILE_2023 = [
    ("tee-s", MAIN, "6", "7"),  # On hand given: it wins
    ("tee-s", SHOP, "3", ""),  # only Available: plus the 1 an order holds here
    ("tee-l", SHOP, "4", "4"),
    ("mug", MAIN, "5", "5"),
    ("bowl", MAIN, "2", "2"),  # the mug's SKU in the file: matched by handle, not SKU
    ("gift", MAIN, "5", "5"),  # the store does not count its stock
    ("tee-l", MAIN, "", ""),  # blank: what Shopify writes where it does not track stock
    ("tee-l", POP_UP, "9", "9"),  # the store has no such location
]


def test_the_2023_layout_is_dry_run_then_applied_by_handle_and_options(store, staff, shop) -> None:
    data = file_2023(FILE_2023)
    dry = _import(store, staff["warehouse"], data, dry_run=True)
    assert dry.layout is Layout.ROWS_2023
    assert "On hand”, which wins over its “Available" in dry.layout.rule
    assert (dry.changed, dry.unchanged, dry.skipped) == (5, 2, ())
    assert dry.unknown_locations == (POP_UP,)
    assert _messages(dry.errors) == [
        (
            9,
            POP_UP,
            "the store has no location called 'Pop-up store': map it to one of the "
            "store's locations, or create it",
        ),
    ]
    assert _messages(dry.notes) == [
        (
            2,
            MAIN,
            "the file's Available 6 is not its On hand 7 less the 0 held here; On hand was used",
        ),
        (
            3,
            SHOP,
            "available 3 in the file; on hand set to 4: that plus 1 committed and 0 "
            "unavailable here",
        ),
        (
            6,
            MAIN,
            "the file's SKU SHARED is not this item's (it has none); matched by handle and options",
        ),
        (7, MAIN, "the store does not count this item's stock: left as it is"),
        (
            8,
            MAIN,
            "no quantity (Shopify leaves it blank where it does not track the item's "
            "stock): left as it is",
        ),
    ]
    assert _on_hand(store, shop.tee_small, shop.main) == 5  # a dry run changes nothing

    report = _import(store, staff["warehouse"], data)
    assert (report.changed, report.errors, report.dry_run) == (5, dry.errors, False)
    assert [
        _on_hand(store, shop.tee_small, shop.main),
        _on_hand(store, shop.tee_small, shop.shop),
        _on_hand(store, shop.tee_large, shop.shop),
        _on_hand(store, shop.mug, shop.main),
        _on_hand(store, shop.bowl, shop.main),
    ] == [7, 4, 4, 5, 2]
    assert figures(store, shop.gift_card, shop.main) == {}  # untouched: no level made
    assert figures(store, shop.tee_large, shop.main) == {}

    again = _import(store, staff["warehouse"], data)
    assert (again.changed, again.unchanged, again.skipped) == (0, 7, ())
    assert "0 changed; 7 unchanged" in again.summary()
    with store.unit_of_work() as uow:
        assert verify_ledger(uow) == []


def test_the_older_layout_takes_each_location_column_as_available(store, staff, shop) -> None:
    data = file_location_columns(
        [MAIN, SHOP],
        {
            "tee-s": ["8", "0"],  # the shop's order holds 1: on hand 1, available 0
            "tee-l": ["not stocked", "-2"],  # may not be oversold
            "mug": ["1", "x"],
            "gift": ["", ""],
            "ghost": ["1", "1"],  # one problem for the line, not one per location
        },
    )
    report = _import(store, staff["warehouse"], data)
    assert report.layout is Layout.LOCATION_COLUMNS
    assert "cell is Shopify's available quantity" in report.layout.rule
    assert _messages(report.errors) == [
        (3, SHOP, "-2 on hand is below zero, but this item may not be oversold"),
        (4, SHOP, "must be a whole number (or 'not stocked'), not 'x'"),
        (6, MAIN, "no product has the handle 'ghost'"),
    ]
    assert [m for _, _, m in _messages(report.notes)] == [
        "available 0 in the file; on hand set to 1: that plus 1 committed and 0 unavailable here",
        "the store does not count this item's stock: left as it is",
        "the store does not count this item's stock: left as it is",
    ]
    assert (report.changed, report.unchanged) == (2, 4)  # tee-s at both; the rest as they are
    assert report.summary().startswith("5 rows read (10 figures, one per item and location); 2 ")
    assert _on_hand(store, shop.tee_small, shop.main) == 8
    assert _on_hand(store, shop.tee_small, shop.shop) == 1
    assert figures(store, shop.tee_small, shop.shop)["available"] == 0
    assert _import(store, staff["warehouse"], data).changed == 0


def test_a_location_the_store_lacks_is_mapped_or_created(store, staff, shop) -> None:
    data = file_2023([("tee-l", POP_UP, "9", "9"), ("mug", "main", "3", "3")])
    with pytest.raises(ValidationFailed, match="no open location with that code or name"):
        _import(store, staff["manager"], data, location_map={POP_UP: "Atlantis"})
    mapped = _import(store, staff["warehouse"], data, location_map={POP_UP: "SHOP"})
    assert (mapped.changed, mapped.errors, mapped.unknown_locations) == (2, (), ())
    assert _on_hand(store, shop.tee_large, shop.shop) == 9
    assert _on_hand(store, shop.mug, shop.main) == 3  # found by its code, any case

    elsewhere = file_2023([("tee-l", POP_UP, "4", "4")])
    with pytest.raises(PermissionDenied):  # making a location is a setting
        _import(store, staff["warehouse"], elsewhere, create_locations=[POP_UP])
    dry = _import(store, staff["manager"], elsewhere, create_locations=[POP_UP], dry_run=True)
    assert dry.created_locations == ("Pop-up store (POP-UP-STORE)",)
    assert "locations would be created: Pop-up store (POP-UP-STORE)" in dry.summary()
    assert [p.name for p in list_locations(store.unit_of_work())] == [MAIN, SHOP]
    made = _import(store, staff["manager"], elsewhere, create_locations=[POP_UP])
    assert made.changed == 1
    [pop_up] = [p for p in list_locations(store.unit_of_work()) if p.name == POP_UP]
    assert _on_hand(store, shop.tee_large, pop_up.id) == 4
    with store.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'inventory.location.create'")
            ).scalar()
            == 1
        )


def test_a_renamed_location_is_found_by_its_new_name(store, staff, shop) -> None:
    with pytest.raises(PermissionDenied):
        rename_location(store.unit_of_work(), staff["warehouse"], shop.shop, "Shop floor")
    with pytest.raises(ValidationFailed, match="MAIN is already called 'Main warehouse'"):
        rename_location(store.unit_of_work(), staff["manager"], shop.shop, "main WAREHOUSE")
    renamed = rename_location(store.unit_of_work(), staff["manager"], shop.shop, "Shop floor")
    assert (renamed.code, renamed.name) == ("SHOP", "Shop floor")
    report = _import(store, staff["warehouse"], file_2023([("tee-l", "Shop floor", "3", "3")]))
    assert report.changed == 1 and _on_hand(store, shop.tee_large, shop.shop) == 3
    with store.session_factory() as session:
        entry = session.execute(
            text("SELECT before, after FROM audit_log WHERE action = 'inventory.location.rename'")
        ).one()
    assert (entry.before, entry.after) == ({"name": SHOP}, {"name": "Shop floor"})


def test_a_row_without_a_handle_is_matched_by_its_sku_alone(store, staff, shop) -> None:
    data = file_2023([("mug", MAIN, "4", "4")]).replace("\r\nmug,", "\r\n,", 1)
    report = _import(store, staff["warehouse"], data)
    assert report.changed == 1 and _on_hand(store, shop.mug, shop.main) == 4
