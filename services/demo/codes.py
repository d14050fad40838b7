"""Codes the demo prints on things: GTIN-13 barcodes, SKUs, handles, tracking numbers, bins."""

from __future__ import annotations

import base64
import functools
import random
import re
import string

_ALNUM = string.ascii_uppercase + string.digits


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits of a GTIN without it (12 digits for a GTIN-13).

    Weights alternate 3, 1, 3, ... from the rightmost digit of the body.
    """
    digits = [int(d) for d in body]
    total = 3 * sum(digits[-1::-2]) + sum(digits[-2::-2])
    return (10 - total % 10) % 10


def gtin13(company_prefix: int, item: int) -> str:
    """A valid GTIN-13 from a 7-digit GS1 company prefix and a 5-digit item reference."""
    if not (0 <= company_prefix < 10**7 and 0 <= item < 10**5):
        raise ValueError(f"prefix {company_prefix} and item {item} do not make 12 digits")
    # The same as gtin_check_digit(body), with the prefix's share worked out once: a million
    # barcodes share a dozen prefixes.
    d1, d2, d3, d4, d5 = (item // 10**k % 10 for k in range(5))
    total = _prefix_share(company_prefix) + 3 * (d1 + d3 + d5) + d2 + d4
    return f"{company_prefix:07d}{item:05d}{(10 - total % 10) % 10}"


@functools.cache
def _prefix_share(company_prefix: int) -> int:
    """The prefix digits' weighted sum in a GTIN-13 body (they sit 6th to 12th from the right)."""
    digits = [int(d) for d in f"{company_prefix:07d}"]
    return sum(digits[-1::-2]) + 3 * sum(digits[-2::-2])


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is all digits (8, 12, 13 or 14 of them) with a correct check digit."""
    return (
        code.isdigit()
        and len(code) in (8, 12, 13, 14)
        and gtin_check_digit(code[:-1]) == int(code[-1])
    )


def slug(text: str) -> str:
    """``"Cedar & Smoke Candle"`` -> ``"cedar-smoke-candle"`` (a product handle)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@functools.cache
def abbreviation(value: str, width: int = 3) -> str:
    """A short upper-case code for an option value in a SKU: ``"Heather Grey"`` -> ``"HGR"``.

    Values with figures keep them all: ``"14 oz"`` -> ``"14OZ"``, shoe size ``"8.5"`` ->
    ``"8H5"`` (no dots in SKUs).
    """
    words: list[str] = re.findall(r"[A-Za-z0-9.]+", value)
    if not words:
        return "X"
    if any(c.isdigit() for c in value):
        return re.sub(r"[^A-Za-z0-9]", "", value.replace(".", "H")).upper()
    if len(words) == 1:
        return words[0][:width].upper()
    return (words[0][0] + words[-1][: width - 1]).upper()


def bin_code(aisle: int, shelf: int, level: int) -> str:
    """``A-03-2``: aisle letter, two-digit shelf, level. Codes sort in walking order."""
    return f"{string.ascii_uppercase[aisle]}-{shelf:02d}-{level}"


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A tracking number shaped like the carrier's own (USPS 22 digits, UPS 1Z..., FedEx 12)."""
    if carrier == "UPS":
        number = rng.getrandbits(64)
        letters = []
        for _ in range(6):
            number, digit = divmod(number, 36)
            letters.append(_ALNUM[digit])
        return "1Z" + "".join(letters) + f"{number % 10**10:010d}"
    if carrier == "FedEx":
        return f"{10**11 + rng.getrandbits(40) % (9 * 10**11)}"
    return "9400" + f"{rng.getrandbits(60) % 10**18:018d}"


def gateway_id(rng: random.Random, prefix: str) -> str:
    """A Stripe-shaped object id: ``pi_`` and 24 random letters and digits."""
    # 18 random bytes in base64 are 24 characters; two letters stand in for "+" and "/".
    raw = rng.getrandbits(144).to_bytes(18, "big")
    return f"{prefix}_{base64.b64encode(raw, altchars=b'Qz').decode()}"


def idempotency_key(rng: random.Random) -> str:
    """A UUID-4-shaped key drawn from ``rng`` (deterministic, unlike ``uuid.uuid4``)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"
