"""Helpers shared by the inventory tests: put stock somewhere, read figures and ledger rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from models.status import MovementReason
from services.actors import Actor
from services.inventory.ledger import Movement, move_stock
from services.unit_of_work import Store


def stock(store: Store, staff: dict[str, Actor], variant: int, place: int, on_hand: int) -> None:
    """Give ``variant`` ``on_hand`` more units at ``place`` (through the ledger)."""
    with store.unit_of_work() as uow:
        move_stock(
            uow,
            staff["admin"],
            [Movement(variant, place, on_hand=on_hand)],
            reason=MovementReason.CORRECTION,
        )
        uow.commit()


def figures(store: Store, variant: int, place: int) -> dict[str, Any]:
    with store.session_factory() as session:
        row = (
            session.execute(
                text("SELECT * FROM inventory_levels WHERE variant_id = :v AND location_id = :l"),
                {"v": variant, "l": place},
            )
            .mappings()
            .one_or_none()
        )
    return dict(row) if row else {}


def ledger_rows(store: Store, variant: int) -> list[dict[str, Any]]:
    with store.session_factory() as session:
        rows = session.execute(
            text("SELECT * FROM stock_movements WHERE variant_id = :v ORDER BY id"),
            {"v": variant},
        ).mappings()
        return [dict(r) for r in rows]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Message boxes never block a GUI test (offscreen, nobody would press OK): each is
    recorded instead, answered "Yes" when it asks. A crash box ("Something went wrong") fails
    the test. Import this fixture into a test module to use it there."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str, answer: object) -> object:
        def box(_parent: object, title: str, text: str, *_args: object, **_kw: object) -> object:
            shown.append((kind, f"{title}: {text}"))
            return answer

        return staticmethod(box)

    yes = QMessageBox.StandardButton.Yes
    ok = QMessageBox.StandardButton.Ok
    monkeypatch.setattr(QMessageBox, "question", record("question", yes))
    monkeypatch.setattr(QMessageBox, "information", record("information", ok))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", ok))
    monkeypatch.setattr(QMessageBox, "critical", record("critical", ok))
    yield shown
    crashes = [text for kind, text in shown if kind == "critical"]
    assert not crashes, crashes


def settle(widget: Any) -> None:
    """Hide a screen and wait for its background work (and the work its results started), so
    nothing runs on after the test's store is gone. Pass as qtbot's ``before_close_func``."""
    widget.hide()
    tasks = widget.context.tasks
    for _ in range(20):
        tasks.wait_for_idle()
        if not tasks.running:
            return
