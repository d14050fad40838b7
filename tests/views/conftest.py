"""What GUI tests share: a ViewContext on the test store, settings in a temporary file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from services.store import store_money_format
from views.context import LiveChanges, ViewContext
from views.tasks import TaskRunner
from views.widgets.forms import FormDialog
from views.wording import install_english_plurals


def make_context(store, actor, settings_path: Path) -> ViewContext:
    return ViewContext(
        store=store,
        actor=actor,
        tasks=TaskRunner(serial=True),
        settings=QSettings(str(settings_path), QSettings.Format.IniFormat),
        live=LiveChanges(),
        money=store_money_format(store.unit_of_work()),
    )


@pytest.fixture
def context_for(store, staff, tmp_path, qapp) -> Iterator:
    """``context_for("manager")``: a ViewContext signed in with that preset role."""
    contexts: list[ViewContext] = []

    def make(role: str = "admin") -> ViewContext:
        context = make_context(store, staff[role], tmp_path / "settings.ini")
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.tasks.close()
        context.tasks.wait_for_idle()


@pytest.fixture(scope="session", autouse=True)
def english_plurals(qapp) -> Iterator[None]:
    """The plural forms the app installs (views/wording.py): "1 item", not "1 items"."""
    translator = install_english_plurals(qapp)
    yield
    QApplication.removeTranslator(translator)


@pytest.fixture(autouse=True)
def no_window_left_open(qapp) -> Iterator[None]:
    """Close what a test left on screen: a modal dialog still up would take the keys (and
    the scanner's place) in whichever test runs next in this process."""
    yield
    for _ in range(3):  # closing an editor with changes asks first: the question closes next
        for window in QApplication.topLevelWidgets():
            if window.isVisible():
                window.close()
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and isinstance(window, FormDialog):
                window.discard()
