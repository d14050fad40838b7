"""``merchant-office print pick-list`` and ``print packing-slips`` against a real store."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from app.cli import cli as main
from services.orders import get_order_detail
from tests import orders_support as support
from tests.documents_support import page_texts


@pytest.mark.committed
def test_the_cli_prints_a_pick_list_and_packing_slips_for_paid_orders(
    committed_store, committed_staff, tmp_path, monkeypatch
) -> None:
    store = committed_store
    shop = support.shop(
        store, committed_staff["admin"], skus=("CLI-A", "CLI-B"), location_code="CLI"
    )
    paid = support.place(store, committed_staff["manager"], shop, (1, 2))
    support.pay(
        store,
        committed_staff["manager"],
        paid,
        get_order_detail(store.unit_of_work(), paid).totals.total,
    )
    support.place(store, committed_staff["manager"], shop, (1, 1))  # unpaid: left out
    number = get_order_detail(store.unit_of_work(), paid).number
    monkeypatch.setenv(
        "MERCHANT_DATABASE_URL", store.engine.url.render_as_string(hide_password=False)
    )
    runner = CliRunner()
    out = tmp_path / "pick.pdf"
    result = runner.invoke(
        main,
        [
            "print",
            "pick-list",
            "--paid-unfulfilled",
            "--location",
            "CLI",
            "--picker",
            "Kim",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 order, 2 pick rows, 3 units" in result.output
    [text] = page_texts(out.read_bytes())
    assert "Picker Kim" in text and f"#{number}" in text
    slips = tmp_path / "slips.pdf"
    result = runner.invoke(main, ["print", "packing-slips", f"#{number}", "-o", str(slips)])
    assert result.exit_code == 0, result.output
    assert len(page_texts(slips.read_bytes())) == 1
    missing = runner.invoke(main, ["print", "pick-list", "424242"])
    assert missing.exit_code == 1 and "No such order: #424242." in missing.output
