"""Reading a CSV file as merchants produce it: any of the usual encodings and separators, each
row with the line it starts on in the file, and what is wrong with the row's shape.

Excel saves "CSV" in the machine's code page and with semicolons where the decimal mark is a
comma; "Unicode text" is UTF-16 with tabs. Google Sheets and Shopify write UTF-8. A file in
another encoding than the one chosen is not guessed at silently: rows that do not decode are
named, and the merchant picks the encoding (``encoding=``) and looks again.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

#: encodings a merchant can choose in the import dialog, with names they recognise
ENCODINGS = {
    "utf-8": "Unicode (UTF-8)",
    "cp1252": "Western European (Windows-1252, Excel)",
    "latin-1": "Western European (ISO-8859-1)",
    "utf-16": "Unicode (UTF-16, Excel “Unicode text”)",
    "mac-roman": "Western (Mac Roman)",
}
_SURROGATES = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Row:
    """One record of the file; ``line`` is where it starts (records may span lines)."""

    line: int
    cells: tuple[str, ...]
    #: what is wrong with the record's shape or bytes, in the merchant's words
    problems: tuple[str, ...] = ()

    def get(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    encoding: str
    delimiter: str
    #: facts about the file worth telling the merchant ("read as Windows-1252")
    notes: list[str] = field(default_factory=list)
    #: line -> the row a spreadsheet shows the record on, where the two differ (a value with
    #: line breaks inside makes a record span several lines of text)
    spreadsheet_rows: dict[int, int] = field(default_factory=dict)


def read_table(data: bytes, *, encoding: str | None = None) -> Table:
    """The file's header and records. Never raises on bad content: problems are per row."""
    text, used, notes = _decode(data, encoding)
    lines = text.splitlines()
    header_line = next((ln for ln in lines if ln.strip()), "")
    delimiter = _delimiter(header_line)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[Row] = []
    last_line = 0
    spreadsheet_rows: dict[int, int] = {}
    ends_with_newline = text.endswith(("\n", "\r"))
    for record, cells in enumerate(reader, start=1):
        start = last_line + 1
        last_line = reader.line_num
        if record != start:
            spreadsheet_rows[start] = record
        if headers is None:
            if not any(c.strip() for c in cells):
                continue
            headers = [c.replace("\x00", "").strip() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue  # blank lines between records are harmless
        rows.append(Row(start, tuple(cells), ()))
    headers = headers or []
    inside_quotes = text.count('"') % 2 == 1  # the file stops inside a quoted value
    cut_off = bool(rows) and (
        inside_quotes or (not ends_with_newline and len(rows[-1].cells) < len(headers))
    )
    # a file that decoded cleanly has no undecodable bytes to look for row by row
    suspect = bool(_SURROGATES.search(text)) or "\x00" in text
    width = len(headers)
    rows = [_checked(r, width, used) if suspect or len(r.cells) != width else r for r in rows]
    if cut_off:
        last = rows[-1]
        rows[-1] = Row(
            last.line,
            last.cells,
            (
                "The file ends in the middle of this row: it looks cut off. Export it again, "
                "or skip this row.",
                *last.problems,
            ),
        )
    return Table(headers, rows, used, delimiter, notes, spreadsheet_rows)


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITER_NAMES}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _decode(data: bytes, encoding: str | None) -> tuple[str, str, list[str]]:
    notes: list[str] = []
    if encoding:
        codec = codecs.lookup(encoding).name
        if codec.startswith("utf-8"):
            data = data.removeprefix(codecs.BOM_UTF8)
        return (
            data.decode(codec, errors="surrogateescape" if codec == "utf-8" else "replace"),
            (encoding),
            notes,
        )
    if data.startswith(codecs.BOM_UTF8):
        return (
            data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="surrogateescape"),
            "utf-8",
            notes,
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        notes.append("Read as Unicode (UTF-16), as Excel saves “Unicode text”.")
        return data.decode("utf-16", errors="replace"), "utf-16", notes
    # UTF-8 whatever else: bytes that are not UTF-8 stay visible as escapes and the rows that
    # hold them are named, instead of a guess that turns "é" into "Ã©" without a word.
    return data.decode("utf-8", errors="surrogateescape"), "utf-8", notes


def _checked(row: Row, width: int, encoding: str) -> Row:
    problems = list(row.problems)
    bad = [c for c in row.cells if _SURROGATES.search(c)]
    if bad:
        sample = _SURROGATES.sub("�", bad[0])[:40]
        problems.append(
            f"Characters here are not {ENCODINGS.get(encoding, encoding)} (“{sample}”): the file "
            "was probably saved as Windows-1252 by Excel. Choose that encoding and look again, "
            "or save the file as UTF-8."
        )
    if any("\x00" in c for c in row.cells):
        problems.append(
            "This row holds a NUL character (an invisible control character, often left by a "
            "damaged file or a database export), which no text may contain. Remove it and "
            "export again, or skip this row."
        )
    if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
        problems.append(
            f"This row has {len(row.cells)} values but the header names {width} columns: a "
            "comma inside a value is probably missing its quotes."
        )
    cells = tuple(_SURROGATES.sub("�", c) for c in row.cells) if bad else row.cells
    # the row is rejected, but its handle and SKU are still looked up in the store
    cells = tuple(c.replace("\x00", "") for c in cells)
    # Some tools leave out trailing empty cells; a short row is padded (a cut-off last row is
    # caught by the caller).
    cells = cells + ("",) * (width - len(cells))
    return Row(row.line, cells, tuple(problems))
