"""The catalog half of the demo: locations and bins, suppliers, products, variants, collections.

Rows go to the sink as they are made; what the year's simulation needs later (prices, SKUs,
popularity, where each variant shelves) stays in flat lists indexed by variant, so a million
variants stay cheap.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any

from services.demo import vocabulary as words
from services.demo.codes import abbreviation, bin_code, gtin13, slug
from services.demo.context import Context
from services.demo.plan import DAY, HOUR
from services.demo.sink import jsonb

MAIN, SHOP, OVERFLOW = 0, 1, 2
#: a product above these popularity weights is also stocked in the shop / the overflow store
#: (Pareto(1.16) tails: about the top 30 % and the top 10 % of products)
SHOP_POPULARITY = 2.82
OVERFLOW_POPULARITY = 7.28
BESTSELLER_POPULARITY = 12.0
#: variants sharing one bin, at most, before a location grows more shelves
VARIANTS_PER_BIN = 6
#: categories made first, so even a small store has socks for its 3-for-2 and a gift card
FIRST_CATEGORIES = ("Socks", "Tops", "Candles", "Footwear", "Knitwear", "Home", "Kitchen")
COLLECTIONS = (
    ("new-arrivals", "New Arrivals", "Just landed in the shop and online.", True),
    ("best-sellers", "Best Sellers", "What everyone is wearing this season.", True),
    ("sale", "Sale", "Last chance: marked down while sizes last.", True),
    ("knitwear-layers", "Knitwear & Layers", "Sweaters, jackets and everything between.", True),
    ("footwear", "Footwear", "Boots, sneakers and slides.", True),
    ("home-living", "Home & Living", "Blankets, candles and mugs for slow mornings.", True),
    ("gifts-under-50", "Gifts Under $50", "Small things, well made.", True),
    ("sock-drawer", "The Sock Drawer", "Buy two pairs, get the third free.", True),
    ("holiday-gift-guide", "Holiday Gift Guide", "Draft: picks for this year's guide.", False),
)


@dataclass(frozen=True)
class PurchaseRun:
    """A supplier's fortnightly order: placed at ``placed``, received at ``received``."""

    supplier: int
    index: int
    placed: int
    received: int


def purchase_runs(ctx: Context) -> list[list[PurchaseRun]]:
    """Every supplier's purchase order days over the year (staggered two days apart)."""
    runs: list[list[PurchaseRun]] = []
    for s, supplier in enumerate(words.SUPPLIERS):
        mine = []
        for i in itertools.count():
            day = 1 + 2 * s + 14 * i
            placed = ctx.day_time(day, 9)
            if placed >= ctx.end:
                break
            received = ctx.day_time(day + supplier.lead_days, 11)
            mine.append(PurchaseRun(s, i, placed, received))
        runs.append(mine)
    return runs


@dataclass
class Catalog:
    """What the simulation needs to know about the catalog, in flat lists."""

    location_ids: list[int] = field(default_factory=list)
    supplier_ids: list[int] = field(default_factory=list)
    collection_ids: dict[str, int] = field(default_factory=dict)
    # per product
    p_id: list[int] = field(default_factory=list)
    p_title: list[str] = field(default_factory=list)
    p_supplier: list[int] = field(default_factory=list)
    p_sell_from: list[int] = field(default_factory=list)
    p_sell_until: list[int] = field(default_factory=list)
    p_on_sale: list[bool] = field(default_factory=list)
    p_is_socks: list[bool] = field(default_factory=list)
    # per variant
    v_id: list[int] = field(default_factory=list)
    v_product: list[int] = field(default_factory=list)
    v_sku: list[str | None] = field(default_factory=list)
    v_title: list[str | None] = field(default_factory=list)
    v_price: list[int] = field(default_factory=list)
    v_cost: list[int] = field(default_factory=list)
    v_weight: list[int] = field(default_factory=list)
    v_taxable: list[bool] = field(default_factory=list)
    v_backorder: list[bool] = field(default_factory=list)
    v_barcode: list[str | None] = field(default_factory=list)
    v_popularity: list[float] = field(default_factory=list)
    #: the earliest moment a variant can ship (pre-orders wait for their stock)
    v_ships_from: dict[int, int] = field(default_factory=dict)
    #: per location: bin id per variant (0 when the location does not stock it)
    bin_of: list[list[int]] = field(default_factory=list)
    #: per location: (bin id, code, aisle) in walking order
    bins: list[list[tuple[int, str, int]]] = field(default_factory=list)
    #: variants each location stocks, and cumulative popularity for drawing sales from them
    stocked: list[list[int]] = field(default_factory=list)
    cum_weights: list[list[float]] = field(default_factory=list)
    #: (supplier, run index) -> variants whose first stock comes with that purchase order
    launches: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    preorder_variants: list[int] = field(default_factory=list)
    #: products that are live at the start (their opening stock is imported)
    live_at_start: list[bool] = field(default_factory=list)

    def draw(self, rng: Any, location: int) -> int:
        """A variant stocked at ``location``, drawn by popularity."""
        cum = self.cum_weights[location]
        return self.stocked[location][bisect.bisect(cum, rng.random() * cum[-1])]


