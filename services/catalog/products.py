"""Creating and editing a product: its fields, options, variant grid, images and collections.

The editor works on a ``ProductDraft`` (frozen; ``from_detail`` starts one from what was
loaded) and saves it whole with ``save_product``: one transaction, one audit entry, one outbox
event. The draft remembers the version it was loaded at; if someone saved the product since,
the save raises ``Conflict`` listing what they changed, and nothing is overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models.catalog import (
    Barcode,
    Product,
    ProductImage,
    ProductOption,
    Variant,
    collection_products,
)
from models.money import MoneyFormat
from models.status import InventoryPolicy, ProductStatus
from services.actors import Actor
from services.audit import last_change
from services.catalog import rules
from services.catalog.events import emit_product_changes, product_changes
from services.catalog.queries import load_product
from services.catalog.records import Finding, ProductDetail, SavedProduct, Severity
from services.errors import Conflict, NotFound, ValidationFailed
from services.store import money_format
from services.unit_of_work import UnitOfWork

# -- drafts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionDraft:
    name: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImageDraft:
    """An image as the editor holds it: an existing one (``id``) or a new file or URL."""

    id: int | None = None
    src: str = ""
    alt_text: str = ""
    content: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class VariantDraft:
    id: int | None = None
    version: int | None = None
    sku: str | None = None
    options: tuple[str | None, str | None, str | None] = (None, None, None)
    price: int = 0
    compare_at_price: int | None = None
    cost: int | None = None
    weight_grams: Decimal | None = None
    inventory_policy: str = InventoryPolicy.DENY.value
    requires_shipping: bool = True
    taxable: bool = True
    barcodes: tuple[str, ...] = ()
    #: index into the draft's images, or None
    image_index: int | None = None

    @property
    def title(self) -> str:
        return rules.variant_title(self.options)


@dataclass(frozen=True)
class ProductDraft:
    id: int | None = None
    #: the product's version when it was loaded; a save compares it with the stored one
    version: int | None = None
    handle: str = ""
    title: str = ""
    description_html: str = ""
    vendor: str | None = None
    product_type: str | None = None
    tags: tuple[str, ...] = ()
    status: str = ProductStatus.DRAFT.value
    seo_title: str | None = None
    seo_description: str | None = None
    options: tuple[OptionDraft, ...] = ()
    variants: tuple[VariantDraft, ...] = (VariantDraft(),)
    images: tuple[ImageDraft, ...] = ()
    collection_ids: tuple[int, ...] = ()
    #: what the editor loaded, so a conflict can say what someone else changed
    base: ProductDetail | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_detail(cls, detail: ProductDetail) -> ProductDraft:
        image_index = {image.id: i for i, image in enumerate(detail.images)}
        return cls(
            id=detail.id,
            version=detail.version,
            handle=detail.handle,
            title=detail.title,
            description_html=detail.description_html,
            vendor=detail.vendor,
            product_type=detail.product_type,
            tags=detail.tags,
            status=detail.status,
            seo_title=detail.seo_title,
            seo_description=detail.seo_description,
            options=tuple(OptionDraft(o.name, o.values) for o in detail.options),
            variants=tuple(
                VariantDraft(
                    id=v.id,
                    version=v.version,
                    sku=v.sku,
                    options=v.options,
                    price=v.price,
                    compare_at_price=v.compare_at_price,
                    cost=v.cost,
                    weight_grams=v.weight_grams,
                    inventory_policy=v.inventory_policy,
                    requires_shipping=v.requires_shipping,
                    taxable=v.taxable,
                    barcodes=v.barcodes,
                    image_index=image_index.get(v.image_id) if v.image_id else None,
                )
                for v in detail.variants
            ),
            images=tuple(
                ImageDraft(id=i.id, src=i.src, alt_text=i.alt_text, content_type=i.content_type)
                for i in detail.images
            ),
            collection_ids=detail.collection_ids,
            base=detail,
        )


# -- editing the option grid (pure: the editor calls these as the user types) -----------------


def add_option_value(draft: ProductDraft, option_index: int, value: str) -> ProductDraft:
    """The draft with ``value`` added to an option and a variant for every missing combination.

    New variants copy the price, cost, weight and policy of the first variant, as a merchant
    adding "XL" expects, and have no SKU yet.
    """
    value = value.strip()
    if not value:
        raise ValidationFailed("Type the new value first.", fields={"options": "empty value"})
    options = list(draft.options)
    if not 0 <= option_index < len(options):
        raise ValidationFailed("That option does not exist.", fields={"options": "no such option"})
    option = options[option_index]
    if value.casefold() in (v.casefold() for v in option.values):
        raise ValidationFailed(
            f"{option.name} already has “{value}”.",
            fields={f"options[{option_index}]": "duplicate"},
        )
    options[option_index] = OptionDraft(option.name, (*option.values, value))
    return _fill_grid(replace(draft, options=tuple(options)))


def add_option(draft: ProductDraft, name: str, values: Sequence[str]) -> ProductDraft:
    """The draft with a new option (at most three); existing variants take its first value."""
    name = name.strip()
    clean = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if len(draft.options) >= rules.MAX_OPTIONS:
        raise ValidationFailed(
            "A product has at most three options.", fields={"options": "too many options"}
        )
    if not name or not clean:
        raise ValidationFailed(
            "An option needs a name and at least one value.", fields={"options": "incomplete"}
        )
    position = len(draft.options)
    variants = tuple(
        replace(v, options=_with(v.options, position, clean[0])) for v in draft.variants
    )
    return _fill_grid(
        replace(draft, options=(*draft.options, OptionDraft(name, clean)), variants=variants)
    )


def _with(values: tuple[str | None, ...], position: int, value: str) -> Any:
    padded = list(values) + [None] * (3 - len(values))
    padded[position] = value
    return tuple(padded[:3])


def _fill_grid(draft: ProductDraft) -> ProductDraft:
    option_values = [o.values for o in draft.options]
    existing = [v.options for v in draft.variants]
    missing = rules.missing_combinations(option_values, existing)
    if not missing:
        return draft
    template = draft.variants[0] if draft.variants else VariantDraft()
    added = tuple(
        VariantDraft(
            options=rules.option_values(combo),
            price=template.price,
            compare_at_price=template.compare_at_price,
            cost=template.cost,
            weight_grams=template.weight_grams,
            inventory_policy=template.inventory_policy,
            requires_shipping=template.requires_shipping,
            taxable=template.taxable,
        )
        for combo in missing
    )
    return replace(draft, variants=draft.variants + added)


# -- validation -------------------------------------------------------------------------------


def validate_product(uow: UnitOfWork, draft: ProductDraft) -> list[Finding]:
    """Everything wrong or worth a warning in ``draft``, in the merchant's terms.

    Reads the store for uniqueness (handle, SKUs), so the editor can run it in the background
    while the user types. ``save_product`` runs the same checks.
    """
    with uow:
        return _findings(uow.session, _normalised(draft), money_format(uow.session))


def _normalised(draft: ProductDraft) -> ProductDraft:
    def text_or_none(value: str | None) -> str | None:
        return value.strip() or None if value else None

    variants = tuple(
        replace(
            v,
            sku=text_or_none(v.sku),
            options=rules.option_values(text_or_none(o) for o in v.options),
            barcodes=tuple(dict.fromkeys(rules.clean_barcode(b) for b in v.barcodes if b.strip())),
            inventory_policy=(v.inventory_policy or "").strip().lower(),
        )
        for v in draft.variants
    )
    title = draft.title.strip()
    return replace(
        draft,
        title=title,
        handle=(draft.handle.strip().lower() or rules.slugify(title)),
        vendor=text_or_none(draft.vendor),
        product_type=text_or_none(draft.product_type),
        tags=tuple(dict.fromkeys(t.strip() for t in draft.tags if t.strip())),
        status=draft.status.strip().lower(),
        seo_title=text_or_none(draft.seo_title),
        seo_description=text_or_none(draft.seo_description),
        options=tuple(
            OptionDraft(o.name.strip(), tuple(v.strip() for v in o.values if v.strip()))
            for o in draft.options
        ),
        variants=variants,
    )


def _findings(session: Session, d: ProductDraft, money: MoneyFormat) -> list[Finding]:
    found: list[Finding] = []

    def error(where: str, message: str) -> None:
        found.append(Finding(Severity.ERROR, where, message))

    def warning(where: str, message: str) -> None:
        found.append(Finding(Severity.WARNING, where, message))

    if not d.title:
        error("title", "A product needs a title.")
    if not d.handle:
        error("handle", "Give the product a handle (its address on the storefront).")
    elif not rules.is_valid_handle(d.handle):
        error("handle", "A handle uses only lower-case letters, digits and dashes.")
    else:
        other = session.execute(
            text("SELECT title FROM products WHERE handle = :h AND id IS DISTINCT FROM :id"),
            {"h": d.handle, "id": d.id},
        ).scalar()
        if other is not None:
            error("handle", f"The handle “{d.handle}” is already used by “{other}”.")
    if d.status not in {s.value for s in ProductStatus}:
        error("status", "Status is draft, active or archived.")
    _length_findings(d, error)
    _option_findings(d, error)
    _variant_findings(session, d, money, error, warning)
    return found


def _length_findings(d: ProductDraft, error: Any) -> None:
    texts = [
        ("title", "title", "Title", d.title),
        ("handle", "handle", "Handle", d.handle),
        ("vendor", "vendor", "Vendor", d.vendor),
        ("product_type", "product_type", "Type", d.product_type),
        ("seo_title", "seo_title", "SEO title", d.seo_title),
        ("seo_description", "seo_description", "SEO description", d.seo_description),
        ("description_html", "description_html", "Description", d.description_html),
        *(("tags", "tag", f"Tag “{t[:20]}…”", t) for t in d.tags),
        *(
            (f"options[{i}]", "option", f"Option {i + 1}", text)
            for i, o in enumerate(d.options)
            for text in (o.name, *o.values)
        ),
        *((f"variants[{i}].sku", "sku", "SKU", v.sku) for i, v in enumerate(d.variants)),
    ]
    for where, limit, label, value in texts:
        problem = rules.length_problem(limit, label, value)
        if problem:
            error(where, problem)


def _option_findings(d: ProductDraft, error: Any) -> None:
    if len(d.options) > rules.MAX_OPTIONS:
        error("options", "A product has at most three options.")
    names = [o.name.casefold() for o in d.options]
    for i, option in enumerate(d.options):
        if not option.name:
            error(f"options[{i}]", f"Option {i + 1} needs a name.")
        elif names.index(option.name.casefold()) != i:
            error(f"options[{i}]", f"There are two options called “{option.name}”.")
        if not option.values:
            error(f"options[{i}]", f"{option.name or f'Option {i + 1}'} needs at least one value.")
        folded = [v.casefold() for v in option.values]
        if len(set(folded)) != len(folded):
            error(f"options[{i}]", f"{option.name} lists a value twice.")
    if not d.variants:
        error("variants", "A product needs at least one variant.")
    elif not d.options and len(d.variants) > 1:
        error("variants", "Add an option (such as Size) to have more than one variant.")


def _variant_findings(
    session: Session, d: ProductDraft, money: MoneyFormat, error: Any, warning: Any
) -> None:
    seen_combos: dict[tuple[str | None, ...], int] = {}
    seen_skus: dict[str, int] = {}
    for i, v in enumerate(d.variants):
        where = f"variants[{i}]"
        name = v.sku or v.title
        combo = tuple(v.options[: len(d.options)])
        for k, option in enumerate(d.options[: rules.MAX_OPTIONS]):
            value = v.options[k]
            if not value:
                error(f"{where}.option{k + 1}", f"{name}: choose a {option.name}.")
            elif value.casefold() not in (x.casefold() for x in option.values):
                error(f"{where}.option{k + 1}", f"{name}: “{value}” is not a {option.name}.")
        if any(v.options[len(d.options) :]):
            error(where, f"{name} has a value for an option the product does not have.")
        if combo in seen_combos and d.options:
            error(where, f"Two variants are both {v.title}.")
        seen_combos.setdefault(combo, i)
        if v.sku:
            if v.sku in seen_skus:
                error(f"{where}.sku", f"SKU {v.sku} is on two variants of this product.")
            seen_skus.setdefault(v.sku, i)
        if v.price < 0:
            error(f"{where}.price", f"{name}: a price cannot be negative.")
        if v.cost is not None and v.cost < 0:
            error(f"{where}.cost", f"{name}: a cost cannot be negative.")
        if v.compare_at_price is not None and v.compare_at_price < 0:
            error(f"{where}.compare_at_price", f"{name}: a compare-at price cannot be negative.")
        elif v.compare_at_price is not None and v.compare_at_price < v.price:
            warning(
                f"{where}.compare_at_price",
                f"{name}: the compare-at price {money.format(v.compare_at_price)} is "
                f"below the price {money.format(v.price)}, so the storefront shows "
                "no saving.",
            )
        if v.weight_grams is not None and v.weight_grams < 0:
            error(f"{where}.weight_grams", f"{name}: a weight cannot be negative.")
        if v.inventory_policy not in {p.value for p in InventoryPolicy}:
            error(f"{where}.inventory_policy", f"{name}: choose deny or continue when sold out.")
        for code in v.barcodes:
            if rules.gtin_check_digit_ok(code) is False:
                warning(
                    f"{where}.barcodes",
                    f"{name}: barcode {code} has a wrong check digit; check it against the "
                    "label (scanners may still read it).",
                )
        if v.image_index is not None and not 0 <= v.image_index < len(d.images):
            error(f"{where}.image", f"{name}: that image is not on the product.")
    _shared_barcode_findings(session, d, warning)
    if seen_skus:
        taken = session.execute(
            text(
                "SELECT v.sku, p.title, v.option1, v.option2, v.option3 FROM variants v "
                "JOIN products p ON p.id = v.product_id "
                "WHERE v.sku = ANY(:skus) AND v.product_id IS DISTINCT FROM :id"
            ),
            {"skus": list(seen_skus), "id": d.id},
        )
        for row in taken:
            error(
                f"variants[{seen_skus[row.sku]}].sku",
                f"SKU {row.sku} is already used by {_owner(row)}.",
            )


def _shared_barcode_findings(session: Session, d: ProductDraft, warning: Any) -> None:
    """A barcode on two items makes a scan ambiguous; it may still be meant (a bundle and its
    item), so it is a warning naming the other item, as the import's is."""
    first: dict[str, int] = {}
    for i, v in enumerate(d.variants):
        for code in v.barcodes:
            if code in first and first[code] != i:
                warning(
                    f"variants[{i}].barcodes",
                    f"{v.sku or v.title}: barcode {code} is also on "
                    f"{_variant_name(d.variants[first[code]])} of this product.",
                )
            first.setdefault(code, i)
    if not first:
        return
    elsewhere = session.execute(
        text(
            "SELECT b.code, p.title, v.sku, v.option1, v.option2, v.option3 FROM barcodes b "
            "JOIN variants v ON v.id = b.variant_id JOIN products p ON p.id = v.product_id "
            "WHERE b.code = ANY(:codes) AND v.product_id IS DISTINCT FROM :id "
            "ORDER BY b.code, p.title, v.id"
        ),
        {"codes": list(first), "id": d.id},
    )
    for row in elsewhere:
        v = d.variants[first[row.code]]
        warning(
            f"variants[{first[row.code]}].barcodes",
            f"{v.sku or v.title}: barcode {row.code} is already on {_owner(row)}"
            f"{f', SKU {row.sku}' if row.sku else ''}; a scan of it may find either.",
        )


