"""Bulk edits: change many variants at once, see every row before and after, undo it later.

1. ``preview_bulk_edit`` computes the change for every selected variant (the listed ones, or
   all that match the list's filter) without changing anything.
2. ``apply_bulk_edit`` applies the same edit in one transaction: the variants and products are
   locked, recomputed from their current values, updated in single statements, and audited
   row by row under one batch, with a summary entry that names the edit.
3. ``revert_bulk_edit`` takes that summary entry and puts back the values from before, for
   every row nobody changed since; rows changed since are listed, not overwritten.

Money changes go through ``rules.AmountChange`` (one rounding rule for preview and apply).
A hundred thousand variants are one UPDATE whose rows feed the INSERT of their audit entries
in the same statement, rather than a hundred thousand ORM objects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from models.money import MoneyFormat
from models.status import InventoryPolicy, ProductStatus
from services.actors import Actor
from services.arrays import Array, literal
from services.catalog.events import emit_product_changes, product_changes
from services.catalog.queries import CatalogFilter, matching_variant_ids
from services.catalog.rules import AmountChange, variant_title
from services.errors import Conflict, NotFound, ValidationFailed
from services.store import money_format
from services.unit_of_work import UnitOfWork, jsonable

MONEY_FIELDS = ("price", "compare_at_price", "cost")
BULK_ENTRY = "bulk_edit"
_IDS = Array("bigint")


@dataclass(frozen=True)
class Selection:
    """Which variants a bulk edit touches: the ones ticked, or all matching a filter."""

    variant_ids: tuple[int, ...] = ()
    matching: CatalogFilter | None = None

    def resolve(self, session: Session) -> list[int]:
        if self.matching is not None:
            return matching_variant_ids(session, self.matching)
        return sorted(set(self.variant_ids))


@dataclass(frozen=True)
class BulkEdit:
    """What to change. Unset fields stay as they are."""

    price: AmountChange | None = None
    compare_at_price: AmountChange | None = None
    cost: AmountChange | None = None
    inventory_policy: str | None = None
    status: str | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    add_collection_ids: tuple[int, ...] = ()
    remove_collection_ids: tuple[int, ...] = ()

    @property
    def touches_money(self) -> bool:
        return any(getattr(self, f) is not None for f in MONEY_FIELDS)

    @property
    def touches_products(self) -> bool:
        return bool(
            self.status
            or self.add_tags
            or self.remove_tags
            or self.add_collection_ids
            or self.remove_collection_ids
        )

    @property
    def is_empty(self) -> bool:
        return not (self.touches_money or self.inventory_policy or self.touches_products)

    def describe(self, money: MoneyFormat, collections: dict[int, str] | None = None) -> str:
        """ "Price: raise by 10 %, ending in .99; tags: add sale" - the audit entry's note."""
        names = collections or {}
        parts = []
        for name, label in (
            ("price", "Price"),
            ("compare_at_price", "Compare-at"),
            ("cost", "Cost"),
        ):
            change = getattr(self, name)
            if change is not None:
                parts.append(f"{label}: {change.describe(money)}")
        if self.inventory_policy:
            parts.append(
                "When sold out: "
                + ("keep selling" if self.inventory_policy == "continue" else "stop selling")
            )
        if self.status:
            parts.append(f"Status: {self.status}")
        if self.add_tags:
            parts.append(f"Tags: add {', '.join(self.add_tags)}")
        if self.remove_tags:
            parts.append(f"Tags: remove {', '.join(self.remove_tags)}")
        for ids, verb in (
            (self.add_collection_ids, "add to"),
            (self.remove_collection_ids, "remove from"),
        ):
            if ids:
                parts.append(
                    f"Collections: {verb} " + ", ".join(names.get(i, f"#{i}") for i in ids)
                )
        return "; ".join(parts)

    def validate(self) -> None:
        if self.is_empty:
            raise ValidationFailed("Choose what to change first.")
        if self.inventory_policy and self.inventory_policy not in {
            p.value for p in InventoryPolicy
        }:
            raise ValidationFailed("When sold out is deny or continue.")
        if self.status and self.status not in {s.value for s in ProductStatus}:
            raise ValidationFailed("Status is draft, active or archived.")
        if self.price is not None and self.price.adjustment == "clear":
            raise ValidationFailed(
                "A variant always has a price; it cannot be cleared.",
                fields={"price": "A price cannot be cleared."},
            )
        for name, label in (
            ("price", "price"),
            ("compare_at_price", "compare-at price"),
            ("cost", "cost"),
        ):
            change: AmountChange | None = getattr(self, name)
            if change is not None and change.value < 0:
                message = (
                    f"A {label} cannot be set below zero."
                    if change.adjustment == "set"
                    else "Give the amount without a minus sign, and choose raise or lower."
                )
                raise ValidationFailed(message, fields={name: message})

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = jsonable(
            {
                name: (
                    {"adjustment": v.adjustment, "value": v.value, "rounding": v.rounding}
                    if isinstance(v, AmountChange)
                    else v
                )
                for name, v in self.__dict__.items()
                if v not in (None, ())
            }
        )
        return shown


