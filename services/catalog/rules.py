"""The catalog's pure rules: handles, barcodes, option grids and price adjustments.

No database here: the product editor, the bulk editor, the importers and the unit tests share
these functions, so a rule is written once.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from models.money import Money, MoneyFormat

MAX_OPTIONS = 3
HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Shopify's name for the one variant of a product without options
DEFAULT_TITLE = "Default Title"

#: the longest text each catalog field takes, as Shopify's admin limits them: a longer value is
#: a pasted document or an attack, never a title
TEXT_LIMITS = {
    "handle": 255,
    "title": 255,
    "vendor": 255,
    "product_type": 255,
    "seo_title": 255,
    "seo_description": 1_000,
    "description_html": 512_000,
    "tag": 255,
    "sku": 255,
    "option": 255,
    "barcode": 255,
}


def length_problem(field: str, label: str, value: str | None) -> str | None:
    """``None`` when ``value`` fits its field, else a message naming the field's limit."""
    limit = TEXT_LIMITS[field]
    if value is None or len(value) <= limit:
        return None
    return f"{label} is {len(value):,} characters long; it holds at most {limit:,}."


# -- handles ----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A storefront handle from a title.

    ``"Crème Brûlée Mug (Large)"`` becomes ``"creme-brulee-mug-large"``: accents are folded
    to ASCII; anything else that is not a letter or digit becomes one dash.
    Returns "" when nothing usable is left (a title of only symbols).
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def is_valid_handle(handle: str) -> bool:
    return bool(HANDLE_RE.match(handle))


# -- barcodes ---------------------------------------------------------------------------------

GTIN_LENGTHS = (8, 12, 13, 14)


def clean_barcode(raw: str) -> str:
    """A barcode as a scanner reads it: trimmed, and digits-only codes without their dashes
    and spaces (an ISBN written ``978-1-98765-432-1`` scans as ``9781987654321``)."""
    code = raw.strip()
    if code.isdigit():
        return code  # most codes: nothing to take out
    compact = re.sub(r"[\s-]", "", code)
    return compact if compact.isdigit() else code


def gtin_check_digit_ok(code: str) -> bool | None:
    """Whether a GTIN-8/12/13/14 (EAN, UPC, ISBN-13) has the right check digit.

    None when the code is not a GTIN at all (letters, another length): in-house codes are
    allowed and have no check digit to verify.
    """
    if not (code.isascii() and code.isdigit()) or len(code) not in GTIN_LENGTHS:
        return None
    digits = code.encode()  # a digit's byte is its value plus 48 ("0")
    # from the check digit leftwards: weights 3, 1, 3, 1, ...
    threes, ones = digits[-2::-2], digits[-3::-2]
    total = 3 * (sum(threes) - 48 * len(threes)) + sum(ones) - 48 * len(ones)
    return (10 - total % 10) % 10 == digits[-1] - 48


# -- options and variants ---------------------------------------------------------------------


def option_values(values: Iterable[str | None]) -> tuple[str | None, str | None, str | None]:
    """The three option values a variant holds: ``values`` cut or padded with None."""
    padded = [*itertools.islice(values, MAX_OPTIONS), None, None, None]
    return padded[0], padded[1], padded[2]


def variant_title(values: Iterable[str | None]) -> str:
    """``"Green / M"``; ``"Default Title"`` for a variant of a product without options."""
    present = [v for v in values if v]
    return " / ".join(present) if present else DEFAULT_TITLE


