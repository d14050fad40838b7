"""The pick list over many pages: numbered pages, walk order kept, splits adding up."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from services.documents import render_pick_list
from services.orders.picking import PickList, PickOrder, PickRow, PickSplit, walk_order
from tests.documents_support import page_texts


def _pick_list(rows: int, orders: int) -> PickList:
    pick_rows = []
    for i in range(rows):
        splits = tuple(
            PickSplit(1001 + (i * 7 + k) % orders, (i * 7 + k) % orders + 1, 1 + k % 3)
            for k in range(1 + i % 9)
        )
        pick_rows.append(
            PickRow(
                "WH" + str(1 + i // 40),
                None if i % 40 == 39 else f"A-{i % 40:02d}",
                f"SKU-{i:05d}",
                f"Product {i} — Colour / Size",
                sum(s.quantity for s in splits),
                splits,
            )
        )
    pick_rows.sort(key=walk_order)
    return PickList(
        "PL-TEST",
        datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        "Robin",
        "Test Store",
        tuple(pick_rows),
        tuple(PickOrder(i + 1, 1001 + i, f"Customer {i}", 3) for i in range(orders)),
    )


def test_every_page_is_numbered_and_rows_keep_the_walk_across_pages() -> None:
    pick = _pick_list(rows=120, orders=90)
    texts = page_texts(render_pick_list(pick))
    total = len(texts)
    assert total > 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "Batch PL-TEST" in text and "Picker Robin" in text
    skus = [s for text in texts for s in re.findall(r"SKU-\d{5}", text)]
    assert skus == [row.sku for row in pick.rows]
    assert any("(cont.)" in text for text in texts[1:])
    last = texts[-1]
    assert "Orders in this batch" in "".join(texts) and "#1090" in last


def test_a_row_without_a_bin_comes_last_in_its_location() -> None:
    pick = _pick_list(rows=40, orders=10)
    wh1 = [r for r in pick.rows if r.location_code == "WH1"]
    assert wh1[-1].bin_code is None
    assert [r.bin_code for r in wh1[:-1]] == sorted(r.bin_code for r in wh1[:-1])
