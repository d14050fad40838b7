"""Creating, editing, scheduling, disabling and duplicating promotions; batches of codes.

Every change is one unit of work: ``promotions.edit`` checked in the store, the promotion's
version compared with the one the user loaded (``Conflict`` otherwise), the rules checked with
messages on the fields they concern (``ValidationFailed.fields``), an audit entry with before
and after, and an outbox event (the storefront's prices depend on promotions).
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from models.catalog import Collection, Product, Variant
from models.promotions import Promotion, PromotionCode
from services.actors import Actor
from services.errors import Conflict, NotFound, ValidationFailed
from services.pricing.model import Kind, Target
from services.promotions.queries import (
    database_now,
    require_read,
    snapshot,
    status_of,
    store_settings,
    to_input,
)
from services.promotions.records import (
    CodeBatch,
    Method,
    PromotionInput,
    SavedPromotion,
)
from services.unit_of_work import UnitOfWork

#: readable codes: no 0/O, 1/I/L to mistake for one another
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_BATCH = 100_000
#: 31 ** 10 possible codes: a guess hits one of a million issued once in 800 million tries
CODE_LENGTH = 10


def check_promotion(data: PromotionInput) -> dict[str, str]:
    """The rules a promotion must keep, by field (no database needed)."""
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = "Give the promotion a title."
    if data.value < 0:
        problems["value"] = "A discount cannot be negative."
    if data.kind is Kind.PERCENTAGE and not 0 < data.value <= 10_000:
        problems["value"] = "A percentage is more than 0 and at most 100."
    if data.kind is Kind.FIXED_AMOUNT and data.value <= 0:
        problems["value"] = "Enter the amount to take off."
    if data.kind is Kind.BUY_X_GET_Y:
        if data.buy_quantity < 1:
            problems["buy_quantity"] = "The customer buys at least 1 item."
        if data.get_quantity < 1:
            problems["get_quantity"] = "The customer gets at least 1 item."
        if not 0 < data.value <= 10_000:
            problems["value"] = "The items they get are more than 0 % and at most 100 % off."
        if data.repeat_limit is not None and data.repeat_limit < 1:
            problems["repeat_limit"] = "Repeat at least once, or leave it unlimited."
    if data.shipping_ceiling is not None and data.shipping_ceiling < 0:
        problems["shipping_ceiling"] = "A shipping rate ceiling cannot be negative."
    if data.target is not Target.ALL and not data.target_ids:
        problems["target_ids"] = f"Choose the {data.target.name.lower()} it applies to."
    if data.method is Method.CODE and data.code is not None:
        code = data.code.strip()
        if not code:
            problems["code"] = "Enter the code customers type."
        elif len(code) > 64 or any(ch.isspace() for ch in code):
            problems["code"] = "A code is one word of at most 64 characters."
    if data.method is Method.AUTOMATIC and data.code:
        problems["code"] = "An automatic promotion has no code."
    if data.min_subtotal is not None and data.min_subtotal < 0:
        problems["min_subtotal"] = "A minimum cannot be negative."
    if data.min_quantity is not None and data.min_quantity < 1:
        problems["min_quantity"] = "A minimum quantity is 1 or more."
    if data.usage_limit is not None and data.usage_limit < 1:
        problems["usage_limit"] = "A usage limit is 1 or more, or none."
    if data.customer_tag is not None and not data.customer_tag.strip():
        problems["customer_tag"] = "Enter the customer tag, or choose everyone."
    if data.starts_at and data.ends_at and _naive(data.ends_at) <= _naive(data.starts_at):
        problems["ends_at"] = "The end must be after the start."
    return problems


def create_promotion(uow: UnitOfWork, actor: Actor, data: PromotionInput) -> SavedPromotion:
    """Save a new promotion. Raises ValidationFailed (by field), PermissionDenied."""
    _raise_problems(check_promotion(data))
    with uow:
        uow.require(actor, "promotions.edit")
        saved = _store(uow, actor, _new(), data, "promotion.create", None)
        uow.commit()
        return saved


def update_promotion(
    uow: UnitOfWork,
    actor: Actor,
    promotion_id: int,
    data: PromotionInput,
    *,
    expected_version: int,
) -> SavedPromotion:
    """Change a promotion as loaded at ``expected_version``. Raises Conflict when someone
    changed it since, ValidationFailed (by field), NotFound, PermissionDenied."""
    _raise_problems(check_promotion(data))
    with uow:
        uow.require(actor, "promotions.edit")
        promotion = _locked(uow, promotion_id, expected_version)
        saved = _store(uow, actor, promotion, data, "promotion.update", snapshot(promotion))
        uow.commit()
        return saved


def schedule_promotion(
    uow: UnitOfWork,
    actor: Actor,
    promotion_id: int,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    expected_version: int,
) -> SavedPromotion:
    """Set when a promotion runs (times without a zone are the store's) and enable it."""
    with uow:
        uow.require(actor, "promotions.edit")
        promotion = _locked(uow, promotion_id, expected_version)
        zone = ZoneInfo(store_settings(uow)[1])
        data = replace(
            to_input(promotion, zone), starts_at=starts_at, ends_at=ends_at, is_active=True
        )
        _raise_problems(check_promotion(data))
        saved = _store(uow, actor, promotion, data, "promotion.schedule", snapshot(promotion))
        uow.commit()
        return saved


def set_promotion_enabled(
    uow: UnitOfWork, actor: Actor, promotion_id: int, enabled: bool, *, expected_version: int
) -> SavedPromotion:
    """Disable a promotion (it stops applying at once, codes included) or enable it again."""
    with uow:
        uow.require(actor, "promotions.edit")
        promotion = _locked(uow, promotion_id, expected_version)
        before = snapshot(promotion)
        promotion.is_active = enabled
        action = "promotion.enable" if enabled else "promotion.disable"
        saved = _saved(uow, actor, promotion, action, before)
        uow.commit()
        return saved


def disable_promotion(
    uow: UnitOfWork, actor: Actor, promotion_id: int, *, expected_version: int
) -> SavedPromotion:
    return set_promotion_enabled(uow, actor, promotion_id, False, expected_version=expected_version)


def duplicate_promotion(uow: UnitOfWork, actor: Actor, promotion_id: int) -> SavedPromotion:
    """A disabled copy titled "Copy of ...", without its code or generated codes (codes are
    unique) and with no uses."""
    with uow:
        uow.require(actor, "promotions.edit")
        original = uow.session.get(Promotion, promotion_id)
        if original is None:
            raise NotFound("That promotion no longer exists.")
        zone = ZoneInfo(store_settings(uow)[1])
        data = replace(
            to_input(original, zone),
            title=f"Copy of {original.title}",
            code=None,
            is_active=False,
        )
        saved = _store(
            uow, actor, _new(), data, "promotion.duplicate", {"copied_from": original.id}
        )
        uow.commit()
        return saved


def generate_codes(
    uow: UnitOfWork, actor: Actor, promotion_id: int, count: int, *, prefix: str = ""
) -> CodeBatch:
    """Add ``count`` unique single-use codes to a code promotion, from a readable alphabet
    (no 0/O or 1/I/L). Raises ValidationFailed for a count out of range or an automatic
    promotion."""
    prefix = prefix.strip().upper()
    if not 1 <= count <= MAX_BATCH:
        raise ValidationFailed(
            f"Generate between 1 and {MAX_BATCH:,} codes.", fields={"count": "Out of range"}
        )
    if any(ch.isspace() for ch in prefix) or len(prefix) > 20:
        raise ValidationFailed(
            "A prefix is one word of at most 20 characters.", fields={"prefix": "Not valid"}
        )
    with uow:
        uow.require(actor, "promotions.edit")
        promotion = uow.session.get(Promotion, promotion_id, with_for_update=True)
        if promotion is None:
            raise NotFound("That promotion no longer exists.")
        if promotion.method != Method.CODE:
            raise ValidationFailed(
                "Codes can be generated for a code promotion only.",
                fields={"method": "Automatic"},
            )
        made: list[str] = []
        while len(made) < count:  # again for the few a collision skipped
            fresh: set[str] = set()
            while len(fresh) < count - len(made):
                fresh.add(prefix + _random_code(CODE_LENGTH))
            made += uow.session.scalars(
                _ADD_CODES, {"promotion": promotion_id, "codes": sorted(fresh)}
            )
        uow.audit(
            actor,
            "promotion.generate_codes",
            "promotion",
            promotion_id,
            after={"count": count, "prefix": prefix},
        )
        uow.emit("promotion.changed", "promotion", promotion_id, payload={"codes_added": count})
        batch = CodeBatch(promotion_id, count, tuple(made[:20]))
        uow.commit()
        return batch


def export_codes_csv(uow: UnitOfWork, actor: Actor, promotion_id: int, out: TextIO) -> int:
    """Write the promotion's generated codes as CSV (code, used) to ``out``; the count."""
    with uow:
        require_read(uow, actor)
        if uow.session.get(Promotion, promotion_id) is None:
            raise NotFound("That promotion no longer exists.")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "used"])
        count = 0
        rows = uow.session.execute(
            select(PromotionCode.code, PromotionCode.used_count)
            .where(PromotionCode.promotion_id == promotion_id)
            .order_by(PromotionCode.id)
            .execution_options(yield_per=5000)
        )
        for code, used in rows:
            writer.writerow([code, "yes" if used else "no"])
            count += 1
        return count


