"""Import a Shopify inventory CSV: a dry run first, saying which layout the file is in, which
figure it sets and how, and every row it leaves alone; a choice for each location the file
names that the store lacks (one of the store's locations, or a new one); then the import.

Keyboard: Enter imports once the dry run has nothing left to choose; Esc closes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from services.inventory.locations import LocationRow, list_locations
from services.inventory.shopify_csv import ImportReport, import_inventory_csv
from views.context import ViewContext
from views.inventory.common import MUTED

#: the choice in a location's drop-down that makes a new location of the file's name
CREATE = "create"


class InventoryImportDialog(QDialog):
    """The dry run and the import of one inventory CSV.

    Signals:
        imported(object): the ImportReport of the import, once it is saved.
    """

    imported = Signal(object)

    def __init__(self, context: ViewContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = context.tasks.owned_by(self)
        self.context = context
        self.path = path
        self.report: ImportReport | None = None
        self.locations: list[LocationRow] = []
        #: the file's location name -> its drop-down, for every name the store lacks
        self.choices: dict[str, QComboBox] = {}
        self._checks = 0  # dry runs started: only the newest one's answer is shown
        self.setWindowTitle(f"Import inventory from {path.name}")
        self.resize(820, 560)
        self.layout_label = QLabel("Checking the file…", wordWrap=True, objectName="pageTitle")
        self.rule = QLabel(wordWrap=True)
        self.rule.setStyleSheet(f"color: {MUTED};")
        self.summary = QLabel(wordWrap=True)
        self.unknown_box = QGroupBox("Locations in the file that the store does not have")
        self.unknown_form = QFormLayout(self.unknown_box)
        self.unknown_box.hide()
        self.details = QPlainTextEdit(readOnly=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = QPushButton("Import", enabled=False, default=True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.layout_label, self.rule, self.summary, self.unknown_box):
            layout.addWidget(widget)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        self.tasks.query(list_locations, context.store.unit_of_work(), on_done=self._on_locations)

    def _on_locations(self, rows: list[LocationRow]) -> None:
        self.locations = rows
        self.check()

    # -- the merchant's choices ----------------------------------------------------------

    def location_map(self) -> dict[str, str]:
        return {
            name: str(combo.currentData())
            for name, combo in self.choices.items()
            if combo.currentData() not in (None, CREATE)
        }

    def to_create(self) -> list[str]:
        return [name for name, combo in self.choices.items() if combo.currentData() == CREATE]

    def _add_choices(self, names: tuple[str, ...]) -> None:
        may_create = self.context.can("inventory.settings")
        for name in names:
            if name in self.choices:
                continue
            combo = QComboBox()
            combo.addItem("Choose: its rows are not imported", None)
            if may_create:
                combo.addItem(f"Create a location called “{name}”", CREATE)
            for place in self.locations:
                combo.addItem(f"Take it as {place.name} ({place.code})", place.code)
            combo.currentIndexChanged.connect(lambda _: self.check())
            self.choices[name] = combo
            self.unknown_form.addRow(f"“{name}”", combo)
        self.unknown_box.setVisible(bool(self.choices))

    # -- running ---------------------------------------------------------------------------

    def _start(self, *, dry_run: bool) -> None:
        # the choices are read here, on the UI thread; the worker gets plain values
        store, actor, path = self.context.store, self.context.actor, self.path
        mapping, create = self.location_map(), self.to_create()

        def run() -> ImportReport:
            with path.open(newline="", encoding="utf-8-sig") as source:
                return import_inventory_csv(
                    store.unit_of_work(),
                    actor,
                    source,
                    dry_run=dry_run,
                    file_name=path.name,
                    location_map=mapping,
                    create_locations=create,
                )

        self._checks += dry_run
        check = self._checks

        def checked(report: ImportReport) -> None:
            if check == self._checks:  # the merchant chose again meanwhile: a newer one runs
                self._on_checked(report)

        self.import_button.setEnabled(False)
        self.tasks.change(
            run,
            on_done=checked if dry_run else self._on_applied,
            on_error=self._on_failed,
            label="Checking the file" if dry_run else "Importing inventory",
        )

    def check(self) -> None:
        """Run the dry run with the choices made so far."""
        self._start(dry_run=True)

    def apply(self) -> None:
        self._start(dry_run=False)

    def _on_checked(self, report: ImportReport) -> None:
        self._show(report)
        self._add_choices(report.unknown_locations)
        self.import_button.setEnabled(bool(report.changed or report.bins_changed))

    def _on_applied(self, report: ImportReport) -> None:
        self._show(report)
        self.unknown_box.setEnabled(False)
        self.import_button.hide()
        self.imported.emit(report)

    def _on_failed(self, error: BaseException) -> None:
        self.layout_label.setText("This file cannot be imported.")
        self.tasks.report_error(error, self)

    def _show(self, report: ImportReport) -> None:
        self.report = report
        self.layout_label.setText(report.layout.label + (" (dry run)" if report.dry_run else ""))
        self.rule.setText(report.layout.rule)
        self.summary.setText(
            report.summary()
            + ("" if report.dry_run else f" Ledger document: {report.reference or 'none'}.")
        )
        lines = [f"Line {i.line} ({i.item} at {i.location}): {i.message}" for i in report.errors]
        lines += [f"Line {i.line} ({i.item} at {i.location}): {i.message}" for i in report.skipped]
        lines += [
            f"Note, line {i.line} ({i.item} at {i.location}): {i.message}" for i in report.notes
        ]
        self.details.setPlainText(
            "\n".join(lines) or "Every row applies as it is, or needs no change."
        )
