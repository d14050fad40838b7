"""Every CSV the store writes goes through the writer that neutralises formulas: a plain
``csv.writer`` anywhere in the code would let a product title run in a spreadsheet."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_code_writes_csv_without_the_formula_safe_writer() -> None:
    plain = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("services", "views", "app")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "cells.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if plain.search(line)
    ]
    assert offenders == []
