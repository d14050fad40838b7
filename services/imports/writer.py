"""Writing an import's ``Work`` with a handful of set-based statements, whatever the size of
the file: products, options, images, variants and barcodes through ``unnest`` arrays, stock
through the ledger (``open_levels`` and ``move_stock``, reason "import"), then one audit entry
and one outbox event per product.

Ids of new rows are taken from their sequences first, so no write waits for another's answer:
every write is deferred (``UnitOfWork.defer``) and, inside ``writing_in_background``, the
server runs one while Python prepares the next.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, text

from models.status import MovementReason
from services.actors import Actor
from services.arrays import Array, literal
from services.catalog.events import ProductChange, emit_product_changes
from services.catalog.rules import slugify
from services.errors import PermissionDenied
from services.imports.planning import MONEY_FIELDS, ProductWork, VariantWork, Work
from services.imports.records import KEEP, VariantIn
from services.imports.stored import StoredVariant
from services.inventory.ledger import Movement, Reference, move_stock, open_levels
from services.unit_of_work import BackgroundWrites, UnitOfWork

_IDS = Array("bigint")


class Writer:
    """Writes an import's work a batch of products at a time (``write``), with a handful of
    set-based statements per batch whatever its size, queued on the unit of work's
    background writes; ``finish`` adds what needs the whole file (collections).

    Attributes:
        refused: why the actor may not make a batch's changes (then nothing more is written).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        actor: Actor,
        batch: str,
        filename: str,
        background: BackgroundWrites,
    ) -> None:
        self.uow = uow
        self.session = uow.session
        self.actor = actor
        self.batch = batch
        self.filename = filename
        self.background = background
        self.location_id: int | None = None
        self.movements = 0
        self.written = 0
        self.product_ids: dict[int, int] = {}  # id(ProductIn) -> product id
        self.collections: list[tuple[int, str]] = []  # (product id, title) to add
        self.granted: set[str] = set()
        self.refused: PermissionDenied | None = None

    def write(self, work: Work, pws: list[ProductWork]) -> bool:
        """Queue the writes of a batch of the work's products. False when the actor may not
        make them (``refused`` says why): nothing more is written then."""
        self.location_id = self.location_id or work.location_id
        if not self._permitted(pws):
            return False
        live = [pw for pw in pws if not pw.product.skipped]
        new = [pw for pw in live if pw.store is None]
        updated = [pw for pw in live if pw.store is not None]
        if not self.written:
            self.uow.tune_for_bulk_writes()
        if any(vw.moves_stock for pw in live for vw in pw.variants):
            self._default_location()  # made before the batch is queued: making it reads
        # reported when the server gets there
        self.background.mark(f"Writing products {self.written + 1:,}–{self.written + len(live):,}")
        self.written += len(live)
        image_ids, variant_ids = self._allocate_ids(live, new)
        self._insert_products(new)
        self._update_products([pw for pw in updated if pw.changed])
        self._options([pw for pw in live if pw.store is None or pw.options_changed])
        images = self._images(live, image_ids)
        by_line = self._variants(live, images, variant_ids)
        self._barcodes(live, by_line)
        self._stock(live, by_line)
        self.collections += [(self.pid(pw), t) for pw in live for t in pw.new_collections]
        self._audit_and_announce(new, updated)
        return True

    def finish(self, work: Work) -> None:
        """What needs every product: collections, WooCommerce's grouped products among them."""
        self._collections(work)

    def _permitted(self, pws: list[ProductWork]) -> bool:
        needed = set()
        if any(
            (vw.store is None and vw.variant.price not in (KEEP, 0))
            or any(f in MONEY_FIELDS for f in vw.changed)
            for pw in pws
            if not pw.product.skipped
            for vw in pw.variants
        ):
            needed.add("catalog.prices")
        if any(vw.store is not None and vw.stock_delta for pw in pws for vw in pw.variants):
            needed.add("inventory.adjust")  # the stock of variants already in the catalog
        for permission in sorted(needed - self.granted):
            try:
                self.uow.require(self.actor, permission)
            except PermissionDenied as refused:
                self.refused = refused
                return False
            self.granted.add(permission)
        return True

    def pid(self, pw: ProductWork) -> int:
        return pw.store.id if pw.store is not None else self.product_ids[id(pw.product)]

    def _allocate_ids(
        self, live: list[ProductWork], new: list[ProductWork]
    ) -> tuple[list[int], list[int]]:
        """Ids for the batch's new products, images and variants, from their sequences in one
        statement; the new products get theirs here. Returns the images' and variants'."""
        counts = {
            "products": len(new),
            "images": sum(len(pw.new_images) for pw in live),
            "variants": sum(1 for pw in live for vw in pw.variants if vw.store is None),
        }
        if not any(counts.values()):
            return [], []
        # on a connection of its own: here a read would wait for the writes queued before it
        [(products, images, variants)] = self.uow.execute_apart(_ALLOCATE, counts)
        for pw, product_id in zip(new, products, strict=True):
            self.product_ids[id(pw.product)] = product_id
        return images, variants

    def _insert_products(self, new: list[ProductWork]) -> None:
        if not new:
            return
        self.uow.defer(
            """
            INSERT INTO products (id, handle, title, description_html, vendor, product_type,
                                  tags, status, published_at, seo_title, seo_description)
            SELECT d.id, d.handle, d.title, d.body, d.vendor, d.type,
                   CASE WHEN d.tags = '' THEN '{}'::text[]
                        ELSE string_to_array(d.tags, chr(31)) END,
                   d.status, CASE WHEN d.published THEN now() END, d.seo_title, d.seo_desc
            FROM unnest(%(id)s::bigint[], %(handle)s::text[], %(title)s::text[],
                        %(body)s::text[], %(vendor)s::text[], %(type)s::text[],
                        %(tags)s::text[], %(status)s::text[], %(published)s::boolean[],
                        %(seo_title)s::text[], %(seo_desc)s::text[])
                AS d(id, handle, title, body, vendor, type, tags, status, published,
                     seo_title, seo_desc)
            """,
            _arrays(
                id=("bigint", [self.pid(pw) for pw in new]),
                handle=("text", [pw.product.handle for pw in new]),
                title=("text", [keep_or(pw.product.title, pw.product.handle) for pw in new]),
                body=("text", [keep_or(pw.product.description_html, "") for pw in new]),
                vendor=("text", [keep_or(pw.product.vendor, None) for pw in new]),
                type=("text", [keep_or(pw.product.product_type, None) for pw in new]),
                tags=("text", [chr(31).join(keep_or(pw.product.tags, ())) for pw in new]),
                status=("text", [keep_or(pw.product.status, "draft") for pw in new]),
                published=("boolean", [bool(pw.published) for pw in new]),
                seo_title=("text", [keep_or(pw.product.seo_title, None) for pw in new]),
                seo_desc=("text", [keep_or(pw.product.seo_description, None) for pw in new]),
            ),
        )

    def _update_products(self, changed: list[ProductWork]) -> None:
        if not changed:
            return

        def pick(pw: ProductWork, name: str) -> Any:
            new = getattr(pw.product, name)
            return getattr(pw.store, name) if new is KEEP else new

        self.uow.defer(
            """
            UPDATE products p SET handle = d.handle, title = d.title,
                description_html = d.body, vendor = d.vendor, product_type = d.type,
                tags = CASE WHEN d.tags = '' THEN '{}'::text[]
                            ELSE string_to_array(d.tags, chr(31)) END,
                status = d.status,
                published_at = CASE
                    WHEN d.status <> 'active' THEN NULL
                    WHEN d.publish IS NULL THEN p.published_at
                    WHEN d.publish THEN coalesce(p.published_at, now()) END,
                seo_title = d.seo_title, seo_description = d.seo_desc,
                version = p.version + 1, updated_at = now()
            FROM unnest(%(id)s::bigint[], %(handle)s::text[], %(title)s::text[],
                        %(body)s::text[], %(vendor)s::text[], %(type)s::text[],
                        %(tags)s::text[], %(status)s::text[], %(publish)s::boolean[],
                        %(seo_title)s::text[], %(seo_desc)s::text[])
                AS d(id, handle, title, body, vendor, type, tags, status, publish, seo_title,
                     seo_desc)
            WHERE p.id = d.id
            """,
            _arrays(
                id=("bigint", [self.pid(pw) for pw in changed]),
                handle=("text", [pw.product.handle for pw in changed]),
                title=("text", [pick(pw, "title") for pw in changed]),
                body=("text", [pick(pw, "description_html") for pw in changed]),
                vendor=("text", [pick(pw, "vendor") for pw in changed]),
                type=("text", [pick(pw, "product_type") for pw in changed]),
                tags=("text", [chr(31).join(pick(pw, "tags")) for pw in changed]),
                status=("text", [pick(pw, "status") for pw in changed]),
                publish=("boolean", [pw.published for pw in changed]),
                seo_title=("text", [pick(pw, "seo_title") for pw in changed]),
                seo_desc=("text", [pick(pw, "seo_description") for pw in changed]),
            ),
        )

    def _options(self, pws: list[ProductWork]) -> None:
        ids = [self.pid(pw) for pw in pws if pw.store is not None]
        if ids:
            self.uow.defer(
                "DELETE FROM product_options o USING unnest(%(ids)s::bigint[]) AS k(id) "
                "WHERE o.product_id = k.id",
                {"ids": literal(ids, "bigint")},
            )
        rows = [
            (self.pid(pw), position, name, chr(31).join(vals))
            for pw in pws
            for position, (name, vals) in enumerate(pw.product.options, start=1)
        ]
        if rows:
            self.uow.defer(
                "INSERT INTO product_options (product_id, position, name, values) "
                "SELECT p, n, name, string_to_array(vals, chr(31)) "
                "FROM unnest(%(p)s::bigint[], %(n)s::integer[], %(name)s::text[], "
                "%(vals)s::text[]) AS d(p, n, name, vals)",
                _arrays(
                    p=("bigint", [r[0] for r in rows]),
                    n=("integer", [r[1] for r in rows]),
                    name=("text", [r[2] for r in rows]),
                    vals=("text", [r[3] for r in rows]),
                ),
            )

    def _images(self, pws: list[ProductWork], new_ids: list[int]) -> dict[tuple[int, str], int]:
        """Image ids by (product id, src): stored ones and those inserted now."""
        ids: dict[tuple[int, str], int] = {}
        for pw in pws:
            if pw.store is not None:
                for iid, src, _, _ in pw.store.images:
                    ids[(pw.store.id, src)] = iid
        new = [(self.pid(pw), i) for pw in pws for i in pw.new_images]
        if new:
            for (pid, image), iid in zip(new, new_ids, strict=True):
                ids[(pid, image.src)] = iid
            self.uow.defer(
                "INSERT INTO product_images (id, product_id, position, src, alt_text) "
                "SELECT * FROM unnest(%(id)s::bigint[], %(p)s::bigint[], %(n)s::integer[], "
                "%(src)s::text[], %(alt)s::text[])",
                _arrays(
                    id=("bigint", new_ids),
                    p=("bigint", [p for p, _ in new]),
                    n=("integer", [i.position or 1 for _, i in new]),
                    src=("text", [i.src for _, i in new]),
                    alt=("text", [keep_or(i.alt_text, "") for _, i in new]),
                ),
            )
        updates = [u for pw in pws for u in pw.image_updates]
        if updates:
            self.uow.defer(
                "UPDATE product_images i SET alt_text = d.alt, position = d.n "
                "FROM unnest(%(id)s::bigint[], %(alt)s::text[], %(n)s::integer[]) "
                "AS d(id, alt, n) WHERE i.id = d.id",
                _arrays(
                    id=("bigint", [u[0] for u in updates]),
                    alt=("text", [u[1] for u in updates]),
                    n=("integer", [u[2] for u in updates]),
                ),
            )
        return ids

    def _variants(
        self, pws: list[ProductWork], images: dict[tuple[int, str], int], new_ids: list[int]
    ) -> dict[int, int]:
        """Variant ids by line: inserted and updated variants of the file."""
        ids: dict[int, int] = {}
        inserts: list[tuple[int, int, VariantWork]] = []
        updates: list[VariantWork] = []
        for pw in pws:
            pid = self.pid(pw)
            position = max((v.position for v in pw.store.variants), default=0) if pw.store else 0
            for vw in pw.variants:
                if vw.store is None:
                    position += 1
                    inserts.append((pid, position, vw))
                else:
                    ids[vw.variant.line] = vw.store.id
                    if vw.changed:
                        updates.append(vw)

        def image_of(pid: int, vw: VariantWork) -> int | None:
            src = vw.variant.image_src
            if src:
                return images.get((pid, src))
            return None

        if inserts:
            for (_, _, vw), vid in zip(inserts, new_ids, strict=True):
                ids[vw.variant.line] = vid
            self.uow.defer(
                f"""
                INSERT INTO variants (id, product_id, position, sku, option1, option2, option3,
                    price, compare_at_price, cost, weight_grams, inventory_policy,
                    requires_shipping, taxable, image_id, weight_unit, track_stock, extra)
                SELECT * FROM unnest(%(id)s::bigint[], %(p)s::bigint[], %(n)s::integer[],
                                     {_VARIANT_ARRAYS})
                """,
                _variant_params(
                    [(pid, vw.variant, None, image_of(pid, vw)) for pid, _, vw in inserts]
                )
                | _arrays(id=("bigint", new_ids), n=("integer", [n for _, n, _ in inserts])),
            )
        if updates:
            params = _variant_params(
                [
                    (vw.store.product_id, vw.variant, vw.store, image_of(vw.store.product_id, vw))
                    for vw in updates
                    if vw.store is not None
                ]
            )
            ids_literal = literal([vw.store.id for vw in updates if vw.store], "bigint")
            # SKUs may move between variants of the file: free them first
            self.uow.defer(
                "UPDATE variants v SET sku = NULL FROM unnest(%(ids)s::bigint[]) AS k(id) "
                "WHERE v.id = k.id AND v.sku IS NOT NULL "
                "AND v.sku NOT IN (SELECT unnest(%(skus)s::text[]))",
                {
                    "ids": ids_literal,
                    "skus": literal([vw.variant.sku for vw in updates if vw.variant.sku], "text"),
                },
            )
            self.uow.defer(
                f"""
                UPDATE variants v SET sku = d.sku, option1 = d.o1, option2 = d.o2,
                    option3 = d.o3, price = d.price, compare_at_price = d.compare,
                    cost = d.cost, weight_grams = d.grams, inventory_policy = d.policy,
                    requires_shipping = d.ship, taxable = d.tax,
                    image_id = coalesce(d.image, v.image_id), weight_unit = d.unit,
                    track_stock = d.track, extra = d.extra,
                    version = v.version + 1, updated_at = now()
                FROM unnest(%(id)s::bigint[], {_VARIANT_ARRAYS})
                    AS d(id, sku, o1, o2, o3, price, compare, cost, grams, policy, ship,
                         tax, image, unit, track, extra)
                WHERE v.id = d.id
                """,
                params | {"id": ids_literal},
            )
            self._bump([vw.store.product_id for vw in updates if vw.store])
        return ids

    def _bump(self, product_ids: Iterable[int]) -> None:
        """A product whose variants changed has a new version: open editors see a conflict."""
        ids = sorted(set(product_ids))
        if ids:
            self.uow.defer(
                "UPDATE products p SET version = p.version + 1, updated_at = now() "
                "FROM unnest(%(ids)s::bigint[]) AS k(id) WHERE p.id = k.id",
                {"ids": literal(ids, "bigint")},
            )

    def _barcodes(self, pws: list[ProductWork], variant_ids: dict[int, int]) -> None:
        fresh: list[tuple[int, str]] = []  # new variants: nothing to replace
        replace: list[tuple[int, str, tuple[str, ...]]] = []
        for pw in pws:
            for vw in pw.variants:
                code = vw.variant.barcode
                if not isinstance(code, str):
                    continue
                if vw.store is None:
                    fresh.append((variant_ids[vw.variant.line], code))
                elif "barcode" in vw.changed:
                    others = tuple(b for b in vw.store.barcodes if b != code)
                    replace.append((vw.store.id, code, others))
        if fresh:
            self.uow.defer(
                "INSERT INTO barcodes (variant_id, code) "
                "SELECT * FROM unnest(%(v)s::bigint[], %(c)s::text[])",
                _arrays(v=("bigint", [r[0] for r in fresh]), c=("text", [r[1] for r in fresh])),
            )
        if replace:
            # the file's barcode goes first (the main one); the variant's others stay after it
            self.uow.defer(
                "DELETE FROM barcodes b USING unnest(%(ids)s::bigint[]) AS k(id) "
                "WHERE b.variant_id = k.id",
                {"ids": literal([vid for vid, _, _ in replace], "bigint")},
            )
            rows = [(vid, code) for vid, main, others in replace for code in (main, *others)]
            self.uow.defer(
                "INSERT INTO barcodes (variant_id, code) "
                "SELECT * FROM unnest(%(v)s::bigint[], %(c)s::text[]) ON CONFLICT DO NOTHING",
                _arrays(v=("bigint", [r[0] for r in rows]), c=("text", [r[1] for r in rows])),
            )

    def _stock(self, pws: list[ProductWork], variant_ids: dict[int, int]) -> None:
        moves = [
            (variant_ids[vw.variant.line], vw) for pw in pws for vw in pw.variants if vw.moves_stock
        ]
        if not moves:
            return
        location = self._default_location()
        reference = Reference.of("import", self.batch)
        note = f"Imported from {self.filename}" if self.filename else "Imported from a file"
        plain = [(vid, vw) for vid, vw in moves if not vw.variant.stock_note]
        # New variants get their first level and its ledger row in one statement; variants
        # the catalog had already move through move_stock like any other stock change.
        self.movements += open_levels(
            self.uow,
            self.actor,
            [(vid, location, vw.stock_delta) for vid, vw in plain if vw.store is None],
            reason=MovementReason.IMPORT,
            reference=reference,
            note=note,
        )
        existing = [
            Movement(vid, location, on_hand=vw.stock_delta) for vid, vw in plain if vw.store
        ]
        if existing:
            self.movements += move_stock(
                self.uow,
                self.actor,
                existing,
                reason=MovementReason.IMPORT,
                reference=reference,
                note=note,
            )
        for vid, vw in moves:
            if vw.variant.stock_note:
                self.movements += move_stock(
                    self.uow,
                    self.actor,
                    [Movement(vid, location, on_hand=vw.stock_delta)],
                    reason=MovementReason.IMPORT,
                    reference=reference,
                    note=vw.variant.stock_note,
                    record_unchanged=True,
                )

    def _default_location(self) -> int:
        if self.location_id is not None:
            return self.location_id
        code = "MAIN"
        taken = set(self.session.execute(text("SELECT code FROM locations")).scalars())
        n = 1
        while code in taken:
            n += 1
            code = f"MAIN{n}"
        self.location_id = int(
            self.session.execute(
                text(
                    "INSERT INTO locations (code, name, is_default) "
                    "VALUES (:code, 'Main warehouse', true) RETURNING id"
                ),
                {"code": code},
            ).scalar_one()
        )
        self.uow.audit(
            self.actor,
            "inventory.location.create",
            "location",
            self.location_id,
            after={"code": code, "name": "Main warehouse", "is_default": True},
            note="Created for stock in an imported product file: the store had no default "
            "location.",
        )
        return self.location_id

    def _collections(self, work: Work) -> None:
        wanted = self.collections
        groups = [
            (g.title, [m if isinstance(m, int) else self.product_ids[id(m)] for m in members])
            for g, members, _ in work.grouped
        ]
        titles = list(dict.fromkeys([t for _, t in wanted] + [t for t, _ in groups]))
        if not titles:
            return
        self.session.execute(
            text(
                "INSERT INTO collections (title, handle) "
                "SELECT t, h FROM unnest(:t, :h) AS d(t, h) "
                "WHERE NOT EXISTS (SELECT 1 FROM collections c WHERE c.title = d.t) "
                "ON CONFLICT (handle) DO NOTHING"
            ).bindparams(bindparam("t", type_=Array("text")), bindparam("h", type_=Array("text"))),
            {"t": titles, "h": [slugify(t) or "collection" for t in titles]},
        )
        ids = {
            r.title: r.id
            for r in self.session.execute(
                text("SELECT title, id FROM collections WHERE title = ANY(:t)").bindparams(
                    bindparam("t", type_=Array("text"))
                ),
                {"t": titles},
            )
        }
        pairs = [(ids[t], p) for p, t in wanted if t in ids] + [
            (ids[t], p) for t, members in groups for p in members if t in ids
        ]
        if pairs:
            self.session.execute(
                text(
                    "INSERT INTO collection_products (collection_id, product_id) "
                    "SELECT * FROM unnest(:c, :p) ON CONFLICT DO NOTHING"
                ).bindparams(bindparam("c", type_=_IDS), bindparam("p", type_=_IDS)),
                {"c": [c for c, _ in pairs], "p": [p for _, p in pairs]},
            )

    def _audit_and_announce(self, new: list[ProductWork], updated: list[ProductWork]) -> None:
        touched = [
            pw
            for pw in updated
            if pw.changed
            or pw.new_collections
            or any(vw.store is None or vw.changed for vw in pw.variants)
        ]
        rows = [(pw, None) for pw in new] + [(pw, _before(pw)) for pw in touched]
        note = f"Import of {self.filename}" if self.filename else "Import"
        self.uow.defer(
            _AUDIT,
            {
                "staff": self.actor.staff_id,
                "note": note if self.actor.staff_id is not None else f"{self.actor.name}: {note}",
                "batch": self.batch,
            }
            | _arrays(
                ids=("text", [str(self.pid(pw)) for pw, _ in rows]),
                befores=("text", [None if b is None else json.dumps(b) for _, b in rows]),
                afters=("text", [json.dumps(_summary(pw)) for pw, _ in rows]),
            ),
        )
        self._bump([self.pid(pw) for pw in touched if not pw.changed])
        for topic, pws in (("product.created", new), ("product.updated", touched)):
            changes = [
                ProductChange(
                    self.pid(pw),
                    pw.product.handle,
                    tuple(vw.variant.sku for vw in pw.variants if vw.variant.sku),
                    bool(pw.published) or bool(pw.store and pw.store.published),
                    tuple(sorted(set(pw.changed) | {f for vw in pw.variants for f in vw.changed})),
                    pw.store.handle if pw.store else None,
                )
                for pw in pws
            ]
            emit_product_changes(self.uow, topic, changes)


