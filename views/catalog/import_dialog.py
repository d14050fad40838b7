"""Importing and exporting product files.

The import dialog checks the file first (the dry run: every row with what would happen and
why), lets the merchant decide what to do with rows that cannot be taken as they are (for every
such row, or for selected rows), checks again, and imports all or nothing, with a progress bar
and a way to cancel. The export dialog writes a Shopify product CSV of all products or of the
list's filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from services.catalog.queries import CatalogFilter
from services.exports.products import ExportResult, HeaderStyle, export_products_csv
from services.imports.products import import_products, plan_product_import
from services.imports.records import (
    Choice,
    ImportPlan,
    ImportResult,
    IssueKind,
    Outcome,
    Resolutions,
    RowResult,
)
from services.imports.table import ENCODINGS
from views.context import ViewContext
from views.tasks import Task
from views.widgets.lazy_table import RIGHT, Column, RowsTableModel
from views.wording import counted

OUTCOME_COLORS = {
    Outcome.CREATE: "#1e7d32",
    Outcome.UPDATE: "#1a73e8",
    Outcome.UNCHANGED: "#80868b",
    Outcome.REJECT: "#c5221f",
    Outcome.SKIP: "#8a6d00",
}
OUTCOME_WORDS = {
    Outcome.CREATE: "New",
    Outcome.UPDATE: "Changes",
    Outcome.UNCHANGED: "Unchanged",
    Outcome.REJECT: "Rejected",
    Outcome.SKIP: "Skipped",
}


def _notes(row: RowResult) -> str:
    """The row's issues, less the one a rejection already says."""
    return "; ".join(
        i.message for i in row.issues if not (i.blocking and row.outcome is Outcome.REJECT)
    )


def _everything(row: RowResult) -> str:
    return "\n".join([*row.reasons, *(i.message for i in row.issues)])


def plan_model(parent: Any = None) -> RowsTableModel:
    """The dry run's rows: line, what happens, handle, SKU, and why."""
    return RowsTableModel(
        [
            Column("line", "Line", align=RIGHT, tooltip=_everything),
            Column(
                "spreadsheet_row",
                "Row",
                align=RIGHT,
                value=lambda row: row.spreadsheet_row or row.line,
                tooltip=lambda row: "The row a spreadsheet shows this record on",
            ),
            Column(
                "outcome",
                "Result",
                format=OUTCOME_WORDS.__getitem__,
                color=OUTCOME_COLORS.__getitem__,
                tooltip=_everything,
            ),
            Column("handle", "Handle", tooltip=_everything),
            Column("sku", "SKU", tooltip=_everything),
            Column(
                "reasons",
                "What happens",
                value=lambda row: "; ".join(row.reasons),
                tooltip=_everything,
            ),
            Column("notes", "Notes", value=_notes, tooltip=_everything),
        ],
        parent,
    )


