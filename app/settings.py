"""Where the store lives and how to reach it, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "merchant-office"
ORGANIZATION = "Merchant Office"


@dataclass(frozen=True)
class Settings:
    #: an external PostgreSQL server (``MERCHANT_DATABASE_URL``); None means the embedded one
    database_url: str | None
    #: the embedded server's data and the app's files (``MERCHANT_DATA_DIR``)
    data_dir: Path
    database_name: str = "merchant"
    #: on a shared server, the role that owns the tables and runs the migrations
    #: (``MERCHANT_MIGRATION_URL``); ``database_url`` is then a runtime role that owns nothing
    migration_url: str | None = None

    @classmethod
    def from_environment(cls) -> Settings:
        data_dir = os.environ.get("MERCHANT_DATA_DIR") or platformdirs.user_data_dir(APP_NAME)
        return cls(
            database_url=os.environ.get("MERCHANT_DATABASE_URL") or None,
            data_dir=Path(data_dir),
            migration_url=os.environ.get("MERCHANT_MIGRATION_URL") or None,
        )
