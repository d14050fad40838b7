"""models/ and services/ type check clean under mypy --strict (the [tool.mypy] section of
pyproject.toml), so a None reaching a comparison or a wrong row type is caught before it runs."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: one cache per checkout, kept between runs: a warm check takes seconds, a cold one a minute
CACHE = Path(tempfile.gettempdir()) / (
    "merchant-office-mypy-" + hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]
)


def test_models_and_services_type_check_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(CACHE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stdout + result.stderr
