"""The system libraries Qt's xcb platform plugin needs, checked before Qt starts.

Without one of them (``libxcb-cursor0`` on a bare Debian desktop) Qt aborts while creating
the application, before any Python error handling runs. So the app looks for them first and
says which Debian packages to install, with the exact command.

Standard library only: ``python3 -m app.system_libraries`` runs before the virtual
environment exists (``--install`` installs what is missing, as root).
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

#: the library's soname and the Debian package that has it, for everything PySide6's
#: libqxcb.so links that a desktop without Qt may lack
XCB_LIBRARIES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}

Lookup = Callable[[str], bool]


def is_installed(soname: str) -> bool:
    """Whether the dynamic loader finds ``soname``: in ldconfig's cache (as
    ``ctypes.util.find_library`` reads it), or anywhere ``dlopen`` looks (LD_LIBRARY_PATH)."""
    bundled = getattr(sys, "_MEIPASS", None)  # the PyInstaller bundle ships its own
    if bundled and (Path(bundled) / soname).exists():
        return True
    stem = soname.removeprefix("lib").split(".so")[0]
    if ctypes.util.find_library(stem) == soname:
        return True
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def needs_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will open its windows through xcb: on Linux, unless another platform plugin
    is asked for (``offscreen`` in tests) or the session is Wayland's."""
    if not platform.startswith("linux"):
        return False
    asked = environ.get("QT_QPA_PLATFORM", "").strip()
    if asked:
        return asked.split(";")[0].split(":")[0] == "xcb"
    return environ.get("XDG_SESSION_TYPE") != "wayland" or not environ.get("WAYLAND_DISPLAY")


def missing_packages(installed: Lookup = is_installed) -> list[str]:
    """The Debian packages of the xcb libraries not ``installed``, in a stable
    order (one package per library)."""
    return sorted({package for name, package in XCB_LIBRARIES.items() if not installed(name)})


def install_command(packages: Sequence[str], *, as_root: bool) -> list[str]:
    return [*([] if as_root else ["sudo"]), "apt-get", "install", "-y", *packages]


def advice(packages: Sequence[str], *, as_root: bool, has_apt: bool) -> str:
    """What to tell the person: the missing packages and how to install them."""
    lines = [
        "Merchant Office cannot open its window: Qt needs system libraries that are not "
        "installed on this machine:",
        f"    {' '.join(packages)}",
    ]
    if has_apt:
        lines += [
            "Install them with:",
            f"    {' '.join(install_command(packages, as_root=as_root))}",
            "and start Merchant Office again.",
        ]
    else:
        lines.append(
            "Those are Debian's package names; install your distribution's packages of the "
            "same libraries and start Merchant Office again."
        )
    return "\n".join(lines)


def check_before_qt(
    environ: Mapping[str, str] = os.environ,
    *,
    installed: Lookup = is_installed,
    as_root: bool | None = None,
    has_apt: bool | None = None,
) -> str | None:
    """None when Qt can start; otherwise the message to print instead of letting Qt abort."""
    if not needs_xcb(environ):
        return None
    packages = missing_packages(installed)
    if not packages:
        return None
    return advice(
        packages,
        as_root=os.geteuid() == 0 if as_root is None else as_root,
        has_apt=shutil.which("apt-get") is not None if has_apt is None else has_apt,
    )


def install_missing(
    *,
    installed: Lookup = is_installed,
    as_root: bool | None = None,
    run: Callable[[list[str]], int] = subprocess.call,
) -> int:
    """Install the missing packages with apt-get, as root (CI, a container); otherwise say
    how. 0 when nothing is missing or they installed."""
    packages = missing_packages(installed)
    if not packages:
        return 0
    if not (os.geteuid() == 0 if as_root is None else as_root):
        print(advice(packages, as_root=False, has_apt=True), file=sys.stderr)
        return 1
    return run(["apt-get", "update", "-qq"]) or run(install_command(packages, as_root=True))


def main(argv: Sequence[str] = sys.argv[1:], environ: Mapping[str, str] = os.environ) -> int:
    """``--install``: install what is missing when root (``make run`` in a container or CI),
    otherwise print the command; without it, only print. 0 when Qt can start."""
    if not needs_xcb(environ):
        return 0
    if "--install" in argv:
        return install_missing()
    problem = check_before_qt(environ)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
