"""The pricing engine: a cart and its candidate promotions in, a priced and explained cart out.

Pure: no database, no clock (the cart says what time it is), no Qt. The back office (manual
orders, edits, previews) and the storefront's quotes price through ``price_cart`` alike.

**Screening.** Every offer is checked on its own first: disabled, not started or expired (in
the store's time zone, start inclusive, end exclusive), its code not entered, the customer's
tag, the usage limit and once per customer (counts the caller read), items it targets, the
minimum subtotal or quantity (measured on the targeted items at their undiscounted prices),
the shipping rate ceiling, enough items for buy X get Y. What fails is rejected with the first
reason found; what passes is *applicable*.

**Amounts.** A product discount (a percentage, a fixed amount, buy X get Y, on chosen items)
is worked out on each line at its undiscounted price: a percentage is rounded half-even once
per line; a fixed amount per item never exceeds the item's price; a fixed amount once per
order is spread over its lines by value with ``Money.allocate``; buy X get Y discounts the
cheapest eligible items, ``get`` of every ``buy + get``, repeated up to its limit. When several
product discounts reach one line, only the largest applies there (Shopify's rule). Order
discounts (a percentage or a fixed amount of the whole order) are then taken of what the lines
cost after product discounts, each rounded half-even once and all together never more than
that; each is spread over the lines by their remaining value with ``Money.allocate``, so the
lines' parts add up to it exactly. A shipping discount takes the shipping rate off (the best
one, if several). A manager's manual discount comes last, as one more order discount.

**Choosing the combination.** Two applicable offers may go together only if each allows the
other's class (product, order, shipping). Adding a compatible offer never lowers the total
discount (a product discount worth x lowers a percentage order discount by at most x), so the
best combination is a maximal set of mutually compatible offers. When every applicable offer
combines with every other (the usual small cart), that one set is the answer. Otherwise, with
up to ``EXACT_LIMIT`` applicable offers every maximal set is enumerated (Bron-Kerbosch with
pivoting, at most ``MAX_SETS`` sets) and evaluated. Beyond that, the work is bounded by a
greedy search: offers are ranked by what each is worth alone; from each of the ``SEEDS`` best
as a seed, every compatible offer is added in rank order, and the best of those sets wins.
Each seed's set is worth at least the seed alone, and the first seed is the best single offer,
so the choice is never worse than any one applicable offer. Whether two offers combine
depends only on their classes and what they allow, so it is asked once per pair of such
kinds (at most 24 kinds), however many offers there are: the work is O(offers x lines) to
screen and value them, and at most SEEDS sets of O(offers x lines) each to evaluate. Ties go
to the fewer offers, then the lower ids.

**Independence of line order.** Lines are worked on in a canonical order (variant, product,
price, quantity, key), so ties (which of two equal items is "cheapest", where an allocation's
odd cent goes) never depend on the order the caller listed them in.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from zoneinfo import ZoneInfo

from models.money import Money, allocate_minor, percent_of
from services.pricing.model import (
    Applied,
    Cart,
    CartLine,
    DiscountClass,
    Kind,
    LineDiscount,
    Offer,
    PricedCart,
    PricedLine,
    Rejected,
    Rejection,
    Target,
)
from services.wording import counted

#: up to this many applicable offers, every maximal compatible set is tried
EXACT_LIMIT = 10
#: at most this many sets are evaluated in the exact search
MAX_SETS = 256
#: seeds of the greedy search beyond EXACT_LIMIT
SEEDS = 8

MANUAL_TITLE = "Manual discount"


@dataclass(eq=False)
class _Candidate:
    offer: Offer
    #: product class: line index -> amount at undiscounted prices
    amounts: dict[int, int]
    #: every line the offer targets (for order discounts: every line)
    eligible: tuple[int, ...]
    value: int = 0

    def __post_init__(self) -> None:
        self.cls = self.offer.discount_class
        #: whether two offers combine depends on their class and what they allow only
        self.kind = (self.cls, self.offer.combines_with)


class _Compatibility:
    """Whether two candidates combine, remembered per pair of kinds (class, classes allowed):
    there are at most 24 kinds, however many offers."""

    def __init__(self) -> None:
        self._known: dict[tuple[object, object], bool] = {}

    def __call__(self, a: _Candidate, b: _Candidate) -> bool:
        key = (a.kind, b.kind)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = a.offer.combines(b.offer)
        return known


@dataclass
class _Evaluation:
    chosen: tuple[_Candidate, ...]
    value: int
    per_line: list[int]
    owner: list[_Candidate | None]
    order_amounts: list[tuple[_Candidate, int]]
    shipping_owner: _Candidate | None
    shipping_amount: int


def price_cart(cart: Cart) -> PricedCart:
    """Price ``cart``: the best legal combination of its offers, and why the others did not
    apply. Raises ValueError for a line with a quantity below 1 or a negative price."""
    for line in cart.lines:
        if line.quantity < 1 or line.unit_price < 0:
            raise ValueError(f"line {line.key!r}: quantity below 1 or a negative price")
    lines = sorted(cart.lines, key=_canonical)
    subtotals = [ln.subtotal for ln in lines]
    index = _LineIndex(lines, subtotals)
    entered = {c.strip().casefold() for c in cart.codes if c.strip()}

    candidates: list[_Candidate] = []
    rejected: list[Rejected] = []
    for offer in sorted(cart.offers, key=lambda o: o.id):
        outcome = _screen(offer, cart, lines, index, entered)
        if isinstance(outcome, Rejected):
            rejected.append(outcome)
        else:
            candidates.append(outcome)
    known = {o.code.casefold() for o in cart.offers if o.code}
    unknown = tuple(sorted(c for c in {c.strip() for c in cart.codes if c.strip()}
                           if c.casefold() not in known))  # fmt: skip
    rejected += [
        Rejected(None, code, code, Rejection.CODE_UNKNOWN, "No promotion has this code.")
        for code in unknown
    ]

    total = sum(subtotals)
    for candidate in candidates:
        candidate.value = _alone(candidate, total, cart.shipping)
    worthwhile = [c for c in candidates if c.value > 0]
    for candidate in candidates:
        if candidate.value == 0:
            rejected.append(_reject(candidate.offer, Rejection.NOTHING_TO_DISCOUNT))
    compatible = _Compatibility()
    best = _best(worthwhile, subtotals, cart.shipping, compatible)
    rejected += _not_chosen(worthwhile, best, compatible)
    return _answer(cart, lines, subtotals, best, rejected, unknown)


def _canonical(line: CartLine) -> tuple[object, ...]:
    return (
        line.variant_id is None,
        line.variant_id or 0,
        line.product_id or 0,
        line.unit_price,
        line.quantity,
        repr(line.key),
    )


class _LineIndex:
    """Which lines each variant, product and collection has: an offer's items are found from
    its targets, not by testing every line against every offer."""

    def __init__(self, lines: Sequence[CartLine], subtotals: Sequence[int]) -> None:
        self.all = tuple(range(len(lines)))
        self.subtotals = subtotals
        self.quantities = [ln.quantity for ln in lines]
        self.total = sum(subtotals)
        self.units = sum(self.quantities)
        self._lines = lines
        self._by: dict[Target, dict[int, list[int]]] = {}

    def _lines_by(self, target: Target) -> dict[int, list[int]]:
        """Lines by variant, product or collection id, made when an offer first asks."""
        found = self._by.get(target)
        if found is None:
            found = self._by[target] = {}
            for i, line in enumerate(self._lines):
                if target is Target.COLLECTIONS:
                    ids: Iterable[int] = line.collection_ids
                else:
                    one = line.variant_id if target is Target.VARIANTS else line.product_id
                    ids = () if one is None else (one,)
                for target_id in ids:
                    found.setdefault(target_id, []).append(i)
        return found

    def eligible(self, offer: Offer) -> tuple[int, ...]:
        if offer.target is Target.ALL:
            return self.all
        found = self._lines_by(offer.target)
        ids: Iterable[int] = (
            offer.target_ids if len(offer.target_ids) <= len(found) else found.keys()
        )
        hits: set[int] = set()
        for target_id in ids:
            if target_id in found and target_id in offer.target_ids:
                hits.update(found[target_id])
        return tuple(sorted(hits))


def _screen(
    offer: Offer,
    cart: Cart,
    lines: Sequence[CartLine],
    index: _LineIndex,
    entered: set[str],
) -> _Candidate | Rejected:
    if offer.currency != cart.currency:
        return _reject(offer, Rejection.CURRENCY, f"It is priced in {offer.currency}.")
    if not offer.is_active:
        return _reject(offer, Rejection.DISABLED)
    if offer.code is not None and offer.code.casefold() not in entered:
        return _reject(offer, Rejection.CODE_NOT_ENTERED)
    if offer.starts_at is not None and cart.now < offer.starts_at:
        return _reject(
            offer, Rejection.NOT_STARTED, f"It starts {_when(offer.starts_at, cart.timezone)}."
        )
    if offer.ends_at is not None and cart.now >= offer.ends_at:
        when = _when(offer.ends_at, cart.timezone)
        return _reject(offer, Rejection.EXPIRED, f"It ended {when}.")
    if offer.customer_tag is not None and offer.customer_tag not in cart.customer.tags:
        return _reject(
            offer,
            Rejection.CUSTOMER_NOT_ELIGIBLE,
            f"Only for customers tagged {offer.customer_tag!r}.",
        )
    if offer.remaining_uses is not None and offer.remaining_uses <= 0:
        return _reject(offer, Rejection.USAGE_LIMIT_REACHED)
    if offer.once_per_customer and offer.used_by_customer:
        return _reject(offer, Rejection.ALREADY_USED)
    if offer.kind is Kind.FREE_SHIPPING:
        if cart.shipping <= 0:
            return _reject(offer, Rejection.NOTHING_TO_DISCOUNT, "There is no shipping to pay.")
        if offer.shipping_ceiling is not None and cart.shipping > offer.shipping_ceiling:
            return _reject(
                offer,
                Rejection.SHIPPING_ABOVE_CEILING,
                f"Only for shipping rates up to {Money(offer.shipping_ceiling, cart.currency)}.",
            )
    eligible = index.eligible(offer)
    if not eligible:
        return _reject(offer, Rejection.NO_ELIGIBLE_ITEMS)
    if eligible is index.all:
        subtotal, quantity = index.total, index.units
    else:
        subtotal = sum(index.subtotals[i] for i in eligible)
        quantity = sum(index.quantities[i] for i in eligible)
    if offer.min_subtotal is not None and subtotal < offer.min_subtotal:
        short = Money(offer.min_subtotal - subtotal, cart.currency)
        return _reject(
            offer,
            Rejection.MINIMUM_NOT_MET,
            f"Needs {Money(offer.min_subtotal, cart.currency)} of eligible items; "
            f"{short} more to go.",
        )
    if offer.min_quantity is not None and quantity < offer.min_quantity:
        return _reject(
            offer,
            Rejection.MINIMUM_NOT_MET,
            f"Needs {counted(offer.min_quantity, 'eligible item')}; the cart has {quantity}.",
        )
    if offer.kind is Kind.BUY_X_GET_Y and quantity < offer.buy_quantity + offer.get_quantity:
        return _reject(
            offer,
            Rejection.MINIMUM_NOT_MET,
            f"Needs {counted(offer.buy_quantity + offer.get_quantity, 'eligible item')}; "
            f"the cart has {quantity}.",
        )
    return _Candidate(offer, _product_amounts(offer, lines, eligible), eligible)


def _product_amounts(
    offer: Offer, lines: Sequence[CartLine], eligible: tuple[int, ...]
) -> dict[int, int]:
    if offer.discount_class is not DiscountClass.PRODUCT:
        return {}
    if offer.kind is Kind.BUY_X_GET_Y:
        return _buy_x_get_y(offer, lines, eligible)
    if offer.kind is Kind.PERCENTAGE:
        return {i: percent_of(lines[i].subtotal, offer.value) for i in eligible}
    if offer.per_item:
        return {i: min(offer.value, lines[i].unit_price) * lines[i].quantity for i in eligible}
    weights = [lines[i].subtotal for i in eligible]
    amount = min(offer.value, sum(weights))
    if amount == 0:
        return {}
    return dict(zip(eligible, allocate_minor(amount, weights), strict=True))


def _buy_x_get_y(
    offer: Offer, lines: Sequence[CartLine], eligible: tuple[int, ...]
) -> dict[int, int]:
    """The ``get`` cheapest of every ``buy + get`` eligible items, up to the repeat limit."""
    group = offer.buy_quantity + offer.get_quantity
    units = sum(lines[i].quantity for i in eligible)
    repeats = units // group if group else 0
    if offer.repeat_limit is not None:
        repeats = min(repeats, offer.repeat_limit)
    free = repeats * offer.get_quantity
    counts: dict[int, int] = {}
    for i in sorted(eligible, key=lambda i: lines[i].unit_price):  # stable: canonical ties
        if free == 0:
            break
        take = min(free, lines[i].quantity)
        counts[i] = take
        free -= take
    return {i: percent_of(lines[i].unit_price * n, offer.value) for i, n in counts.items()}


def _evaluate(
    chosen: tuple[_Candidate, ...], subtotals: Sequence[int], shipping: int
) -> _Evaluation:
    per_line = [0] * len(subtotals)
    owner: list[_Candidate | None] = [None] * len(subtotals)
    orders: list[_Candidate] = []
    shipping_owner: _Candidate | None = None
    for candidate in chosen:
        cls = candidate.cls
        if cls is DiscountClass.PRODUCT:
            for i, amount in candidate.amounts.items():
                if amount > per_line[i]:
                    per_line[i], owner[i] = amount, candidate
        elif cls is DiscountClass.ORDER:
            orders.append(candidate)
        elif shipping_owner is None:
            shipping_owner = candidate
    base = sum(subtotals) - sum(per_line)
    order_amounts = []
    left = base
    for candidate in orders:
        offer = candidate.offer
        amount = percent_of(base, offer.value) if offer.kind is Kind.PERCENTAGE else offer.value
        amount = min(amount, left)
        left -= amount
        order_amounts.append((candidate, amount))
    shipping_amount = shipping if shipping_owner is not None else 0
    value = sum(per_line) + (base - left) + shipping_amount
    return _Evaluation(
        chosen, value, per_line, owner, order_amounts, shipping_owner, shipping_amount
    )


def _alone(candidate: _Candidate, total: int, shipping: int) -> int:
    """What the candidate is worth on its own (``_evaluate`` of it alone, without the lists)."""
    if candidate.cls is DiscountClass.PRODUCT:
        return sum(candidate.amounts.values())
    if candidate.cls is DiscountClass.SHIPPING:
        return shipping
    offer = candidate.offer
    amount = percent_of(total, offer.value) if offer.kind is Kind.PERCENTAGE else offer.value
    return min(amount, total)


def _best(
    candidates: list[_Candidate],
    subtotals: Sequence[int],
    shipping: int,
    compatible: _Compatibility,
) -> _Evaluation:
    ranked = sorted(candidates, key=lambda c: (-c.value, c.offer.id))
    if _all_combine(ranked, compatible):
        sets = [tuple(ranked)]  # the usual small cart: everything combines
    elif len(ranked) <= EXACT_LIMIT:
        sets = _maximal_sets(ranked, compatible)
    else:
        sets = [_greedy(ranked, seed, compatible) for seed in ranked[:SEEDS]]
    best = _evaluate((), subtotals, shipping)
    best_key = _preference(best)
    for chosen in sets:
        evaluation = _evaluate(chosen, subtotals, shipping)
        key = _preference(evaluation)
        if key < best_key:
            best, best_key = evaluation, key
    return best


def _all_combine(ranked: list[_Candidate], compatible: _Compatibility) -> bool:
    """Whether every offer combines with every other, asked once per pair of kinds."""
    first: dict[object, _Candidate] = {}
    repeated: set[object] = set()
    for candidate in ranked:
        if candidate.kind in first:
            repeated.add(candidate.kind)
        else:
            first[candidate.kind] = candidate
    return all(compatible(a, b) for a, b in combinations(first.values(), 2)) and all(
        compatible(first[kind], first[kind]) for kind in repeated
    )


def _preference(evaluation: _Evaluation) -> tuple[int, int, tuple[int, ...]]:
    ids = tuple(sorted(c.offer.id for c in evaluation.chosen))
    return (-evaluation.value, len(ids), ids)


def _maximal_sets(
    ranked: list[_Candidate], compatible: _Compatibility
) -> list[tuple[_Candidate, ...]]:
    """Every maximal set of mutually combinable offers (Bron-Kerbosch with pivoting), at most
    MAX_SETS of them, each in rank order."""
    n = len(ranked)
    neighbours = [
        {j for j in range(n) if j != i and compatible(ranked[i], ranked[j])} for i in range(n)
    ]
    found: list[tuple[_Candidate, ...]] = []

    def extend(clique: list[int], possible: set[int], excluded: set[int]) -> None:
        if len(found) >= MAX_SETS:
            return
        if not possible and not excluded:
            found.append(tuple(ranked[i] for i in sorted(clique)))
            return
        pivot = max(possible | excluded, key=lambda u: len(neighbours[u] & possible))
        for v in sorted(possible - neighbours[pivot]):
            extend([*clique, v], possible & neighbours[v], excluded & neighbours[v])
            possible = possible - {v}
            excluded = excluded | {v}

    extend([], set(range(n)), set())
    return found


def _greedy(
    ranked: list[_Candidate], seed: _Candidate, compatible: _Compatibility
) -> tuple[_Candidate, ...]:
    chosen = [seed]
    # one chosen offer of each kind stands for all of that kind; whether a kind may join is
    # asked again only when a new kind has joined
    kinds = {seed.kind: seed}
    verdicts: dict[object, bool] = {}
    for candidate in ranked:
        if candidate is seed:
            continue
        verdict = verdicts.get(candidate.kind)
        if verdict is None:
            verdict = all(compatible(candidate, c) for c in kinds.values())
            verdicts[candidate.kind] = verdict
        if verdict:
            chosen.append(candidate)
            if candidate.kind not in kinds:
                kinds[candidate.kind] = candidate
                verdicts = {}
    return tuple(chosen)


def _not_chosen(
    candidates: list[_Candidate], best: _Evaluation, compatible: _Compatibility
) -> list[Rejected]:
    chosen = {id(c) for c in best.chosen}
    # the first chosen offer of each kind, in the order chosen, answers for its kind
    kinds: dict[object, _Candidate] = {}
    for c in best.chosen:
        kinds.setdefault(c.kind, c)
    rejected = []
    for candidate in candidates:
        offer = candidate.offer
        if id(candidate) in chosen:
            cls = offer.discount_class
            unused = (
                (cls is DiscountClass.PRODUCT and not any(o is candidate for o in best.owner))
                or (cls is DiscountClass.SHIPPING and best.shipping_owner is not candidate)
                or (
                    cls is DiscountClass.ORDER
                    and not any(c is candidate and a > 0 for c, a in best.order_amounts)
                )
            )
            if unused:
                rejected.append(_reject(offer, Rejection.NOTHING_TO_DISCOUNT, _OUTDONE))
            continue
        blocker = next((c.offer for c in kinds.values() if not compatible(candidate, c)), None)
        title = blocker.title if blocker is not None else "the discounts applied"
        rejected.append(
            _reject(
                offer,
                Rejection.NOT_COMBINABLE,
                f"It does not combine with {title}, which saves the customer more.",
            )
        )
    return rejected


def _answer(
    cart: Cart,
    lines: Sequence[CartLine],
    subtotals: Sequence[int],
    best: _Evaluation,
    rejected: list[Rejected],
    unknown: tuple[str, ...],
) -> PricedCart:
    currency = cart.currency
    shares: dict[int, dict[int, int]] = {}  # id(candidate) -> line -> amount
    for i, candidate in enumerate(best.owner):
        if candidate is not None and best.per_line[i] > 0:
            shares.setdefault(id(candidate), {})[i] = best.per_line[i]
    net = [subtotals[i] - best.per_line[i] for i in range(len(lines))]
    order_parts: list[tuple[_Candidate | None, int, dict[int, int]]] = []
    for candidate, amount in best.order_amounts:
        if amount > 0:
            order_parts.append((candidate, amount, _spread(amount, net)))
    manual_amount = 0
    if cart.manual is not None and cart.manual.amount > 0:
        manual_amount = min(cart.manual.amount, sum(net))
        order_parts.append((None, manual_amount, _spread(manual_amount, net)))

    applied: list[Applied] = []
    by_line: list[list[LineDiscount]] = [[] for _ in lines]
    for candidate in best.chosen:
        offer = candidate.offer
        cls = offer.discount_class
        if cls is DiscountClass.PRODUCT and id(candidate) in shares:
            part = shares[id(candidate)]
            applied.append(_applied(offer, part, 0, lines, currency))
            for i, amount in part.items():
                by_line[i].append(LineDiscount(offer.id, offer.title, amount))
        elif cls is DiscountClass.SHIPPING and best.shipping_owner is candidate:
            applied.append(_applied(offer, {}, best.shipping_amount, lines, currency))
    for maybe, amount, part in order_parts:
        title = maybe.offer.title if maybe is not None else MANUAL_TITLE
        if maybe is not None:
            applied.append(_applied(maybe.offer, part, 0, lines, currency))
        else:
            assert cart.manual is not None
            applied.append(
                Applied(
                    None,
                    MANUAL_TITLE,
                    None,
                    DiscountClass.ORDER,
                    amount,
                    _keyed(part, lines),
                    0,
                    note=cart.manual.reason,
                    currency=currency,
                )
            )
        for i, share in part.items():
            by_line[i].append(LineDiscount(maybe.offer.id if maybe else None, title, share))

    priced_by_key = {}
    for i, line in enumerate(lines):
        found = tuple(d for d in by_line[i] if d.amount > 0)
        priced_by_key[id(line)] = PricedLine(
            line.key,
            line.variant_id,
            line.quantity,
            line.unit_price,
            sum(d.amount for d in found),
            found,
        )
    priced = tuple(priced_by_key[id(line)] for line in cart.lines)
    subtotal = sum(subtotals)
    items_discount = sum(p.discount for p in priced)
    discount_total = items_discount + best.shipping_amount
    order_ranked = sorted(applied, key=_applied_order)
    return PricedCart(
        currency=currency,
        lines=priced,
        subtotal=subtotal,
        discount_total=discount_total,
        shipping=cart.shipping,
        shipping_discount=best.shipping_amount,
        total=subtotal - items_discount + cart.shipping - best.shipping_amount,
        applied=tuple(order_ranked),
        rejected=tuple(
            sorted(rejected, key=lambda r: (r.promotion_id is None, r.promotion_id or 0, r.title))
        ),
        unknown_codes=unknown,
    )


_CLASS_ORDER = {DiscountClass.PRODUCT: 0, DiscountClass.ORDER: 1, DiscountClass.SHIPPING: 2}
_OUTDONE = "A larger discount already applies to the same items."


def _applied_order(applied: Applied) -> tuple[int, bool, int]:
    """Product discounts, then order discounts (the manual one last), then shipping."""
    return (
        _CLASS_ORDER[applied.discount_class],
        applied.promotion_id is None,
        applied.promotion_id or 0,
    )


def _spread(amount: int, net: list[int]) -> dict[int, int]:
    """Spread an order discount over the lines by what they still cost, taking it off them."""
    if sum(net) <= 0:
        return {}
    part = {}
    for i, share in enumerate(allocate_minor(amount, net)):
        if share:
            part[i] = share
            net[i] -= share
    return part


def _keyed(part: dict[int, int], lines: Sequence[CartLine]) -> tuple[tuple[Hashable, int], ...]:
    return tuple((lines[i].key, amount) for i, amount in sorted(part.items()))


def _applied(
    offer: Offer, part: dict[int, int], shipping: int, lines: Sequence[CartLine], currency: str
) -> Applied:
    amount = sum(part.values()) + shipping
    return Applied(
        offer.id,
        offer.title,
        offer.code,
        offer.discount_class,
        amount,
        _keyed(part, lines),
        shipping,
        offer=offer,
        currency=currency,
    )


_MESSAGES = {
    Rejection.DISABLED: "It is switched off.",
    Rejection.CODE_NOT_ENTERED: "Its code was not entered.",
    Rejection.USAGE_LIMIT_REACHED: "It has been used as many times as it may be.",
    Rejection.ALREADY_USED: "This customer has already used it (once per customer).",
    Rejection.NO_ELIGIBLE_ITEMS: "Nothing in the cart is eligible.",
    Rejection.NOTHING_TO_DISCOUNT: "It would take nothing off this cart.",
}


def _reject(offer: Offer, reason: Rejection, message: str | None = None) -> Rejected:
    return Rejected(offer.id, offer.title, offer.code, reason, message or _MESSAGES[reason])


def _when(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
