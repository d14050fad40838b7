"""A store that cannot be reached, said in one sentence that names what to check."""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from services.errors import DomainError


class StoreUnreachable(DomainError):
    title = "Cannot reach the store"
    code = "store_unreachable"


def explain(error: BaseException, url: str) -> str | None:
    """What to check, when ``error`` is the server refusing or not answering; else None."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    if not isinstance(error, psycopg.Error):
        return None
    target = make_url(url)
    user, database = target.username or "the user", target.database or "the store"
    where = f"{target.host}:{target.port or 5432}" if target.host else "the local socket"
    text = str(error)
    if isinstance(error, psycopg.errors.InsufficientPrivilege) and "create database" in text:
        return (
            f"There is no database {database} on the server and {user} may not create it: "
            "check the database name in MERCHANT_DATABASE_URL, or create it as its owner."
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return (
            f"The server refused the password of {user}: check the user name and password "
            "in MERCHANT_DATABASE_URL."
        )
    if "does not exist" in text and "database" in text:
        return (
            f"There is no database {database} on the server: check the database name in "
            "MERCHANT_DATABASE_URL."
        )
    if "no encryption" in text or "SSL" in text or "sslmode" in text:
        return (
            "The server accepts only encrypted connections: add ?sslmode=require to "
            "MERCHANT_DATABASE_URL."
        )
    if "pg_hba.conf" in text:
        return (
            f"The server does not accept {user} from this workstation: ask its administrator "
            "to allow it (pg_hba.conf)."
        )
    if isinstance(error, psycopg.OperationalError):
        return (
            f"No PostgreSQL server answers at {where}: check that the server is running and "
            "the host and port in MERCHANT_DATABASE_URL."
        )
    return None