# A code is new only if no promotion and no other batch has it, whatever its case; a
# concurrent batch's duplicate waits on the unique index and is then skipped.
_ADD_CODES = text(
    "INSERT INTO promotion_codes (promotion_id, code) "
    "SELECT :promotion, c FROM unnest(CAST(:codes AS text[])) AS c "
    "WHERE NOT EXISTS (SELECT 1 FROM promotions p WHERE lower(p.code) = lower(c)) "
    "ON CONFLICT ((lower(code))) DO NOTHING RETURNING code"
)


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _raise_problems(problems: Mapping[str, str]) -> None:
    if problems:
        raise ValidationFailed(" ".join(problems.values()), fields=dict(problems))


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


def _localised(data: PromotionInput, zone: ZoneInfo) -> PromotionInput:
    """Times without a zone are the store's local times."""

    def local(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=zone)

    return replace(data, starts_at=local(data.starts_at), ends_at=local(data.ends_at))


def _locked(uow: UnitOfWork, promotion_id: int, expected_version: int) -> Promotion:
    promotion = uow.session.get(Promotion, promotion_id, with_for_update=True)
    if promotion is None:
        raise NotFound("That promotion no longer exists.")
    if promotion.version != expected_version:
        raise Conflict(
            f"“{promotion.title}” was changed by someone else since you opened it. "
            "Reload it and make your change again."
        )
    return promotion


