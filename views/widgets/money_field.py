"""A field for amounts of money: accepts what people type ("12.5", "$1,299"), holds minor units."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from models.money import Money, MoneyError


class _MoneyValidator(QValidator):
    def __init__(self, currency: str, allow_empty: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self._currency, self._allow_empty = currency, allow_empty

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip()
        if not stripped:
            state = (
                QValidator.State.Acceptable
                if self._allow_empty
                else (QValidator.State.Intermediate)
            )
            return state, text, pos
        try:
            amount = Money.parse(stripped, self._currency)
        except MoneyError:
            partial = stripped.rstrip(".").replace(",", "").lstrip("$-")
            ok = partial == "" or partial.replace(".", "", 1).isdigit()
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if amount.minor < 0:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, text, pos


class MoneyField(QLineEdit):
    """Signals:
    value_changed(object): the amount in minor units, or None when empty.
    """

    value_changed = Signal(object)

    def __init__(
        self, currency: str = "USD", *, allow_empty: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.currency = currency
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setValidator(_MoneyValidator(currency, allow_empty, self))
        self.setPlaceholderText("0.00")
        self.textEdited.connect(lambda _: self.value_changed.emit(self.value()))
        self.editingFinished.connect(self._tidy)

    def value(self) -> int | None:
        """The amount in minor units; None when empty or not an amount."""
        try:
            return Money.parse(self.text(), self.currency).minor
        except MoneyError:
            return None

    def set_value(self, minor: int | None) -> None:
        self.setText("" if minor is None else f"{Money(minor, self.currency).to_decimal():f}")

    def _tidy(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)
