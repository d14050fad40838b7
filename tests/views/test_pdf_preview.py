"""The shared PDF preview: any screen's document shown page by page, printed and saved."""

from __future__ import annotations

import io

from PySide6.QtGui import QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog
from reportlab.pdfgen.canvas import Canvas

from views.widgets.pdf_preview import PdfPreviewDialog


def _pdf(pages: int) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in range(pages):
        canvas.drawString(72, 720, f"Report page {n + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_a_report_previews_prints_every_page_and_saves(qtbot, tmp_path, monkeypatch) -> None:
    pdf = _pdf(3)
    dialog = PdfPreviewDialog("Sales report", pdf, "sales.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages.text() == "3 pages"
    assert dialog.windowTitle() == "Sales report"

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    dialog.print_to(printer)
    printed = QPdfDocument()
    printed.load(str(tmp_path / "printed.pdf"))
    assert printed.pageCount() == 3

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_: (str(tmp_path / "saved.pdf"), "PDF (*.pdf)")
    )
    dialog.save_button.click()
    assert (tmp_path / "saved.pdf").read_bytes() == pdf


def test_a_one_page_receipt_says_one_page(qtbot) -> None:
    dialog = PdfPreviewDialog("Receipt", _pdf(1), "receipt.pdf")
    qtbot.addWidget(dialog)
    assert dialog.pages.text() == "1 page"
