"""The sign-in window says in one sentence why the store cannot be reached and offers to try
again; trying again once the server answers opens the store. Connected with more power than
it needs (a superuser, the tables' owner), the window warns."""

from __future__ import annotations

import dataclasses
import socket

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.gui import App
from app.settings import Settings
from tests.conftest import TEST_PASSWORD


def test_a_server_that_is_down_is_named_and_trying_again_opens_the_store_with_a_warning(
    qapp, qtbot, committed_store, tmp_path, caplog
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = Settings(database_url=f"postgresql+psycopg://m:s@127.0.0.1:{port}/m", data_dir=tmp_path)
    app = App(qapp, down)
    app.start()
    login = app.login
    qtbot.addWidget(login)
    try:
        qtbot.waitUntil(login.retry_button.isVisible, timeout=20_000)
        assert login.store_state.text() == (
            f"No PostgreSQL server answers at 127.0.0.1:{port}: check that the server is "
            "running and the host and port in MERCHANT_DATABASE_URL."
        )
        assert not login.sign_in_button.isEnabled()

        # the administrator starts the server (here: the settings name one that answers)
        up = committed_store.engine.url.render_as_string(hide_password=False)
        app.settings = dataclasses.replace(down, database_url=up)
        qtbot.mouseClick(login.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(login.sign_in_button.isEnabled, timeout=20_000)
        assert not login.retry_button.isVisible()
        assert login.store_state.text().startswith("Connected to the store at")

        # the test server's role is a superuser (embedded) or owns the tables (make
        # test-server): the window says so once signed in
        qtbot.keyClicks(login.email, "manager@example.com")
        qtbot.keyClicks(login.password, TEST_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: app.window is not None and app.window.isVisible(), timeout=20_000)
        qtbot.addWidget(app.window)
        warning = app.window.statusBar().findChild(QLabel, "warning")
        assert warning is not None and warning.isVisible()
        assert warning.text().startswith("⚠ Connected as ")
        assert "could rewrite the stock ledger" in warning.text()
        assert any("could rewrite the stock ledger" in r.getMessage() for r in caplog.records)
    finally:
        app.shutdown()
        if app.ready is not None:
            app.ready.opened.close()
