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


@db.command()
@click.argument("role", default="merchant_app")
@click.option(
    "--password",
    envvar="MERCHANT_RUNTIME_PASSWORD",
    help="The runtime role's password (or MERCHANT_RUNTIME_PASSWORD); kept if not given.",
)
@click.option("--print", "print_only", is_flag=True, help="Print the SQL instead of running it.")
def roles(role: str, password: str | None, print_only: bool) -> None:
    """Create ROLE, the runtime role the app, the CLI and the API connect as on a shared
    server, or bring its grants up to date after a migration. Run as the tables' owner
    (MERCHANT_MIGRATION_URL, else MERCHANT_DATABASE_URL)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from app.database import resolve_database_url
    from app.privileges import runtime_role_statements
    from app.settings import Settings

    settings = Settings.from_environment()
    owner_url = make_url(settings.migration_url or resolve_database_url(settings))
    conninfo = owner_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        owner = connection.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
        statements = runtime_role_statements(
            role, database=owner_url.database or "", owner=owner, password=password
        )
        if print_only:
            for statement in statements:
                click.echo(statement.as_string(connection) + ";")
            return
        with connection.transaction():
            for statement in statements:
                connection.execute(statement)
    click.echo(f"The runtime role {role} can use {owner_url.database}; it owns nothing.")