def _owner(row: Any) -> str:
    """“Wool Scarf” (Grey / M): a variant of another product, as the merchant knows it."""
    title = rules.variant_title((row.option1, row.option2, row.option3))
    return f"“{row.title}”" + ("" if title == rules.DEFAULT_TITLE else f" ({title})")


def _variant_name(v: VariantDraft) -> str:
    return f"SKU {v.sku}" if v.sku else v.title


def _raise_errors(findings: list[Finding]) -> tuple[Finding, ...]:
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        lines = "\n".join(f"• {e.message}" for e in errors)
        raise ValidationFailed(
            f"The product cannot be saved yet:\n{lines}",
            fields={e.field: e.message for e in errors},
        )
    return tuple(f for f in findings if f.severity is Severity.WARNING)


# -- saving -----------------------------------------------------------------------------------


def save_product(uow: UnitOfWork, actor: Actor, draft: ProductDraft) -> SavedProduct:
    """Create the product (``draft.id`` None) or save the editor's changes to it.

    Raises PermissionDenied (catalog.edit; catalog.prices when a price, compare-at price or
    cost changes), ValidationFailed (every error, each tied to its field), Conflict (someone
    saved the product since ``draft.version``; ``details["changes"]`` says what), NotFound.
    Warnings (compare-at below price, a bad GTIN check digit) come back with the result.
    """
    d = _normalised(draft)
    with uow:
        uow.require(actor, "catalog.edit")
        session = uow.session
        money = money_format(session)
        before: ProductDetail | None = None
        if d.id is not None:
            locked = session.execute(
                text("SELECT version FROM products WHERE id = :id FOR UPDATE"), {"id": d.id}
            ).scalar()
            if locked is None:
                raise NotFound("That product no longer exists; someone may have deleted it.")
            before = load_product(session, d.id)
            if d.version != before.version:
                raise _conflict(session, draft.base, before, money)
        if _prices_change(d, before):
            uow.require(actor, "catalog.prices")
        warnings = _raise_errors(_findings(session, d, money))
        try:
            product = _write(session, d, before)
        except IntegrityError as error:
            raise _taken(error) from None
        except StaleDataError:
            raise Conflict(
                "Someone changed this product while it was being saved. Reload and try again."
            ) from None
        after = load_product(session, product.id)
        uow.audit(
            actor,
            "catalog.product.create" if before is None else "catalog.product.update",
            "product",
            after.id,
            before=None if before is None else snapshot(before),
            after=snapshot(after),
        )
        was_published = before is not None and before.published
        changed = changed_fields(before, after)
        [change] = product_changes(
            uow, [after.id], fields=changed, published_before={after.id: was_published}
        )
        if before is not None and before.handle != after.handle:
            change = dataclasses.replace(change, old_handle=before.handle)
        topic = "product.created" if before is None else "product.updated"
        if before is not None and was_published and not after.published:
            topic = "product.unpublished"
        emit_product_changes(uow, topic, [change])
        uow.commit()
    return SavedProduct(after, warnings, created=before is None)


