"""Collections: named groups of products the storefront shows together ("Summer sale")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.exc import IntegrityError

from services.actors import Actor
from services.arrays import Array
from services.catalog import rules
from services.catalog.records import CollectionRow
from services.errors import Conflict, NotFound, ValidationFailed
from services.events import COLLECTION_CHANGED, COLLECTION_DELETED, collection_event
from services.unit_of_work import UnitOfWork

_IDS = Array("bigint")


def save_collection(
    uow: UnitOfWork,
    actor: Actor,
    *,
    title: str,
    handle: str = "",
    description_html: str = "",
    collection_id: int | None = None,
    version: int | None = None,
) -> CollectionRow:
    """Create a collection, or rename or redescribe one (``collection_id`` and the ``version``
    it was loaded at). Raises ValidationFailed, Conflict, NotFound, PermissionDenied."""
    title = title.strip()
    handle = handle.strip().lower() or rules.slugify(title)
    if not title:
        raise ValidationFailed("A collection needs a title.", fields={"title": "required"})
    if not rules.is_valid_handle(handle):
        raise ValidationFailed(
            "A handle uses only lower-case letters, digits and dashes.", fields={"handle": "bad"}
        )
    with uow:
        uow.require(actor, "catalog.edit")
        params = {"title": title, "handle": handle, "description": description_html}
        try:
            with uow.session.begin_nested():
                if collection_id is None:
                    row = uow.execute(
                        text(
                            "INSERT INTO collections (title, handle, description_html) "
                            "VALUES (:title, :handle, :description) RETURNING id"
                        ),
                        params,
                    ).one()
                    before = None
                else:
                    current = uow.execute(
                        text("SELECT * FROM collections WHERE id = :id FOR UPDATE"),
                        {"id": collection_id},
                    ).one_or_none()
                    if current is None:
                        raise NotFound("That collection no longer exists.")
                    if current.version != version:
                        raise Conflict(
                            f"“{current.title}” was changed by someone else while you were "
                            "editing it. Reload to see it as it is now."
                        )
                    before = {"title": current.title, "handle": current.handle}
                    row = uow.execute(
                        text(
                            "UPDATE collections SET title = :title, handle = :handle, "
                            "description_html = :description, version = version + 1, "
                            "updated_at = now() WHERE id = :id RETURNING id"
                        ),
                        params | {"id": collection_id},
                    ).one()
        except IntegrityError:
            raise ValidationFailed(
                f"The handle “{handle}” is already used by another collection.",
                fields={"handle": "taken"},
            ) from None
        uow.audit(
            actor,
            "catalog.collection.save",
            "collection",
            row.id,
            before=before,
            after={"title": title, "handle": handle},
        )
        uow.emit(collection_event(COLLECTION_CHANGED, row.id, handle))
        result = _row(uow, row.id)
        uow.commit()
    return result


def set_collection_products(
    uow: UnitOfWork,
    actor: Actor,
    collection_id: int,
    *,
    add: Sequence[int] = (),
    remove: Sequence[int] = (),
) -> CollectionRow:
    """Add products to a collection and take others out. Raises NotFound, PermissionDenied."""
    with uow:
        uow.require(actor, "catalog.edit")
        current = uow.execute(
            text("SELECT handle FROM collections WHERE id = :id FOR UPDATE"), {"id": collection_id}
        ).scalar()
        if current is None:
            raise NotFound("That collection no longer exists.")
        if remove:
            uow.execute(
                text(
                    "DELETE FROM collection_products WHERE collection_id = :c "
                    "AND product_id = ANY(:ids)"
                ).bindparams(bindparam("ids", type_=_IDS)),
                {"c": collection_id, "ids": sorted(set(remove))},
            )
        if add:
            uow.execute(
                text(
                    "INSERT INTO collection_products (collection_id, product_id) "
                    "SELECT :c, id FROM products WHERE id = ANY(:ids) ON CONFLICT DO NOTHING"
                ).bindparams(bindparam("ids", type_=_IDS)),
                {"c": collection_id, "ids": sorted(set(add))},
            )
        uow.execute(
            text("UPDATE collections SET version = version + 1 WHERE id = :id"),
            {"id": collection_id},
        )
        uow.audit(
            actor,
            "catalog.collection.products",
            "collection",
            collection_id,
            after={"added": sorted(set(add)), "removed": sorted(set(remove))},
        )
        uow.emit(collection_event(COLLECTION_CHANGED, collection_id, current))
        result = _row(uow, collection_id)
        uow.commit()
    return result


def delete_collection(uow: UnitOfWork, actor: Actor, collection_id: int) -> None:
    """Delete a collection; its products stay. Raises NotFound, PermissionDenied."""
    with uow:
        uow.require(actor, "catalog.edit")
        row = uow.execute(
            text("DELETE FROM collections WHERE id = :id RETURNING title, handle"),
            {"id": collection_id},
        ).one_or_none()
        if row is None:
            raise NotFound("That collection no longer exists.")
        uow.audit(
            actor,
            "catalog.collection.delete",
            "collection",
            collection_id,
            before={"title": row.title, "handle": row.handle},
        )
        uow.emit(collection_event(COLLECTION_DELETED, collection_id, row.handle))
        uow.commit()


def _row(uow: UnitOfWork, collection_id: int) -> CollectionRow:
    r = uow.execute(
        text(
            "SELECT c.id, c.version, c.handle, c.title, c.description_html, "
            "c.published_at IS NOT NULL AS published, "
            "(SELECT count(*) FROM collection_products cp WHERE cp.collection_id = c.id) AS n "
            "FROM collections c WHERE c.id = :id"
        ),
        {"id": collection_id},
    ).one()
    return CollectionRow(r.id, r.version, r.handle, r.title, r.description_html, r.published, r.n)
