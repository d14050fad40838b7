"""Cold start of the app to an interactive sign-in dialog, against a bare PySide6 window.

Both run as fresh processes (a cold interpreter each time) on an embedded store that is already
initialised, as on a workstation's second start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tests.benchmarks.conftest import report

BARE = textwrap.dedent(
    """
    import time, sys
    start = float(sys.argv[1])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel("hello"); label.show()
    def painted():
        print(f"painted {time.time() - start:.4f}", flush=True); app.quit()
    QTimer.singleShot(0, painted)
    app.exec()
    """
)

APP = textwrap.dedent(
    """
    import time, sys
    start = float(sys.argv[1])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from app import gui
    from app.settings import Settings
    qapp = QApplication([])
    app = gui.App(qapp, Settings.from_environment())
    app.start()
    def painted():
        print(f"painted {time.time() - start:.4f}", flush=True)
    def ready():
        if app.login.sign_in_button.isEnabled():
            print(f"ready {time.time() - start:.4f}", flush=True); app.shutdown(); qapp.quit()
        else:
            QTimer.singleShot(5, ready)
    QTimer.singleShot(0, painted)
    QTimer.singleShot(0, ready)
    qapp.exec()
    """
)


def _run(script: str, env: dict[str, str]) -> dict[str, float]:
    import time

    result = subprocess.run(
        [sys.executable, "-c", script, repr(time.time())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {
        k: float(v)
        for k, v in (
            line.split()
            for line in result.stdout.splitlines()
            if line.split()[0] in ("painted", "ready")
        )
    }


def test_cold_start_to_the_sign_in_dialog() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="mo-bench-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MERCHANT_DATA_DIR": str(data_dir)}
    env.pop("MERCHANT_DATABASE_URL", None)
    _run(APP, env)  # initialise the embedded store once (initdb, migrations)
    bare, painted, ready = [], [], []
    for _ in range(5):
        bare.append(_run(BARE, env)["painted"])
        app = _run(APP, env)
        painted.append(app["painted"])
        ready.append(app["ready"])
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    report(
        "cold start: sign-in dialog painted",
        median(painted),
        median(bare),
        baseline_name="bare PySide6 window",
    )
    report(
        "cold start: sign-in enabled (store open)",
        median(ready),
        median(bare),
        baseline_name="bare PySide6 window",
    )