def option_combinations(option_values: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Every combination of the options' values, in the options' display order."""
    if not option_values:
        return [()]
    return [tuple(c) for c in itertools.product(*option_values)]


def missing_combinations(
    option_values: Sequence[Sequence[str]], existing: Iterable[Sequence[str | None]]
) -> list[tuple[str, ...]]:
    """The combinations no variant has yet: adding "XL" to Size yields one per colour."""
    have = {tuple(v or "" for v in combo[: len(option_values)]) for combo in existing}
    return [c for c in option_combinations(option_values) if c not in have]


# -- prices -----------------------------------------------------------------------------------


class Adjustment(StrEnum):
    """How a bulk edit changes an amount."""

    SET = "set"
    INCREASE_BY = "increase_by"
    DECREASE_BY = "decrease_by"
    INCREASE_PERCENT = "increase_percent"
    DECREASE_PERCENT = "decrease_percent"
    CLEAR = "clear"


class Rounding(StrEnum):
    """Charm pricing after a percentage change: the nearest amount with this ending."""

    NONE = "none"
    WHOLE = "whole"  # 12.00
    END_99 = "end_99"  # 11.99
    END_95 = "end_95"  # 11.95
    END_90 = "end_90"  # 11.90

    @property
    def ending(self) -> int | None:
        """The ending in hundredths of a major unit, or None when amounts are left as they are."""
        return {"whole": 0, "end_99": 99, "end_95": 95, "end_90": 90}.get(self.value)


@dataclass(frozen=True)
class AmountChange:
    """A change to one money field: set to 19.99, raise by 10 %, lower by 2.00, ...

    ``value`` is minor units for SET / INCREASE_BY / DECREASE_BY and basis points (1 % = 100)
    for the percentages, never below zero (``BulkEdit.validate`` refuses that in the
    merchant's words). Results never go below zero.
    """

    adjustment: Adjustment
    value: int = 0
    rounding: Rounding = Rounding.NONE

    def __post_init__(self) -> None:
        # values arriving as plain strings (from a form or JSON) become the enums
        object.__setattr__(self, "adjustment", Adjustment(self.adjustment))
        object.__setattr__(self, "rounding", Rounding(self.rounding))
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise TypeError("an amount change is whole minor units or basis points, never a float")

    def apply(self, current: int | None, currency: str = "USD") -> int | None:
        """The new amount for ``current`` (None stays None except for SET)."""
        match self.adjustment:
            case Adjustment.CLEAR:
                return None
            case Adjustment.SET:
                result = self.value
            case _ if current is None:
                return None
            case Adjustment.INCREASE_BY:
                result = current + self.value
            case Adjustment.DECREASE_BY:
                result = current - self.value
            case Adjustment.INCREASE_PERCENT:
                result = current + Money(current, currency).percent(self.value).minor
            case Adjustment.DECREASE_PERCENT:
                result = current - Money(current, currency).percent(self.value).minor
        return round_to_ending(max(result, 0), self.rounding, currency)

    def describe(self, money: MoneyFormat) -> str:
        """In the merchant's words: "raise by 10 %, ending in .99"."""
        amount = money.format(self.value)
        percent = f"{self.value / 100:g} %"
        text = {
            Adjustment.SET: f"set to {amount}",
            Adjustment.INCREASE_BY: f"raise by {amount}",
            Adjustment.DECREASE_BY: f"lower by {amount}",
            Adjustment.INCREASE_PERCENT: f"raise by {percent}",
            Adjustment.DECREASE_PERCENT: f"lower by {percent}",
            Adjustment.CLEAR: "clear",
        }[self.adjustment]
        ending = self.rounding.ending
        if ending is not None:
            text += f", ending in .{ending:02d}"
        return text


def round_to_ending(amount: int, rounding: Rounding, currency: str = "USD") -> int:
    """The amount nearest to ``amount`` whose last two minor digits are the ending.

    Ties go up (12.49 with ".99" becomes 12.99, not 11.99 - a price rounding is a price
    rounding up when undecided). Never below zero: 0.30 with ".99" is 0.99.
    """
    ending = rounding.ending
    if ending is None:
        return amount
    base = amount - amount % 100 + ending
    candidates = [c for c in (base - 100, base, base + 100) if c >= 0]
    return min(candidates, key=lambda c: (abs(c - amount), -c))
