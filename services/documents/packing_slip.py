"""Packing slips: one page per order, with the store's details, the lines and a Code128
barcode of the order number (what the scan-to-pack screen reads first)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from services.documents.barcodes import code128_symbol, draw_code128
from services.documents.pick_list import BOLD, FONT, MARGIN, _fit
from services.orders.picking import PackingSlip
from services.wording import counted

LINE_HEIGHT = 16


def render_packing_slips(
    slips: Sequence[PackingSlip], *, page_size: tuple[float, float] = LETTER
) -> bytes:
    """The slips as PDF bytes: each order starts a new page (long orders continue on more)."""
    width, height = page_size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size, pageCompression=0)
    canvas.setTitle("Packing slips")
    for slip in slips:
        _slip(canvas, slip, width, height)
    canvas.save()
    return buffer.getvalue()


def address_lines(address: dict[str, Any] | None) -> list[str]:
    if not address:
        return []
    city = " ".join(
        p for p in (address.get("city"), address.get("province"), address.get("postal_code")) if p
    )
    parts = [
        address.get("name"),
        address.get("company"),
        address.get("line1"),
        address.get("line2"),
        city,
        address.get("country_code") or address.get("country"),
        address.get("phone"),
    ]
    return [str(p) for p in parts if p]


def _slip(canvas: Canvas, slip: PackingSlip, width: float, height: float) -> None:
    y = _top(canvas, slip, width, height, continued=False)
    for line in slip.lines:
        if y < MARGIN + 60:
            canvas.showPage()
            y = _top(canvas, slip, width, height, continued=True)
        canvas.setFont(FONT, 9)
        canvas.drawString(MARGIN, y, line.sku or "")
        canvas.drawString(MARGIN + 120, y, _fit(line.title, width - 2 * MARGIN - 200, 9))
        canvas.setFont(BOLD, 10)
        canvas.drawRightString(width - MARGIN, y, str(line.quantity))
        canvas.setStrokeGray(0.8)
        canvas.line(MARGIN, y - 5, width - MARGIN, y - 5)
        canvas.setStrokeGray(0)
        y -= LINE_HEIGHT
    y -= 10
    canvas.setFont(FONT, 9)
    total = sum(line.quantity for line in slip.lines)
    canvas.drawRightString(width - MARGIN, y, counted(total, "item"))
    if slip.note:
        canvas.drawString(MARGIN, y, _fit(f"Note: {slip.note}", width - 2 * MARGIN - 80, 9))
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, MARGIN, "Thank you for your order!")
    canvas.showPage()


def _top(
    canvas: Canvas,
    slip: PackingSlip,
    width: float,
    height: float,
    *,
    continued: bool,
) -> float:
    top = height - MARGIN
    store = slip.store
    canvas.setFont(BOLD, 16)
    canvas.drawString(MARGIN, top - 16, store.name)
    canvas.setFont(FONT, 9)
    y = top - 30
    for text in [*address_lines(store.address), store.email, store.phone]:
        if text:
            canvas.drawString(MARGIN, y, text)
            y -= 11
    canvas.setFont(BOLD, 14)
    title = "Packing slip" + (" (continued)" if continued else "")
    canvas.drawRightString(width - MARGIN, top - 16, title)
    canvas.setFont(BOLD, 12)
    canvas.drawRightString(width - MARGIN, top - 32, f"Order #{slip.number}")
    symbol = code128_symbol(str(slip.number), 32.0, 150)
    # quiet zones are part of the symbol's width: align the bars, not the zone, to the margin
    draw_code128(
        canvas,
        symbol.value,
        width - MARGIN - symbol.width + symbol.lquiet,
        top - 72,
        height=32,
        max_width=150,
    )
    canvas.setFont(FONT, 9)
    canvas.drawRightString(width - MARGIN, top - 84, f"Placed {slip.placed_at:%Y-%m-%d}")
    y = min(y, top - 96) - 10
    canvas.setFont(BOLD, 10)
    canvas.drawString(MARGIN, y, "Ship to")
    canvas.setFont(FONT, 10)
    y -= 13
    ship_to = address_lines(slip.ship_to) or [slip.customer]
    for text in ship_to + ([slip.email] if slip.email else []):
        canvas.drawString(MARGIN, y, text)
        y -= 12
    y -= 14
    canvas.setFont(BOLD, 9)
    canvas.drawString(MARGIN, y, "SKU")
    canvas.drawString(MARGIN + 120, y, "ITEM")
    canvas.drawRightString(width - MARGIN, y, "QTY")
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, y - 5, width - MARGIN, y - 5)
    return y - LINE_HEIGHT - 2
