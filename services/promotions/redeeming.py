"""Redeeming promotions for an order, and giving the uses back when it is cancelled.

Limits hold under any concurrency because the store counts, never Python: a use is one
conditional ``UPDATE promotions SET used_count = used_count + 1 WHERE used_count <
usage_limit RETURNING`` (a racing order waits for the row and re-checks the condition against
the committed count), a generated code's one use is the same on its own row, and once per
customer is a partial unique index over the redemptions not given back. Promotions are
redeemed in id order, so two orders never wait for each other's rows in a cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text

from services.pricing import Applied
from services.promotions.records import PromotionUnavailable
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class _Use:
    promotion_id: int
    title: str
    code: str | None
    amount: int


def reconcile_redemptions(
    uow: UnitOfWork,
    *,
    order_id: int,
    customer_id: int | None,
    applied: Sequence[Applied],
) -> None:
    """Make the order's redemptions those of ``applied`` (its promotions, not the manual
    discount): new ones are redeemed, changed amounts updated, ones no longer applied given
    back. Raises PromotionUnavailable when a promotion or code was used up, or used by this
    customer, by another order meanwhile (the unit of work then rolls back)."""
    wanted = {
        a.promotion_id: _Use(a.promotion_id, a.title, a.code, a.amount)
        for a in applied
        if a.promotion_id is not None
    }
    current = {
        r.promotion_id: r
        for r in uow.execute(
            text(
                "SELECT id, promotion_id, amount, code FROM promotion_redemptions "
                "WHERE order_id = :order AND returned_at IS NULL ORDER BY promotion_id "
                "FOR UPDATE"
            ),
            {"order": order_id},
        )
    }
    gone = [r.id for pid, r in current.items() if pid not in wanted]
    if gone:
        give_back(uow, redemption_ids=gone)
    for promotion_id in sorted(wanted):
        use = wanted[promotion_id]
        kept = current.get(promotion_id)
        if kept is None:
            _redeem(uow, order_id, customer_id, use)
        elif kept.amount != use.amount:
            uow.execute(
                text(
                    "WITH r AS (UPDATE promotion_redemptions SET amount = :amount "
                    "WHERE id = :id RETURNING promotion_id) "
                    "UPDATE promotions SET discount_given = discount_given + :delta "
                    "WHERE id = (SELECT promotion_id FROM r)"
                ),
                {"id": kept.id, "amount": use.amount, "delta": use.amount - kept.amount},
            )


def _redeem(uow: UnitOfWork, order_id: int, customer_id: int | None, use: _Use) -> None:
    promotion = uow.execute(
        text(
            "UPDATE promotions SET used_count = used_count + 1, "
            "discount_given = discount_given + :amount "
            "WHERE id = :id AND is_active AND (usage_limit IS NULL OR used_count < usage_limit) "
            "RETURNING code, usage_limit_per_customer = 1 AS once"
        ),
        {"id": use.promotion_id, "amount": use.amount},
    ).one_or_none()
    if promotion is None:
        raise PromotionUnavailable(
            f"{use.title} has just been used for the last time (or switched off) by another "
            "order. Price the order again without it."
        )
    code_id = None
    if use.code is not None and (promotion.code or "").lower() != use.code.lower():
        code_id = uow.execute(
            text(
                "UPDATE promotion_codes SET used_count = used_count + 1 "
                "WHERE lower(code) = lower(:code) AND promotion_id = :id AND used_count < 1 "
                "RETURNING id"
            ),
            {"code": use.code, "id": use.promotion_id},
        ).scalar_one_or_none()
        if code_id is None:
            raise PromotionUnavailable(
                f"The code {use.code} has just been used by another order; it is single-use."
            )
    redeemed = uow.execute(
        text(
            "INSERT INTO promotion_redemptions (promotion_id, order_id, customer_id, code, "
            "  promotion_code_id, once_per_customer, amount) "
            "VALUES (:promotion, :order, :customer, :code, :code_id, :once, :amount) "
            "ON CONFLICT (promotion_id, customer_id) "
            "  WHERE once_per_customer AND returned_at IS NULL AND customer_id IS NOT NULL "
            "DO NOTHING RETURNING id"
        ),
        {
            "promotion": use.promotion_id,
            "order": order_id,
            "customer": customer_id,
            "code": use.code,
            "code_id": code_id,
            "once": bool(promotion.once),
            "amount": use.amount,
        },
    ).scalar_one_or_none()
    if redeemed is None:
        raise PromotionUnavailable(
            f"This customer has already used {use.title}; it is once per customer."
        )


def give_back(
    uow: UnitOfWork, *, order_id: int | None = None, redemption_ids: Sequence[int] = ()
) -> int:
    """Give back the uses of an order (cancelled) or of some redemptions (no longer applied
    after an edit): the rows stay, marked returned; the counts and single-use codes are
    freed. Returns how many were given back."""
    returned = uow.execute(
        text(
            "WITH returned AS ("
            "  UPDATE promotion_redemptions SET returned_at = now() "
            "  WHERE returned_at IS NULL AND (order_id = :order OR id = ANY(:ids)) "
            "  RETURNING promotion_id, promotion_code_id, amount), "
            "counts AS ("
            "  UPDATE promotions p SET used_count = p.used_count - r.n, "
            "    discount_given = p.discount_given - r.amount "
            "  FROM (SELECT promotion_id, count(*) AS n, sum(amount) AS amount "
            "        FROM returned GROUP BY promotion_id) r "
            "  WHERE p.id = r.promotion_id), "
            "codes AS ("
            "  UPDATE promotion_codes SET used_count = 0 "
            "  WHERE id IN (SELECT promotion_code_id FROM returned)) "
            "SELECT count(*) FROM returned"
        ),
        {"order": order_id, "ids": list(redemption_ids)},
    ).scalar_one()
    return int(returned)
