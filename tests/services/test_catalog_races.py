"""Two people saving the same product at the same moment, on real committed transactions:
exactly one save wins and the other gets a conflict; nothing is silently overwritten."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from services.catalog.products import OptionDraft, ProductDraft, VariantDraft, save_product
from services.catalog.queries import get_product
from services.errors import Conflict


@pytest.mark.committed
def test_of_two_simultaneous_saves_one_wins_and_one_gets_a_conflict(
    committed_store, committed_staff
) -> None:
    store = committed_store
    draft = ProductDraft(
        title="Linen Shirt",
        status="active",
        options=(OptionDraft("Size", ("S",)),),
        variants=(VariantDraft(sku="LIN-S", options=("S", None, None), price=4500),),
    )
    product_id = save_product(store.unit_of_work(), committed_staff["admin"], draft).product.id
    loaded = ProductDraft.from_detail(get_product(store.unit_of_work(), product_id))
    edits = {
        "manager": replace(loaded, title="Linen Shirt (manager)"),
        "merchandiser": replace(loaded, vendor="Merchandiser's vendor"),
    }
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(role: str) -> None:
        start.wait()
        try:
            outcomes[role] = save_product(store.unit_of_work(), committed_staff[role], edits[role])
        except Conflict as conflict:
            outcomes[role] = conflict

    threads = [threading.Thread(target=save, args=(role,)) for role in edits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conflicts = [r for r, o in outcomes.items() if isinstance(o, Conflict)]
    assert len(conflicts) == 1
    winner = next(r for r in edits if r not in conflicts)
    stored = get_product(store.unit_of_work(), product_id)
    assert stored.version == loaded.version + 1
    if winner == "manager":
        assert (stored.title, stored.vendor) == ("Linen Shirt (manager)", None)
    else:
        assert (stored.title, stored.vendor) == ("Linen Shirt", "Merchandiser's vendor")