def _taken(error: IntegrityError) -> ValidationFailed:
    """A handle or SKU someone else took between our check and our write."""
    detail = str(error.orig)
    if "uq_variants_sku" in detail:
        return ValidationFailed(
            "One of these SKUs was just taken by another product. Check the SKUs and save again.",
            fields={"variants": "SKU taken"},
        )
    if "uq_products_handle" in detail:
        return ValidationFailed(
            "That handle was just taken by another product. Choose another handle.",
            fields={"handle": "taken"},
        )
    raise error


def _prices_change(d: ProductDraft, before: ProductDetail | None) -> bool:
    if before is None:
        return any(v.price or v.compare_at_price or v.cost for v in d.variants)
    old = {v.id: (v.price, v.compare_at_price, v.cost) for v in before.variants}
    for v in d.variants:
        now = (v.price, v.compare_at_price, v.cost)
        if v.id is None:
            if any(now):
                return True
        elif old.get(v.id) != now:
            return True
    return False


def _write(session: Session, d: ProductDraft, before: ProductDetail | None) -> Product:
    if before is None:
        product = Product()
        session.add(product)
    else:
        product = session.get_one(Product, d.id)
    product.handle = d.handle
    product.title = d.title
    product.description_html = d.description_html
    product.vendor = d.vendor
    product.product_type = d.product_type
    product.tags = list(d.tags)
    product.status = d.status
    product.seo_title = d.seo_title
    product.seo_description = d.seo_description
    if d.status != ProductStatus.ACTIVE:
        product.published_at = None  # the storefront shows active products only
    product.updated_at = func.now()  # also bumps the version when only variants changed
    session.flush()
    session.execute(delete(ProductOption).where(ProductOption.product_id == product.id))
    session.flush()
    for position, option in enumerate(d.options, start=1):
        session.add(
            ProductOption(
                product_id=product.id,
                position=position,
                name=option.name,
                values=list(option.values),
            )
        )
    image_ids = _write_images(session, product.id, d)
    _write_variants(session, product.id, d, before, image_ids)
    session.execute(
        delete(collection_products).where(collection_products.c.product_id == product.id)
    )
    if d.collection_ids:
        session.execute(
            collection_products.insert(),
            [{"collection_id": c, "product_id": product.id} for c in sorted(set(d.collection_ids))],
        )
    session.flush()
    return product


