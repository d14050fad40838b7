"""What every screen receives from the composition root (``app``): no globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from services.actors import Actor
from views.tasks import TaskRunner

if TYPE_CHECKING:  # the sign-in dialog paints before SQLAlchemy is imported
    from models.money import MoneyFormat
    from services.unit_of_work import Store


def _us_dollars() -> MoneyFormat:
    from models.money import MoneyFormat

    return MoneyFormat()


class LiveChanges(QObject):
    """Changes committed anywhere on the store, as the outbox announces them.

    Signals:
        changed(object): the set of outbox topics (``"product.updated"``, ...) just committed.
        connection_changed(str): "connected", "reconnecting" or "offline".
    """

    changed = Signal(object)
    connection_changed = Signal(str)


@dataclass
class ViewContext:
    store: Store
    actor: Actor
    tasks: TaskRunner
    settings: QSettings
    live: LiveChanges
    #: how the store writes amounts (its currency and locale): every screen formats and reads
    #: money through it
    money: MoneyFormat = field(default_factory=_us_dollars)

    def can(self, permission: str) -> bool:
        return self.actor.can(permission)