@dataclass(frozen=True)
class PreviewRow:
    """One variant before and after; ``before``/``after`` hold only the fields that change."""

    variant_id: int
    product_id: int
    product_title: str
    variant_title: str
    sku: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    warnings: tuple[str, ...] = ()

    @property
    def changes(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class BulkPreview:
    selected: int
    rows: tuple[PreviewRow, ...]
    products: int
    description: str

    @property
    def changing(self) -> int:
        return sum(1 for r in self.rows if r.changes)

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.rows if r.warnings)


@dataclass(frozen=True)
class BulkResult:
    batch_id: str
    #: the summary audit entry; ``revert_bulk_edit`` takes this id
    audit_entry_id: int
    variants_changed: int
    products_changed: int
    description: str


@dataclass(frozen=True)
class RevertResult:
    batch_id: str
    restored_variants: int
    restored_products: int
    #: rows someone changed after the bulk edit, kept as they are, in the merchant's words
    kept: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BulkEditEntry:
    """A bulk edit in the audit log, for the "recent bulk edits" list."""

    audit_entry_id: int
    batch_id: str
    occurred_at: datetime
    staff_name: str | None
    description: str
    variants: int
    products: int
    reverted: bool
    is_revert: bool


# -- computing --------------------------------------------------------------------------------


@dataclass
class _Current:
    variant_id: int
    product_id: int
    product_title: str
    options: tuple[str | None, str | None, str | None]
    sku: str | None
    price: int
    compare_at_price: int | None
    cost: int | None
    inventory_policy: str
    status: str
    tags: tuple[str, ...]
    collection_ids: tuple[int, ...]
    version: int = 0


_LOAD = text(
    """
    SELECT v.id, v.product_id, p.title, v.option1, v.option2, v.option3, v.sku, v.price,
           v.compare_at_price, v.cost, v.inventory_policy, p.status, p.tags, v.version,
           ARRAY(SELECT cp.collection_id FROM collection_products cp
                 WHERE cp.product_id = p.id ORDER BY 1) AS collection_ids
    FROM unnest(:ids) AS k(id) JOIN variants v ON v.id = k.id
    JOIN products p ON p.id = v.product_id
    ORDER BY v.id
    """
).bindparams(bindparam("ids", type_=_IDS))


def _load(session: Session, ids: Sequence[int]) -> list[_Current]:
    return [
        _Current(
            r.id,
            r.product_id,
            r.title,
            (r.option1, r.option2, r.option3),
            r.sku,
            r.price,
            r.compare_at_price,
            r.cost,
            r.inventory_policy,
            r.status,
            tuple(r.tags),
            tuple(r.collection_ids),
            r.version,
        )
        for r in session.execute(_LOAD, {"ids": list(ids)})
    ]