def _write_images(session: Session, product_id: int, d: ProductDraft) -> list[int]:
    kept = {i.id for i in d.images if i.id is not None}
    session.execute(
        delete(ProductImage).where(
            ProductImage.product_id == product_id, ProductImage.id.not_in(kept or {0})
        )
    )
    ids: list[int] = []
    for position, draft in enumerate(d.images, start=1):
        if draft.id is None:
            image = ProductImage(
                product_id=product_id,
                position=position,
                src=draft.src,
                alt_text=draft.alt_text,
                content=draft.content,
                content_type=draft.content_type,
            )
            session.add(image)
            session.flush()
        else:
            image = session.get_one(ProductImage, draft.id)
            if image.product_id != product_id:
                raise ValidationFailed("That image belongs to another product.")
            image.position = position
            image.alt_text = draft.alt_text
        ids.append(image.id)
    return ids


def _write_variants(
    session: Session,
    product_id: int,
    d: ProductDraft,
    before: ProductDetail | None,
    image_ids: list[int],
) -> None:
    kept = {v.id for v in d.variants if v.id is not None}
    removed = [v for v in (before.variants if before else ()) if v.id not in kept]
    if removed:
        _refuse_removing_stocked(session, removed)
        session.execute(delete(Variant).where(Variant.id.in_([v.id for v in removed])))
        session.flush()
    # A SKU may move from one variant to another in the same save: free the changed ones
    # first so the unique index never sees two holders mid-way.
    old_skus = {v.id: v.sku for v in (before.variants if before else ())}
    moving = [v.id for v in d.variants if v.id is not None and old_skus.get(v.id) != v.sku]
    if moving:
        session.execute(
            text("UPDATE variants SET sku = NULL WHERE id = ANY(:ids)"), {"ids": moving}
        )
        session.expire_all()
    for position, v in enumerate(d.variants, start=1):
        variant = Variant(product_id=product_id) if v.id is None else session.get_one(Variant, v.id)
        if variant.product_id != product_id:
            raise ValidationFailed("That variant belongs to another product.")
        variant.position = position
        variant.sku = v.sku
        variant.option1, variant.option2, variant.option3 = v.options
        variant.price = v.price
        variant.compare_at_price = v.compare_at_price
        variant.cost = v.cost
        variant.weight_grams = v.weight_grams
        variant.inventory_policy = v.inventory_policy
        variant.requires_shipping = v.requires_shipping
        variant.taxable = v.taxable
        variant.image_id = None if v.image_index is None else image_ids[v.image_index]
        if v.id is None:
            session.add(variant)
        session.flush()
        current = list(
            session.execute(
                select(Barcode.code).where(Barcode.variant_id == variant.id).order_by(Barcode.id)
            ).scalars()
        )
        if current != list(v.barcodes):
            session.execute(delete(Barcode).where(Barcode.variant_id == variant.id))
            for code in v.barcodes:
                session.add(Barcode(variant_id=variant.id, code=code))
    session.flush()


