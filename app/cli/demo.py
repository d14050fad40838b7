"""``merchant-office demo``: seed a realistic demo store."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    main.add_command(demo)


@click.command()
@click.option(
    "--scale",
    type=int,
    default=None,
    help="Grow the store to about this many variants (1000000 for benchmarks).",
)
@click.option("--reset", is_flag=True, help="Erase the store first (asks to confirm).")
def demo(scale: int | None, reset: bool) -> None:
    """Fill the store with a realistic demo: products, stock, customers, a year of orders."""
    raise click.ClickException("The demo generator is not built yet.")
