"""``merchant-office demo``: seed a realistic demo store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from services.demo import DEFAULT_SEED, MIN_SCALE
from services.wording import counted

if TYPE_CHECKING:
    from app.bootstrap import OpenStore

STAGES = {
    "catalog": "Catalog",
    "customers": "Customers",
    "orders": "A year of trading",
    "stock": "Stock levels",
    "saving": "Writing",
    "checking": "Checking keys and indexes",
    "finishing": "Finishing",
}


def register(main: click.Group) -> None:
    main.add_command(demo)


class StageProgress:
    """A progress bar per stage of the generator, drawn from its progress callback."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            label = STAGES.get(stage, stage).ljust(max(len(s) for s in STAGES.values()))
            self.bar = click.progressbar(length=max(1, total), label=label, show_eta=False)
            self.bar.__enter__()
            self.done = 0
        if done > self.done:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command()
@click.option(
    "--scale",
    type=click.IntRange(min=MIN_SCALE),
    default=None,
    help="Grow the store to about this many variants and order lines (1000000 for "
    "benchmarks). Without it: a few hundred products, a few thousand variants.",
)
@click.option("--reset", is_flag=True, help="Erase the store first (asks to confirm).")
@click.option("--yes", "-y", is_flag=True, help="Erase without asking (with --reset).")
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Another number makes another store; the same number, the same store.",
)
def demo(scale: int | None, reset: bool, yes: bool, seed: int) -> None:
    """Fill the store with a realistic demo: products, stock, customers, a year of orders.

    Only an empty store is filled; --reset erases everything first (staff included), then
    creates the demo staff, one per role, who sign in with the password printed at the end.
    """
    from app.bootstrap import open_store

    opened = open_store(pool_size=1)
    try:
        _demo(opened, scale, reset, yes, seed)
    finally:
        opened.engine.dispose()


def _demo(opened: OpenStore, scale: int | None, reset: bool, yes: bool, seed: int) -> None:
    from app.database import upgrade
    from services import demo as demo_store

    store = opened.store
    products = demo_store.product_count(store)
    if products and not reset:
        plural = "" if products == 1 else "s"
        raise click.ClickException(
            f"The store already has {products:,} product{plural}, and the demo would mix with "
            "them. Nothing was changed. To replace everything with the demo store, run "
            "'merchant-office demo --reset'."
        )
    if reset:
        contents = demo_store.store_contents(store)
        summary = ", ".join(
            counted(n, what.removesuffix("s"), what) for what, n in contents.items()
        )
        database = opened.engine.url.database
        if not yes:
            click.confirm(
                f"This erases everything in the store '{database}' ({summary}), staff "
                "accounts included. Continue?",
                abort=True,
            )
        click.echo(f"Erasing the store '{database}' ...")
        demo_store.erase_store(store)
        opened.engine.dispose()  # connections may remember types of the dropped schema
        upgrade(opened.engine)
    progress = StageProgress()
    try:
        result = demo_store.seed_demo(store, scale=scale, seed=seed, progress=progress)
    finally:
        progress.close()
    click.echo(f"\n{click.style('The demo store is ready.', bold=True)}")
    for line in result.describe():
        click.echo(f"  {line}")
    email, password = result.sign_in
    click.echo(f"\nSign in as {email} with the password {password!r}.")
    others = ", ".join(e for e, _, _ in demo_store.DEMO_STAFF[1:])
    click.echo(f"The other roles sign in with the same password: {others}.")
