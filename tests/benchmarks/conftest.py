"""Benchmarks: figures as ratios to a baseline measured in the same run (``make bench``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(fn: Callable[[], object], *, repeat: int = 5) -> float:
    """The median wall time of ``fn`` over ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(
    name: str,
    ours: float,
    baseline: float,
    *,
    unit: str = "s",
    baseline_name: str = "baseline",
    higher_is_better: bool = False,
) -> None:
    ratio = ours / baseline if baseline else float("inf")
    better = "higher" if higher_is_better else "lower"
    print(
        f"\n[bench] {name}: {ours:.4g} {unit} vs {baseline_name} {baseline:.4g} {unit}"
        f" -> ratio {ratio:.2f} ({better} is better)"
    )