#: one audit entry per product imported, in one statement (an import can touch ten thousand)
_AUDIT = """
    INSERT INTO audit_log (staff_id, action, entity_type, entity_id, before, after, note,
                           batch_id)
    SELECT %(staff)s, 'catalog.import.product', 'product', d.id, d.before, d.after, %(note)s,
           %(batch)s
    FROM unnest(%(ids)s::text[], %(befores)s::jsonb[], %(afters)s::jsonb[])
        AS d(id, before, after)
"""

_ALLOCATE = text(
    """
    SELECT ARRAY(SELECT nextval('products_id_seq') FROM generate_series(1, :products)),
           ARRAY(SELECT nextval('product_images_id_seq') FROM generate_series(1, :images)),
           ARRAY(SELECT nextval('variants_id_seq') FROM generate_series(1, :variants))
    """
)

_BEFORE_FIELDS = (
    "handle", "title", "description_html", "vendor", "product_type", "tags", "status",
    "seo_title", "seo_description", "options",
)  # fmt: skip


def _before(pw: ProductWork) -> dict[str, Any]:
    """The stored values of the product fields the import changes."""
    stored = pw.store
    assert stored is not None
    return {f: getattr(stored, f) for f in _BEFORE_FIELDS if f in pw.changed} | {
        "published": stored.published
    }


