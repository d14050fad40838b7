"""Before Qt starts: the system libraries its xcb platform needs, and what to tell the person
when some are missing (Qt itself would abort without a word)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import __main__ as entry
from app import system_libraries as libs

EVERYTHING = set(libs.XCB_LIBRARIES)
NO_CURSOR = EVERYTHING - {"libxcb-cursor.so.0"}


def test_qt_needs_xcb_on_a_linux_desktop_but_not_offscreen_or_on_wayland() -> None:
    assert libs.needs_xcb({}, "linux")
    assert libs.needs_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert libs.needs_xcb({"QT_QPA_PLATFORM": "xcb:display=:1"}, "linux")
    assert not libs.needs_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not libs.needs_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not libs.needs_xcb(
        {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux"
    )
    assert not libs.needs_xcb({}, "darwin")


def test_a_bare_debian_desktop_lacks_the_xcb_cursor_package() -> None:
    assert libs.missing_packages(NO_CURSOR.__contains__) == ["libxcb-cursor0"]
    assert libs.missing_packages(EVERYTHING.__contains__) == []
    nothing = libs.missing_packages(lambda soname: False)
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libgl1"} <= set(nothing)
    assert nothing == sorted(nothing)


def test_the_message_gives_the_exact_command_to_install_them() -> None:
    message = libs.check_before_qt(
        {"QT_QPA_PLATFORM": "xcb"},
        installed=lambda soname: soname not in {"libxcb-cursor.so.0", "libxcb-keysyms.so.1"},
        as_root=False,
        has_apt=True,
    )
    assert message is not None
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-keysyms1\n" in message
    assert message.startswith("Merchant Office cannot open its window")
    as_root = libs.check_before_qt({}, installed=NO_CURSOR.__contains__, as_root=True, has_apt=True)
    assert as_root is not None and "    apt-get install -y libxcb-cursor0\n" in as_root
    elsewhere = libs.check_before_qt(
        {}, installed=NO_CURSOR.__contains__, as_root=False, has_apt=False
    )
    assert elsewhere is not None and "apt-get" not in elsewhere
    assert "libxcb-cursor0" in elsewhere and "your distribution" in elsewhere


def test_nothing_is_said_when_everything_is_there_or_qt_runs_offscreen() -> None:
    assert libs.check_before_qt({}, installed=EVERYTHING.__contains__) is None
    assert libs.check_before_qt({"QT_QPA_PLATFORM": "offscreen"}, installed=lambda s: False) is None


def test_root_installs_what_is_missing_and_anyone_else_is_told_how(capsys) -> None:
    ran: list[list[str]] = []
    code = libs.install_missing(
        installed=NO_CURSOR.__contains__, as_root=True, run=lambda c: ran.append(c) or 0
    )
    assert code == 0
    assert ran == [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "libxcb-cursor0"]]
    ran.clear()
    code = libs.install_missing(
        installed=NO_CURSOR.__contains__, as_root=False, run=lambda c: ran.append(c) or 0
    )
    assert code == 1 and ran == []
    assert "sudo apt-get install -y libxcb-cursor0" in capsys.readouterr().err
    assert libs.install_missing(installed=EVERYTHING.__contains__, run=ran.append) == 0
    assert ran == []


def test_a_library_the_loader_knows_is_installed_and_an_unknown_one_is_not() -> None:
    assert libs.is_installed("libc.so.6")
    assert not libs.is_installed("libmerchant-office-nothing.so.9")


def test_the_app_prints_the_command_instead_of_starting_qt(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["merchant-office"])
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setitem(libs.XCB_LIBRARIES, "libmerchant-office-nothing.so.9", "libmo-nothing9")
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "apt-get install -y" in err and "libmo-nothing9" in err


def test_the_readme_lists_every_package_a_desktop_needs() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = readme.split("## What a desktop needs beyond Python", 1)[1].split("## ", 1)[0]
    assert all(package in listed.split() for package in libs.XCB_LIBRARIES.values())