def _refuse_removing_stocked(session: Session, removed: Sequence[Any]) -> None:
    """A variant with stock history stays: the ledger keeps its movements for good."""
    rows = session.execute(
        text(
            "SELECT DISTINCT variant_id FROM stock_movements WHERE variant_id = ANY(:ids) "
            "UNION SELECT variant_id FROM inventory_levels WHERE variant_id = ANY(:ids) "
            "AND (on_hand <> 0 OR committed <> 0 OR incoming <> 0)"
        ),
        {"ids": [v.id for v in removed]},
    ).scalars()
    stocked = set(rows)
    names = [v.sku or v.title for v in removed if v.id in stocked]
    if names:
        raise ValidationFailed(
            f"{', '.join(names)} cannot be removed: stock has moved for "
            f"{'it' if len(names) == 1 else 'them'} and the stock ledger keeps that history. "
            "Archive the product instead, or keep the variant.",
            fields={"variants": "has stock history"},
        )


def delete_product(uow: UnitOfWork, actor: Actor, product_id: int, version: int) -> None:
    """Delete a product that never had stock. Raises Conflict, NotFound, ValidationFailed."""
    with uow:
        uow.require(actor, "catalog.edit")
        session = uow.session
        stored = session.execute(
            text("SELECT version FROM products WHERE id = :id FOR UPDATE"), {"id": product_id}
        ).scalar()
        if stored is None:
            raise NotFound("That product no longer exists; someone may have deleted it.")
        before = load_product(session, product_id)
        if stored != version:
            raise _conflict(session, None, before, money_format(session))
        _refuse_removing_stocked(session, before.variants)
        [change] = product_changes(uow, [product_id])
        session.execute(delete(Product).where(Product.id == product_id))
        uow.audit(actor, "catalog.product.delete", "product", product_id, before=snapshot(before))
        emit_product_changes(uow, "product.deleted", [change])
        uow.commit()