def _summary(pw: ProductWork) -> dict[str, Any]:
    return {
        "handle": pw.product.handle,
        "changed": sorted(set(pw.changed)),
        "variants_created": sum(1 for vw in pw.variants if vw.store is None),
        "variants_updated": sum(1 for vw in pw.variants if vw.store is not None and vw.changed),
        "line": pw.product.line,
    }


def keep_or(value: Any, default: Any) -> Any:
    return default if value is KEEP else value


def keep_extra_columns(uow: UnitOfWork, headers: list[str]) -> None:
    """Remember the order of the columns a file brought that the catalog keeps as they are,
    for the export (a column seen before keeps its place)."""
    if headers:
        uow.defer(
            "INSERT INTO catalog_extra_columns (header) "
            "SELECT h FROM unnest(%(headers)s::text[]) WITH ORDINALITY AS x(h, n) ORDER BY n "
            "ON CONFLICT DO NOTHING",
            {"headers": literal(headers, "text")},
        )


def _arrays(**columns: tuple[str, Iterable[Any]]) -> dict[str, str]:
    """Each column's values as an array literal of its kind: ``id=("bigint", ids)``."""
    return {name: literal(values, kind) for name, (kind, values) in columns.items()}


#: the arrays of a variant write after its ids, in the order of the variants' columns
_VARIANT_ARRAYS = (
    "%(sku)s::text[], %(o1)s::text[], %(o2)s::text[], %(o3)s::text[], %(price)s::bigint[], "
    "%(compare)s::bigint[], %(cost)s::bigint[], %(grams)s::numeric[], %(policy)s::text[], "
    "%(ship)s::boolean[], %(tax)s::boolean[], %(image)s::bigint[], %(unit)s::text[], "
    "%(track)s::boolean[], %(extra)s::text[]::jsonb[]"
)


