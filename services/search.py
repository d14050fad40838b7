"""Global search: one box for SKUs, barcodes, order numbers and customers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from services.paging import like_pattern
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SearchHit:
    #: "variant", "order" or "customer"
    kind: str
    id: int
    title: str
    detail: str


def global_search(uow: UnitOfWork, query: str, *, limit: int = 8) -> list[SearchHit]:
    """The best matches for ``query``: exact SKU, barcode and order number first, then SKUs
    starting with it, then customers by name or e-mail."""
    query = query.strip()
    if not query:
        return []
    hits: list[SearchHit] = []
    with uow:
        uow.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        number = query.lstrip("#")
        if number.isdigit() and len(number) < 19:
            for r in uow.execute(
                text(
                    "SELECT o.id, o.number, o.status, coalesce(o.email, '') AS email "
                    "FROM orders o WHERE o.number = :n"
                ),
                {"n": int(number)},
            ):
                hits.append(
                    SearchHit("order", r.id, f"Order #{r.number}", f"{r.status} · {r.email}")
                )
        for r in uow.execute(
            text(
                """
                SELECT v.id, v.sku, p.title, v.option1, v.option2, v.option3, 0 AS rank
                FROM variants v JOIN products p ON p.id = v.product_id
                WHERE v.sku = :q OR v.id IN (SELECT variant_id FROM barcodes WHERE code = :q)
                UNION ALL
                SELECT * FROM (
                    SELECT v.id, v.sku, p.title, v.option1, v.option2, v.option3, 1
                    FROM variants v JOIN products p ON p.id = v.product_id
                    WHERE v.sku LIKE :prefix ESCAPE '\\' AND v.sku <> :q
                    ORDER BY v.sku LIMIT :limit
                ) starting
                ORDER BY rank, sku LIMIT :limit
                """
            ),
            {"q": query, "prefix": like_pattern(query)[1:], "limit": limit},
        ):
            options = " / ".join(o for o in (r.option1, r.option2, r.option3) if o)
            hits.append(
                SearchHit(
                    "variant",
                    r.id,
                    r.sku or r.title,
                    f"{r.title}{' · ' + options if options else ''}",
                )
            )
        if len(query) >= 3:
            for r in uow.execute(
                text(
                    """
                    SELECT id, coalesce(first_name, '') || ' ' || coalesce(last_name, '') AS name,
                           coalesce(email, '') AS email
                    FROM customers
                    WHERE (coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
                           coalesce(email, '')) ILIKE :pattern
                    ORDER BY last_name NULLS LAST, first_name LIMIT :limit
                    """
                ),
                {"pattern": like_pattern(query), "limit": limit},
            ):
                hits.append(SearchHit("customer", r.id, r.name.strip() or r.email, r.email))
    return hits[: limit * 2]
