"""Stock counts: start one for a location, bin range or filter; count by scanning (bin label,
then items, each scan +1 or the quantity typed); see expected against counted; post.

Counting screen keys: a scan anywhere counts; digits then a scan count that many; Ctrl+Z undo
your last scan; Alt+I identify an unknown code, Esc skip it; F5 refresh; Ctrl+P post the count;
Alt+Left back to the list of counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.status import CountStatus
from services.errors import DomainError
from services.inventory.counts import (
    STATUS_LABELS,
    CountDetail,
    CountPosting,
    CountScanResult,
    CountScope,
    ScanFlag,
    ScanKind,
    VarianceLine,
    cancel_count,
    count_variances,
    get_count,
    list_counts,
    post_count,
    record_count,
    scan_for_count,
    start_count,
    undo_last_scan,
)
from services.inventory.locations import BinRow, list_bins
from views import shortcuts
from views.context import ViewContext
from views.inventory.common import (
    GREEN,
    MUTED,
    RED,
    ItemPickerDialog,
    LocationCombo,
    confirm_text,
    stretch_column,
    when,
)
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel, RowsTableModel
from views.widgets.scanner import ScanFeedback, ScannerInput
from views.widgets.table_view import ListView
from views.wording import counted


def _status(value: str) -> str:
    return STATUS_LABELS[CountStatus(value)]


def _variance_color(value: Any) -> str | None:
    if isinstance(value, int) and value:
        return RED if value < 0 else GREEN
    return None


def _state_color(value: Any) -> str | None:
    return {"short": RED, "over": GREEN, "not in count": MUTED, "not counted": MUTED}.get(value)


VARIANCE_COLUMNS = [
    Column("sku", "SKU", width=14),
    Column("name", "Item", width=26),
    Column("home_bin", "Home bin", width=8),
    Column("expected", "Expected", align=RIGHT, width=8),
    Column("counted", "Counted", align=RIGHT, width=8),
    Column("variance", "Difference", align=RIGHT, color=_variance_color, width=9),
    Column("state", "", color=_state_color, width=10),
]

SCAN_COLUMNS = [
    Column("time", "Time", width=6),
    Column("bin", "Bin", width=6),
    Column("item", "Item", width=24),
    Column("quantity", "Qty", align=RIGHT, width=4),
    Column("note", "", width=20),
]


class _VarianceRow:
    """A variance line as the table shows it."""

    def __init__(self, line: VarianceLine) -> None:
        self.line = line
        self.sku = line.variant.sku or ""
        self.name = line.variant.product_title + (
            ""
            if line.variant.variant_title == "Default Title"
            else f" - {line.variant.variant_title}"
        )
        self.home_bin = line.home_bin
        self.expected = line.expected
        self.counted = line.counted
        self.variance = line.variance
        self.state = line.state


class _ScanRow:
    def __init__(self, time: str, bin_: str, item: str, quantity: int, note: str) -> None:
        self.time, self.bin, self.item, self.quantity, self.note = time, bin_, item, quantity, note


class StartCountDialog(QDialog):
    """Where and what to count."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.result_detail: CountDetail | None = None
        self.setWindowTitle("Start a count")
        self.location = LocationCombo(context)
        self.location.location_changed.connect(self._on_location_changed)
        self.everything = QRadioButton("Everything at this location")
        self.by_bins = QRadioButton("Bins from")
        self.by_filter = QRadioButton("Items matching")
        self.everything.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.everything, self.by_bins, self.by_filter):
            group.addButton(button)
        self.first_bin = QComboBox(minimumWidth=90)
        self.last_bin = QComboBox(minimumWidth=90)
        self.vendor = QLineEdit(placeholderText="Vendor")
        self.product_type = QLineEdit(placeholderText="Product type")
        self.sku_prefix = QLineEdit(placeholderText="SKU starts with")
        for widget in (self.first_bin, self.last_bin):
            widget.activated.connect(lambda _: self.by_bins.setChecked(True))
        for edit in (self.vendor, self.product_type, self.sku_prefix):
            edit.textEdited.connect(lambda _: self.by_filter.setChecked(True))
        bins = QHBoxLayout()
        bins.addWidget(self.by_bins)
        bins.addWidget(self.first_bin)
        bins.addWidget(QLabel("to"))
        bins.addWidget(self.last_bin)
        bins.addStretch()
        matching = QHBoxLayout()
        matching.addWidget(self.by_filter)
        matching.addWidget(self.vendor)
        matching.addWidget(self.product_type)
        matching.addWidget(self.sku_prefix)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {RED};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start counting")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("Location", self.location)
        layout.addLayout(form)
        layout.addWidget(self.everything)
        layout.addLayout(bins)
        layout.addLayout(matching)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _on_location_changed(self, location_id: int | None) -> None:
        if location_id is None:
            return
        self.tasks.query(
            list_bins, self.context.store.unit_of_work(), location_id, on_done=self._on_bins
        )

    def _on_bins(self, bins: list[BinRow]) -> None:
        for combo in (self.first_bin, self.last_bin):
            combo.clear()
            for b in bins:
                combo.addItem(b.code)
        self.last_bin.setCurrentIndex(self.last_bin.count() - 1)
        self.by_bins.setEnabled(bool(bins))

    def scope(self) -> CountScope:
        if self.by_bins.isChecked() and self.first_bin.count():
            return CountScope(bins=(self.first_bin.currentText(), self.last_bin.currentText()))
        if self.by_filter.isChecked():
            return CountScope(
                vendor=self.vendor.text().strip() or None,
                product_type=self.product_type.text().strip() or None,
                sku_prefix=self.sku_prefix.text().strip() or None,
            )
        return CountScope()

    def start(self) -> None:
        location_id, scope = self.location.location_id, self.scope()
        if location_id is None:
            self.message.setText("Choose a location.")
            return
        self.tasks.change(
            lambda: start_count(
                self.context.store.unit_of_work(), self.context.actor, location_id, scope
            ),
            on_done=self._on_started,
            on_error=lambda error: self.message.setText(str(error)),
            busy=self.buttons,
        )

    def _on_started(self, detail: CountDetail) -> None:
        self.result_detail = detail
        self.accept()


