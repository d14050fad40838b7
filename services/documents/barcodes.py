"""Code128 barcodes: reportlab's own encoding (no extra library), drawn cheaply.

Drawing a reportlab ``Code128`` widget costs a ``rect`` call per bar, each formatting its four
numbers in pure Python (reportlab's C accelerator is an optional extra), which dominates
rendering a long pick list. Here each distinct value is encoded once (cached across
documents) into a ready PDF path in module units, and drawing it is one string appended to
the page, scaled to its bar width and height. Not a Form XObject per value: a pick list's
values hardly repeat (one row per SKU, one entry per order), and each form would be a PDF
object of its own to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
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


@dataclass(frozen=True)
class Symbol:
    """A Code128 symbol laid out: its size (quiet zones included, as reportlab measures it),
    its bar width and its bars as PDF path operators in modules (one module: the narrowest
    bar, one unit high), to be scaled by ``bar`` and ``height``."""

    value: str
    width: float
    height: float
    bar: float
    lquiet: float
    modules: str

    def bars(self) -> list[tuple[float, float]]:
        """(left, width) of each bar in points from the symbol's left edge."""
        out = []
        for op in self.modules.split("\n"):
            x, _, w, _, _ = op.split()
            out.append((self.lquiet + int(x) * self.bar, int(w) * self.bar))
        return out


@lru_cache(maxsize=16384)
def _modules(value: str) -> tuple[int, str]:
    """``value``'s Code128 bars, by reportlab's encoding: (width in modules, PDF rects)."""
    symbol = Code128(value, barHeight=1, barWidth=1, quiet=0, humanReadable=False)
    symbol.width  # noqa: B018 -- lays the symbol out: encoded, decomposed, measured
    left, rects = 0, []
    # reportlab's decomposition (MultiWidthBarcode.draw): a lowercase letter is a space and
    # an uppercase one a bar, each as many modules wide as the letter's rank
    for c in symbol.decomposed:
        if "a" <= c <= "z":
            left += ord(c) - 96
        elif "A" <= c <= "Z":
            w = ord(c) - 64
            rects.append(f"{left} 0 {w} 1 re")
            left += w
    return left, "\n".join(rects)


def _quiet(bar: float) -> float:
    """Code128's quiet zone for a bar width (reportlab's rule)."""
    return max(inch * 0.25, bar * 10.0)


def code128_symbol(value: str, height: float, max_width: float | None = None) -> Symbol:
    """``value`` as Code128 bars ``height`` high, narrowed to ``max_width`` as ``code128``
    does: the same bars reportlab's widget draws. The encoding is computed once per value."""
    modules, rects = _modules(value)
    bar = BAR_WIDTH
    width = modules * bar + 2 * _quiet(bar)
    if max_width is not None and width > max_width:
        bar = max(MIN_BAR_WIDTH, BAR_WIDTH * max_width / width)
        width = modules * bar + 2 * _quiet(bar)
    return Symbol(value, width, float(height), bar, _quiet(bar), rects)


def draw_code128(
    canvas: Canvas, value: str, x: float, y: float, *, height: float, max_width: float | None = None
) -> Symbol:
    """Draw ``value`` as Code128 in black with its bottom-left corner (quiet zone included)
    at (x, y); the graphics state is left as it was."""
    symbol = code128_symbol(value, float(height), max_width)
    canvas.addLiteral(
        f"q 0 g {symbol.bar:.5f} 0 0 {symbol.height:.3f} {x + symbol.lquiet:.3f} {y:.3f} cm\n"
        f"{symbol.modules}\nf Q"
    )
    return symbol


def forget_encodings() -> None:
    """Drop the cached encodings, so the next drawing of each value encodes it again (for
    measuring a first render)."""
    _modules.cache_clear()
