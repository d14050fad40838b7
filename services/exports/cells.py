"""CSV cells a spreadsheet cannot run.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets: a product title such as ``=HYPERLINK("http://evil", "x")``
runs on the computer of whoever opens our export (OWASP "CSV injection"). Every CSV we write
goes through ``csv_writer``, which puts an apostrophe in front of such text, as OWASP
advises and as spreadsheets themselves do to show text verbatim. Numbers (``-5``, ``+1.50``)
stay numbers. Our importers take the apostrophe off again (``unprotect``), so an export
imported back changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol, TextIO

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def looks_like_formula(text: str) -> bool:
    """A spreadsheet would run this text rather than show it."""
    return text.startswith(_TRIGGERS) and not _NUMBER.match(text)


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def unprotect(text: str) -> str:
    """The text as it was before ``neutralise`` (an importer reading our own export)."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text


class RowWriter(Protocol):
    def writerow(self, row: Iterable[Any]) -> Any: ...

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None: ...


class _SafeWriter:
    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO, **options: Any) -> RowWriter:
    """``csv.writer`` whose text cells cannot be run as formulas by a spreadsheet."""
    return _SafeWriter(out, **options)