# -- audit snapshots and conflicts ------------------------------------------------------------


def snapshot(p: ProductDetail) -> dict[str, Any]:
    """The product as the audit log keeps it: every field a merchant edits."""
    return {
        "version": p.version,
        "handle": p.handle,
        "title": p.title,
        "description_html": p.description_html,
        "vendor": p.vendor,
        "product_type": p.product_type,
        "tags": list(p.tags),
        "status": p.status,
        "published": p.published,
        "seo_title": p.seo_title,
        "seo_description": p.seo_description,
        "options": [{"name": o.name, "values": list(o.values)} for o in p.options],
        "variants": [
            {
                "id": v.id,
                "sku": v.sku,
                "options": list(v.options),
                "price": v.price,
                "compare_at_price": v.compare_at_price,
                "cost": v.cost,
                "weight_grams": v.weight_grams,
                "inventory_policy": v.inventory_policy,
                "requires_shipping": v.requires_shipping,
                "taxable": v.taxable,
                "barcodes": list(v.barcodes),
                "image_id": v.image_id,
            }
            for v in p.variants
        ],
        "images": [{"id": i.id, "src": i.src, "alt_text": i.alt_text} for i in p.images],
        "collection_ids": list(p.collection_ids),
    }


_PRODUCT_FIELDS = {
    "title": "title",
    "handle": "handle",
    "description_html": "description",
    "vendor": "vendor",
    "product_type": "type",
    "tags": "tags",
    "status": "status",
    "published": "publication",
    "seo_title": "SEO title",
    "seo_description": "SEO description",
    "options": "options",
    "images": "images",
    "collection_ids": "collections",
}
_VARIANT_FIELDS = {
    "sku": "SKU",
    "options": "options",
    "price": "price",
    "compare_at_price": "compare-at price",
    "cost": "cost",
    "weight_grams": "weight",
    "inventory_policy": "when sold out",
    "requires_shipping": "shipping",
    "taxable": "tax",
    "barcodes": "barcodes",
    "image_id": "image",
}
_MONEY = {"price", "compare_at_price", "cost"}