def _boutique(dollars: float) -> int:
    """A price in cents that ends in 5 or 8 dollars, like a boutique's ($38, $45, $128)."""
    whole = max(5, round(dollars))
    base = whole - whole % 10
    candidates = [base - 2, base + 5, base + 8]
    best = min((c for c in candidates if c > 0), key=lambda c: abs(c - whole))
    return best * 100


def _bin_layout(place: words.Place, needed: int) -> tuple[int, int, int]:
    aisles, shelves, levels = place.aisles, place.shelves, place.levels
    while aisles * shelves * levels < needed:
        if shelves < 99:
            shelves = min(99, shelves * 2)
        elif levels < 9:
            levels += 1
        elif aisles < 26:
            aisles += 1
        else:
            break
    return aisles, shelves, levels


def _expected_variants(category: words.Category) -> float:
    total = 1.0
    for _, values, (low, high) in category.options:
        total *= min(len(values), (low + high) / 2)
    return total


class _Shelver:
    """Gives each category a run of bins in walking order and fills it as variants arrive."""

    def __init__(self, bins: list[tuple[int, str, int]], shares: list[float], expected: float):
        self.bins = bins
        total = sum(shares)
        self.ranges: list[tuple[int, int]] = []
        self.expected = [max(1.0, expected * s / total) for s in shares]
        edge = 0.0
        for s in shares:
            low = int(edge)
            edge += len(bins) * s / total
            self.ranges.append((low, max(low + 1, min(len(bins), int(edge)))))
        self.placed = [0] * len(shares)

    def place(self, category: int) -> int:
        low, high = self.ranges[category]
        k = self.placed[category]
        self.placed[category] += 1
        offset = min(high - low - 1, int(k * (high - low) / self.expected[category]))
        return self.bins[low + offset][0]


