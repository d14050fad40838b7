"""The desktop app's composition root: sign-in first, the store opened behind it, then the
main window with every area wired to the services and the task runner."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import socket
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSocketNotifier
from PySide6.QtWidgets import QApplication, QMessageBox

from app.embedded_server import start_embedded_server
from app.settings import APP_NAME, ORGANIZATION, Settings
from services.progress import Progress
from views.context import LiveChanges
from views.staff.login_dialog import LoginDialog
from views.tasks import TaskRunner
from views.wording import install_english_plurals

if TYPE_CHECKING:  # imported in the worker: the sign-in dialog paints before SQLAlchemy loads
    from app.bootstrap import OpenStore
    from models.money import MoneyFormat
    from services.unit_of_work import Store

log = logging.getLogger(__name__)

STYLESHEET = Path(__file__).resolve().parent.parent / "resources" / "app.qss"


@dataclass
class StoreReady:
    opened: OpenStore
    description: str
    #: the embedded store, whose demo sign-in the dialog may offer
    embedded: bool
    #: how the store writes amounts, for every screen
    money: MoneyFormat
    #: on a shared server, connected as a role that can rewrite the append-only tables
    privilege_warning: str | None = None


def open_store_for_app(settings: Settings, progress: Progress) -> StoreReady:
    """Runs off the UI thread: start the embedded server, migrate, seed the demo on first run."""
    progress.report(0, 0, "Starting the store…")
    with ThreadPoolExecutor(1) as pool:
        # the embedded server starts while SQLAlchemy and the models load (a fifth of a cold
        # start); open_store then finds it running
        starting = (
            None
            if settings.database_url
            else pool.submit(start_embedded_server, settings.data_dir / "pgdata")
        )
        from app.bootstrap import open_store
        from app.database import DESKTOP_OVERFLOW, DESKTOP_POOL_SIZE

        if starting is not None:
            starting.result()
    opened = open_store(settings, pool_size=DESKTOP_POOL_SIZE, max_overflow=DESKTOP_OVERFLOW)
    warning = None
    if settings.database_url:
        from app.privileges import privilege_warning

        where = f"the store at {opened.engine.url.host or 'localhost'}"
        with opened.engine.connect() as connection:
            warning = privilege_warning(connection)
        if warning:
            log.warning(warning)
    else:
        where = "the embedded store"
        seed_demo_if_empty(opened, progress)
    from services.store import store_money_format

    money = store_money_format(opened.store.unit_of_work())
    return StoreReady(opened, f"Connected to {where}.", not settings.database_url, money, warning)


def seed_demo_if_empty(opened: OpenStore, progress: Progress) -> None:
    """Seed the demo into an empty embedded store: the first ``make run``."""
    from sqlalchemy import text

    with opened.store.session_factory() as session:
        if session.scalar(text("SELECT EXISTS (SELECT FROM products)")):
            return  # the usual start: no need to load the demo generator
    from services import demo

    demo.seed_if_empty(
        opened.store,
        progress=lambda stage, done, total: progress.report(
            done, total, f"Creating the demo store (first start only): {stage}…"
        ),
    )


@dataclass(frozen=True)
class DemoSignIn:
    """The demo accounts whose sign-in still works, as (role, e-mail), and their password."""

    accounts: tuple[tuple[str, str], ...]
    password: str


def demo_sign_in_if_it_works(store: Store) -> DemoSignIn | None:
    """The demo store's accounts while their sign-in still works, for the dialog to show.
    Checked after sign-in is offered: verifying a password hash is slow on purpose."""
    from services.demo import DEMO_PASSWORD, DEMO_STAFF
    from services.staff import sign_ins_that_work

    working = set(
        sign_ins_that_work(store.unit_of_work(), [e for e, _, _ in DEMO_STAFF], DEMO_PASSWORD)
    )
    accounts = tuple((role.title(), email) for email, _name, role in DEMO_STAFF if email in working)
    return DemoSignIn(accounts, DEMO_PASSWORD) if accounts else None


def setup_logging(data_dir: Path) -> Path:
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / "merchant-office.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    return path


class App:
    """Holds the app's long-lived parts between sign-ins."""

    def __init__(self, qapp: QApplication, settings: Settings) -> None:
        self.qapp = qapp
        self.settings = settings
        self.tasks = TaskRunner()
        self.live = LiveChanges()
        self.ready: StoreReady | None = None
        self.window = None
        self.listener = None
        self.login: LoginDialog | None = None
        self.termination: object = None
        #: past the event loop: errors are logged, no longer shown
        self.shutting_down = False

    def start(self) -> None:
        self.show_login()
        self.tasks.progressed.connect(self._on_tasks_progressed)
        self.open_store()

    def open_store(self) -> None:
        self.tasks.change(
            open_store_for_app,
            self.settings,
            label="Opening the store",
            with_progress=True,
            on_done=self._on_store_ready,
            on_error=self._on_store_failed,
        )

    def _on_tasks_progressed(self, label: str, done: int, total: int, text: str) -> None:
        if self.ready is None and self.login is not None and text:
            self.login.store_state.setText(text)

    def show_login(self) -> None:
        self.login = LoginDialog(self.tasks)
        self.login.signed_in.connect(self._on_signed_in)
        self.login.retry_requested.connect(self.open_store)
        self.login.rejected.connect(self._on_login_rejected)
        if self.ready is not None:
            self._offer_sign_in()
        self.login.show()

    def _on_store_ready(self, ready: StoreReady) -> None:
        log.info("The store is open: %s", ready.description)
        self.ready = ready
        self._offer_sign_in()
        self._start_listener()

    def _offer_sign_in(self) -> None:
        from services.staff import sign_in

        assert self.ready is not None and self.login is not None
        store = self.ready.opened.store
        self.login.set_store_ready(
            lambda email, password: sign_in(store.unit_of_work(), email, password),
            description=self.ready.description,
        )
        if self.ready.embedded:
            self.tasks.owned_by(self.login).query(
                demo_sign_in_if_it_works, store, on_done=self._offer_demo_sign_in
            )

    def _offer_demo_sign_in(self, demo_sign_in: DemoSignIn | None) -> None:
        if demo_sign_in is not None and self.login is not None:
            self.login.show_demo_sign_in(demo_sign_in.accounts, demo_sign_in.password)

    def _on_store_failed(self, error: BaseException) -> None:
        from app.connection_errors import StoreUnreachable

        if isinstance(error, StoreUnreachable):
            log.error("Could not reach the store: %s", error)
            message = str(error)
        else:
            log.error("Could not open the store", exc_info=error)
            message = f"The store could not be opened: {error}. See the log for details."
        if self.login is not None:
            self.login.set_store_failed(message)

    def _start_listener(self) -> None:
        from app.database import application_name
        from app.live import OutboxListener

        engine = self.ready.opened.engine
        url = engine.url.set(drivername="postgresql")
        url = url.update_query_dict({"application_name": f"{application_name()} (live)"})
        conninfo = url.render_as_string(hide_password=False)
        self.listener = OutboxListener(conninfo, self.live)
        self.listener.start()

    def _on_signed_in(self, actor: object) -> None:
        from app.areas import page_classes
        from app.database import label_connections
        from app.main_window import MainWindow
        from views.context import ViewContext

        assert self.ready is not None
        label_connections(self.ready.opened.engine, actor.email or actor.name)  # type: ignore[attr-defined]
        context = ViewContext(
            store=self.ready.opened.store,
            actor=actor,  # type: ignore[arg-type]
            tasks=self.tasks,
            settings=QSettings(),
            live=self.live,
            money=self.ready.money,
        )
        self.window = MainWindow(context, page_classes())
        self.window.signed_out.connect(self.show_login)
        if self.ready.privilege_warning:
            self.window.show_warning(self.ready.privilege_warning)
        if self.listener is not None:
            self.window._on_connection_changed(self.listener.state)
        self.window.show()

    def _on_login_rejected(self) -> None:
        if self.window is None or not self.window.isVisible():
            self.qapp.quit()

    def quit(self) -> None:
        """End the app as File > Quit does: the window keeps its layout, then the event loop
        ends and ``run_app`` shuts down (the embedded server stops with the last process)."""
        if self.window is not None and self.window.isVisible():
            self.window.close()
        self.qapp.quit()

    def shutdown(self) -> None:
        self.shutting_down = True
        if self.listener is not None:
            self.listener.stop()
            self.listener.join(timeout=2)
        self.tasks.cancel_all()
        self.tasks.wait_for_idle(5_000)


