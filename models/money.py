"""Money: an integer number of minor units in one currency. Never a float.

Decimal appears only at the edges (parsing a file, formatting for display). Rounding is
ROUND_HALF_EVEN (banker's rounding) everywhere, defined once here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

#: minor units per major unit for currencies that do not use two decimals
_EXPONENTS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}
ROUNDING = ROUND_HALF_EVEN
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥"}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


class MoneyError(ValueError):
    """A value that is not an amount of money (text, a float, mixed currencies)."""


@dataclass(frozen=True, order=True)
class Money:
    minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise MoneyError(f"money is an integer number of minor units, not {self.minor!r}")

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str | Decimal | int, currency: str = "USD") -> Money:
        """``"12.5"``, ``"$1,234.99"``, ``Decimal("3")`` -> Money. Raises MoneyError."""
        if isinstance(text, float):
            raise MoneyError("money is never a float")
        if isinstance(text, str):
            cleaned = text.strip().replace(",", "").replace("$", "").replace("€", "")
            cleaned = cleaned.replace("£", "").replace(currency, "").strip()
            if not cleaned:
                raise MoneyError("an amount is required")
            try:
                value = Decimal(cleaned)
            except InvalidOperation:
                raise MoneyError(f"{text!r} is not an amount") from None
        else:
            value = Decimal(text)
        if not value.is_finite():
            raise MoneyError(f"{text!r} is not an amount")
        return cls(to_minor(value, currency), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine money with {other!r}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise MoneyError("multiply money by a whole number; use percent() for rates")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def percent(self, basis_points: int) -> Money:
        """This amount times ``basis_points`` / 10,000 (1500 = 15 %), rounded once."""
        return Money(percent_of(self.minor, basis_points), self.currency)

    def allocate(self, weights: list[int]) -> list[Money]:
        """Split into parts proportional to ``weights``; the parts add up exactly.

        Remainders go one minor unit at a time to the largest fractional parts, so no cent is
        lost or invented (an order discount spread over its lines).
        """
        return [Money(share, self.currency) for share in allocate_minor(self.minor, weights)]

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def format(self) -> str:
        """``"$1,234.50"`` for display; ``"-$3.00"`` for negatives."""
        places = exponent(self.currency)
        symbol = _SYMBOLS.get(self.currency)
        whole, fraction = divmod(abs(self.minor), 10**places)
        number = f"{whole:,}.{fraction:0{places}d}" if places else f"{whole:,}"
        text = f"{symbol}{number}" if symbol else f"{number} {self.currency}"
        return f"-{text}" if self.minor < 0 else text

    def __str__(self) -> str:
        return self.format()


def allocate_minor(minor: int, weights: list[int]) -> list[int]:
    """``Money.allocate`` in plain minor units (the pricing engine's inner loops)."""
    if not weights or any(w < 0 for w in weights):
        raise MoneyError("weights must be a non-empty list of non-negative numbers")
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(weights), len(weights)
    sign = -1 if minor < 0 else 1
    amount = abs(minor)
    shares = [amount * w // total for w in weights]
    left = amount - sum(shares)
    if left:
        remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
        for i in remainders[:left]:
            shares[i] += 1
    return [sign * s for s in shares] if sign < 0 else shares


def percent_of(minor: int, basis_points: int) -> int:
    """``minor`` times ``basis_points`` / 10,000, rounded half-even (ROUNDING) in integers:
    exact at any size, and cheap enough for the pricing engine's inner loops."""
    whole, rest = divmod(abs(minor * basis_points), 10_000)
    if rest * 2 > 10_000 or (rest * 2 == 10_000 and whole % 2 == 1):
        whole += 1
    return -whole if minor * basis_points < 0 else whole


def to_minor(value: Decimal, currency: str = "USD") -> int:
    """A decimal amount in major units as minor units, with the one rounding mode."""
    return int(value.scaleb(exponent(currency)).quantize(Decimal(1), ROUNDING))


def format_minor(minor: int | None, currency: str = "USD") -> str:
    return "" if minor is None else Money(minor, currency).format()
