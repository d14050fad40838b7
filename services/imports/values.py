"""Cell values as merchants' files hold them, parsed into the catalog's types.

Each parser returns the value, or raises ``BadValue`` with a message in the merchant's words.
Money becomes integer minor units through ``models.money`` (Decimal only here, at the edge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from models.money import DEFAULT_LOCALE, exponent, format_minor, to_minor
from services.catalog.rules import clean_barcode


class BadValue(ValueError):
    """A cell that cannot mean what its column says."""


#: the most a price or cost may be, in major units: beyond it an amount is a typo or an attack,
#: and an order's sums of such amounts would no longer fit the store's integers
MAX_AMOUNT = Decimal(1_000_000_000)
#: the most a stock figure may be: a level's figures are 32-bit integers, with room for sums
MAX_QUANTITY = 1_000_000_000
MAX_GRAMS = 1_000_000_000


_PLAIN = re.compile(r"^(\d+)(?:\.(\d+))?$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
_CURRENCY = re.compile(r"[$€£¥]|\b[A-Z]{3}\b")


def money(
    text: str,
    currency: str = "USD",
    *,
    decimal_comma: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> int | None:
    """``"19.99"``, ``"$1,234.50"``, ``"12,99"`` (a decimal comma) -> minor units; "" -> None.

    Raises BadValue for anything that is not an amount ("call us", "12.5.1", a negative).
    """
    raw = text.strip()
    if not raw:
        return None
    plain = _PLAIN.match(raw)
    if plain:  # "19.99": most cells; whole minor units need no rounding, so no Decimal
        places = exponent(currency)
        fraction = plain.group(2) or ""
        if len(plain.group(1)) > len(str(MAX_AMOUNT)):
            raise BadValue(_too_much(raw, currency, locale))
        if len(fraction) <= places:
            scale: int = 10**places  # never a float: places is not negative
            minor = int(plain.group(1)) * scale + int(fraction.ljust(places, "0") or 0)
            if minor > to_minor(MAX_AMOUNT, currency):
                raise BadValue(_too_much(raw, currency, locale))
            return minor
        return _bounded(Decimal(raw), raw, currency, locale)
    cleaned = _CURRENCY.sub("", raw).replace("\u00a0", "").replace(" ", "")
    if decimal_comma or _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BadValue(f"“{raw}” is not an amount of money") from None
    if not value.is_finite():
        raise BadValue(f"“{raw}” is not an amount of money")
    if value < 0:
        raise BadValue(f"“{raw}” is negative; prices and costs are zero or more")
    return _bounded(value, raw, currency, locale)


def _bounded(value: Decimal, raw: str, currency: str, locale: str) -> int:
    if value > MAX_AMOUNT:
        raise BadValue(_too_much(raw, currency, locale))
    return to_minor(value, currency)


def _too_much(raw: str, currency: str, locale: str) -> str:
    most = format_minor(to_minor(MAX_AMOUNT, currency), currency, locale)
    return f"“{_shown(raw)}” is more than {most}, the most a price or cost can be"


def _shown(raw: str) -> str:
    """A cell as a message quotes it: a 20,000-digit number is not repeated in full."""
    return raw if len(raw) <= 40 else f"{raw[:20]}…{raw[-10:]}"


def extra_decimals(text: str, currency: str) -> bool:
    """The amount is written with more decimals than the currency has (``1.005`` dollars)."""
    whole, dot, fraction = text.strip().partition(".")
    return bool(dot) and whole.isdigit() and len(fraction.rstrip("0")) > exponent(currency)


@lru_cache(maxsize=4096)  # stock figures repeat
def quantity(text: str) -> int | None:
    """A stock quantity: ``"12"``, ``"12.0"``, ``"-3"``; "" -> None (not given)."""
    raw = text.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise BadValue(f"“{_shown(raw)}” is not a quantity") from None
    if not value.is_finite():
        raise BadValue(f"“{_shown(raw)}” is not a quantity")
    if abs(value) > MAX_QUANTITY:
        raise BadValue(
            f"“{_shown(raw)}” is more than {MAX_QUANTITY:,}, the most a stock figure can be"
        )
    if value != value.to_integral_value():
        raise BadValue(f"“{_shown(raw)}” is not a whole number of items")
    return int(value)


def boolean(text: str) -> bool | None:
    """TRUE/FALSE, yes/no, 1/0 (and their translations); "" -> None."""
    raw = text.strip().lower()
    if not raw:
        return None
    if raw in {"true", "yes", "y", "1", "wahr", "ja", "vrai", "oui", "verdadero", "sí", "si"}:
        return True
    if raw in {"false", "no", "n", "0", "-1", "falsch", "nein", "faux", "non", "falso"}:
        return False
    raise BadValue(f"“{text.strip()}” is neither yes nor no")


_MILLIGRAM = Decimal("0.001")
_ONE = Decimal(1)
_GRAMS_PER = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "lbs": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}


@lru_cache(maxsize=4096)  # a catalog holds a few hundred weights
def grams(text: str, unit: str = "g") -> Decimal | None:
    """A weight in ``unit`` as grams to the milligram (Shopify writes ``226.796185`` for 8 oz
    and ``4.1`` for 4.1 g): ``Decimal("4.1")``, ``Decimal("200")``."""
    raw = text.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise BadValue(f"“{_shown(raw)}” is not a weight") from None
    if not value.is_finite():
        raise BadValue(f"“{_shown(raw)}” is not a weight")
    if value < 0:
        raise BadValue(f"“{_shown(raw)}” is a negative weight")
    weight = value * _GRAMS_PER[unit]
    if weight > MAX_GRAMS:
        raise BadValue(f"“{_shown(raw)}” {unit} is more than 1,000 tonnes")
    weight = weight.quantize(_MILLIGRAM)
    return weight.quantize(_ONE) if weight == weight.to_integral_value() else weight.normalize()


@dataclass(frozen=True)
class BarcodeReading:
    code: str | None
    #: what was tidied, for the dry run ("leading apostrophe removed")
    notes: tuple[str, ...] = ()
    #: Excel turned it into 7.84E+11: the digits are gone and cannot be recovered
    mangled: bool = False


_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE][+-]?\d+$")


def barcode(text: str) -> BarcodeReading:
    raw = text.strip()
    if not raw:
        return BarcodeReading(None)
    notes: list[str] = []
    if raw.startswith("'"):
        # Excel users type a leading apostrophe to keep the leading zeros of a code
        raw = raw.lstrip("'")
        notes.append("leading apostrophe removed")
    if _SCIENTIFIC.match(raw):
        return BarcodeReading(raw, tuple(notes), mangled=True)
    code = clean_barcode(raw)
    if code != raw:
        notes.append(f"written {raw}, kept as {code}")
    return BarcodeReading(code, tuple(notes))
