"""What every screen receives from the composition root (``app``): no globals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from services.actors import Actor
from views.tasks import TaskRunner

if TYPE_CHECKING:  # the sign-in dialog paints before SQLAlchemy is imported
    from services.unit_of_work import Store


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

    def can(self, permission: str) -> bool:
        return self.actor.can(permission)