class CountingScreen(QWidget):
    """Counting one count: the current bin, the outcome of each scan, the recent scans and the
    variances; undo, identify unknown codes, post.

    Attributes:
        detail: the count.
        bin_id, bin_code: the bin being counted (set by scanning its label).
        pending_code: an unknown code waiting to be identified or skipped.
    """

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.detail: CountDetail | None = None
        self.bin_id: int | None = None
        self.bin_code: str | None = None
        self.pending_code: str | None = None
        self._pending_quantity = 1
        self.on_back: Any = None
        self.dialog: QWidget | None = None

        self.heading = QLabel(objectName="pageTitle")
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.bin_label = QLabel()
        self.bin_label.setStyleSheet("font-size: 22px; font-weight: 600; padding: 4px 0;")
        self.feedback = ScanFeedback("Scan a bin label, then the items in it.")
        self.quantity = QSpinBox(minimum=-10_000, maximum=10_000, value=1)
        self.quantity.setPrefix("× ")
        self.quantity.setToolTip("Units the next scan counts (back to 1 after it); type it first")
        self.unknown = QWidget()
        unknown_layout = QHBoxLayout(self.unknown)
        unknown_layout.setContentsMargins(0, 0, 0, 0)
        self.unknown_label = QLabel()
        self.identify_button = QPushButton("&Identify item… (Alt+I)")
        self.identify_button.clicked.connect(self.identify)
        self.skip_button = QPushButton("Skip (Esc)")
        self.skip_button.clicked.connect(self.skip_unknown)
        unknown_layout.addWidget(self.unknown_label, 1)
        unknown_layout.addWidget(self.identify_button)
        unknown_layout.addWidget(self.skip_button)
        self.unknown.hide()

        self.scans = RowsTableModel(SCAN_COLUMNS, self)
        self.scan_table = QTableView()
        self.scan_table.setModel(self.scans)
        self.scan_table.verticalHeader().hide()
        self.scan_table.setWordWrap(False)
        self.scan_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        stretch_column(self.scan_table, 2)
        for column, width in ((0, 70), (1, 70), (3, 44), (4, 150)):
            self.scan_table.setColumnWidth(column, width)
        self.variances = RowsTableModel(VARIANCE_COLUMNS, self)
        self.variance_table = QTableView()
        self.variance_table.setModel(self.variances)
        self.variance_table.verticalHeader().hide()
        self.variance_table.setAlternatingRowColors(True)
        self.variance_table.setWordWrap(False)
        stretch_column(self.variance_table, 1)
        for column, width in ((0, 150), (2, 80), (3, 76), (4, 76), (5, 82), (6, 96)):
            self.variance_table.setColumnWidth(column, width)
        self.variance_filter = QComboBox()
        for label in ("All lines", "Differences only", "Not counted yet", "Not in this count"):
            self.variance_filter.addItem(label)
        self.variance_filter.currentIndexChanged.connect(lambda _: self._show_variances())
        self.totals = QLabel()
        self._lines: list[VarianceLine] = []

        self.undo_button = QPushButton("Undo my last scan (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        self.refresh_button = QPushButton("Refresh (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.post_button = QPushButton("Post count… (Ctrl+P)")
        self.post_button.clicked.connect(self.post)
        self.cancel_button = QPushButton("Cancel count…")
        self.cancel_button.clicked.connect(self.cancel)
        self.back_button = QPushButton("← Counts (Alt+Left)")
        self.back_button.clicked.connect(self.back)

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.heading, 1)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.bin_label)
        scan_row.addStretch()
        scan_row.addWidget(QLabel("Next scan counts"))
        scan_row.addWidget(self.quantity)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Recent scans"))
        left_layout.addWidget(self.scan_table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        variance_top = QHBoxLayout()
        variance_top.addWidget(QLabel("Expected against counted"))
        variance_top.addStretch()
        variance_top.addWidget(self.totals)
        variance_top.addWidget(self.variance_filter)
        right_layout.addLayout(variance_top)
        right_layout.addWidget(self.variance_table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.post_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(scan_row)
        layout.addWidget(self.feedback)
        layout.addWidget(self.unknown)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.scanner = ScannerInput(self)
        self.scanner.scanned.connect(self.on_scanned)
        self._refresh_timer = QTimer(self, singleShot=True, interval=300)
        self._refresh_timer.timeout.connect(self._load_variances)
        for key, slot in (
            ("Ctrl+Z", self.undo),
            ("F5", self.refresh),
            ("Ctrl+P", self.post),
            ("Alt+Left", self.back),
            ("Escape", self.skip_unknown),
        ):
            shortcuts.bind(shortcuts.COUNTING, key, self, slot)

    def hideEvent(self, event: Any) -> None:
        # a screen no one sees does not refresh; it reloads when shown again
        self._refresh_timer.stop()
        super().hideEvent(event)

    # -- loading ---------------------------------------------------------------------------

    def open(self, detail: CountDetail) -> None:
        self.detail = detail
        self.bin_id = self.bin_code = None
        self.pending_code = None
        self.unknown.hide()
        self.scans.set_rows([])
        self._show_detail(detail)
        self.feedback.show_result(
            "idle",
            "Scan a bin label, then the items in it."
            if detail.location_has_bins
            else "Scan the items; each scan counts one.",
            sound=False,
        )
        self._load_variances()
        self.setFocus()

    def _show_detail(self, detail: CountDetail) -> None:
        self.detail = detail
        self.heading.setText(
            f"{detail.number} · {detail.location_name} · {detail.scope.describe()} · "
            f"{_status(detail.status)}"
        )
        by = f" by {detail.started_by}" if detail.started_by else ""
        self.summary.setText(
            f"Started {when(detail.created_at)}{by} · "
            + counted(detail.scanned_units, "%Ln unit(s) of ")
            + counted(detail.counted_items, "%Ln item(s) counted so far")
        )
        self._show_bin()
        is_open = detail.status == CountStatus.OPEN
        can = self.context.can("inventory.count") and is_open
        for button in (self.undo_button, self.post_button, self.cancel_button):
            button.setEnabled(can)
        self.scanner.enabled = can

    def _show_bin(self) -> None:
        if self.detail is not None and not self.detail.location_has_bins:
            self.bin_label.setText("No bins here")
        else:
            self.bin_label.setText(
                f"Bin {self.bin_code}" if self.bin_code else "Bin: scan a bin label"
            )

    def refresh(self) -> None:
        self._load_variances()

    def _load_variances(self) -> None:
        if self.detail is None:
            return
        self.tasks.query(
            get_count, self.context.store.unit_of_work(), self.detail.id, on_done=self._show_detail
        )
        self.tasks.query(
            count_variances,
            self.context.store.unit_of_work(),
            self.detail.id,
            on_done=self._on_variances,
            label="Comparing",
        )

    def _on_variances(self, lines: list[VarianceLine]) -> None:
        self._lines = lines
        self._show_variances()

    def _show_variances(self) -> None:
        choice = self.variance_filter.currentIndex()
        keep = {
            0: lambda line: True,
            1: lambda line: line.in_scope and line.variance != 0,
            2: lambda line: line.state == "not counted",
            3: lambda line: not line.in_scope,
        }[choice]
        self.variances.set_rows([_VarianceRow(line) for line in self._lines if keep(line)])
        posted = [line for line in self._lines if line.in_scope]
        differing = [line for line in posted if line.variance]
        self.totals.setText(
            counted(len(posted), "%Ln line(s)") + f" · {len(differing)} differ · "
            f"+{sum(v.variance for v in differing if v.variance > 0)} / "
            f"{sum(v.variance for v in differing if v.variance < 0)} units"
        )

    # -- scanning --------------------------------------------------------------------------

    def on_scanned(self, code: str) -> None:
        if self.detail is None:
            return
        quantity = self.quantity.value() or 1
        self.quantity.setValue(1)
        count_id, bin_id = self.detail.id, self.bin_id
        self.tasks.change(
            lambda: scan_for_count(
                self.context.store.unit_of_work(),
                self.context.actor,
                count_id,
                code,
                bin_id=bin_id,
                quantity=quantity,
            ),
            on_done=lambda result: self._on_scan_result(result, quantity),
            on_error=self._on_failed,
            label="Counting",
        )

    def _on_scan_result(self, result: CountScanResult, quantity: int) -> None:
        if result.kind is ScanKind.BIN:
            self.bin_id, self.bin_code = result.bin_id, result.bin_code
            self._show_bin()
            self.feedback.show_result("ok" if result.ok else "warn", result.message)
            return
        if result.kind is ScanKind.UNKNOWN:
            self.pending_code, self._pending_quantity = result.code, quantity
            self.unknown_label.setText(f"Code {result.code} is on no item:")
            self.unknown.show()
            self.feedback.show_result("error", result.message)
            return
        if result.kind is ScanKind.AMBIGUOUS:
            self.feedback.show_result("warn", result.message)
            self._choose(result.code, list(result.candidates), quantity)
            return
        if result.kind is ScanKind.NEED_BIN:
            self.feedback.show_result("error", result.message)
            return
        self._counted(result)

    def _counted(self, result: CountScanResult) -> None:
        self.unknown.hide()
        kind = "ok" if result.ok else "warn"
        if ScanFlag.NOT_IN_COUNT in result.flags:
            kind = "error"
        self.feedback.show_result(kind, result.message)
        variant = result.variant
        assert variant is not None
        notes = ", ".join(f.value.replace("_", " ") for f in result.flags)
        rows = self.scans.rows()
        rows.insert(
            0,
            _ScanRow(
                datetime.now().strftime("%H:%M:%S"),
                result.bin_code or "",
                variant.label,
                result.quantity,
                notes,
            ),
        )
        self.scans.set_rows(rows[:200])
        self._refresh_timer.start()

    def _on_failed(self, error: BaseException) -> None:
        if isinstance(error, DomainError):
            self.feedback.show_result("error", str(error))
        else:
            self.tasks.report_error(error, self)

    def identify(self) -> None:
        if self.pending_code is None:
            return
        self._choose(self.pending_code, [], self._pending_quantity)

    def _choose(self, code: str, candidates: list[Any], quantity: int) -> None:
        picker = ItemPickerDialog(
            self.context,
            title="Which item is this?",
            prompt=f"Code {code}: find the item it is on (SKU, title or another barcode).",
            candidates=candidates or None,
            parent=self,
        )
        self.dialog = picker
        picker.accepted.connect(lambda: self._record_chosen(picker, code, quantity))
        picker.show()

    def _record_chosen(self, picker: ItemPickerDialog, code: str, quantity: int) -> None:
        if picker.chosen is None or self.detail is None:
            return
        count_id, bin_id, variant_id = self.detail.id, self.bin_id, picker.chosen.variant_id
        self.pending_code = None
        self.tasks.change(
            lambda: record_count(
                self.context.store.unit_of_work(),
                self.context.actor,
                count_id,
                variant_id,
                quantity=quantity,
                bin_id=bin_id,
                code=code,
            ),
            on_done=lambda result: self._on_scan_result(result, quantity),
            on_error=self._on_failed,
            label="Counting",
        )

    def skip_unknown(self) -> None:
        if self.pending_code is None:
            return
        self.feedback.show_result("idle", f"Skipped {self.pending_code}.", sound=False)
        self.pending_code = None
        self.unknown.hide()

    def undo(self) -> None:
        if self.detail is None or not self.undo_button.isEnabled():
            return
        count_id = self.detail.id
        self.tasks.change(
            lambda: undo_last_scan(self.context.store.unit_of_work(), self.context.actor, count_id),
            on_done=self._on_undone,
            on_error=self._on_failed,
            label="Undoing",
        )

    def _on_undone(self, result: CountScanResult | None) -> None:
        if result is None:
            self.feedback.show_result("warn", "Nothing of yours left to undo in this count.")
            return
        self.feedback.show_result("warn", result.message)
        rows = self.scans.rows()
        if rows:
            rows[0].note = "undone"
        self.scans.set_rows(rows)
        self._refresh_timer.start()

    # -- closing ---------------------------------------------------------------------------

    def post(self) -> None:
        """Read the variances afresh, ask with them, then post."""
        if self.detail is None or not self.post_button.isEnabled():
            return
        self._refresh_timer.stop()
        self.tasks.query(
            count_variances,
            self.context.store.unit_of_work(),
            self.detail.id,
            on_done=self._confirm_post,
            label="Comparing",
        )

    def _confirm_post(self, lines: list[VarianceLine]) -> None:
        self._on_variances(lines)
        if self.detail is None:
            return
        posted = [line for line in self._lines if line.in_scope and line.variance]
        outside = [line for line in self._lines if not line.in_scope]
        uncounted = [line for line in self._lines if line.state == "not counted"]
        # the verb agrees with the number too
        items = counted(len(posted), "%Ln item changes" if len(posted) == 1 else "%Ln items change")
        text = (
            f"Post {self.detail.number}? {items} on hand "
            f"(+{sum(v.variance for v in posted if v.variance > 0)} / "
            f"{sum(v.variance for v in posted if v.variance < 0)} units), as movements with "
            "reason Count."
        )
        if uncounted:
            text += (
                f"\n\n{len(uncounted)} of the items expected here were not counted: "
                "their on hand goes to 0."
            )
        if outside:
            text += f"\n{len(outside)} of the items found are outside this count: not posted."
        if not confirm_text(self, "Post count", text):
            return
        count_id, version = self.detail.id, self.detail.version
        self.tasks.change(
            lambda: post_count(
                self.context.store.unit_of_work(), self.context.actor, count_id, version=version
            ),
            on_done=self._on_posted,
            on_error=self._on_failed,
            label="Posting the count",
            busy=self.post_button,
        )

    def _on_posted(self, posting: CountPosting) -> None:
        self.feedback.show_result(
            "ok",
            f"{posting.number} posted: "
            + counted(posting.adjusted_lines, "%Ln item(s) adjusted")
            + f" (+{posting.units_added} / -{posting.units_removed}).",
        )
        self.refresh()

    def cancel(self) -> None:
        if self.detail is None or not self.cancel_button.isEnabled():
            return
        if not confirm_text(
            self, "Cancel count", f"Cancel {self.detail.number}? Nothing will be posted."
        ):
            return
        count_id = self.detail.id
        self.tasks.change(
            lambda: cancel_count(self.context.store.unit_of_work(), self.context.actor, count_id),
            on_done=self._show_detail,
            on_error=self._on_failed,
        )

    def back(self) -> None:
        if callable(self.on_back):
            self.on_back()


class CountsTab(QWidget):
    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.dialog: QWidget | None = None
        self.stack = QStackedWidget()
        listing = QWidget()
        self.status = QComboBox()
        for label, value in (
            ("Open counts", "open"),
            ("All counts", None),
            ("Posted", "posted"),
            ("Cancelled", "cancelled"),
        ):
            self.status.addItem(label, value)
        self.status.currentIndexChanged.connect(lambda _: self._apply_filter())
        self.model = KeysetTableModel(
            [
                Column("number", "Count", width=9),
                Column("status", "Status", format=_status, width=9),
                Column("location_name", "Location", width=16),
                Column("scope", "Covers", width=26),
                Column("started_by", "Started by", width=16),
                Column("created_at", "Started", format=when, width=16),
                Column("posted_at", "Posted", format=when, width=16),
            ],
            lambda request: list_counts(context.store.unit_of_work(), request),
            context.tasks,
        )
        self.list = ListView(self.model, settings=context.settings, settings_key="inventory/counts")
        self.list.setSortingEnabled(False)
        self.list.doubleClicked.connect(lambda _: self.open_selected())
        stretch_column(self.list, 3)
        self.empty = QLabel(
            "No counts here. Start one with Ctrl+N: a whole location, a range of bins, or the "
            "items of a vendor, a type or a SKU prefix."
        )
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 24px;")
        self.empty.hide()
        self.model.loaded.connect(self._on_loaded)
        self.start_button = QPushButton(
            "Start a count… (Ctrl+N)", enabled=context.can("inventory.count")
        )
        self.start_button.clicked.connect(self.open_start)
        self.open_button = QPushButton("Count (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addStretch()
        top.addWidget(self.open_button)
        top.addWidget(self.start_button)
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addLayout(top)
        listing_layout.addWidget(self.list, 1)
        listing_layout.addWidget(self.empty)
        self.screen = CountingScreen(context)
        self.screen.on_back = self.show_list
        self.stack.addWidget(listing)
        self.stack.addWidget(self.screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        shortcuts.bind(shortcuts.COUNTS, "Ctrl+N", listing, self.open_start)
        shortcuts.bind(shortcuts.COUNTS, "Return", self.list, self.open_selected)
        self._apply_filter()

    def _on_loaded(self, count: int) -> None:
        self.empty.setVisible(count == 0)
        self.list.setVisible(count > 0)

    def _apply_filter(self) -> None:
        status = self.status.currentData()
        self.model.set_query(filters={"status": status} if status else {})

    def reload(self) -> None:
        if self.stack.currentWidget() is self.screen:
            self.screen.refresh()
        self.model.reload()

    def open_start(self) -> None:
        if not self.context.can("inventory.count"):
            return
        dialog = StartCountDialog(self.context, self)
        self.dialog = dialog
        dialog.accepted.connect(
            lambda: dialog.result_detail and self.open_count(dialog.result_detail)
        )
        dialog.show()

    def open_selected(self) -> None:
        row = self.list.current_row()
        if row is None:
            return
        self.tasks.query(
            get_count, self.context.store.unit_of_work(), row.id, on_done=self.open_count
        )

    def open_count(self, detail: CountDetail) -> None:
        self.stack.setCurrentWidget(self.screen)
        self.screen.open(detail)
        self.model.reload()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.model.reload()
        self.list.setFocus()


__all__ = ["CountingScreen", "CountsTab", "StartCountDialog"]
