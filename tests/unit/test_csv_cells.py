"""Cells a spreadsheet would run are written as text, numbers stay numbers, and our importer
reads back what was written before the protection."""

from __future__ import annotations

import csv
import io

import pytest

from services.exports.cells import csv_writer, looks_like_formula, neutralise, unprotect

ATTACKS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_formula_is_written_as_text_and_read_back_as_written(attack: str) -> None:
    assert looks_like_formula(attack)
    assert neutralise(attack) == "'" + attack
    assert unprotect(neutralise(attack)) == attack


@pytest.mark.parametrize("number", ["-5", "+1.50", "-0.25", "-3,5", "1e3", "-1E-2", 7, -7.5])
def test_numbers_and_plain_text_are_left_alone(number) -> None:
    assert neutralise(number) == number


@pytest.mark.parametrize("text", ["Mug", "", "'0012345", "a=b", "O'Brien"])
def test_text_that_is_not_a_formula_is_left_alone(text: str) -> None:
    assert not looks_like_formula(text)
    assert neutralise(text) == text
    assert unprotect(text) == text


def test_the_writer_protects_every_text_cell_of_every_row() -> None:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["Title", "Quantity"])
    writer.writerows([[ATTACKS[0], -5], ["@home", "-5"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["Title", "Quantity"],
        ["'" + ATTACKS[0], "-5"],
        ["'@home", "-5"],
    ]
