"""Every result and progress report of background work reaches the UI thread as a queued
signal. PySide6 6.12.0 lost a reference to ``True`` on each one, so the app aborted
("bool_dealloc") after about a thousand: this catches such a binding before a user does."""

from __future__ import annotations

import sys

from views.tasks import TaskRunner

REPORTS = 5_000


def test_thousands_of_progress_reports_leave_reference_counts_alone(qtbot) -> None:
    runner = TaskRunner()
    received = []
    runner.progressed.connect(lambda *args: received.append(args[1]))

    def work(progress) -> int:
        for done in range(REPORTS):
            progress.report(done, REPORTS, "working")
        return REPORTS

    before = sys.getrefcount(True)
    runner.change(work, with_progress=True, label="Counting")
    qtbot.waitUntil(lambda: len(received) == REPORTS, timeout=30_000)
    assert sys.getrefcount(True) >= before - 100