def changed_fields(before: ProductDetail | None, after: ProductDetail) -> tuple[str, ...]:
    """Names of what changed, for the outbox event ("price", "title", ...)."""
    if before is None:
        return ()
    return tuple(sorted({c["field"] for c in describe_changes(before, after, MoneyFormat())}))


def describe_changes(
    old: ProductDetail, new: ProductDetail, money: MoneyFormat
) -> list[dict[str, str]]:
    """What differs between two versions of a product, one entry per field, in words."""
    a, b = snapshot(old), snapshot(new)
    changes: list[dict[str, str]] = []
    for key, label in _PRODUCT_FIELDS.items():
        if a[key] != b[key]:
            was, now = _show(key, a[key], money), _show(key, b[key], money)
            changes.append({"field": key, "text": f"{label}: {was} → {now}"})
    old_variants = {v["id"]: v for v in a["variants"]}
    new_variants = {v["id"]: v for v in b["variants"]}
    for vid, v in new_variants.items():
        name = v["sku"] or rules.variant_title(v["options"])
        if vid not in old_variants:
            changes.append({"field": "variants", "text": f"variant {name} added"})
            continue
        for key, label in _VARIANT_FIELDS.items():
            if old_variants[vid][key] != v[key]:
                changes.append(
                    {
                        "field": key,
                        "text": f"{name} {label}: {_show(key, old_variants[vid][key], money)}"
                        f" → {_show(key, v[key], money)}",
                    }
                )
    for vid, v in old_variants.items():
        if vid not in new_variants:
            name = v["sku"] or rules.variant_title(v["options"])
            changes.append({"field": "variants", "text": f"variant {name} removed"})
    return changes