def _compute(
    c: _Current, edit: BulkEdit, money: MoneyFormat
) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    values = {"price": c.price, "compare_at_price": c.compare_at_price, "cost": c.cost}
    new = dict(values)
    for name in MONEY_FIELDS:
        change: AmountChange | None = getattr(edit, name)
        if change is not None:
            new[name] = change.apply(values[name], money.currency)
    for name in MONEY_FIELDS:
        if new[name] != values[name]:
            before[name], after[name] = values[name], new[name]
    if edit.inventory_policy and edit.inventory_policy != c.inventory_policy:
        before["inventory_policy"], after["inventory_policy"] = (
            c.inventory_policy,
            edit.inventory_policy,
        )
    if edit.status and edit.status != c.status:
        before["status"], after["status"] = c.status, edit.status
    tags = _tags(c.tags, edit)
    if tags != c.tags:
        before["tags"], after["tags"] = list(c.tags), list(tags)
    collections = _collections(c.collection_ids, edit)
    if collections != c.collection_ids:
        before["collection_ids"], after["collection_ids"] = (
            list(c.collection_ids),
            list(collections),
        )
    warnings = []
    price, compare_at = new["price"], new["compare_at_price"]
    if compare_at is not None and price is not None and compare_at < price:
        warnings.append(
            f"compare-at {money.format(compare_at)} is below the price {money.format(price)}"
        )
    if new["price"] == 0 and values["price"] != 0:
        warnings.append("the price becomes zero")
    return before, after, tuple(warnings)


def _tags(current: tuple[str, ...], edit: BulkEdit) -> tuple[str, ...]:
    removed = {t.casefold() for t in edit.remove_tags}
    kept = [t for t in current if t.casefold() not in removed]
    have = {t.casefold() for t in kept}
    for tag in edit.add_tags:
        if tag.strip() and tag.strip().casefold() not in have:
            kept.append(tag.strip())
            have.add(tag.strip().casefold())
    return tuple(kept)


def _collections(current: tuple[int, ...], edit: BulkEdit) -> tuple[int, ...]:
    return tuple(
        sorted((set(current) | set(edit.add_collection_ids)) - set(edit.remove_collection_ids))
    )


def _collection_names(session: Session, edit: BulkEdit) -> dict[int, str]:
    ids = list(edit.add_collection_ids + edit.remove_collection_ids)
    if not ids:
        return {}
    rows = session.execute(
        text("SELECT id, title FROM collections WHERE id = ANY(:ids)"), {"ids": ids}
    )
    names = {r.id: r.title for r in rows}
    missing = set(ids) - set(names)
    if missing:
        raise NotFound("A chosen collection no longer exists; reload the collections.")
    return names


# -- preview, apply, revert -------------------------------------------------------------------


def preview_bulk_edit(uow: UnitOfWork, selection: Selection, edit: BulkEdit) -> BulkPreview:
    """Every selected variant before and after the edit. Changes nothing."""
    edit.validate()
    with uow:
        session = uow.session
        money = money_format(session)
        names = _collection_names(session, edit)
        ids = selection.resolve(session)
        rows = []
        for c in _load(session, ids):
            before, after, warnings = _compute(c, edit, money)
            rows.append(
                PreviewRow(
                    c.variant_id,
                    c.product_id,
                    c.product_title,
                    variant_title(c.options),
                    c.sku,
                    before,
                    after,
                    warnings,
                )
            )
        return BulkPreview(
            selected=len(ids),
            rows=tuple(rows),
            products=len({r.product_id for r in rows}),
            description=edit.describe(money, names),
        )


def apply_bulk_edit(
    uow: UnitOfWork, actor: Actor, selection: Selection, edit: BulkEdit
) -> BulkResult:
    """Apply ``edit`` to the selection in one transaction, audited under one batch.

    The products are locked in id order and every new value is computed from the variants'
    values now, so the result is what the edit means even if a price changed since the
    preview. Raises PermissionDenied (catalog.import; catalog.prices for money),
    ValidationFailed, NotFound, Conflict (a variant changed by someone who does not lock its
    product while the edit ran; nothing was changed).
    """
    edit.validate()
    with uow:
        uow.require(actor, "catalog.import")
        if edit.touches_money:
            uow.require(actor, "catalog.prices")
        session = uow.session
        money = money_format(session)
        names = _collection_names(session, edit)
        ids = selection.resolve(session)
        if not ids:
            raise ValidationFailed("No variants are selected.")
        description = edit.describe(money, names)
        batch = uow.new_batch()
        published_before = _lock(session, _PRODUCTS_OF_VARIANTS, {"ids": literal(ids, "bigint")})
        uow.tune_for_bulk_writes()
        variants = _apply_to_variants(session, actor, batch, ids, edit, money.currency)
        product_rows = _product_rows(session, set(published_before), edit)
        _write_products(session, actor, batch, product_rows)
        touched = variants.product_ids | {pid for pid, _, _ in product_rows}
        _bump_products(session, touched)
        summary = _summary_entry(
            session,
            actor,
            batch,
            action="catalog.bulk_edit",
            note=description,
            after={
                "edit": edit.to_json(),
                "variants": variants.written,
                "products": len(touched),
                "selected": len(ids),
            },
        )
        fields = tuple(sorted(variants.fields | {k for _, _, a in product_rows for k in a}))
        changes = product_changes(uow, touched, fields=fields, published_before=published_before)
        emit_product_changes(uow, "product.updated", changes)
        uow.commit()
    return BulkResult(batch, summary, variants.written, len(touched), description)


