"""Showing a rendered PDF (QtPdf) and sending it to a printer (QtPrintSupport)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRect, QSize, QSizeF, Qt, QTemporaryDir
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

MM_PER_POINT = 25.4 / 72


class PdfPreview(QPdfView):
    """A scrolling view of every page of a PDF held in memory."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        # The document must outlive the view (the view's destructor still talks to it), so
        # it is a sibling created after the view: Qt deletes children in creation order.
        self.document = QPdfDocument(parent)
        self.setDocument(self.document)
        self.setPageMode(QPdfView.PageMode.MultiPage)
        self.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # QPdfDocument reads a file synchronously; a buffer would be read on its own thread.
        self._folder = QTemporaryDir()
        self._serial = 0
        self.data = b""

    def show_pdf(self, data: bytes) -> None:
        """Replace what is shown by ``data`` (a PDF)."""
        self.data = data
        self.document.close()
        self._serial += 1
        path = Path(self._folder.path()) / f"preview-{self._serial}.pdf"
        path.write_bytes(data)
        self.document.load(str(path))
        path.unlink(missing_ok=True)

    def clear(self) -> None:
        self.data = b""
        self.document.close()

    def page_count(self) -> int:
        return self.document.pageCount()


def paint_document(
    document: QPdfDocument,
    printer: QPrinter,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Draw every page of ``document`` onto ``printer`` at its resolution; returns pages sent.

    The pages are rendered as images at the printer's resolution (up to 300 dpi), which keeps
    Chinese text sharp on laser and dot-matrix printers alike. That is slow (a page takes a
    tenth of a second or more), so the window calls this off the GUI thread (QPainter may
    paint on a QPrinter from any thread); ``progress(done, total)`` hears after each page.
    """
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    dpi = min(printer.resolution(), 300)
    count = document.pageCount()
    for index in range(count):
        if index:
            printer.newPage()
        points = document.pagePointSize(index)
        size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
        image = document.render(index, size)
        target = painter.viewport()
        scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
        painter.drawImage(QRect(target.topLeft(), scaled), image)
        if progress is not None:
            progress(index + 1, count)
    painter.end()
    return count


def ask_printer(document: QPdfDocument, parent: QWidget, title: str) -> QPrinter | None:
    """Ask for a printer with the system print dialog; None when cancelled.

    The printer starts on the form's own paper size and orientation, without margins (the
    form carries its own)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    points = document.pagePointSize(0)
    width, height = points.width() * MM_PER_POINT, points.height() * MM_PER_POINT
    size = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Millimeter)
    landscape = width > height
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF()))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 — {title}")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return printer
