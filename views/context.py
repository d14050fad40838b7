"""What every screen receives from the composition root (``app``): no globals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


#: outbox topics that change stock figures (on hand, available) and nothing else a list shows
FIGURE_TOPICS = ("inventory.levels_changed", "inventory.availability_changed")


@dataclass(frozen=True)
class StoreChanges:
    """The outbox events committed since the last batch a workstation heard: for each topic,
    the ids of the records it names (``{"order.created": {6333, 6334}}``).

    Attributes:
        ids_by_topic: topic to the ids of its records; None when they were too many to name
            (a 100,000-product import), which a screen reads as "any of them".
    """

    ids_by_topic: Mapping[str, frozenset[int] | None] = field(default_factory=dict)

    @classmethod
    def of_topics(cls, topics: Iterable[str]) -> StoreChanges:
        """Changes known only by topic (every record of them may have changed)."""
        return cls(dict.fromkeys(topics))

    @property
    def topics(self) -> set[str]:
        return set(self.ids_by_topic)

    def touches(self, *prefixes: str) -> bool:
        return any(topic.startswith(prefixes) for topic in self.ids_by_topic)

    def only(self, *prefixes: str) -> bool:
        """Every change has one of these topic prefixes."""
        return bool(self.ids_by_topic) and all(
            topic.startswith(prefixes) for topic in self.ids_by_topic
        )

    def ids(self, *prefixes: str) -> set[int] | None:
        """The ids named under topics with these prefixes; None when some were not named."""
        found: set[int] = set()
        for topic, ids in self.ids_by_topic.items():
            if topic.startswith(prefixes):
                if ids is None:
                    return None
                found |= ids
        return found

    def __or__(self, other: StoreChanges) -> StoreChanges:
        merged: dict[str, frozenset[int] | None] = dict(self.ids_by_topic)
        for topic, ids in other.ids_by_topic.items():
            mine = merged.get(topic, frozenset())
            merged[topic] = None if mine is None or ids is None else mine | ids
        return StoreChanges(merged)


class LiveChanges(QObject):
    """Changes committed anywhere on the store, as the outbox announces them.

    Signals:
        changed(object): the StoreChanges just committed (topics and the ids they name).
        connection_changed(str): "connected", "reconnecting" or "offline".
    """

    changed = Signal(object)
    connection_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: the store's announcements reach this workstation: a screen leaves the refresh after
        #: its own change to them (once), instead of refreshing twice
        self.listening = False
        self.connection_changed.connect(self._on_connection_changed)

    def _on_connection_changed(self, state: str) -> None:
        self.listening = state == "connected"


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
