"""The Promotions area: the promotions list (status, usage, discount given) with search and
filters, and the selected promotion's redemptions; create, edit, duplicate, disable, generate
and export codes.

Keyboard: Ctrl+F search, Ctrl+N new promotion, Enter or double-click edit, Ctrl+D duplicate,
F5 reload. Changing needs ``promotions.edit``; looking needs it or ``reports.view``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from services.paging import PageRequest
from services.promotions import (
    Method,
    PromotionRow,
    PromotionStatus,
    duplicate_promotion,
    export_codes_csv,
    generate_codes,
    get_promotion,
    list_promotions,
    list_redemptions,
    redemption_totals,
    set_promotion_enabled,
)
from services.store import store_time_zone
from views import shortcuts
from views.context import StoreChanges, ViewContext
from views.promotions.editor import PromotionDialog
from views.promotions.words import (
    STATUS_COLORS,
    STATUS_WORDS,
    TARGET_WORDS,
    discount_words,
    usage_words,
)
from views.shortcuts import PROMOTIONS
from views.widgets.lazy_table import RIGHT, Column, KeysetTableModel
from views.widgets.page import Page
from views.widgets.search_box import SearchBox
from views.widgets.table_view import ListView
from views.wording import counted

_NONE_YET = (
    "No promotions yet. Create one with New promotion: a discount code, an automatic sale, "
    "free shipping or buy X get Y."
)


class PromotionsPage(Page):
    title = "Promotions"
    permission = "promotions.edit"
    topics = ("promotion.",)

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.currency, self.zone = context.money.currency, ZoneInfo("UTC")
        self.can_edit = context.can("promotions.edit")
        self.search = SearchBox("Search promotions by title or code")
        self.search.focus_shortcut(self)
        self.search.search_changed.connect(lambda text: self.model.set_query(search=text))
        self.status_filter = QComboBox()
        self.status_filter.addItem("Every status", None)
        for status, words in STATUS_WORDS.items():
            self.status_filter.addItem(words, status)
        self.method_filter = QComboBox()
        self.method_filter.addItem("Codes and automatic", None)
        self.method_filter.addItem("Discount codes", Method.CODE)
        self.method_filter.addItem("Automatic discounts", Method.AUTOMATIC)
        for combo in (self.status_filter, self.method_filter):
            combo.currentIndexChanged.connect(self._on_filter_changed)

        self.new_button = QPushButton("New promotion…")
        self.new_button.clicked.connect(self.open_new)
        self.edit_button = QPushButton("Edit…", toolTip="Edit the promotion (Enter)")
        self.edit_button.clicked.connect(self.open_selected)
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.enable_button = QPushButton("Disable")
        self.enable_button.clicked.connect(self.toggle_selected)
        self.codes_button = QPushButton("Generate codes…")
        self.codes_button.clicked.connect(self.generate_codes_for_selected)
        self.export_button = QPushButton("Export codes…")
        self.export_button.clicked.connect(self.export_codes_for_selected)

        self.model = KeysetTableModel(self._columns(), self._fetch, context.tasks)
        self.list = ListView(
            self.model,
            settings=context.settings,
            settings_key="promotions/list",
            empty_text=_NONE_YET,
        )
        self.list.setObjectName("promotionsList")
        # Enter and a double-click (one signal, so one editor)
        self.list.activated.connect(lambda _: self.open_selected())
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self._on_current_changed())
        self.model.loaded.connect(self._on_loaded)

        self.detail_title = QLabel("Select a promotion to see its redemptions.", wordWrap=True)
        self.detail_title.setObjectName("promotionDetail")
        self.totals = QLabel(wordWrap=True, objectName="redemptionTotals")
        self.redemptions = KeysetTableModel(
            [
                Column("order_number", "Order", format=lambda n: f"#{n}", width=9),
                Column("customer_name", "Customer", format=lambda n: n or "Guest", width=20),
                Column("code", "Code", format=lambda c: c or "", width=14),
                Column(
                    "amount",
                    "Discount",
                    align=RIGHT,
                    format=self.context.money.format,
                    width=10,
                ),
                Column("redeemed_at", "When", format=self._when, width=16),
                Column(
                    "returned_at",
                    "Given back",
                    format=lambda t: "yes, order cancelled" if t else "",
                    width=18,
                ),
            ],
            self._fetch_redemptions,
            context.tasks,
        )
        self._promotion_id: int | None = None
        self.redemption_list = ListView(
            self.redemptions, empty_text="No order has used this promotion yet."
        )
        self.redemption_list.setObjectName("redemptionsList")

        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.method_filter)
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.duplicate_button,
            self.enable_button,
            self.codes_button,
            self.export_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        self.notice = QLabel(objectName="promotionsNotice")
        buttons.addWidget(self.notice)
        if not self.can_edit:
            buttons.addWidget(QLabel("You may look; changing promotions needs the permission."))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail_title)
        right_layout.addWidget(self.totals)
        right_layout.addWidget(self.redemption_list)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(buttons)
        layout.addWidget(splitter)

        shortcuts.bind(PROMOTIONS, "Ctrl+N", self, self.open_new, button=self.new_button)
        shortcuts.bind(
            PROMOTIONS, "Ctrl+D", self, self.duplicate_selected, button=self.duplicate_button
        )
        shortcuts.bind(PROMOTIONS, "F5", self, self.model.reload)
        self._update_buttons()
        self._started = False

    @classmethod
    def allowed(cls, context: ViewContext) -> bool:
        return any(context.can(p) for p in ("promotions.edit", "reports.view"))

    # -- the list ----------------------------------------------------------------------------

    def _columns(self) -> list[Column]:
        return [
            Column("title", "Promotion", sort="title", width=28),
            Column(
                "code",
                "Code",
                value=lambda r: (
                    r.code
                    or (f"{r.code_count:,} codes" if r.code_count else "")
                    or ("automatic" if r.method is Method.AUTOMATIC else "—")
                ),
                width=14,
            ),
            Column(
                "kind", "Discount", value=lambda r: discount_words(r, self.context.money), width=18
            ),
            Column("target", "Applies to", format=TARGET_WORDS.__getitem__, width=13),
            Column(
                "status",
                "Status",
                format=STATUS_WORDS.__getitem__,
                color=STATUS_COLORS.__getitem__,
                width=10,
            ),
            Column("starts_at", "Starts", format=self._when, width=16),
            Column("ends_at", "Ends", sort="ends_at", format=self._when, width=16),
            Column("used_count", "Used", align=RIGHT, value=usage_words, width=10),
            Column(
                "discount_given",
                "Discount given",
                align=RIGHT,
                format=self.context.money.format,
                width=13,
            ),
        ]

    def _when(self, moment: Any) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def _fetch(self, request: PageRequest) -> Any:
        return list_promotions(self.context.store.unit_of_work(), self.context.actor, request)

    def _fetch_redemptions(self, request: PageRequest) -> Any:
        if self._promotion_id is None:
            from services.paging import Page as Rows

            return Rows([], None)
        return list_redemptions(
            self.context.store.unit_of_work(), self.context.actor, self._promotion_id, request
        )

    def on_shown(self) -> None:
        if self._started:
            return
        self._started = True
        store = self.context.store
        self.context.tasks.query(
            lambda: store_time_zone(store.unit_of_work()), on_done=self._on_time_zone
        )

    def _on_time_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.model.set_query()

    def on_store_changed(self, changes: StoreChanges) -> None:
        if self._started:
            self.model.reload()
            self._load_detail()

    def _on_filter_changed(self) -> None:
        filters = {
            k: v
            for k, v in (
                ("status", self.status_filter.currentData()),
                ("method", self.method_filter.currentData()),
            )
            if v is not None
        }
        self.model.set_query(filters=filters)

    def _on_loaded(self, count: int) -> None:
        searching = bool(self.model.request.search or self.model.request.filters)
        if self.list.empty_state is not None:
            self.list.empty_state.setText(
                "No promotion matches the search or filters." if searching else _NONE_YET
            )

    def selected(self) -> PromotionRow | None:
        row = self.list.current_row()
        return row if isinstance(row, PromotionRow) else None

    def _on_current_changed(self) -> None:
        self._update_buttons()
        row = self.selected()
        self._promotion_id = row.id if row else None
        self._load_detail()

    def _update_buttons(self) -> None:
        row = self.selected()
        self.new_button.setEnabled(self.can_edit)
        for button in (self.edit_button, self.duplicate_button, self.enable_button):
            button.setEnabled(self.can_edit and row is not None)
        codes = row is not None and row.method is Method.CODE and not row.code
        self.codes_button.setEnabled(self.can_edit and codes)
        self.export_button.setEnabled(row is not None and row.code_count > 0)
        disabled = row is not None and row.status is PromotionStatus.DISABLED
        self.enable_button.setText("Enable" if disabled else "Disable")

    def _load_detail(self) -> None:
        row = self.selected()
        if row is None:
            self.detail_title.setText("Select a promotion to see its redemptions.")
            self.totals.clear()
            self.redemptions.set_rows([])
            return
        self.detail_title.setText(f"<b>{row.title}</b> · {discount_words(row, self.context.money)}")
        self.redemptions.set_query()
        store, actor, promotion_id = self.context.store, self.context.actor, row.id
        self.context.tasks.query(
            lambda: redemption_totals(store.unit_of_work(), actor, promotion_id),
            on_done=self._on_totals,
        )

    def _on_totals(self, totals: Any) -> None:
        if totals.count == 0 and totals.returned == 0:
            self.totals.setText("Not used yet.")
            return
        uses = counted(totals.count, "%Ln order(s)")
        if totals.customers:
            uses += " by " + counted(totals.customers, "%Ln customer(s)")
        back = (
            "; " + counted(totals.returned, "%Ln given back by cancelled orders")
            if totals.returned
            else ""
        )
        self.totals.setText(
            f"Used on {uses}, {self.context.money.format(totals.amount)} discount given{back}."
        )

    # -- actions -----------------------------------------------------------------------------

    def open_new(self) -> None:
        if not self.can_edit:
            return
        dialog = PromotionDialog(self.context, currency=self.currency, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.model.reload()

    def open_selected(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        store, actor = self.context.store, self.context.actor
        self.context.tasks.query(
            lambda: get_promotion(store.unit_of_work(), actor, row.id), on_done=self._edit
        )

    def _edit(self, detail: Any) -> None:
        dialog = PromotionDialog(self.context, currency=self.currency, detail=detail, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.model.reload()

    def duplicate_selected(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        store, actor = self.context.store, self.context.actor
        self.context.tasks.change(
            lambda: duplicate_promotion(store.unit_of_work(), actor, row.id),
            on_done=lambda saved: self.model.reload(),
            label="Duplicating",
        )

    def toggle_selected(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        enable = row.status is PromotionStatus.DISABLED
        if not enable:
            answer = QMessageBox.question(
                self,
                "Disable promotion",
                f"Disable “{row.title}”? It stops applying at once, its codes included; "
                "orders already placed keep their discount. You can enable it again.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        store, actor = self.context.store, self.context.actor
        self.context.tasks.change(
            lambda: set_promotion_enabled(
                store.unit_of_work(), actor, row.id, enable, expected_version=row.version
            ),
            on_done=lambda saved: self.model.reload(),
        )

    def generate_codes_for_selected(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        count, ok = QInputDialog.getInt(
            self,
            "Generate codes",
            f"How many single-use codes for “{row.title}”?\n"
            "Codes use letters and digits that cannot be mistaken (no 0/O, 1/I/L).",
            1000,
            1,
            100_000,
        )
        if not ok:
            return
        prefix, ok = QInputDialog.getText(
            self, "Generate codes", "Prefix (optional, e.g. SPRING-):", QLineEdit.EchoMode.Normal
        )
        if not ok:
            return
        store, actor = self.context.store, self.context.actor
        self.context.tasks.change(
            lambda: generate_codes(
                store.unit_of_work(), actor, row.id, count, prefix=prefix.strip()
            ),
            on_done=self._on_codes_generated,
            label="Generating codes",
        )

    def _on_codes_generated(self, batch: Any) -> None:
        self.model.reload()
        self.notice.setText(
            f"{batch.count:,} codes made, for example {', '.join(batch.sample[:3])}. "
            "Export them as CSV to send them out."
        )

    def export_codes_for_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export codes", f"{row.title} codes.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_codes(row.id, Path(name))

    def export_codes(self, promotion_id: int, path: Path) -> None:
        store, actor = self.context.store, self.context.actor

        def write() -> int:
            with path.open("w", encoding="utf-8", newline="") as out:
                return export_codes_csv(store.unit_of_work(), actor, promotion_id, out)

        self.context.tasks.query(
            write,
            on_done=lambda n: self.notice.setText(f"{n:,} codes written to {path.name}."),
            label="Exporting codes",
        )
