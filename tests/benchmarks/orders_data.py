"""Bulk test data for the order benchmarks, written with set-based SQL (seconds, not hours)."""

from __future__ import annotations

from sqlalchemy import Engine, text

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Donald",
    "Edsger",
    "Frances",
    "Guido",
    "Hedy",
    "Ivan",
    "Joan",
    "Ken",
    "Lynn",
    "Margaret",
    "Niklaus",
    "Olga",
    "Peter",
    "Radia",
    "Sophie",
]


def fill(
    engine: Engine,
    *,
    orders: int,
    customers: int,
    variants: int,
    bins: int,
    max_lines: int = 4,
) -> None:
    """``orders`` orders of 1 to ``max_lines`` lines over a year, most of them delivered."""
    names = "ARRAY[" + ", ".join(f"'{n}'" for n in FIRST_NAMES) + "]"
    statements = [
        "INSERT INTO locations (code, name, is_default) VALUES ('MAIN', 'Main warehouse', true)",
        f"INSERT INTO bins (location_id, code) SELECT 1, 'A-' || lpad((g / 10)::text, 3, '0')"
        f" || '-' || (g % 10) FROM generate_series(0, {bins - 1}) g",
        f"INSERT INTO products (handle, title, status) SELECT 'product-' || g, 'Product ' || g,"
        f" 'active' FROM generate_series(1, {variants}) g",
        "INSERT INTO variants (product_id, sku, price) SELECT id, 'SKU-' || lpad(id::text, 6, '0'),"
        " 1000 + id % 5000 FROM products",
        "INSERT INTO inventory_levels (variant_id, location_id, bin_id, on_hand)"
        f" SELECT v.id, 1, 1 + (v.id * 7) % {bins}, 100000 FROM variants v",
        f"INSERT INTO customers (first_name, last_name, email) SELECT ({names})[1 + g % 20],"
        f" 'Surname' || (g % 7919), 'customer' || g || '@example.com'"
        f" FROM generate_series(1, {customers}) g",
        f"""
        INSERT INTO orders (customer_id, email, channel, currency, status, payment_status,
                            fulfillment_status, subtotal, total, location_id, placed_at)
        SELECT c, 'customer' || c || '@example.com',
               CASE WHEN g % 10 = 0 THEN 'phone' ELSE 'online' END, 'USD',
               CASE WHEN g > {orders} - 3000 THEN (ARRAY['pending', 'confirmed', 'processing'])
                        [1 + g % 3]
                    WHEN g % 50 = 0 THEN 'cancelled'
                    WHEN g > {orders} - 20000 THEN 'shipped' ELSE 'delivered' END,
               CASE WHEN g > {orders} - 3000 AND g % 4 = 0 THEN 'pending' ELSE 'paid' END,
               CASE WHEN g > {orders} - 3000 OR g % 50 = 0 THEN 'unfulfilled'
                    ELSE 'fulfilled' END,
               5000, 5000, 1,
               now() - make_interval(secs => ({orders} - g) * 31536000.0 / {orders})
        FROM generate_series(1, {orders}) g,
             LATERAL (SELECT 1 + (g::bigint * 7919) % {customers} AS c) x
        """,
        f"""
        INSERT INTO order_lines (order_id, variant_id, location_id, sku, product_title,
                                 quantity, fulfilled_quantity, unit_price)
        SELECT o.id, v, 1, 'SKU-' || lpad(v::text, 6, '0'), 'Product ' || v, q,
               CASE WHEN o.fulfillment_status = 'fulfilled' THEN q ELSE 0 END, 1000
        FROM orders o, generate_series(1, 1 + o.id % {max_lines}) k,
             LATERAL (SELECT 1 + (o.id * 31 + k * 17) % {variants} AS v,
                             1 + (o.id + k) % 3 AS q) x
        """,
        """
        INSERT INTO fulfillments (order_id, location_id, status, carrier, tracking_number)
        SELECT id, 1, 'success', 'UPS', '1Z' || lpad(id::text, 16, '0') FROM orders
        WHERE fulfillment_status = 'fulfilled'
        """,
        "ANALYZE",
    ]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