def build_catalog(ctx: Context) -> Catalog:
    """Write locations, bins, suppliers, collections, products, options, variants, barcodes."""
    cat = Catalog()
    rng = ctx.rng
    sink = ctx.sink
    plan = ctx.plan
    categories = (*words.CATEGORIES, words.GIFT_CARD)
    gift_index = len(categories) - 1
    shares = [c.weight_share * _expected_variants(c) for c in categories]
    shares[gift_index] = 0.3
    created = ctx.at(-400 * DAY)

    # Locations and their bins, sized for the variants each will hold.
    expected = (plan.variants, plan.variants * 0.3, plan.variants * 0.1)
    for li, place in enumerate(words.LOCATIONS):
        location_id = ctx.new_id("locations")
        cat.location_ids.append(location_id)
        sink.rows("locations").append(
            (
                location_id,
                place.code,
                place.name,
                jsonb(place.address),
                li == MAIN,
                True,
                created,
                created,
            )
        )
        aisles, shelves, levels = _bin_layout(place, int(expected[li] / VARIANTS_PER_BIN) + 1)
        mine = []
        for aisle in range(aisles):
            for shelf in range(1, shelves + 1):
                for level in range(1, levels + 1):
                    bin_id = ctx.new_id("bins")
                    code = bin_code(aisle, shelf, level)
                    sink.rows("bins").append((bin_id, location_id, code))
                    mine.append((bin_id, code, aisle))
        cat.bins.append(mine)
        cat.bin_of.append([])
        cat.stocked.append([])
        cat.cum_weights.append([])
    shelvers = [_Shelver(cat.bins[li], shares, expected[li]) for li in range(len(words.LOCATIONS))]

    for known in words.SUPPLIERS:
        supplier_id = ctx.new_id("suppliers")
        cat.supplier_ids.append(supplier_id)
        sink.rows("suppliers").append(
            (supplier_id, known.name, known.email, known.phone, created, created)
        )

    for handle, title, blurb, published in COLLECTIONS:
        collection_id = ctx.new_id("collections")
        cat.collection_ids[handle] = collection_id
        sink.rows("collections").append(
            (
                collection_id,
                handle,
                title,
                f"<p>{blurb}</p>",
                created if published else None,
                created,
                created,
            )
        )
    positions = dict.fromkeys(cat.collection_ids, 0)

    runs = purchase_runs(ctx)
    first = [next(i for i, c in enumerate(categories) if c.name == n) for n in FIRST_CATEGORIES]
    weights = [c.weight_share for c in words.CATEGORIES]
    titles: set[str] = set()
    handles: set[str] = set()
    brand_items = [0] * len(words.BRANDS)
    product_number = 0
    ctx.progress("catalog", 0, plan.variants)

    def next_gtin(brand: int) -> str:
        item = brand_items[brand]
        brand_items[brand] += 1
        # 100,000 items per 7-digit prefix; the next block is 100 prefixes on (never another
        # brand's).
        prefix = words.BRANDS[brand].gs1_prefix + 100 * (item // 100_000)
        return gtin13(prefix, item % 100_000)

    while len(cat.v_id) < plan.variants:
        n = len(cat.p_id)
        if n == 0:
            ci, kind = gift_index, "gift"
        elif n == 1:
            ci, kind = next(i for i, c in enumerate(categories) if c.name == "Outerwear"), "pre"
        elif n - 2 < len(first):
            ci, kind = first[n - 2], "normal"
        else:
            ci, kind = rng.choices(range(len(words.CATEGORIES)), weights)[0], "normal"
        category = categories[ci]
        product_number += 1
        product_id = ctx.new_id("products")
        brand = rng.choice(category.brands)
        supplier = words.BRANDS[brand].supplier
        material = rng.choice(category.materials)
        noun = rng.choice(category.nouns)

        # Title: "Harbor Merino Crew Sweater"; unique while the words last, numbered after.
        if kind == "gift":
            title = "Juniper & Co. Gift Card"
        elif kind == "pre":
            title = "Alpine Down Parka"
            material = "Recycled Down"
        else:
            for _ in range(6):
                adjective = rng.choice(words.ADJECTIVES)
                title = (
                    f"{adjective} {material} {noun}"
                    if rng.random() < 0.6
                    else f"{adjective} {noun}"
                )
                if title not in titles:
                    break
            else:
                title = f"{title} No. {product_number}"
        titles.add(title)
        handle = slug(title)
        if handle in handles:
            handle = f"{handle}-{product_number}"
        handles.add(handle)

        # Life cycle: most products were live before the year began; some launched during
        # it (their first stock arrives with a purchase order), a few were archived, a few
        # are drafts still being prepared.
        popularity = min(200.0, rng.paretovariate(1.16))
        if kind == "pre":
            popularity = 40.0  # everyone wants the new parka: pre-orders pile up
        sell_from, sell_until = 0, ctx.end + 1
        status = "active"
        launch: tuple[int, int] | None = None
        u = rng.random()
        if kind == "gift":
            made = -400 * DAY
            published_at: int | None = made + DAY
        elif kind == "pre":
            made = ctx.end - 20 * DAY
            published_at = made + 2 * HOUR
            sell_from = published_at
        elif u < 0.04:
            made = -rng.randint(60, 900) * DAY
            published_at = made + DAY
            sell_until = rng.randint(ctx.end // 10, ctx.end * 9 // 10)
            status = "archived"
        elif u < 0.19 and len(runs[supplier]) > 1:
            run = rng.choice(runs[supplier][1:])
            launch = (supplier, run.index)
            made = run.placed - rng.randint(1, 10) * DAY
            sell_from = run.received
            published_at = min(ctx.end, run.received + HOUR)
            if run.received > ctx.end:
                status, published_at, sell_from = "draft", None, ctx.end + 1
        elif u < 0.21:
            made = ctx.end - rng.randint(1, 30) * DAY
            published_at = None
            status = "draft"
            sell_from = ctx.end + 1
        else:
            made = -rng.randint(30, 900) * DAY
            published_at = made + rng.randint(HOUR, 3 * DAY)
        if status == "archived":
            published_at = None
        live = status != "draft" and launch is None and kind != "pre"
        updated = max(made, min(ctx.end, (sell_until if status == "archived" else made + DAY)))

        # Options: colour (or scent) first, like the storefront shows them.
        options = sorted(category.options, key=lambda o: o[0] not in ("Colour", "Scent"))
        chosen: list[tuple[str, list[str]]] = []
        for name, offered, (low, high) in options:
            k = min(len(offered), rng.randint(low, high))
            if name in ("Size", "Waist", "Amount"):
                begin = rng.randint(0, len(offered) - k)
                picked = list(offered[begin : begin + k])
            else:
                indexes = sorted(rng.sample(range(len(offered)), k))
                picked = [offered[i] for i in indexes]
            chosen.append((name, picked))
        if kind == "gift":
            chosen = [("Amount", ["$25", "$50", "$100", "$200"])]

        low, high = category.price
        base_price = _boutique(rng.uniform(low, high))
        on_sale = kind == "normal" and status == "active" and rng.random() < 0.12
        cost_ratio = rng.uniform(0.32, 0.48)
        base_weight = rng.randint(*category.weight)
        tags = list(category.tags)
        tags.append(slug(material))
        if on_sale:
            tags.append("sale")
        if popularity > OVERFLOW_POPULARITY:
            tags.append("bestseller")
        if launch and sell_from > ctx.end - 90 * DAY:
            tags.append("new")
        if kind == "pre":
            tags.append("pre-order")
        feature = rng.choice(category.features)
        brand_name = words.BRANDS[brand].name
        description = (
            f"<p>The {title} is made from {material.lower()}, with {feature}.</p>"
            f"<p>Made by {brand_name} and chosen for the shop on Everett Street.</p>"
            f"<ul><li>{category.care}</li><li>Free returns within 30 days.</li></ul>"
        )
        sink.rows("products").append(
            (
                product_id,
                handle,
                title,
                description,
                brand_name,
                category.product_type,
                tags,
                status,
                None if published_at is None else ctx.at(published_at),
                f"{title} | {brand_name}",
                f"The {title} from {brand_name}: {material.lower()}, with {feature}."[:155],
                ctx.at(made),
                ctx.at(updated),
            )
        )
        for position, (name, values) in enumerate(chosen, start=1):
            sink.rows("product_options").append(
                (ctx.new_id("product_options"), product_id, position, name, values)
            )

        p = len(cat.p_id)
        cat.p_id.append(product_id)
        cat.p_title.append(title)
        cat.p_supplier.append(supplier)
        cat.p_sell_from.append(sell_from)
        cat.p_sell_until.append(sell_until)
        cat.p_on_sale.append(on_sale)
        cat.p_is_socks.append(category.name == "Socks")
        cat.live_at_start.append(live)

        # Collections.
        member = []
        if launch and ctx.end - 90 * DAY <= sell_from <= ctx.end:
            member.append("new-arrivals")
        if popularity > BESTSELLER_POPULARITY and status == "active":
            member.append("best-sellers")
        if on_sale:
            member.append("sale")
        if category.name in ("Knitwear", "Outerwear"):
            member.append("knitwear-layers")
        if category.name == "Footwear":
            member.append("footwear")
        if category.name in ("Home", "Candles", "Kitchen"):
            member.append("home-living")
        if "gifts" in category.tags and base_price <= 5000:
            member.append("gifts-under-50")
        if category.name == "Socks":
            member.append("sock-drawer")
        if "gifts" in category.tags and popularity > SHOP_POPULARITY:
            member.append("holiday-gift-guide")
        for handle_ in member:
            positions[handle_] += 1
            sink.rows("collection_products").append(
                (cat.collection_ids[handle_], product_id, positions[handle_])
            )

        # Variants: every combination of the chosen option values. What each value does to
        # price, weight and popularity is worked out once per product, not per variant.
        effects = []
        for name, values in chosen:
            full = next((o[1] for o in category.options if o[0] == name), values)
            per_value = []
            for rank, value in enumerate(values):
                add, weight_add, mult, special = 0, 0, 1.0, ""
                if name in ("Size", "Waist"):
                    mult = words.SIZE_CURVE[min(full.index(value), len(words.SIZE_CURVE) - 1)]
                    weight_add = 15 * rank
                    add = {"XXL": 400, "Large": 2000, "Small": -1000}.get(value, 0)
                    special = {"14 oz": "candle", "Small": "small"}.get(value, "")
                elif name == "Amount":
                    special = "amount"
                    mult = {"$25": 1.4, "$50": 1.6, "$100": 1.0}.get(value, 0.4)
                elif value == "Leather":
                    add = 6000
                else:
                    mult = rng.uniform(0.4, 1.6)
                per_value.append((value, abbreviation(value), add, weight_add, mult, special))
            effects.append(per_value)
        in_shop = status != "draft" and kind != "pre"
        in_shop = in_shop and (popularity > SHOP_POPULARITY or kind == "gift")
        in_overflow = live and popularity > OVERFLOW_POPULARITY and kind == "normal"
        sku_stem = f"{abbreviation(category.product_type)}-{product_number:05d}"
        stamp_made, stamp_updated = ctx.at(made), ctx.at(updated)
        policy = "continue" if kind == "pre" else "deny"
        variant_rows = sink.rows("variants")
        barcode_rows = sink.rows("barcodes")
        taxable = category.taxable
        backorder = kind == "pre"
        bins_main, bins_shop, bins_overflow = cat.bin_of
        ids = ctx.ids
        for position, combo in enumerate(itertools.product(*effects), start=1):
            vi = len(cat.v_id)
            ids["variants"] += 1
            variant_id = ids["variants"]
            price = base_price
            weight = base_weight
            share = 1.0
            for value, _, add, weight_add, mult, special in combo:
                price += add
                weight += weight_add
                share *= mult
                if special == "candle":
                    price = _boutique(price * 1.6 / 100)
                    weight = weight * 17 // 10
                elif special == "small":
                    price = max(1500, price)
                elif special == "amount":
                    price = int(value.strip("$")) * 100
            compare_at = None
            if on_sale:
                compare_at = price
                price = _boutique(price * 0.75 / 100)
            cost = None if kind == "gift" else max(100, round(price * cost_ratio / 5) * 5)
            if compare_at:
                cost = max(100, round(compare_at * cost_ratio / 5) * 5)
            o1, o2, o3 = [e[0] for e in combo] + [None] * (3 - len(combo))
            sku = None if kind == "gift" else "-".join([sku_stem, *(e[1] for e in combo)])
            variant_title = " / ".join(e[0] for e in combo) if combo else None
            variant_rows.append(
                (variant_id, product_id, position, sku, o1, o2, o3, price,
                 compare_at, cost, weight, policy, True, taxable, stamp_made, stamp_updated)
            )  # fmt: skip
            barcode = None
            if kind != "gift":
                barcode = next_gtin(brand)
                ids["barcodes"] += 1
                barcode_rows.append((ids["barcodes"], variant_id, barcode))
                if rng.random() < 0.03:  # an older packaging's code still on some stock
                    ids["barcodes"] += 1
                    barcode_rows.append((ids["barcodes"], variant_id, next_gtin(brand)))
            cat.v_id.append(variant_id)
            cat.v_product.append(p)
            cat.v_sku.append(sku)
            cat.v_title.append(variant_title)
            cat.v_price.append(price)
            cat.v_cost.append(cost or 0)
            cat.v_weight.append(weight)
            cat.v_taxable.append(taxable)
            cat.v_backorder.append(backorder)
            cat.v_barcode.append(barcode)
            cat.v_popularity.append(popularity * share)
            if backorder:
                cat.preorder_variants.append(vi)
                cat.v_ships_from[vi] = ctx.end + 12 * DAY
            if launch:
                cat.launches.setdefault(launch, []).append(vi)
            bins_main.append(shelvers[MAIN].place(ci))
            cat.stocked[MAIN].append(vi)
            if in_shop:
                bins_shop.append(shelvers[SHOP].place(ci))
                cat.stocked[SHOP].append(vi)
            else:
                bins_shop.append(0)
            if in_overflow:
                bins_overflow.append(shelvers[OVERFLOW].place(ci))
                cat.stocked[OVERFLOW].append(vi)
            else:
                bins_overflow.append(0)
        sink.maybe_flush()
        ctx.progress("catalog", min(len(cat.v_id), plan.variants), plan.variants)

    for li in range(len(words.LOCATIONS)):
        total = 0.0
        cum = []
        for vi in cat.stocked[li]:
            total += cat.v_popularity[vi]
            cum.append(total)
        cat.cum_weights[li] = cum
    return cat
