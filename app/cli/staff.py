"""``merchant-office staff ...``: people and their access, from a shell."""

from __future__ import annotations

import click

from app.bootstrap import command_line_store
from services import staff as staff_service
from services.actors import system_actor


def register(main: click.Group) -> None:
    main.add_command(staff)


@click.group()
def staff() -> None:
    """Staff accounts: add people, set passwords, list who has access."""


ROLE_CHOICE = click.Choice(["admin", "manager", "warehouse", "merchandiser"])


@staff.command("add")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="The person's full name.")
@click.option("--role", type=ROLE_CHOICE, required=True, help="Their preset role.")
@click.password_option(help="Their first password (asked for when not given).")
def add(email: str, full_name: str, role: str, password: str) -> None:
    """Add a staff member who signs in with EMAIL.

    Run from the store's own machine, this acts as the system (as an admin would).
    """
    with command_line_store() as store:
        row = staff_service.add_staff(
            store.unit_of_work(),
            system_actor("Command line"),
            email=email,
            full_name=full_name,
            role=role,
            password=password,
        )
    click.echo(f"Added {row.full_name} <{row.email}> as {row.role_name}.")


@staff.command("passwd")
@click.argument("email")
@click.password_option(help="The new password (asked for when not given).")
def passwd(email: str, password: str) -> None:
    """Set a new password for EMAIL."""
    with command_line_store() as store:
        row = staff_service.find_staff(store.unit_of_work(), email)
        staff_service.set_password(
            store.unit_of_work(), system_actor("Command line"), row.id, password
        )
        click.echo(f"Password changed for {row.email}.")


@staff.command("list")
def list_() -> None:
    """List staff with their role and last sign-in."""
    with command_line_store() as store:
        rows = staff_service.list_staff(store.unit_of_work())
    if not rows:
        click.echo("No staff yet. Add one: merchant-office staff add EMAIL --name ... --role admin")
        return
    width = max(len(r.email) for r in rows)
    for r in rows:
        seen = r.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if r.last_sign_in_at else "never"
        state = "" if r.is_active else "  (deactivated)"
        click.echo(f"{r.email:<{width}}  {r.full_name:<24} {r.role_name:<13} {seen}{state}")
