"""Big lists go to PostgreSQL as one array literal: every value comes back as it was sent."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, text

from services.arrays import Array

AWKWARD = [
    'Says "hi"',
    "back\\slash",
    "a,b",
    "{braces}",
    "",
    " padded ",
    "NULL",
    "Größe / 尺寸",
    "line\nbreak",
]


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("text", AWKWARD),
        ("text", [*AWKWARD, None]),
        ("text", []),
        ("bigint", [1, None, 2**40]),
        ("bigint", list(range(1000))),
        ("boolean", [True, False, None]),
    ],
)
def test_values_come_back_as_they_were_sent(store, kind: str, values: list) -> None:
    with store.session_factory() as session:
        back = session.execute(
            text("SELECT v FROM unnest(:values) WITH ORDINALITY AS u(v, n) ORDER BY n").bindparams(
                bindparam("values", type_=Array(kind))
            ),
            {"values": values},
        ).scalars()
        assert list(back) == values
