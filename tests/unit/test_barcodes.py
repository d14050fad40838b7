"""Code128 drawn from a cached layout: the same bars as reportlab's own widget."""

from __future__ import annotations

import pytest

from services.documents.barcodes import MIN_BAR_WIDTH, code128, code128_symbol

VALUES = ["SKU-000042", "TSH-00183-OLI-L", "1234567", "#1001", "A", "Gift card 25", "0"]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("max_width", [None, 150, 90, 40])
def test_the_cached_layout_has_reportlabs_bars_size_and_quiet_zones(value, max_width) -> None:
    widget = code128(value, height=16, max_width=max_width)
    drawn: list[tuple[float, float]] = []
    widget.rect = lambda x, _y, w, _h: drawn.append((x, w))  # what draw() would paint
    widget.draw()
    symbol = code128_symbol(value, 16, max_width)
    assert symbol.width == pytest.approx(widget.width)
    assert symbol.lquiet == pytest.approx(widget.lquiet)
    assert symbol.bar == pytest.approx(widget.barWidth) and symbol.bar >= MIN_BAR_WIDTH
    assert symbol.bars() == [pytest.approx(bar) for bar in drawn]