def _show(key: str, value: Any, money: MoneyFormat) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if key in _MONEY:
        return money.format(value)
    if key == "options" and value and isinstance(value[0], dict):
        return "; ".join(f"{o['name']}: {', '.join(o['values'])}" for o in value)
    if key == "options":
        return rules.variant_title(value)
    if key == "images":
        return f"{len(value)} image{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    text_value = str(value)
    return f"“{text_value[:60]}…”" if len(text_value) > 60 else f"“{text_value}”"


def _conflict(
    session: Session, base: ProductDetail | None, current: ProductDetail, money: MoneyFormat
) -> Conflict:
    variants = {v.id for v in current.variants}
    if base is not None:
        variants |= {v.id for v in base.variants}  # a variant removed since was changed too
    who = last_change(session, {"product": [current.id], "variant": sorted(variants)})
    changes = describe_changes(base, current, money) if base is not None else []
    listed = "".join(f"\n• {c['text']}" for c in changes[:12])
    more = f"\n• …and {len(changes) - 12} more" if len(changes) > 12 else ""
    return Conflict(
        f"“{current.title}” was changed{who.describe() if who else ''} while you were editing it."
        f"{listed}{more}\nReload to see the product as it is now; nothing of yours was saved.",
        details={
            "changes": [c["text"] for c in changes],
            "by": who.by if who else None,
            "at": who.at.isoformat() if who else None,
            "current_version": current.version,
        },
    )


__all__ = [
    "ImageDraft",
    "OptionDraft",
    "ProductDraft",
    "VariantDraft",
    "add_option",
    "add_option_value",
    "delete_product",
    "describe_changes",
    "save_product",
    "snapshot",
    "validate_product",
]
