"""``merchant-office db ...``: the store's schema."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    main.add_command(db)


@click.group()
def db() -> None:
    """The store's database."""


@db.command()
def upgrade() -> None:
    """Apply the migrations not applied yet (safe while others start too)."""
    from app.bootstrap import open_store

    with open_store(migrate=True, pool_size=1) as opened:
        click.echo(f"The store is up to date ({opened.engine.url.database}).")


@db.command()
def url() -> None:
    """Print the store's connection URL (for psql and other tools)."""
    from app.bootstrap import open_store

    with open_store(migrate=False, pool_size=1) as opened:
        click.echo(opened.url)
