"""Code128 barcodes drawn with reportlab's own implementation (no extra library)."""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

#: narrowest bar in points; at 0.6 pt a 203 dpi label printer and phone cameras still read it
MIN_BAR_WIDTH = 0.6
BAR_WIDTH = 0.8


def code128(value: str, *, height: float, max_width: float | None = None) -> Code128:
    """A Code128 symbol for ``value``, its bars narrowed (not below MIN_BAR_WIDTH) to fit
    ``max_width``; quiet zones included in its width."""
    symbol = Code128(value, barHeight=height, barWidth=BAR_WIDTH, humanReadable=False)
    if max_width is not None and symbol.width > max_width:
        narrower = max(MIN_BAR_WIDTH, BAR_WIDTH * max_width / symbol.width)
        symbol = Code128(value, barHeight=height, barWidth=narrower, humanReadable=False)
    return symbol


def draw_code128(
    canvas: Canvas, value: str, x: float, y: float, *, height: float, max_width: float | None = None
) -> float:
    """Draw ``value`` as Code128 with its bottom-left corner at (x, y); returns its width."""
    symbol = code128(value, height=height, max_width=max_width)
    symbol.drawOn(canvas, x, y)
    return float(symbol.width)