def _variant_params(
    rows: list[tuple[int, VariantIn, StoredVariant | None, int | None]],
) -> dict[str, str]:
    def pick(v: VariantIn, s: StoredVariant | None, name: str, default: Any) -> Any:
        value = getattr(v, name)
        if value is KEEP:
            return getattr(s, name) if s is not None else default
        return value

    return _arrays(
        p=("bigint", [p for p, _, _, _ in rows]),
        sku=("text", [v.sku for _, v, _, _ in rows]),
        o1=("text", [v.options[0] for _, v, _, _ in rows]),
        o2=("text", [v.options[1] for _, v, _, _ in rows]),
        o3=("text", [v.options[2] for _, v, _, _ in rows]),
        price=("bigint", [pick(v, s, "price", 0) or 0 for _, v, s, _ in rows]),
        compare=("bigint", [pick(v, s, "compare_at_price", None) for _, v, s, _ in rows]),
        cost=("bigint", [pick(v, s, "cost", None) for _, v, s, _ in rows]),
        grams=("numeric", [pick(v, s, "weight_grams", None) for _, v, s, _ in rows]),
        unit=("text", [pick(v, s, "weight_unit", "g") for _, v, s, _ in rows]),
        track=("boolean", [pick(v, s, "track_stock", True) for _, v, s, _ in rows]),
        extra=("text", [json.dumps(pick(v, s, "extra", ())) for _, v, s, _ in rows]),
        policy=("text", [pick(v, s, "inventory_policy", "deny") for _, v, s, _ in rows]),
        ship=("boolean", [pick(v, s, "requires_shipping", True) for _, v, s, _ in rows]),
        tax=("boolean", [pick(v, s, "taxable", True) for _, v, s, _ in rows]),
        image=("bigint", [i for _, _, _, i in rows]),
    )
