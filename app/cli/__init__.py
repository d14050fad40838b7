"""``merchant-office``: the app, and everything it can batch, from a shell.

With no command it opens the desktop app. Each area adds its commands in its own module here
(``app/cli/<area>.py``) and registers them in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from services.errors import DomainError

#: modules that define ``register(group)``; each area adds one
COMMAND_MODULES = (
    "app.cli.db",
    "app.cli.staff",
    "app.cli.demo",
    "app.cli.inventory",
    "app.cli.orders",
    "app.cli.catalog",
)


class DomainAwareGroup(click.Group):
    """Turns domain errors into a one-line message and exit code 1, never a stack trace."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(str(error)) from None


@click.group(
    cls=DomainAwareGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Merchant Office: the back office of your web store.

    Without a command, opens the desktop app. The store is an embedded PostgreSQL in your
    data directory, or the server MERCHANT_DATABASE_URL names.

    Exit codes: 0 done; 1 an error, nothing changed; 2 a wrong command line; 3 an import
    applied but left some rows out (they are listed), or its dry run would.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if ctx.invoked_subcommand is None:
        from app.gui import run_app

        sys.exit(run_app())


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(cli)