def _check_store(uow: UnitOfWork, data: PromotionInput, current: Promotion | None) -> None:
    """What only the store can say: the targets exist, the code is not taken (in any case),
    the usage limit is not below the uses so far."""
    problems: dict[str, str] = {}
    if data.target is not Target.ALL:
        tables: dict[Target, type[Collection] | type[Product] | type[Variant]] = {
            Target.COLLECTIONS: Collection,
            Target.PRODUCTS: Product,
            Target.VARIANTS: Variant,
        }
        table = tables[data.target]
        found = set(uow.session.scalars(select(table.id).where(table.id.in_(data.target_ids))))
        missing = set(data.target_ids) - found
        if missing:
            noun = data.target.name.lower()
            problems["target_ids"] = (
                f"{len(missing)} of the {noun} it applies to no longer exist"
                f"{'s' if len(missing) == 1 else ''}; remove them."
            )
    if data.method is Method.CODE and data.code:
        code = data.code.strip().lower()
        taken = uow.session.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM promotions WHERE lower(code) = :code "
                "AND id <> :id) OR EXISTS (SELECT 1 FROM promotion_codes "
                "WHERE lower(code) = :code)"
            ),
            {"code": code, "id": current.id if current is not None else 0},
        )
        if taken:
            problems["code"] = f"The code {data.code.strip()} is already used by a promotion."
    if current is not None and data.method is Method.AUTOMATIC:
        generated = uow.session.scalar(
            select(func.count()).where(PromotionCode.promotion_id == current.id)
        )
        if generated:
            problems["method"] = (
                f"It has {generated:,} generated codes; it cannot become automatic. "
                "Duplicate it instead."
            )
    if (
        current is not None
        and data.usage_limit is not None
        and data.usage_limit < current.used_count
    ):
        problems["usage_limit"] = (
            f"It has been used {current.used_count} times already; the limit cannot be lower."
        )
    _raise_problems(problems)