class ImportDialog(QDialog):
    """Signals:
    imported(object): the ImportResult after a successful import.

    Attributes:
        path: the chosen file; plan: the latest dry run; decisions: a combo per kind of
        issue the plan raised; table, model: the rows.
    """

    imported = Signal(object)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self.by_line: dict[tuple[int, IssueKind], Choice] = {}
        self.decisions: dict[IssueKind, QComboBox] = {}
        self._task: Task | None = None
        self.setWindowTitle("Import products")
        self.resize(1100, 700)

        self.file = QLineEdit(readOnly=True, placeholderText="A Shopify or WooCommerce product CSV")
        choose = QPushButton("Choose file…")
        choose.clicked.connect(self._choose)
        self.encoding = QComboBox()
        self.encoding.addItem("Automatic (UTF-8)", None)
        for code, label in ENCODINGS.items():
            if code != "utf-8":
                self.encoding.addItem(label, code)
        self.check_button = QPushButton("Check file")
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.check)
        top = QHBoxLayout()
        top.addWidget(self.file, 1)
        top.addWidget(choose)
        top.addWidget(QLabel("Encoding"))
        top.addWidget(self.encoding)
        top.addWidget(self.check_button)

        self.summary = QLabel(wordWrap=True, objectName="importSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.decisions_box = QFormLayout()
        self.show_rows = QComboBox()
        self.show_rows.addItem("Problems and changes", "changes")
        self.show_rows.addItem("Rejected rows only", "rejected")
        self.show_rows.addItem("Every row", "all")
        self.show_rows.currentIndexChanged.connect(lambda _: self._fill_rows())
        self.row_choice = QComboBox()
        self.row_choice.addItem("For the selected rows…", None)
        for choice in Choice:
            self.row_choice.addItem(choice.label, choice)
        self.row_choice.activated.connect(self._decide_selected)
        rows_bar = QHBoxLayout()
        rows_bar.addWidget(QLabel("Show"))
        rows_bar.addWidget(self.show_rows)
        rows_bar.addStretch(1)
        rows_bar.addWidget(self.row_choice)

        self.model = plan_model(self)
        self.table = QTableView(objectName="planRows")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_selected)
        self.detail = QLabel(wordWrap=True, objectName="rowDetail")
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setMinimumHeight(48)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self._cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(self.decisions_box)
        layout.addLayout(rows_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(bottom)
        context.tasks.progressed.connect(self._on_progress)

    # -- the file and the dry run ----------------------------------------------------------

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import products", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self.set_file(Path(path))

    def set_file(self, path: Path) -> None:
        self.path = path
        self.file.setText(str(path))
        self.by_line.clear()
        self.check_button.setEnabled(True)
        self.check()

    def resolutions(self) -> Resolutions:
        by_kind = {
            kind: combo.currentData()
            for kind, combo in self.decisions.items()
            if combo.currentData() is not None
        }
        return Resolutions(
            by_kind=by_kind, by_line=dict(self.by_line), encoding=self.encoding.currentData()
        )

    def check(self) -> None:
        if self.path is None:
            return
        self.import_button.setEnabled(False)
        self.summary.setText("Checking every row…")
        self._task = self.context.tasks.change(
            plan_product_import,
            self.context.store.unit_of_work(),
            self.path.read_bytes(),
            resolutions=self.resolutions(),
            label="Checking the file",
            busy=self.check_button,
            with_progress=True,
            on_done=self._on_plan,
        )
        self._show_progress(True)

    def _on_plan(self, plan: ImportPlan) -> None:
        self._show_progress(False)
        self.plan = plan
        p, v = plan.products, plan.variants
        lines = [
            f"<b>{plan.format}</b>, read as {ENCODINGS.get(plan.encoding, plan.encoding)}.",
            f"Products: <b>{p.create}</b> new, <b>{p.update}</b> changed, {p.unchanged} "
            f"unchanged{_extra(p.reject, 'rejected')}{_extra(p.skip, 'skipped')}. "
            f"Variants: <b>{v.create}</b> new, <b>{v.update}</b> changed, {v.unchanged} "
            f"unchanged{_extra(v.reject, 'rejected')}{_extra(v.skip, 'skipped')}. "
            f"New images: {plan.images_new}.",
        ]
        lines += [_escape(n) for n in plan.notes]
        if plan.not_imported_columns:
            lines.append(
                "Not imported (no place for them in the catalog): "
                + _escape(", ".join(plan.not_imported_columns))
            )
        if plan.rejected:
            lines.append(
                "<span style='color:#c5221f'><b>"
                + counted(len(plan.rejected), "%Ln rejected row(s)")
                + "</b>: nothing is imported until each "
                "is fixed in the file or decided below.</span>"
            )
        elif plan.changes_anything:
            lines.append("<span style='color:#1e7d32'>Ready to import.</span>")
        else:
            lines.append("Nothing to import: the catalog already holds this file.")
        self.summary.setText("<br>".join(lines))
        self._fill_decisions(plan)
        self._fill_rows()
        self.import_button.setEnabled(
            plan.can_apply and plan.changes_anything and self.context.can("catalog.import")
        )

    def _fill_decisions(self, plan: ImportPlan) -> None:
        grouped = plan.issues_by_kind()
        previous = {k: c.currentData() for k, c in self.decisions.items()}
        while self.decisions_box.rowCount():
            self.decisions_box.removeRow(0)
        self.decisions.clear()
        for kind, issues in grouped.items():
            if not kind.choices or (not kind.blocking and kind is not IssueKind.NO_SKU):
                continue
            combo = QComboBox()
            combo.setMaximumWidth(380)
            combo.addItem("Decide…" if kind.blocking else "Import as they are", None)
            for choice in kind.choices:
                combo.addItem(choice.label, choice)
            wanted = previous.get(kind)
            if wanted is not None:
                combo.setCurrentIndex(combo.findData(wanted))
            combo.activated.connect(lambda _: self.check())
            self.decisions[kind] = combo
            rows = len({i.line for i in issues})
            self.decisions_box.addRow(f"{kind.label} (" + counted(rows, "%Ln row(s)") + "):", combo)

    def decide(self, kind: IssueKind, choice: Choice) -> None:
        """Choose what happens to every row with this kind of issue, and check again."""
        combo = self.decisions[kind]
        combo.setCurrentIndex(combo.findData(choice))
        self.check()

    def _fill_rows(self) -> None:
        if self.plan is None:
            return
        show = self.show_rows.currentData()
        rows = list(self.plan.rows)
        if show == "rejected":
            rows = [r for r in rows if r.outcome is Outcome.REJECT]
        elif show == "changes":
            rows = [r for r in rows if r.outcome is not Outcome.UNCHANGED or r.issues]
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(5, min(self.table.columnWidth(5), 560))

    def _on_row_selected(self, current: QModelIndex, _: QModelIndex) -> None:
        if not current.isValid() or current.row() >= self.model.rowCount():
            self.detail.clear()
            return
        row = self.model.row(current.row())
        parts = [f"<b>{row.where.capitalize()}: {OUTCOME_WORDS[row.outcome]}</b>"]
        parts += [_escape(r) for r in row.reasons]
        for issue in row.issues:
            choices = " or ".join(c.label.lower() for c in issue.choices)
            hint = f" <i>(choose: {choices})</i>" if issue.blocking and choices else ""
            parts.append(f"• {_escape(issue.message)}{hint}")
        self.detail.setText("<br>".join(parts))

    def _decide_selected(self, _: int) -> None:
        choice = self.row_choice.currentData()
        self.row_choice.setCurrentIndex(0)
        if choice is None:
            return
        for index in self.table.selectionModel().selectedRows():
            row = self.model.row(index.row())
            for issue in row.issues:
                if choice in issue.choices:
                    self.by_line[(row.line, issue.kind)] = choice
        self.check()

    # -- importing -------------------------------------------------------------------------

    def run_import(self) -> None:
        if self.path is None or self.plan is None or not self.plan.can_apply:
            return
        self._task = self.context.tasks.change(
            import_products,
            self.context.store.unit_of_work(),
            self.context.actor,
            self.path.read_bytes(),
            filename=self.path.name,
            resolutions=self.resolutions(),
            label="Importing products",
            busy=self.import_button,
            with_progress=True,
            on_done=self._on_imported,
            on_error=self._on_import_failed,
        )
        self._show_progress(True, cancellable=True)

    def _on_imported(self, result: ImportResult) -> None:
        self._show_progress(False)
        p, v = result.plan.products, result.plan.variants
        self.summary.setText(
            f"Imported {self.path.name if self.path else 'the file'}: {p.create} new and "
            + counted(p.update, "%Ln changed product(s), ")
            + f"{v.create} new and "
            + counted(v.update, "%Ln changed variant(s).")
        )
        self.import_button.setEnabled(False)
        self.imported.emit(result)

    def _on_import_failed(self, error: BaseException) -> None:
        self._show_progress(False)
        self.context.tasks.report_error(error, self)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.summary.setText("Cancelled: nothing was imported.")
            self._show_progress(False)

    def _show_progress(self, on: bool, *, cancellable: bool = False) -> None:
        self.progress.setVisible(on)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(on and cancellable)

    def _on_progress(self, label: str, done: int, total: int, text: str) -> None:
        if self.progress.isVisible() and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(text or label)


class ExportDialog(QDialog):
    """Export all products, or those the list's filter matches, as a Shopify product CSV.

    Signals:
        exported(object): the ExportResult.
    """

    exported = Signal(object)

    def __init__(
        self, context: ViewContext, matching: CatalogFilter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.matching = matching
        self.setWindowTitle("Export products")
        self.all_products = QRadioButton("All products", checked=True)
        self.filtered = QRadioButton("Products with a variant the list's filter shows")
        self.headers = QComboBox()
        self.headers.addItem(
            "Shopify, classic columns (Handle, Variant SKU, …)", HeaderStyle.CLASSIC
        )
        self.headers.addItem("Shopify, 2025 columns (URL handle, SKU, …)", HeaderStyle.CURRENT)
        self.message = QLabel(wordWrap=True)
        form = QFormLayout(self)
        form.addRow(self.all_products)
        form.addRow(self.filtered)
        form.addRow("Columns", self.headers)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export products", "products_export.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        matching = self.matching if self.filtered.isChecked() else None
        self.message.setText("Writing the file…")
        self.context.tasks.query(
            _write,
            self.context.store.unit_of_work(),
            path,
            matching,
            self.headers.currentData(),
            label="Exporting products",
            busy=self.save_button,
            on_done=lambda result: self._on_done(path, result),
        )

    def _on_done(self, path: Path, result: ExportResult) -> None:
        message = (
            "Wrote "
            + counted(result.products, "%Ln product(s), ")
            + counted(result.variants, "%Ln variant(s) ")
            + f"to {path.name}."
        )
        if result.images_without_address:
            message += (
                " "
                + counted(result.images_without_address, "%Ln image(s) uploaded from files")
                + " have no web address and are not in the file."
            )
        self.message.setText(message)
        self.exported.emit(result)


def _write(
    uow: Any, path: Path, matching: CatalogFilter | None, style: HeaderStyle
) -> ExportResult:
    with path.open("w", encoding="utf-8", newline="") as out:
        return export_products_csv(uow, out, matching=matching, style=style)


def _extra(count: int, word: str) -> str:
    return f", <b>{count}</b> {word}" if count else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