#: the products of the variants in ``:ids``
_PRODUCTS_OF_VARIANTS = (
    "SELECT v.product_id FROM unnest(CAST(:ids AS bigint[])) AS k(id) "
    "JOIN variants v ON v.id = k.id"
)
#: the products a bulk edit batch changed, directly or through their variants
_PRODUCTS_OF_BATCH = (
    "SELECT v.product_id FROM audit_log a JOIN variants v ON v.id = a.entity_id::bigint "
    "WHERE a.batch_id = :batch AND a.entity_type = 'variant' "
    "UNION SELECT a.entity_id::bigint FROM audit_log a "
    "WHERE a.batch_id = :batch AND a.entity_type = 'product'"
)


def _lock(session: Session, product_ids: str, params: dict[str, Any]) -> dict[int, bool]:
    """Lock the products ``product_ids`` (a query) selects in id order, the order every
    catalog writer locks in, so a bulk edit and a product save queue instead of deadlocking.
    Returns whether each is published, as it stands before the edit.

    The variants themselves are not locked in a pass of their own (for 100,000 rows that
    costs what updating them costs): their UPDATE changes only rows still at the version it
    read, and the edit is refused when someone changed one meanwhile.
    """
    rows = session.execute(
        text(
            "SELECT id, published_at IS NOT NULL AS published FROM products "
            f"WHERE id IN ({product_ids}) ORDER BY id FOR UPDATE"
        ),
        params,
    )
    return {r.id: r.published for r in rows}


@dataclass(frozen=True)
class _Written:
    """What the variant statement of a bulk edit or revert did."""

    written: int = 0
    product_ids: set[int] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)


#: per money field: the column, and whether it may be NULL (a NULL is looked up as -1)
_MONEY_COLUMNS = {"price": False, "compare_at_price": True, "cost": True}


