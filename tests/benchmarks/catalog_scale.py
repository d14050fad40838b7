"""A big catalog for the catalog benchmarks, written with COPY (a million variants in seconds).

Products get six to twelve variants (colours x sizes), realistic titles, vendors, types and
tags, one valid EAN-13 barcode per variant, and stock at one location with the ledger rows that
explain it, so every invariant the app relies on holds on the generated store.

``merchant-office demo --scale N`` (services/demo.py) grows the demo store the same way; this
module keeps the benchmarks independent of it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg


def _words(text: str) -> list[str]:
    return text.split()


ADJECTIVES = _words(
    "Classic Modern Vintage Organic Everyday Premium Rustic Urban Coastal Alpine "
    "Heritage Essential Relaxed Slim Cosy Bold Minimal Soft Rugged Lightweight "
    "Waterproof Handmade"
)
MATERIALS = _words(
    "Cotton Linen Wool Merino Denim Leather Canvas Bamboo Oak Walnut Ceramic Glass "
    "Steel Copper Cashmere Suede Hemp Silk Fleece Cork"
)
NOUNS = _words(
    "T-Shirt Hoodie Jacket Sweater Scarf Beanie Socks Jeans Chinos Shorts Dress "
    "Skirt Apron Tote Backpack Wallet Belt Mug Bowl Vase Lamp Pillow Blanket Towel "
    "Candle Planter Notebook Sneakers Boots Sandals Cap Gloves Shirt Blouse Cardigan "
    "Parka Raincoat Poncho Robe"
)
COLOURS = _words("Black White Navy Grey Red Green Blue Sand Olive Rust Cream Plum")
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
TAGS = _words(
    "new sale bestseller eco gift summer winter autumn spring limited kids men women "
    "unisex outdoor home kitchen travel workwear festival"
)
TYPES = _words("Tops Bottoms Outerwear Accessories Footwear Homeware Kitchen Stationery Bags")


@dataclass(frozen=True)
class ScaleReport:
    products: int
    variants: int
    seconds: float

    @property
    def variants_per_second(self) -> float:
        return self.variants / self.seconds if self.seconds else 0.0


def ean13(body: int) -> str:
    """A 13-digit EAN from a 12-digit number, with its check digit."""
    digits = f"{body:012d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _vendors(rng: random.Random) -> list[str]:
    first = _words("Acme Northwind Bluebird Fjord Harbour Meadow Juniper Atlas Pioneer Summit")
    second = _words("Goods Supply Co Works Trading Outfitters Studio Makers Mills House")
    return [f"{a} {b}" for a in first for b in second]


def _rows(
    variants: int, seed: int, location_id: int
) -> Iterator[tuple[str, list[str], list[str], list[str], list[str], list[str]]]:
    """Per product: its COPY lines for products, options, variants, barcodes, levels, ledger."""
    rng = random.Random(seed)
    vendors = _vendors(rng)
    product_id = 0
    variant_id = 0
    while variant_id < variants:
        product_id += 1
        colours = rng.sample(COLOURS, rng.randint(2, 3))
        sizes = SIZES[rng.randint(0, 1) : rng.randint(4, 6)]
        combos = [(c, s) for c in colours for s in sizes][: variants - variant_id]
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {rng.choice(NOUNS)}"
        handle = f"{title.lower().replace(' ', '-')}-{product_id}"
        tags = "{" + ",".join(rng.sample(TAGS, rng.randint(1, 4))) + "}"
        vendor = rng.choice(vendors)
        status = "active" if rng.random() < 0.85 else rng.choice(("draft", "archived"))
        published = r"2026-01-01 00:00:00+00" if status == "active" else r"\N"
        product = (
            f"{product_id}\t{handle}\t{title}\t\t{vendor}\t{rng.choice(TYPES)}\t{tags}\t"
            f"{status}\t{published}"
        )
        options = [
            f"{product_id}\t1\tColor\t{{{','.join(colours)}}}",
            f"{product_id}\t2\tSize\t{{{','.join(sizes)}}}",
        ]
        base_price = rng.randint(5, 250) * 100 - rng.choice((0, 1, 5))
        prefix = "".join(w[0] for w in title.split()).upper()
        variant_lines, barcode_lines, level_lines, ledger_lines = [], [], [], []
        for position, (colour, size) in enumerate(combos, start=1):
            variant_id += 1
            sku = f"{prefix}-{product_id:06d}-{colour.upper()}-{size}"
            price = base_price + (200 if size in ("XL", "XXL") else 0)
            compare = price + 1000 if rng.random() < 0.2 else None
            variant_lines.append(
                f"{variant_id}\t{product_id}\t{position}\t{sku}\t{colour}\t{size}\t{price}\t"
                f"{compare if compare is not None else chr(92) + 'N'}\t{price // 2}\t"
                f"{rng.randint(80, 900)}\tdeny"
            )
            barcode_lines.append(f"{variant_id}\t{ean13(200_000_000_000 + variant_id)}")
            on_hand = rng.choice((0, 0, 1, 3, 5, 8, 12, 20, 40))
            level_lines.append(f"{variant_id}\t{location_id}\t{on_hand}")
            if on_hand:
                ledger_lines.append(f"{variant_id}\t{location_id}\t{on_hand}\timport")
        yield product, options, variant_lines, barcode_lines, level_lines, ledger_lines


def build_catalog(conninfo: str, variants: int, *, seed: int = 7) -> ScaleReport:
    """Fill an empty store with about ``variants`` variants; returns what was written."""
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        location_id = conn.execute(
            "INSERT INTO locations (code, name, is_default) "
            "VALUES ('MAIN', 'Main warehouse', true) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id"
        ).fetchone()[0]
        products = []
        options: list[str] = []
        variant_lines: list[str] = []
        barcodes: list[str] = []
        levels: list[str] = []
        ledger: list[str] = []
        for p, o, v, b, lv, lg in _rows(variants, seed, location_id):
            products.append(p)
            options.extend(o)
            variant_lines.extend(v)
            barcodes.extend(b)
            levels.extend(lv)
            ledger.extend(lg)
        copies = (
            (
                "products (id, handle, title, description_html, vendor, product_type, tags, "
                "status, published_at)",
                products,
            ),
            ("product_options (product_id, position, name, values)", options),
            (
                "variants (id, product_id, position, sku, option1, option2, price, "
                "compare_at_price, cost, weight_grams, inventory_policy)",
                variant_lines,
            ),
            ("barcodes (variant_id, code)", barcodes),
            ("inventory_levels (variant_id, location_id, on_hand)", levels),
            ("stock_movements (variant_id, location_id, on_hand_delta, reason)", ledger),
        )
        with conn.cursor() as cur:
            for table, lines in copies:
                with cur.copy(f"COPY {table} FROM STDIN") as copy:
                    for start in range(0, len(lines), 20_000):
                        copy.write("\n".join(lines[start : start + 20_000]) + "\n")
            for table in ("products", "variants", "barcodes", "product_options"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        conn.commit()
        conn.autocommit = True
        for table in ("products", "variants", "barcodes", "inventory_levels", "product_options"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return ScaleReport(len(products), len(variant_lines), time.perf_counter() - started)
