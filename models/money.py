"""Money: an integer number of minor units in one currency. Never a float.

Decimal appears only at the edges (parsing what someone typed or a file holds, formatting for
display). Amounts are read and written the way the store's locale writes them (``12,50 €`` in
a German store, ``$12.50`` in an American one), through Babel and the Unicode CLDR data.
Rounding is half to even (banker's rounding), in one function here: ``divide_rounded``.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    NumberPattern,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

#: ISO 4217 minor units of the currencies that do not use two decimals. The store's amounts
#: are counted in these units; CLDR's display digits differ for a few (HUF, IDR, IQD), so
#: Babel is asked to write, not to count.
_EXPONENTS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"),
        0,
    ),
    **dict.fromkeys(("VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
#: the locale a store writes money in when it names none and its address has no country
_LOCALE_OF_CURRENCY = {
    "USD": "en_US",
    "EUR": "de_DE",
    "GBP": "en_GB",
    "CAD": "en_CA",
    "AUD": "en_AU",
    "NZD": "en_NZ",
    "JPY": "ja_JP",
    "CHF": "de_CH",
    "SEK": "sv_SE",
    "NOK": "nb_NO",
    "DKK": "da_DK",
    "PLN": "pl_PL",
    "BHD": "ar_BH",
}
DEFAULT_LOCALE = "en_US"


def exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit: 2 for USD, 0 for JPY, 3 for BHD."""
    return _EXPONENTS.get(currency, 2)