def run_app(argv: list[str] | None = None) -> int:
    qapp = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    qapp.setOrganizationName(ORGANIZATION)
    qapp.setApplicationName(APP_NAME)
    qapp.setQuitOnLastWindowClosed(False)
    qapp.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))
    install_english_plurals(qapp)
    settings = Settings.from_environment()
    log_path = setup_logging(settings.data_dir)
    app = App(qapp, settings)
    sys.excepthook = _crash_handler(log_path, lambda: not app.shutting_down)
    app.termination = stop_on_termination(qapp, app.quit)
    app.start()
    qapp.lastWindowClosed.connect(
        lambda: None if app.login and app.login.isVisible() else qapp.quit()
    )
    code = qapp.exec()
    app.shutdown()
    return code


#: what ends the app as Quit does: `kill`, a logout or shutdown, Ctrl+C, a closed terminal
TERMINATION_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def stop_on_termination(
    qapp: QApplication, stop: Callable[[], None]
) -> tuple[socket.socket, socket.socket, QSocketNotifier]:
    """Call ``stop`` on the UI thread when a termination signal arrives.

    Python's default for SIGTERM ends the process at once, skipping the ``atexit`` that stops
    the embedded server. A Python handler alone would not do either: it runs only between
    Python bytecodes, and Qt's event loop runs none while the app is idle. So the signal wakes
    a socket that Qt watches, and the socket's handler calls ``stop``.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for number in TERMINATION_SIGNALS:
        signal.signal(number, lambda *_: None)  # the wakeup socket carries it
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, qapp)

    def on_signal() -> None:
        reader.recv(64)
        stop()

    notifier.activated.connect(on_signal)
    return reader, writer, notifier  # to keep for as long as the app runs


def _crash_handler(log_path: Path, showing: Callable[[], bool]):  # type: ignore[no-untyped-def]
    """Log an unhandled error and tell the person, from the UI thread while the app runs: a
    dialog from a worker thread, or after the window has gone, would hang the app."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.critical("Unhandled error", exc_info=(kind, error, tb))
        if threading.current_thread() is not threading.main_thread() or not showing():
            return
        QMessageBox.critical(
            None,
            "Something went wrong",
            "This is a bug in Merchant Office, not something you did. Nothing half-done was "
            f"saved. The details are in {log_path}.",
        )

    return handle
