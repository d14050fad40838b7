"""Reading PDFs back in tests: text per page (pypdf), pages as images (pypdfium2), barcodes
decoded from those images (zxing-cpp), and PNG artifacts to look at."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

ARTIFACTS = Path(
    os.environ.get("MERCHANT_TEST_ARTIFACTS", Path(__file__).parent.parent / "test-artifacts")
)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def render_page(pdf: bytes, index: int = 0, *, dpi: int = 200) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def decode_barcodes(image: Image.Image) -> list[tuple[str, str]]:
    """(format, text) of every barcode zxing-cpp finds on the image."""
    return [(str(b.format), b.text) for b in zxingcpp.read_barcodes(image)]


def save_artifact(image: Image.Image, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    image.save(path)
    return path
