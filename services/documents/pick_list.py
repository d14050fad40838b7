"""The pick list PDF: one walk through the warehouse for a batch of orders.

Rows come sorted by location, bin and SKU (``services.orders.picking.walk_order``); each shows
the bin, the SKU as text and Code128, the item, the total to pick and the split over the
orders' totes. A last section lists the batch's orders with their totes and Code128 order
numbers. Every page has a header with batch, date and picker, and "Page n of N".

Layout is planned first (row heights are known before drawing), so page totals are exact
without rendering twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from services.documents.barcodes import draw_code128
from services.orders.picking import PickList, PickOrder, PickRow
from services.wording import counted

MARGIN = 36
HEADER_HEIGHT = 58
FOOTER_HEIGHT = 20
FONT, BOLD = "Helvetica", "Helvetica-Bold"
SPLIT_FONT_SIZE = 7.5
SPLIT_LINE = 9
BARCODE_HEIGHT = 16
ROW_MIN = 36
GROUP_HEADER = 18
ORDER_ENTRY = 34

# columns (x offsets from the left margin)
COL_CHECK, COL_BIN, COL_SKU, COL_ITEM, COL_QTY, COL_SPLIT = 0, 16, 76, 218, 380, 420


@dataclass(frozen=True)
class _Block:
    kind: str  # "group", "row", "orders_title", "orders"
    height: float
    row: PickRow | None = None
    location: str = ""
    split_lines: tuple[str, ...] = ()
    orders: tuple[PickOrder, ...] = ()


def render_pick_list(pick_list: PickList, *, page_size: tuple[float, float] = LETTER) -> bytes:
    """The pick list as PDF bytes."""
    width, height = page_size
    split_width = width - 2 * MARGIN - COL_SPLIT
    pages = _paginate(_blocks(pick_list, split_width, width), height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size, pageCompression=0)
    canvas.setTitle(f"Pick list {pick_list.batch}")
    canvas.setAuthor(pick_list.store_name or "Merchant Office")
    total = len(pages)
    units = pick_list.total_units
    for number, blocks in enumerate(pages, start=1):
        columns = any(b.kind in ("row", "group") for b in blocks)
        y = _header(canvas, pick_list, units, number, total, width, height, columns=columns)
        for block in blocks:
            y = _draw(canvas, block, y, width)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _place(row: PickRow) -> str:
    """The location as the warehouse knows it: its name, with its code when they differ."""
    if row.location_name and row.location_name != row.location_code:
        return f"{row.location_name} ({row.location_code})"
    return row.location_code


def _blocks(pick_list: PickList, split_width: float, page_width: float) -> list[_Block]:
    blocks: list[_Block] = []
    location = None
    for row in pick_list.rows:
        if row.location_code != location:
            location = row.location_code
            blocks.append(_Block("group", GROUP_HEADER, location=_place(row)))
        lines = _wrap(
            [f"T{s.tote} #{s.order_number} ×{s.quantity}" for s in row.splits], split_width
        )
        blocks.append(
            _Block(
                "row",
                max(ROW_MIN, 10 + SPLIT_LINE * len(lines)),
                row=row,
                location=_place(row),
                split_lines=tuple(lines),
            )
        )
    blocks.append(_Block("orders_title", GROUP_HEADER + 6))
    per_line = 2
    orders = list(pick_list.orders)
    for i in range(0, len(orders), per_line):
        blocks.append(_Block("orders", ORDER_ENTRY, orders=tuple(orders[i : i + per_line])))
    return blocks


def _wrap(entries: list[str], width: float) -> list[str]:
    """Split entries over lines that fit ``width``, never breaking an entry."""
    lines: list[str] = []
    current = ""
    for entry in entries:
        candidate = f"{current}   {entry}" if current else entry
        if current and stringWidth(candidate, FONT, SPLIT_FONT_SIZE) > width:
            lines.append(current)
            current = entry
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def _paginate(blocks: list[_Block], page_height: float) -> list[list[_Block]]:
    usable = page_height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT
    pages: list[list[_Block]] = [[]]
    left = usable
    for block in blocks:
        if block.height > left and pages[-1]:
            pages.append([])
            left = usable
            if block.kind == "row":  # repeat the location at the top of a new page
                continued = _Block("group", GROUP_HEADER, location=f"{block.location} (cont.)")
                pages[-1].append(continued)
                left -= continued.height
        pages[-1].append(block)
        left -= block.height
    return pages


def _header(
    canvas: Canvas,
    pick_list: PickList,
    units: int,
    number: int,
    total: int,
    width: float,
    height: float,
    *,
    columns: bool,
) -> float:
    top = height - MARGIN
    canvas.setFont(BOLD, 16)
    canvas.drawString(MARGIN, top - 14, "Pick list")
    canvas.setFont(FONT, 9)
    canvas.drawString(MARGIN + 80, top - 13, pick_list.store_name)
    canvas.setFont(BOLD, 10)
    canvas.drawRightString(width - MARGIN, top - 12, f"Batch {pick_list.batch}")
    canvas.setFont(FONT, 9)
    canvas.drawString(
        MARGIN,
        top - 30,
        f"Date {pick_list.created_at:%Y-%m-%d %H:%M} UTC    "
        f"Picker {pick_list.picker or '________________'}    "
        f"{counted(len(pick_list.orders), 'order')}    {counted(units, 'unit')}",
    )
    canvas.drawRightString(width - MARGIN, top - 30, f"Page {number} of {total}")
    canvas.setFont(BOLD, 8)
    y = top - HEADER_HEIGHT + 8
    for x, label in (
        ()
        if not columns
        else (
            (COL_BIN, "BIN"),
            (COL_SKU, "SKU"),
            (COL_ITEM, "ITEM"),
            (COL_QTY, "PICK"),
            (COL_SPLIT, "TOTE  ORDER  QTY"),
        )
    ):
        canvas.drawString(MARGIN + x, y, label)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, y - 4, width - MARGIN, y - 4)
    return y - 6


def _draw(canvas: Canvas, block: _Block, y: float, width: float) -> float:
    left = MARGIN
    if block.kind == "group":
        canvas.setFillGray(0.9)
        canvas.rect(left, y - GROUP_HEADER + 2, width - 2 * MARGIN, GROUP_HEADER - 4, 0, 1)
        canvas.setFillGray(0)
        canvas.setFont(BOLD, 10)
        canvas.drawString(left + 4, y - 12, f"Location {block.location}")
        return y - block.height
    if block.kind == "orders_title":
        canvas.setFont(BOLD, 11)
        canvas.drawString(left, y - 16, "Orders in this batch (tote, order, customer, units)")
        return y - block.height
    if block.kind == "orders":
        column = (width - 2 * MARGIN) / 2
        for i, order in enumerate(block.orders):
            x = left + i * column
            canvas.setFont(BOLD, 12)
            canvas.drawString(x, y - 14, f"T{order.tote}")
            canvas.setFont(FONT, 9)
            canvas.drawString(x + 34, y - 12, f"#{order.number}")
            draw_code128(canvas, str(order.number), x + 80, y - 26, height=20, max_width=90)
            customer = _fit(order.customer, column - 180, 8)
            canvas.setFont(FONT, 8)
            canvas.drawString(x + 176, y - 12, customer)
            canvas.drawString(x + 176, y - 23, counted(order.items, "unit"))
        return y - block.height
    row = block.row
    assert row is not None
    top = y - 4
    canvas.setLineWidth(0.6)
    canvas.rect(left + COL_CHECK, top - 11, 9, 9)
    canvas.setFont(BOLD, 10)
    canvas.drawString(left + COL_BIN, top - 10, row.bin_code or "—")
    canvas.setFont(FONT, 8)
    canvas.drawString(left + COL_SKU, top - 9, row.sku or "(no SKU)")
    if row.sku:
        draw_code128(
            canvas,
            row.sku,
            left + COL_SKU - 8,
            top - 12 - BARCODE_HEIGHT - 3,
            height=BARCODE_HEIGHT,
            max_width=COL_ITEM - COL_SKU + 2,
        )
    canvas.setFont(FONT, 8)
    canvas.drawString(left + COL_ITEM, top - 9, _fit(row.title, COL_QTY - COL_ITEM - 8, 8))
    canvas.setFont(BOLD, 14)
    canvas.drawRightString(left + COL_QTY + 26, top - 12, str(row.quantity))
    canvas.setFont(FONT, SPLIT_FONT_SIZE)
    for i, line in enumerate(block.split_lines):
        canvas.drawString(left + COL_SPLIT, top - 9 - i * SPLIT_LINE, line)
    bottom = y - block.height
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.7)
    canvas.line(left, bottom + 1, width - MARGIN, bottom + 1)
    canvas.setStrokeGray(0)
    return bottom


def _fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` points."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"
