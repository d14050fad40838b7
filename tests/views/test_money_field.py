"""The money field accepts what people type and holds minor units."""

from __future__ import annotations

from views.widgets.money_field import MoneyField


def test_typed_amounts_become_minor_units(qtbot) -> None:
    field = MoneyField()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "1,299.5")
    assert field.value() == 129950
    field.editingFinished.emit()
    assert field.text() == "1299.50"


def test_letters_are_refused_as_they_are_typed(qtbot) -> None:
    field = MoneyField()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "12a")
    assert field.text() == "12"
    assert field.value() == 1200


def test_empty_means_no_amount(qtbot) -> None:
    field = MoneyField(allow_empty=True)
    qtbot.addWidget(field)
    field.set_value(None)
    assert field.value() is None
    field.set_value(1999)
    assert field.text() == "19.99"