def _new() -> Promotion:
    return Promotion(used_count=0, discount_given=0)


def _store(
    uow: UnitOfWork,
    actor: Actor,
    promotion: Promotion,
    data: PromotionInput,
    action: str,
    before: dict[str, Any] | None,
) -> SavedPromotion:
    """Check ``data`` against the store and write it (times without a zone are the store's),
    with the audit entry and the outbox event."""
    data = _localised(data, ZoneInfo(store_settings(uow)[1]))
    _check_store(uow, data, promotion if promotion.id is not None else None)
    _write(promotion, data)
    uow.session.add(promotion)
    return _saved(uow, actor, promotion, action, before)


def _write(promotion: Promotion, data: PromotionInput) -> None:
    rules: dict[str, Any] = {}
    if data.kind is Kind.BUY_X_GET_Y:
        rules = {"buy": data.buy_quantity, "get": data.get_quantity}
        if data.repeat_limit is not None:
            rules["repeat"] = data.repeat_limit
    elif data.kind is Kind.FIXED_AMOUNT and data.per_item:
        rules = {"per_item": True}
    elif data.kind is Kind.FREE_SHIPPING and data.shipping_ceiling is not None:
        rules = {"ceiling": data.shipping_ceiling}
    promotion.title = data.title.strip()
    promotion.method = data.method.value
    promotion.code = data.code.strip() if data.method is Method.CODE and data.code else None
    promotion.kind = data.kind.value
    promotion.value = 0 if data.kind is Kind.FREE_SHIPPING else data.value
    promotion.applies_to = data.target.value
    promotion.target_ids = [] if data.target is Target.ALL else sorted(set(data.target_ids))
    promotion.rules = rules
    promotion.min_subtotal = data.min_subtotal
    promotion.min_quantity = data.min_quantity
    promotion.customer_tag = data.customer_tag.strip() if data.customer_tag else None
    promotion.starts_at = data.starts_at
    promotion.ends_at = data.ends_at
    promotion.usage_limit = data.usage_limit
    promotion.usage_limit_per_customer = 1 if data.once_per_customer else None
    promotion.combines_with = sorted(c.value for c in data.combines_with)
    promotion.is_active = data.is_active


def _saved(
    uow: UnitOfWork,
    actor: Actor,
    promotion: Promotion,
    action: str,
    before: dict[str, Any] | None,
) -> SavedPromotion:
    uow.session.flush()  # bumps the version
    after = snapshot(promotion)
    uow.audit(actor, action, "promotion", promotion.id, before=before, after=after)
    uow.emit(
        "promotion.changed",
        "promotion",
        promotion.id,
        payload={"action": action, "version": promotion.version},
        cache_tags=["promotions"],
    )
    now = database_now(uow.session)
    return SavedPromotion(
        promotion.id, promotion.version, promotion.title, status_of(promotion, now)
    )
