"""The main window: navigation between areas, who is signed in, the store's state, and the
status of background work."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from services.search import SearchHit, global_search
from views.context import StoreChanges, ViewContext
from views.shortcuts import EVERYWHERE, keys_of
from views.widgets.forms import unsaved_form
from views.widgets.global_search import GlobalSearch
from views.widgets.page import Page
from views.widgets.shortcuts_dialog import ShortcutsDialog

NATIVE = QKeySequence.SequenceFormat.NativeText

CONNECTION_TEXT = {
    "connected": ("● Store connected", "#1e7d32"),
    "connecting": ("● Connecting…", "#8a6d00"),
    "reconnecting": ("● Store unreachable, reconnecting…", "#b3261e"),
    "offline": ("● Offline", "#b3261e"),
}


class MainWindow(QMainWindow):
    """Signals:
    signed_out(): the user chose Sign out.
    """

    signed_out = Signal()

    def __init__(self, context: ViewContext, pages: list[type[Page]]) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle("Merchant Office")
        self.resize(1280, 800)
        self._page_classes = [p for p in pages if p.allowed(context)]
        self._pages: dict[int, Page] = {}
        #: topics each page out of sight missed: it refreshes once when next shown
        self._missed: dict[Page, set[str]] = {}

        self.navigation = QListWidget(objectName="navigation")
        self.navigation.setFixedWidth(190)
        self.navigation.setSpacing(2)
        self.stack = QStackedWidget()
        for position, page_class in enumerate(self._page_classes, start=1):
            item = QListWidgetItem(page_class.title)
            if position <= 9:
                keys = keys_of(EVERYWHERE, f"Ctrl+{position}")
                item.setToolTip(f"{page_class.title} ({keys.toString(NATIVE)})")
            self.navigation.addItem(item)
            self.stack.addWidget(QWidget())  # placeholder until first visit
        self.navigation.currentRowChanged.connect(self._on_navigation_current_row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_status_bar()
        self._build_menus()

        context.live.changed.connect(self._on_live_changed)
        context.live.connection_changed.connect(self._on_connection_changed)
        context.tasks.busy_changed.connect(self._on_tasks_busy_changed)
        context.tasks.progressed.connect(self._on_tasks_progressed)
        context.tasks.store_unavailable.connect(
            lambda _message: self._on_connection_changed("reconnecting")
        )
        self._restore()

    # -- building --------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.busy_label = QLabel()
        self.progress = QProgressBar(maximumWidth=220, textVisible=True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", flat=True)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.context.tasks.cancel_all)
        bar.addWidget(self.busy_label)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self.connection_label = QLabel(objectName="connection")
        actor = self.context.actor
        self.staff_label = QLabel(f"{actor.name} · {actor.role}", objectName="signedIn")
        bar.addPermanentWidget(self.connection_label)
        bar.addPermanentWidget(self.staff_label)
        self._on_connection_changed("connected")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        sign_out = QAction("Sign &out", self, shortcut=keys_of(EVERYWHERE, "Ctrl+Shift+Q"))
        sign_out.triggered.connect(self._on_sign_out_triggered)
        quit_ = QAction("&Quit", self, shortcut=keys_of(EVERYWHERE, "Ctrl+Q"))
        quit_.triggered.connect(self.close)
        file_menu.addActions([sign_out, quit_])
        go_menu = self.menuBar().addMenu("&Go")
        search = QAction("&Search the store…", self, shortcut=keys_of(EVERYWHERE, "Ctrl+K"))
        search.triggered.connect(self.open_global_search)
        go_menu.addAction(search)
        go_menu.addSeparator()
        for row, page_class in enumerate(self._page_classes[:9]):
            action = QAction(
                page_class.title, self, shortcut=keys_of(EVERYWHERE, f"Ctrl+{row + 1}")
            )
            action.triggered.connect(lambda _=False, r=row: self.navigation.setCurrentRow(r))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self, shortcut=keys_of(EVERYWHERE, "F1"))
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction("&About Merchant Office", self)
        about.triggered.connect(
            lambda: QMessageBox.about(
                self, "Merchant Office", "Merchant Office: the back office of your web store."
            )
        )
        help_menu.addAction(about)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.show()
        return dialog

    # -- pages -----------------------------------------------------------------------------

    def page(self, row: int) -> Page:
        """The page at ``row``, created on first use."""
        if row not in self._pages:
            page = self._page_classes[row](self.context)
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._pages[row] = page
        return self._pages[row]

    def page_titles(self) -> list[str]:
        return [p.title for p in self._page_classes]

    def show_area(self, title: str) -> Page:
        row = self.page_titles().index(title)
        self.navigation.setCurrentRow(row)
        return self.page(row)

    @Slot(int)
    def _on_navigation_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(row)
        self.stack.setCurrentIndex(row)
        self.context.settings.setValue("main/area", page.title)
        page.on_shown()
        missed = self._missed.pop(page, None)
        if missed:
            page.on_store_changed(StoreChanges.of_topics(missed))

    def open_global_search(self) -> GlobalSearch:
        store = self.context.store
        popup = GlobalSearch(
            lambda q: global_search(store.unit_of_work(), q), self.context.tasks, self
        )
        popup.chosen.connect(self._on_search_chosen)
        popup.adjustSize()
        popup.move(self.mapToGlobal(QPoint((self.width() - popup.width()) // 2, 60)))
        popup.show()
        popup.box.setFocus()
        return popup

    @Slot(object)
    def _on_search_chosen(self, hit: SearchHit) -> None:
        for row, page_class in enumerate(self._page_classes):
            if hit.kind in page_class.opens:
                self.navigation.setCurrentRow(row)
                self.page(row).open_item(hit.kind, hit.id)
                return

    # -- live state ------------------------------------------------------------------------

    @Slot(object)
    def _on_live_changed(self, changes: StoreChanges) -> None:
        """The page on screen refreshes what changed; the others, once, when next shown."""
        current = self.stack.currentWidget()
        for page in self._pages.values():
            if not page.cares_about(changes):
                continue
            if page is current:
                page.on_store_changed(changes)
            else:
                self._missed.setdefault(page, set()).update(changes.topics)

    def show_warning(self, message: str) -> None:
        """A lasting warning in the status bar (connected with more power than the app
        needs)."""
        label = QLabel(f"⚠ {message}", objectName="warning", wordWrap=True)
        label.setStyleSheet("color: #b3261e;")
        self.statusBar().insertPermanentWidget(0, label, 1)

    @Slot(str)
    def _on_connection_changed(self, state: str) -> None:
        text, color = CONNECTION_TEXT.get(state, (state, "#444"))
        self.connection_label.setText(text)
        self.connection_label.setStyleSheet(f"color: {color};")
        self.connection_state = state

    @Slot(str)
    def _on_tasks_busy_changed(self, label: str) -> None:
        self.busy_label.setText(f"{label}…" if label else "")
        if not label:
            self.progress.hide()
            self.cancel_button.hide()

    @Slot(str, int, int, str)
    def _on_tasks_progressed(self, label: str, done: int, total: int, text: str) -> None:
        self.progress.show()
        self.cancel_button.show()
        self.progress.setRange(0, total)  # total 0: a busy bar
        self.progress.setValue(done)
        self.busy_label.setText(text or f"{label}…")

    # -- persistence -----------------------------------------------------------------------

    def _restore(self) -> None:
        settings = self.context.settings
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        titles = self.page_titles()
        last = settings.value("main/area")
        row = titles.index(last) if last in titles else 0
        if titles:
            self.navigation.setCurrentRow(row)

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = unsaved_form(self)
        if unsaved is not None:
            # quitting or signing out would throw an editor's changes away: it asks first
            event.ignore()
            unsaved.raise_()
            unsaved.activateWindow()
            unsaved.reject()
            return
        self.context.settings.setValue("main/geometry", self.saveGeometry())
        self.context.settings.setValue("main/state", self.saveState())
        self.context.settings.sync()
        super().closeEvent(event)

    def _on_sign_out_triggered(self) -> None:
        self.signed_out.emit()
        self.close()