def divide_rounded(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` as a whole number, rounded half to even.

    The store's one rounding rule: a percentage of an amount, a pro-rata share, an average
    cost, a decimal amount in minor units all round here. Integers only, so it is exact and
    quick enough for the demo generator's millions of lines.
    """
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(numerator, denominator)  # 0 <= remainder < denominator
    if remainder * 2 > denominator or (remainder * 2 == denominator and quotient % 2):
        quotient += 1
    return quotient


def percent_of(minor: int, basis_points: int) -> int:
    """``minor`` times ``basis_points`` / 10,000 (1500 = 15 %), rounded once: a tax, a
    percentage discount. ``Money.percent`` for amounts that carry their currency."""
    return divide_rounded(minor * basis_points, 10_000)


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


def to_minor(value: Decimal, currency: str = "USD") -> int:
    """A decimal amount in major units as minor units, with the one rounding rule."""
    numerator, denominator = value.scaleb(exponent(currency)).as_integer_ratio()
    return divide_rounded(numerator, denominator)


class MoneyError(ValueError):
    """A value that is not an amount of money (text, a float, mixed currencies)."""


@dataclass(frozen=True)
class Money:
    """An amount: ``minor`` units of ``currency``. Amounts of different currencies neither
    add nor compare; both raise MoneyError."""

    minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise MoneyError(f"money is an integer number of minor units, not {self.minor!r}")

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(
        cls, text: str | Decimal | int, currency: str = "USD", locale: str = DEFAULT_LOCALE
    ) -> Money:
        """An amount as the locale writes it -> Money. Raises MoneyError.

        ``"12.5"`` and ``"$1,234.99"`` in en_US; ``"12,50"``, ``"1.234,56 €"`` in de_DE. A
        separator in the wrong place is refused, not guessed at: ``"12.5"`` in de_DE could be
        12.50 or 125, so the message shows how the store writes an amount.
        """
        if isinstance(text, float):
            raise MoneyError("money is never a float")
        value = _parse_decimal(text, currency, locale) if isinstance(text, str) else Decimal(text)
        if not value.is_finite():
            raise MoneyError(f"“{text}” is not an amount")
        return cls(to_minor(value, currency), currency)

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine money with {other!r}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same(other).minor

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same(other).minor

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same(other).minor

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same(other).minor

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

    def format(self, locale: str = DEFAULT_LOCALE) -> str:
        """For display, as the locale writes it: ``"$1,234.50"``, ``"-$3.00"`` in en_US,
        ``"1.234,50 €"`` in de_DE."""
        return _format(self.minor, self.currency, locale)

    def edit_text(self, locale: str = DEFAULT_LOCALE) -> str:
        """The plain number for an input field: ``"1234.50"`` in en_US, ``"1234,50"`` in
        de_DE; ``parse`` reads it back as this amount."""
        return _edit_text(self.minor, self.currency, locale)

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class MoneyFormat:
    """How one store writes amounts: its currency and its locale (``EUR`` as ``de_DE``).

    What the views format and parse every amount through; services use it for the amounts
    in their messages.
    """

    currency: str = "USD"
    locale: str = DEFAULT_LOCALE

    @classmethod
    def of_store(cls, currency: str, locale: str | None, country: str | None = None) -> MoneyFormat:
        """The store's format; with no locale chosen, the one its country or currency uses."""
        return cls(currency, locale or default_locale(currency, country))

    def in_currency(self, currency: str) -> MoneyFormat:
        """The same locale writing another currency (an order placed in another currency)."""
        return self if currency == self.currency else MoneyFormat(currency, self.locale)

    def parse(self, text: str) -> Money:
        """What someone typed as an amount of the store's currency. Raises MoneyError."""
        return Money.parse(text, self.currency, self.locale)

    def format(self, amount: Money | int | None) -> str:
        """An amount for display; minor units are the store's currency; None is ``""``."""
        if amount is None:
            return ""
        if isinstance(amount, Money):
            return amount.format(self.locale)
        return _format(amount, self.currency, self.locale)

    def edit_text(self, minor: int | None) -> str:
        """The plain number for an input field (``"12,50"``); None is ``""``."""
        return "" if minor is None else _edit_text(minor, self.currency, self.locale)

    def parse_percent(self, text: str) -> int:
        """A rate as the locale writes it (``"8,25"``, ``"8.25 %"``) in basis points (825),
        rounded half to even. Raises MoneyError."""
        cleaned = text.replace("%", "").strip()
        if not cleaned:
            raise MoneyError("a rate is required")
        try:
            numerator, denominator = _parse_number(cleaned, self.locale).as_integer_ratio()
        except (NumberFormatError, ValueError, OverflowError):  # NaN, Infinity have no ratio
            example = self.edit_percent(825)
            raise MoneyError(
                f"“{text.strip()}” is not a percentage; write it like {example}"
            ) from None
        return divide_rounded(numerator * 100, denominator)

    def edit_percent(self, basis_points: int) -> str:
        """A rate in basis points as the plain number for an input field (``"8,25"``)."""
        return _edit_text(basis_points, "USD", self.locale)

    def typing_symbols(self) -> str:
        """What an amount being typed may hold besides digits: the locale's separators, a
        minus, the currency's symbol."""
        return (
            get_decimal_symbol(self.locale)
            + get_group_symbol(self.locale)
            + get_currency_symbol(self.currency, self.locale)
            + "-() "
        )


def default_locale(currency: str, country: str | None = None) -> str:
    """The locale a store without one writes money in: its country's (``DE`` -> de_DE), else
    its currency's usual one (EUR -> de_DE, GBP -> en_GB), else en_US."""
    if country:
        try:
            return str(Locale.parse(f"und_{country.upper()}"))
        except (UnknownLocaleError, ValueError):
            pass
    return _LOCALE_OF_CURRENCY.get(currency, DEFAULT_LOCALE)


def format_minor(minor: int | None, currency: str = "USD", locale: str = DEFAULT_LOCALE) -> str:
    return "" if minor is None else _format(minor, currency, locale)


@lru_cache(maxsize=8192)  # a table repaints the same amounts over and over
def _format(minor: int, currency: str, locale: str) -> str:
    places = exponent(currency)
    text: str = _currency_pattern(locale, places).apply(
        Decimal(minor).scaleb(-places), _locale(locale), currency=currency, currency_digits=False
    )
    return text


@lru_cache(maxsize=64)
def _currency_pattern(locale: str, places: int) -> NumberPattern:
    """The locale's currency pattern showing ``places`` decimals (the ISO minor unit)."""
    pattern: NumberPattern = copy(_locale(locale).currency_formats["standard"])
    pattern.frac_prec = (places, places)
    return pattern


@lru_cache(maxsize=1024)
def _edit_text(minor: int, currency: str, locale: str) -> str:
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**places)
    if not places:
        return f"{sign}{whole}"
    return f"{sign}{whole}{get_decimal_symbol(locale)}{fraction:0{places}d}"


@lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _parse_number(text: str, locale: str) -> Decimal:
    """A number as the locale writes it; a separator in the wrong place raises
    NumberFormatError rather than being guessed at."""
    group = get_group_symbol(locale)
    # "1 234,56" typed with a plain space is the French "1 234,56" (a narrow no-break space)
    spaced = "".join(group if c.isspace() and group.isspace() else c for c in text.strip())
    return parse_decimal("".join(c for c in spaced if not c.isspace()), locale, strict=True)


def _parse_decimal(text: str, currency: str, locale: str) -> Decimal:
    cleaned = text.strip()
    for symbol in {get_currency_symbol(currency, locale), currency, "$", "€", "£", "¥"}:
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.replace("\u200f", "").replace("\u200e", "").strip()  # bidi marks
    if not cleaned:
        raise MoneyError("an amount is required")
    if cleaned.startswith("(") and cleaned.endswith(")"):  # an accountant's negative
        cleaned = "-" + cleaned[1:-1]
    try:
        return _parse_number(cleaned, locale)
    except NumberFormatError:
        example = _edit_text(123456, "USD", locale)
        raise MoneyError(
            f"“{text.strip()}” is not an amount; write it like {example}"
            f" ({_format(123456, currency, locale)})"
        ) from None
