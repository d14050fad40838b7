"""The runtime role: what the app, the CLI and the API connect as on a shared server.

Migrations run as the role that owns the tables (``MERCHANT_MIGRATION_URL``); everything else
connects as a role that owns nothing (``MERCHANT_DATABASE_URL``). An owner can drop a table or
``ALTER TABLE ... DISABLE TRIGGER`` and rewrite the ledger; a role that owns nothing can do
neither, and without UPDATE or DELETE on the append-only tables it cannot even try.
"""

from __future__ import annotations

from psycopg import sql
from sqlalchemy import Connection, text

from models.base import append_only_tables

#: what the code reads and writes; no TRUNCATE, REFERENCES or TRIGGER
ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def runtime_role_statements(
    role: str, *, database: str, owner: str, password: str | None = None
) -> list[sql.Composed]:
    """The SQL that creates ``role`` (or brings its grants up to date) for one database.

    Run as ``owner``, the role that runs the migrations: its default privileges give the
    runtime role the same row privileges on the tables later migrations create.
    """
    name, db, owner_name = sql.Identifier(role), sql.Identifier(database), sql.Identifier(owner)
    login = sql.SQL(" PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("")
    append_only = sql.SQL(", ").join(sql.Identifier(t) for t in append_only_tables())
    rows = sql.SQL(ROW_PRIVILEGES)
    return [
        sql.SQL(
            # not a superuser, no BYPASSRLS: the defaults, which only a superuser may change
            "DO $$ BEGIN CREATE ROLE {} LOGIN NOCREATEDB NOCREATEROLE;"
            " EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ).format(name),
        sql.SQL("ALTER ROLE {} LOGIN NOCREATEDB NOCREATEROLE{}").format(name, login),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(db, name),
        sql.SQL("REVOKE CREATE ON DATABASE {} FROM {}").format(db, name),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(name),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA public TO {}").format(rows, name),
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(append_only, name),
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {}").format(name),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT {} ON TABLES TO {}"
        ).format(owner_name, rows, name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(owner_name, name),
    ]


def privilege_warning(connection: Connection) -> str | None:
    """What to say when a workstation connects to a shared server as a superuser or as the
    tables' owner, who can switch off the append-only triggers; None for a runtime role."""
    superuser, owner = connection.execute(
        text(
            "SELECT rolsuper, pg_get_userbyid((SELECT relowner FROM pg_class"
            " WHERE oid = to_regclass('stock_movements'))) = current_user"
            " FROM pg_roles WHERE rolname = current_user"
        )
    ).one()
    if superuser:
        who = "a superuser"
    elif owner:
        who = "the owner of the tables"
    else:
        return None
    return (
        f"Connected as {who}: this workstation could rewrite the stock ledger and the audit "
        "log. Connect as the runtime role (merchant-office db roles)."
    )
