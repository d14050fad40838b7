"""Fields for amounts of money and for rates, read as the store's locale writes them: ``12,50``
in a euro store written in German, ``$1,299.50`` in an American one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from models.money import Money, MoneyError, MoneyFormat
from views.widgets.lazy_table import RIGHT, Column


class _LocaleNumberValidator(QValidator):
    """Acceptable: what ``read`` reads; Intermediate: digits and the locale's separators that
    may still become a number (``1.2`` on the way to ``1.234``); Invalid: anything else, so a
    letter never appears. A negative amount is a number: the service that takes it refuses it
    in the merchant's words (a refund of -5), with the typed text kept."""

    def __init__(
        self,
        read: Callable[[str], int],
        symbols: Callable[[], str],
        allow_empty: bool,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._read, self._symbols, self._allow_empty = read, symbols, allow_empty

    def validate(self, text: str, pos: int) -> object:
        state = QValidator.State
        stripped = text.strip()
        if not stripped:
            return (state.Acceptable if self._allow_empty else state.Intermediate), text, pos
        try:
            self._read(stripped)
        except MoneyError:
            symbols = self._symbols()
            typing = all(c.isdigit() or c in symbols or c.isspace() for c in stripped)
            return (state.Intermediate if typing else state.Invalid), text, pos
        return state.Acceptable, text, pos


class _LocaleNumberField(QLineEdit):
    """A number typed as the store's locale writes it, held as a whole number (what ``read``
    makes of the text); tidied to the locale's plain form when editing finishes.

    Signals:
        value_changed(object): the value, or None when empty or unreadable.
    """

    value_changed = Signal(object)

    def __init__(
        self,
        money: MoneyFormat | None = None,
        *,
        allow_empty: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.money = money or MoneyFormat()
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(_LocaleNumberValidator(self.read, self.typing_symbols, allow_empty, self))
        self.setPlaceholderText(self.placeholder())
        self.textEdited.connect(lambda _: self.value_changed.emit(self.value()))
        self.editingFinished.connect(self._tidy)

    def read(self, text: str) -> int:
        """The value ``text`` means; raises MoneyError."""
        raise NotImplementedError

    def show_value(self, value: int) -> str:
        """The plain text of ``value``, which ``read`` reads back."""
        raise NotImplementedError

    def placeholder(self) -> str:
        return self.show_value(0)

    def typing_symbols(self) -> str:
        return self.money.typing_symbols()

    def value(self) -> int | None:
        """The value; None when empty or unreadable."""
        try:
            return self.read(self.text())
        except MoneyError:
            return None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else self.show_value(value))

    def _tidy(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)


class MoneyField(_LocaleNumberField):
    """An amount in the store's currency, typed as its locale writes it; holds minor units.

    Signals:
        value_changed(object): the amount in minor units, or None when empty or unreadable.
    """

    @property
    def currency(self) -> str:
        return self.money.currency

    def read(self, text: str) -> int:
        return self.money.parse(text).minor

    def show_value(self, value: int) -> str:
        return self.money.edit_text(value)


class PercentField(_LocaleNumberField):
    """A rate (a tax rate, a discount) in percent as the locale writes it (``8,25``); holds
    basis points (825). Not money: no currency, no minor units.

    Signals:
        value_changed(object): the rate in basis points, or None when empty or unreadable.
    """

    def read(self, text: str) -> int:
        return self.money.parse_percent(text)

    def show_value(self, value: int) -> str:
        return self.money.edit_percent(value)

    def placeholder(self) -> str:
        return f"{self.show_value(825)} %"

    def typing_symbols(self) -> str:
        return self.money.typing_symbols() + "%"


class MoneyDelegate(QStyledItemDelegate):
    """Edits a table cell that holds an amount (its text, as ``MoneyFormat.edit_text`` writes
    it) with a MoneyField, so a grid takes amounts as every other money input does."""

    def __init__(self, money: MoneyFormat, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.money = money

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        return MoneyField(self.money, allow_empty=True, parent=parent)


def money_column(key: str, title: str, money: MoneyFormat, **options: Any) -> Column:
    """A table column of amounts: ``row.<key>`` minor units of ``row.currency``, right-aligned,
    written as the store writes money; an amount the row does not have is left blank."""

    def amount(row: Any) -> Money | None:
        minor = getattr(row, key)
        return None if minor is None else Money(minor, row.currency)

    return Column(key, title, align=RIGHT, value=amount, format=money.format, **options)
