"""An import spares Python's cycle collector without switching it off for the rest of the app."""

from __future__ import annotations

import gc
import threading
import weakref

from services.imports.products import import_products, sparing_the_collector
from services.progress import Progress

FILE = (
    b"Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
    b"mug,Mug,Size,Small,MUG-S,12.50\n"
    b"mug,,,Large,MUG-L,14.00\n"
)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _cycle_in_another_thread() -> weakref.ref:
    made: list[weakref.ref] = []
    thread = threading.Thread(target=lambda: made.append(weakref.ref(_Cycle())))
    thread.start()
    thread.join()
    return made[0]


def test_while_sparing_the_collector_it_stays_on_and_collects_new_cycles_of_any_thread() -> None:
    with sparing_the_collector():
        assert gc.isenabled()
        survivor = _Cycle()
        gc.collect()
        assert gc.get_freeze_count() > 0  # what survived a full collection is set aside
        garbage = _cycle_in_another_thread()
        gc.collect(0)
        assert garbage() is None
        assert survivor.me is survivor
    assert gc.get_freeze_count() == 0  # everything set aside is back with the collector


def test_overlapping_imports_keep_setting_aside_until_the_last_one_ends() -> None:
    with sparing_the_collector():
        with sparing_the_collector():
            pass
        gc.collect()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gc.get_freeze_count() == 0


def test_an_import_leaves_the_collector_on_while_it_runs_and_nothing_set_aside(
    store, staff
) -> None:
    enabled: list[bool] = []

    class Watching(Progress):
        def report(self, done: int, total: int | None = None, text: str = "") -> None:
            enabled.append(gc.isenabled())

    import_products(store.unit_of_work(), staff["merchandiser"], FILE, progress=Watching())
    assert enabled and all(enabled)
    assert gc.get_freeze_count() == 0