def _apply_to_variants(
    session: Session,
    actor: Actor,
    batch: str,
    ids: Sequence[int],
    edit: BulkEdit,
    currency: str,
) -> _Written:
    """Change the variants in one statement that also writes their audit entries.

    Prices repeat: 100,000 variants hold a few thousand distinct amounts. The shared rule
    (``AmountChange.apply``) runs once per distinct amount here, and the statement looks each
    variant's new amount up in that table, so no row travels to Python and back.
    """
    money = [name for name in MONEY_FIELDS if getattr(edit, name) is not None]
    if not money and not edit.inventory_policy:
        return _Written()
    key = {
        name: f"coalesce(c.{name}, -1)" if _MONEY_COLUMNS[name] else f"c.{name}" for name in money
    }
    params: dict[str, Any] = {
        "ids": ids,
        "staff_id": actor.staff_id,
        "note": None if actor.staff_id is not None else actor.name,
        "batch": batch,
    }
    binds = [bindparam("ids", type_=_IDS)]
    if money:
        current = session.execute(
            text(
                "SELECT "
                + ", ".join(f"array_agg(DISTINCT {key[name]}) AS {name}" for name in money)
                + " FROM unnest(:ids) AS k(id) JOIN variants c ON c.id = k.id"
            ).bindparams(bindparam("ids", type_=_IDS)),
            {"ids": ids},
        ).one()
    joins, new = [], {}
    for name in money:
        change: AmountChange = getattr(edit, name)
        olds = list(getattr(current, name) or ())
        params[f"{name}_old"] = olds
        params[f"{name}_new"] = [change.apply(None if o == -1 else o, currency) for o in olds]
        binds += [
            bindparam(f"{name}_old", type_=_IDS),
            bindparam(f"{name}_new", type_=_IDS),
        ]
        joins.append(
            f"JOIN unnest(:{name}_old, :{name}_new) AS m_{name}(old, new) "
            f"ON m_{name}.old = {key[name]}"
        )
        new[name] = f"m_{name}.new"
    if edit.inventory_policy:
        new["inventory_policy"] = "CAST(:policy AS text)"
        params["policy"] = edit.inventory_policy
    changed = {name: f"c.new_{name} IS DISTINCT FROM c.{name}" for name in new}

    def json_of(prefix: str) -> str:
        return " || ".join(
            f"CASE WHEN {changed[name]} THEN jsonb_build_object('{name}', c.{prefix}{name}) "
            "ELSE '{}'::jsonb END"
            for name in new
        )

    statement = text(
        f"""
        WITH c AS MATERIALIZED (
            SELECT v.id, v.product_id, v.version, {", ".join(f"v.{n}" for n in new)}
            FROM unnest(:ids) AS k(id) JOIN variants v ON v.id = k.id
        ), n AS MATERIALIZED (
            SELECT c.*, {", ".join(f"{expr} AS new_{name}" for name, expr in new.items())}
            FROM c {" ".join(joins)}
        ), d AS MATERIALIZED (
            SELECT c.*, {json_of("")} AS before, {json_of("new_")} AS after
            FROM n AS c WHERE {" OR ".join(changed.values())}
        ), upd AS (
            UPDATE variants v SET {", ".join(f"{name} = d.new_{name}" for name in new)},
                version = v.version + 1, updated_at = now()
            FROM d WHERE v.id = d.id AND v.version = d.version
            RETURNING v.id, d.before, d.after
        ), audit AS (
            INSERT INTO audit_log (staff_id, action, entity_type, entity_id, before, after,
                                   note, batch_id)
            SELECT :staff_id, 'catalog.bulk_edit.variant', 'variant', id::text, before, after,
                   :note, :batch
            FROM upd ORDER BY id
        )
        SELECT (SELECT count(*) FROM c) AS found, (SELECT count(*) FROM n) AS computed,
               (SELECT count(*) FROM d) AS changing, (SELECT count(*) FROM upd) AS written,
               ARRAY(SELECT DISTINCT product_id FROM d) AS product_ids,
               ARRAY(SELECT DISTINCT jsonb_object_keys(after) FROM d) AS fields
        """
    ).bindparams(*binds)
    result = session.execute(statement, params).one()
    if result.computed != result.found or result.written != result.changing:
        raise Conflict(
            "Some of these variants were changed by someone else while the bulk edit ran, so "
            "nothing was changed. Preview the edit again and apply it."
        )
    return _Written(result.written, set(result.product_ids), set(result.fields))


