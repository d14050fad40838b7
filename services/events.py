"""Every outbox event the store writes, each defined once: its topic, the kind of record it is
about, the fields of its payload and the kinds of cache tag it carries.

The storefront's change feed publishes these payloads and webhooks deliver them, so they are
a contract: an event is built only through its ``EventType``, which refuses a payload that
does not match, and ``UnitOfWork.emit`` / ``emit_many`` is the one writer. Where SQL builds an
event from rows (``EventType.insert``), the statement is generated from the same definition.
tests/services/test_event_contract.py runs the real services and checks every event written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: a cache tag is ``kind:value``; these are the kinds, each naming what a storefront caches
TAG_KINDS = ("product", "sku", "collection", "order")


@dataclass(frozen=True)
class EventType:
    """One kind of outbox event.

    Attributes:
        topic: what listeners subscribe to (``product.updated``); the desktop refreshes a
            screen by the topic's first part.
        entity: the kind of record the event is about (its ``aggregate_type``).
        fields: the payload's fields, always present.
        optional: payload fields present only when they apply.
        tags: the kinds of cache tag (``TAG_KINDS``) the event may carry.
        public: whether the storefront hears it; None when each event says (a product's
            event is public while the storefront shows the product, or showed it).
    """

    topic: str
    entity: str
    fields: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    public: bool | None = True

    def __post_init__(self) -> None:
        unknown = set(self.tags) - set(TAG_KINDS)
        if unknown:
            raise ValueError(f"{self.topic}: unknown cache tag kinds {sorted(unknown)}")

    def __call__(
        self,
        entity_id: object,
        payload: Mapping[str, Any] | None = None,
        *,
        tags: Mapping[str, Iterable[str | None]] | None = None,
        public: bool | None = None,
    ) -> Event:
        """The event about ``entity_id``. ``tags`` maps a tag kind to its values (a None
        value, such as a variant without a SKU, is left out). Raises ValueError when the
        payload or the tags do not match this type."""
        body = dict(payload or {})
        self._refuse(body, tags or {}, public)
        cache_tags = tuple(
            f"{kind}:{value}"
            for kind, values in (tags or {}).items()
            for value in values
            if value is not None
        )
        return Event(
            self, str(entity_id), body, cache_tags, bool(self.public if public is None else public)
        )

    def problems(
        self, entity: str, payload: Mapping[str, Any], cache_tags: Iterable[str]
    ) -> list[str]:
        """How an event as stored differs from this type (empty when it matches)."""
        found = self._payload_problems(payload)
        if entity != self.entity:
            found.append(f"about a {entity}, not a {self.entity}")
        kinds = {tag.partition(":")[0] for tag in cache_tags}
        if kinds - set(self.tags):
            found.append(f"cache tags of kinds it does not carry: {sorted(kinds - set(self.tags))}")
        return found

    def insert(
        self,
        source: str,
        *,
        entity_id: str,
        payload: Mapping[str, str],
        tags: Mapping[str, str] | None = None,
        public: str | None = None,
    ) -> str:
        """The INSERT of one event of this type per row of ``source`` (``FROM ... WHERE``),
        for events built from rows in SQL. Each argument maps to an SQL expression over
        ``source``: ``payload`` one per field, ``tags`` one per kind (a NULL value is left
        out). Raises ValueError when the fields or tag kinds do not match this type."""
        self._refuse(payload, tags or {}, public)
        body = ", ".join(f"'{name}', {expression}" for name, expression in payload.items())
        kinds = ", ".join(f"'{kind}:' || {expression}" for kind, expression in (tags or {}).items())
        return (
            "INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, "
            "cache_tags, public) "
            f"SELECT '{self.topic}', '{self.entity}', ({entity_id})::text, "
            f"jsonb_build_object({body}), array_remove(ARRAY[{kinds}]::text[], NULL), "
            f"{public if public is not None else str(self.public).lower()} {source}"
        )

    def _refuse(self, payload: Mapping[str, Any], tags: Mapping[str, Any], public: Any) -> None:
        problems = self._payload_problems(payload)
        if set(tags) - set(self.tags):
            problems.append(f"cache tags of kinds it does not carry: {sorted(set(tags))}")
        if public is None and self.public is None:
            problems.append("whether it is public is not said")
        if public is not None and self.public is not None:
            problems.append("whether it is public is the type's to say")
        if problems:
            raise ValueError(f"{self.topic} event: {'; '.join(problems)}")

    def _payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        found = []
        missing = [name for name in self.fields if name not in payload]
        if missing:
            found.append(f"missing {missing}")
        unknown = sorted(set(payload) - set(self.fields) - set(self.optional))
        if unknown:
            found.append(f"fields it does not define {unknown}")
        return found


@dataclass(frozen=True)
class Event:
    """One outbox event, built by its ``EventType``."""

    type: EventType
    entity_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    cache_tags: tuple[str, ...] = ()
    public: bool = True

    def row(self) -> dict[str, Any]:
        """The event as a row of ``outbox_events``."""
        return {
            "topic": self.type.topic,
            "aggregate_type": self.type.entity,
            "aggregate_id": self.entity_id,
            "payload": self.payload,
            "cache_tags": self.cache_tags,
            "public": self.public,
        }


# -- catalog ----------------------------------------------------------------------------------


def _product(topic: str) -> EventType:
    return EventType(
        topic,
        "product",
        fields=("handle",),
        optional=("fields", "previous_handle"),
        tags=("product", "sku"),
        public=None,
    )


PRODUCT_CREATED = _product("product.created")
PRODUCT_UPDATED = _product("product.updated")
PRODUCT_DELETED = _product("product.deleted")
PRODUCT_PUBLISHED = _product("product.published")
PRODUCT_UNPUBLISHED = _product("product.unpublished")


def product_event(
    type_: EventType,
    product_id: int,
    handle: str,
    skus: Iterable[str],
    *,
    published: bool,
    fields: Iterable[str] = (),
    previous_handle: str | None = None,
) -> Event:
    """A product's event: its handle, the fields that changed, and the handle it had when the
    change renamed it; tagged with both handles and every SKU, so a storefront revalidates the
    product's old and new pages and each variant's. Public while the storefront shows the
    product (or showed it before this change)."""
    payload: dict[str, Any] = {"handle": handle}
    if fields:
        payload["fields"] = list(fields)
    renamed = previous_handle is not None and previous_handle != handle
    if renamed:
        payload["previous_handle"] = previous_handle
    return type_(
        product_id,
        payload,
        tags={"product": [handle, previous_handle if renamed else None], "sku": skus},
        public=published,
    )


def _collection(topic: str) -> EventType:
    return EventType(topic, "collection", fields=("handle",), tags=("collection",))


COLLECTION_CHANGED = _collection("collection.changed")
COLLECTION_DELETED = _collection("collection.deleted")


def collection_event(type_: EventType, collection_id: int, handle: str) -> Event:
    return type_(collection_id, {"handle": handle}, tags={"collection": [handle]})


VARIANT_COST_CHANGED = EventType(
    "catalog.variant_cost_changed", "variant", fields=("cost", "reference"), public=False
)

# -- inventory --------------------------------------------------------------------------------

#: a level's figures as the storefront hears them, each the level's column of that name
LEVEL_FIGURES = ("location_id", "available", "on_hand", "committed", "incoming")
LEVELS_CHANGED = EventType(
    "inventory.levels_changed",
    "variant",
    fields=(*LEVEL_FIGURES, "reason", "reference"),
    tags=("product", "sku"),
)
AVAILABILITY_CHANGED = EventType(
    "inventory.availability_changed", "variant", fields=("sku",), tags=("sku",)
)


def _document(topic: str, entity: str) -> EventType:
    return EventType(topic, entity, fields=("number", "status"), public=False)


TRANSFER_CHANGED = _document("inventory.transfer_changed", "transfer")
PURCHASE_ORDER_CHANGED = _document("inventory.purchase_order_changed", "purchase_order")
COUNT_CHANGED = _document("inventory.count_changed", "stock_count")
LOCATION_CHANGED = EventType("inventory.settings_changed", "location", public=False)
#: a level's settings: its bin, reorder point and reorder quantity
LEVEL_SETTINGS_CHANGED = EventType(
    "inventory.level_settings_changed", "variant", fields=("location_id",), public=False
)

# -- orders -----------------------------------------------------------------------------------

#: every order event says where the order stands now
ORDER_STATE = ("number", "status", "payment_status", "fulfillment_status")


def _order(topic: str, *fields: str) -> EventType:
    return EventType(topic, "order", fields=(*ORDER_STATE, *fields), tags=("order",))


ORDER_CREATED = _order("order.created")
ORDER_STATUS_CHANGED = _order("order.status_changed", "from", "to")
ORDER_EDITED = _order("order.edited", "version")
ORDER_FULFILLED = _order("order.fulfilled")
ORDER_RETURNED = _order("order.returned", "return_id")
ORDER_PAID = _order("order.paid", "amount")
ORDER_REFUNDED = _order("order.refunded", "amount", "succeeded")
ORDER_NOTE_ADDED = EventType("order.note_added", "order", fields=("number",), public=False)

# -- promotions -------------------------------------------------------------------------------

#: a promotion was created, changed, scheduled, enabled or disabled, or got codes: quotes change
PROMOTION_CHANGED = EventType(
    "promotion.changed", "promotion", fields=("action",), optional=("version", "codes_added")
)

# -- people -----------------------------------------------------------------------------------

STAFF_CHANGED = EventType("staff.changed", "staff", public=False)
CUSTOMER_CREATED = EventType("customer.created", "customer", public=False)
#: a demo store was generated (services.demo): open workstations reload everything
STORE_SEEDED = EventType(
    "store.seeded", "store", fields=("seed", "variants", "counts"), public=False
)

#: every event type, by topic
EVENT_TYPES: dict[str, EventType] = {
    t.topic: t for t in list(globals().values()) if isinstance(t, EventType)
}
