"""Preview a PDF in the app, print it, or save it: what every screen that prints uses (pick
lists and packing slips, reports, payment receipts)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from views import shortcuts
from views.wording import counted


class PdfPreviewDialog(QDialog):
    """Shows the document page by page; Ctrl+P prints, Ctrl+S saves.

    Attributes:
        document: the loaded QPdfDocument (``pageCount()`` for tests).
    """

    def __init__(
        self, title: str, pdf: bytes, file_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 1000)
        self._pdf = pdf
        self._file_name = file_name
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel(counted(self.document.pageCount(), "%Ln page(s)"))
        self.print_button = QPushButton("Print… (Ctrl+P)")
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("Save PDF… (Ctrl+S)")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        shortcuts.bind(
            shortcuts.PREVIEW, "Ctrl+P", self, self.print_document, button=self.print_button
        )
        shortcuts.bind(
            shortcuts.PREVIEW, "Ctrl+S", self, self._on_save_button_clicked, button=self.save_button
        )
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addStretch()
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Paint every page onto ``printer`` at its resolution."""
        painter = QPainter(printer)
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                area = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
                image = self.document.render(page, QSize(area.width(), area.height()))
                painter.drawImage(area.topLeft(), image)
        finally:
            painter.end()

    def _on_save_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save PDF", self._file_name, "PDF (*.pdf)")
        if path:
            with open(path, "wb") as file:
                file.write(self._pdf)