def _product_rows(
    session: Session, product_ids: set[int], edit: BulkEdit
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(product, before, after) of each product whose status, tags or collections change."""
    if not edit.touches_products:
        return []
    rows = []
    for pid, now in sorted(_products_now(session, product_ids).items()):
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if edit.status and edit.status != now["status"]:
            before["status"], after["status"] = now["status"], edit.status
        tags = _tags(tuple(now["tags"]), edit)
        if list(tags) != now["tags"]:
            before["tags"], after["tags"] = now["tags"], list(tags)
        collections = _collections(tuple(now["collection_ids"]), edit)
        if list(collections) != now["collection_ids"]:
            before["collection_ids"], after["collection_ids"] = (
                now["collection_ids"],
                list(collections),
            )
        if after:
            rows.append((pid, before, after))
    return rows


def _write_products(
    session: Session,
    actor: Actor,
    batch: str,
    rows: list[tuple[int, dict[str, Any], dict[str, Any]]],
) -> None:
    if not rows:
        return
    session.execute(
        text(
            """
            WITH d AS (
                SELECT * FROM unnest(:ids, :status, CAST(:after_json AS jsonb[]),
                                     CAST(:before_json AS jsonb[]))
                    AS d(id, status, after, before)
            ), upd AS (
                UPDATE products p SET
                    status = coalesce(d.status, p.status),
                    tags = CASE WHEN d.after ? 'tags'
                        THEN ARRAY(SELECT jsonb_array_elements_text(d.after -> 'tags'))
                        ELSE p.tags END,
                    published_at = CASE WHEN coalesce(d.status, p.status) = 'active'
                        THEN p.published_at END
                FROM d WHERE p.id = d.id
                RETURNING p.id
            )
            INSERT INTO audit_log (staff_id, action, entity_type, entity_id, before, after,
                                   note, batch_id)
            SELECT :staff_id, 'catalog.bulk_edit.product', 'product', d.id::text,
                   d.before, d.after, :note, :batch
            FROM d JOIN upd USING (id)
            """
        ).bindparams(
            bindparam("ids", type_=_IDS),
            bindparam("status", type_=Array("text")),
            bindparam("after_json", type_=Array("text")),
            bindparam("before_json", type_=Array("text")),
        ),
        {
            "ids": [pid for pid, _, _ in rows],
            "status": [a.get("status") for _, _, a in rows],
            "after_json": [json.dumps(a) for _, _, a in rows],
            "before_json": [json.dumps(b) for _, b, _ in rows],
            "staff_id": actor.staff_id,
            "note": None if actor.staff_id is not None else actor.name,
            "batch": batch,
        },
    )
    _set_collections(session, rows)


def _set_collections(
    session: Session, rows: list[tuple[int, dict[str, Any], dict[str, Any]]]
) -> None:
    removals = [
        (pid, cid)
        for pid, b, a in rows
        if "collection_ids" in a
        for cid in set(b["collection_ids"]) - set(a["collection_ids"])
    ]
    additions = [
        (pid, cid)
        for pid, b, a in rows
        if "collection_ids" in a
        for cid in set(a["collection_ids"]) - set(b["collection_ids"])
    ]
    pairs = bindparam("p", type_=_IDS), bindparam("c", type_=_IDS)
    if removals:
        session.execute(
            text(
                "DELETE FROM collection_products cp USING unnest(:p, :c) AS d(p, c) "
                "WHERE cp.product_id = d.p AND cp.collection_id = d.c"
            ).bindparams(*pairs),
            {"p": [p for p, _ in removals], "c": [c for _, c in removals]},
        )
    if additions:
        session.execute(
            text(
                "INSERT INTO collection_products (collection_id, product_id) "
                "SELECT c, p FROM unnest(:p, :c) AS d(p, c) ON CONFLICT DO NOTHING"
            ).bindparams(*pairs),
            {"p": [p for p, _ in additions], "c": [c for _, c in additions]},
        )


def _bump_products(session: Session, product_ids: set[int]) -> None:
    """An open product editor must see a conflict after a bulk edit touched its product."""
    if product_ids:
        session.execute(
            text(
                "UPDATE products p SET version = p.version + 1, updated_at = now() "
                "FROM unnest(:ids) AS k(id) WHERE p.id = k.id"
            ).bindparams(bindparam("ids", type_=_IDS)),
            {"ids": sorted(product_ids)},
        )


def _summary_entry(
    session: Session, actor: Actor, batch: str, *, action: str, note: str, after: dict[str, Any]
) -> int:
    return int(
        session.execute(
            text(
                "INSERT INTO audit_log (staff_id, action, entity_type, entity_id, after, note, "
                "batch_id) VALUES (:staff, :action, :type, :batch, CAST(:after AS jsonb), "
                ":note, :batch) RETURNING id"
            ),
            {
                "staff": actor.staff_id,
                "action": action,
                "type": BULK_ENTRY,
                "batch": batch,
                "after": _json(after),
                "note": note if actor.staff_id is not None else f"{actor.name}: {note}",
            },
        ).scalar_one()
    )


def _json(value: Any) -> str:
    return json.dumps(jsonable(value))


def revert_bulk_edit(uow: UnitOfWork, actor: Actor, audit_entry_id: int) -> RevertResult:
    """Put back what the bulk edit behind ``audit_entry_id`` changed, where nobody changed it
    since. Raises NotFound, Conflict (already reverted), PermissionDenied."""
    with uow:
        uow.require(actor, "catalog.import")
        session = uow.session
        entry = session.execute(
            text(
                "SELECT batch_id, action, note, after FROM audit_log "
                "WHERE id = :id AND entity_type = :type"
            ),
            {"id": audit_entry_id, "type": BULK_ENTRY},
        ).one_or_none()
        if entry is None or entry.action != "catalog.bulk_edit":
            raise NotFound("That bulk edit is not in the audit log.")
        reverted = session.execute(
            text(
                "SELECT 1 FROM audit_log WHERE action = 'catalog.bulk_edit.revert' "
                "AND after ->> 'reverts' = :batch LIMIT 1"
            ),
            {"batch": entry.batch_id},
        ).scalar()
        if reverted:
            raise Conflict("That bulk edit has already been reverted.")
        edit = entry.after.get("edit", {})
        if any(k in edit for k in MONEY_FIELDS):
            uow.require(actor, "catalog.prices")
        products = session.execute(
            text(
                "SELECT entity_id::bigint AS id, before, after FROM audit_log "
                "WHERE batch_id = :batch AND entity_type = 'product' ORDER BY id"
            ),
            {"batch": entry.batch_id},
        ).all()
        batch = uow.new_batch()
        published_before = _lock(session, _PRODUCTS_OF_BATCH, {"batch": entry.batch_id})
        uow.tune_for_bulk_writes()
        variants, kept = _revert_variants(session, actor, batch, entry.batch_id)
        product_restore: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        by_product = _products_now(session, {r.id for r in products})
        for r in products:
            now = by_product.get(r.id)
            if now is None:
                kept.append(f"product {r.id} was deleted")
                continue
            if {k: now[k] for k in r.after} != r.after:
                kept.append(f"“{now['title']}” was changed since")
                continue
            product_restore.append((r.id, dict(r.after), dict(r.before)))
        _write_products(session, actor, batch, product_restore)
        touched = variants.product_ids | {pid for pid, _, _ in product_restore}
        _bump_products(session, touched)
        note = f"Reverted: {entry.note}"
        _summary_entry(
            session,
            actor,
            batch,
            action="catalog.bulk_edit.revert",
            note=note,
            after={
                "reverts": entry.batch_id,
                "reverts_entry": audit_entry_id,
                "variants": variants.written,
                "products": len(touched),
                "kept": kept,
            },
        )
        emit_product_changes(
            uow,
            "product.updated",
            product_changes(uow, touched, published_before=published_before),
        )
        uow.commit()
    return RevertResult(batch, variants.written, len(product_restore), tuple(kept))


#: a variant's fields a bulk edit may change, as its audit entries hold them
_NOW = (
    "jsonb_build_object('price', v.price, 'compare_at_price', v.compare_at_price, "
    "'cost', v.cost, 'inventory_policy', v.inventory_policy)"
)


def _revert_variants(
    session: Session, actor: Actor, batch: str, reverted_batch: str
) -> tuple[_Written, list[str]]:
    """Put back the variant values the audit entries of ``reverted_batch`` hold, in one
    statement with their own audit entries, where a variant still has the values the edit
    gave it. Returns what was written and, in the merchant's words, what was kept."""
    restore = " ".join(
        f"""{name} = CASE WHEN d.before ? '{name}'
                THEN CAST(d.before ->> '{name}' AS {kind}) ELSE v.{name} END,"""
        for name, kind in (
            ("price", "bigint"),
            ("compare_at_price", "bigint"),
            ("cost", "bigint"),
            ("inventory_policy", "text"),
        )
    )
    result = session.execute(
        text(
            f"""
            WITH e AS MATERIALIZED (
                SELECT a.entity_id::bigint AS id, a.before, a.after FROM audit_log a
                WHERE a.batch_id = :batch AND a.entity_type = 'variant'
            ), c AS MATERIALIZED (
                SELECT e.*, v.version, v.product_id,
                       v.id IS NOT NULL AND {_NOW} @> e.after AS same
                FROM e LEFT JOIN variants v ON v.id = e.id
            ), d AS MATERIALIZED (
                SELECT * FROM c WHERE same
            ), upd AS (
                UPDATE variants v SET {restore} version = v.version + 1, updated_at = now()
                FROM d WHERE v.id = d.id AND v.version = d.version
                RETURNING v.id, d.before, d.after
            ), audit AS (
                INSERT INTO audit_log (staff_id, action, entity_type, entity_id, before, after,
                                       note, batch_id)
                SELECT :staff_id, 'catalog.bulk_edit.variant', 'variant', id::text, after,
                       before, :note, :new_batch
                FROM upd ORDER BY id
            )
            SELECT (SELECT count(*) FROM d) AS changing, (SELECT count(*) FROM upd) AS written,
                   ARRAY(SELECT DISTINCT product_id FROM d) AS product_ids,
                   ARRAY(SELECT id FROM c WHERE NOT same ORDER BY id) AS kept
            """
        ),
        {
            "batch": reverted_batch,
            "new_batch": batch,
            "staff_id": actor.staff_id,
            "note": None if actor.staff_id is not None else actor.name,
        },
    ).one()
    if result.written != result.changing:
        raise Conflict(
            "Some of these variants were changed by someone else while the revert ran, so "
            "nothing was changed. Try again."
        )
    return _Written(result.written, set(result.product_ids)), _kept(session, result.kept)


def _kept(session: Session, ids: list[int]) -> list[str]:
    """ "TEE-L was changed since" for each variant id; "variant 7 was deleted" for gone ones."""
    if not ids:
        return []
    rows = {
        r.id: r
        for r in session.execute(
            text(
                "SELECT v.id, v.sku, p.title, v.option1, v.option2, v.option3 "
                "FROM unnest(:ids) AS k(id) JOIN variants v ON v.id = k.id "
                "JOIN products p ON p.id = v.product_id"
            ).bindparams(bindparam("ids", type_=_IDS)),
            {"ids": ids},
        )
    }
    kept = []
    for vid in ids:
        r = rows.get(vid)
        if r is None:
            kept.append(f"variant {vid} was deleted")
        else:
            name = r.sku or f"{r.title} {variant_title((r.option1, r.option2, r.option3))}"
            kept.append(f"{name} was changed since")
    return kept


def _products_now(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = session.execute(
        text(
            "SELECT p.id, p.title, p.status, p.tags, ARRAY(SELECT cp.collection_id FROM "
            "collection_products cp WHERE cp.product_id = p.id ORDER BY 1) AS collection_ids "
            "FROM products p WHERE p.id IN (SELECT unnest(CAST(:ids AS bigint[]))) FOR UPDATE"
        ),
        {"ids": sorted(ids)},
    )
    return {
        r.id: {
            "title": r.title,
            "status": r.status,
            "tags": list(r.tags),
            "collection_ids": list(r.collection_ids),
        }
        for r in rows
    }


def list_bulk_edits(uow: UnitOfWork, *, limit: int = 50) -> list[BulkEditEntry]:
    """The latest bulk edits and reverts, newest first, with whether each was reverted."""
    with uow:
        rows = uow.session.execute(
            text(
                """
                SELECT a.id, a.batch_id, a.occurred_at, s.full_name, a.note, a.action, a.after,
                       EXISTS (SELECT 1 FROM audit_log r
                               WHERE r.action = 'catalog.bulk_edit.revert'
                                 AND r.after ->> 'reverts' = a.batch_id) AS reverted
                FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id
                WHERE a.entity_type = :type ORDER BY a.id DESC LIMIT :limit
                """
            ),
            {"type": BULK_ENTRY, "limit": limit},
        )
        return [
            BulkEditEntry(
                audit_entry_id=r.id,
                batch_id=r.batch_id,
                occurred_at=r.occurred_at,
                staff_name=r.full_name,
                description=r.note or "",
                variants=int(r.after.get("variants", 0)),
                products=int(r.after.get("products", 0)),
                reverted=r.reverted,
                is_revert=r.action == "catalog.bulk_edit.revert",
            )
            for r in rows
        ]
