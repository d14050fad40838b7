"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 08:16:00.175796
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


SEQUENCES = (
    "order_number_seq",
    "transfer_number_seq",
    "purchase_order_number_seq",
    "stock_count_number_seq",
)

APPEND_ONLY = ("audit_log", "stock_movements", "order_history", "payment_transactions")

TRIGRAM_INDEXES = {
    "ix_products_search_trgm": (
        "products",
        "(title || ' ' || coalesce(vendor, '') || ' ' || words(tags))",
    ),
    "ix_variants_sku_trgm": ("variants", "sku"),
    "ix_customers_search_trgm": (
        "customers",
        "(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || "
        "coalesce(email, ''))",
    ),
    "ix_orders_email_trgm": ("orders", "email"),
}

PERMISSIONS = {
    "catalog.edit": "Create and edit products, variants and collections",
    "catalog.prices": "Change prices, compare-at prices and costs",
    "catalog.publish": "Publish and unpublish products on the storefront",
    "catalog.import": "Import and bulk-edit the catalog",
    "inventory.adjust": "Adjust stock and move it between states",
    "inventory.transfer": "Create, ship and receive transfers between locations",
    "inventory.receive": "Create and receive purchase orders",
    "inventory.count": "Count stock and post counts",
    "inventory.settings": "Manage locations, bins and reorder points",
    "orders.create": "Create orders by hand",
    "orders.edit": "Edit orders and add notes",
    "orders.fulfill": "Move orders through fulfillment, pick, pack and ship",
    "orders.cancel": "Cancel orders",
    "orders.return": "Record returns",
    "orders.refund": "Refund payments",
    "payments.capture": "Capture and void payments",
    "promotions.edit": "Create and edit promotions",
    "reports.view": "See reports",
    "staff.manage": "Add staff, change roles and reset passwords",
    "store.settings": "Change the store's details and storefront API keys",
}

ROLES = {
    "admin": ("Admin", "Everything, including staff and store settings", list(PERMISSIONS)),
    "manager": (
        "Manager",
        "Runs the shop: orders, refunds, catalog, stock and promotions",
        [p for p in PERMISSIONS if p not in ("staff.manage", "store.settings")],
    ),
    "warehouse": (
        "Warehouse",
        "Receives, counts, moves, picks and packs stock",
        [
            "inventory.adjust", "inventory.transfer", "inventory.receive", "inventory.count",
            "orders.fulfill", "orders.return",
        ],
    ),
    "merchandiser": (
        "Merchandiser",
        "Catalog, prices, promotions and reports",
        [
            "catalog.edit", "catalog.prices", "catalog.publish", "catalog.import",
            "promotions.edit", "reports.view",
        ],
    ),
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in SEQUENCES:
        op.execute(f"CREATE SEQUENCE {name} START 1001")
    op.create_table('collections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), server_default='', nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collections')),
    sa.UniqueConstraint('handle', name=op.f('uq_collections_handle'))
    )
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('first_name', sa.Text(), nullable=True),
    sa.Column('last_name', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('accepts_marketing', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    op.create_index('ix_customers_email', 'customers', ['email'], unique=False)
    op.create_table('gateway_events',
    sa.Column('event_id', sa.Text(), nullable=False),
    sa.Column('gateway', sa.Text(), nullable=False),
    sa.Column('type', sa.Text(), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_gateway_events'))
    )
    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('address', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('code', name=op.f('uq_locations_code'))
    )
    op.create_index('uq_locations_one_default', 'locations', ['is_default'], unique=True, postgresql_where=sa.text('is_default'))
    op.create_table('outbox_events',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('aggregate_type', sa.Text(), nullable=False),
    sa.Column('aggregate_id', sa.Text(), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('cache_tags', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('public', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_events_event_id'))
    )
    op.create_index('ix_outbox_events_topic_id', 'outbox_events', ['topic', 'id'], unique=False)
    op.create_table('permissions',
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_permissions'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), server_default='', nullable=False),
    sa.Column('vendor', sa.Text(), nullable=True),
    sa.Column('product_type', sa.Text(), nullable=True),
    sa.Column('tags', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('status', sa.Text(), server_default='draft', nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seo_title', sa.Text(), nullable=True),
    sa.Column('seo_description', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("handle ~ '^[a-z0-9][a-z0-9-]*$'", name=op.f('ck_products_handle_format')),
    sa.CheckConstraint("status IN ('draft', 'active', 'archived')", name=op.f('ck_products_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('handle', name=op.f('uq_products_handle'))
    )
    op.create_index(op.f('ix_products_product_type'), 'products', ['product_type'], unique=False)
    op.create_index(op.f('ix_products_status'), 'products', ['status'], unique=False)
    op.create_index(op.f('ix_products_vendor'), 'products', ['vendor'], unique=False)
    op.create_table('promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('applies_to', sa.Text(), nullable=False),
    sa.Column('target_ids', postgresql.ARRAY(sa.Integer()), server_default='{}', nullable=False),
    sa.Column('rules', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('min_subtotal', sa.BigInteger(), nullable=True),
    sa.Column('min_quantity', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('usage_limit', sa.Integer(), nullable=True),
    sa.Column('usage_limit_per_customer', sa.Integer(), nullable=True),
    sa.Column('combinable', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("applies_to IN ('order', 'collection', 'product', 'variant')", name=op.f('ck_promotions_applies_to')),
    sa.CheckConstraint("kind <> 'percentage' OR value <= 10000", name=op.f('ck_promotions_percentage_range')),
    sa.CheckConstraint("kind IN ('percentage', 'fixed_amount', 'free_shipping', 'buy_x_get_y')", name=op.f('ck_promotions_kind')),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_promotions_period')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_promotions_value_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions')),
    sa.UniqueConstraint('code', name=op.f('uq_promotions_code'))
    )
    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles')),
    sa.UniqueConstraint('code', name=op.f('uq_roles_code'))
    )
    op.create_table('sign_in_throttle',
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('store',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('address', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('timezone', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f('ck_store_currency_iso')),
    sa.CheckConstraint('id = 1', name=op.f('ck_store_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store'))
    )
    op.create_table('storefront_api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('prefix', sa.Text(), nullable=False),
    sa.Column('key_hash', sa.Text(), nullable=False),
    sa.Column('scopes', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefront_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_storefront_api_keys_prefix'))
    )
    op.create_table('suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('name', name=op.f('uq_suppliers_name'))
    )
    op.create_table('webhook_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=False),
    sa.Column('topics', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions'))
    )
    op.create_table('addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('company', sa.Text(), nullable=True),
    sa.Column('line1', sa.Text(), nullable=False),
    sa.Column('line2', sa.Text(), nullable=True),
    sa.Column('city', sa.Text(), nullable=False),
    sa.Column('province', sa.Text(), nullable=True),
    sa.Column('postal_code', sa.Text(), nullable=True),
    sa.Column('country_code', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('is_default', sa.Boolean(), server_default='false', nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_addresses_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses'))
    )
    op.create_index(op.f('ix_addresses_customer_id'), 'addresses', ['customer_id'], unique=False)
    op.create_table('bins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_bins_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bins')),
    sa.UniqueConstraint('location_id', 'code', name=op.f('uq_bins_location_id'))
    )
    op.create_table('collection_products',
    sa.Column('collection_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['collection_id'], ['collections.id'], name=op.f('fk_collection_products_collection_id_collections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_collection_products_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection_id', 'product_id', name=op.f('pk_collection_products'))
    )
    op.create_index('ix_collection_products_product_id', 'collection_products', ['product_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.BigInteger(), server_default=sa.text("nextval('order_number_seq')"), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('channel', sa.Text(), server_default='online', nullable=False),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), server_default='pending', nullable=False),
    sa.Column('payment_status', sa.Text(), server_default='pending', nullable=False),
    sa.Column('fulfillment_status', sa.Text(), server_default='unfulfilled', nullable=False),
    sa.Column('subtotal', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('discount_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('shipping_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('tax_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('shipping_address', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('billing_address', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('idempotency_key', sa.Text(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'phone', 'email', 'pos', 'manual')", name=op.f('ck_orders_channel')),
    sa.CheckConstraint("fulfillment_status IN ('unfulfilled', 'partially_fulfilled', 'fulfilled')", name=op.f('ck_orders_fulfillment_status')),
    sa.CheckConstraint("payment_status IN ('pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'refunded', 'voided')", name=op.f('ck_orders_payment_status')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled')", name=op.f('ck_orders_status')),
    sa.CheckConstraint('total = subtotal - discount_total + shipping_total + tax_total', name=op.f('ck_orders_total_adds_up')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_orders_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_orders_idempotency_key')),
    sa.UniqueConstraint('number', name=op.f('uq_orders_number'))
    )
    op.create_index(op.f('ix_orders_customer_id'), 'orders', ['customer_id'], unique=False)
    op.create_index('ix_orders_placed_at_id', 'orders', ['placed_at', 'id'], unique=False)
    op.create_index('ix_orders_status_payment_fulfillment', 'orders', ['status', 'payment_status', 'fulfillment_status'], unique=False)
    op.create_table('product_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('values', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.CheckConstraint('position BETWEEN 1 AND 3', name=op.f('ck_product_options_position_range')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_options_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_options')),
    sa.UniqueConstraint('product_id', 'position', name=op.f('uq_product_options_product_id'))
    )
    op.create_table('role_permissions',
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission_code', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['permission_code'], ['permissions.code'], name=op.f('fk_role_permissions_permission_code_permissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_role_permissions_role_id_roles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'permission_code', name=op.f('pk_role_permissions'))
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_staff_email_lowercase')),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], name=op.f('fk_staff_role_id_roles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_email'))
    )
    op.create_table('variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='1', nullable=False),
    sa.Column('sku', sa.Text(), nullable=True),
    sa.Column('option1', sa.Text(), nullable=True),
    sa.Column('option2', sa.Text(), nullable=True),
    sa.Column('option3', sa.Text(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('compare_at_price', sa.BigInteger(), nullable=True),
    sa.Column('cost', sa.BigInteger(), nullable=True),
    sa.Column('weight_grams', sa.Integer(), nullable=True),
    sa.Column('inventory_policy', sa.Text(), server_default='deny', nullable=False),
    sa.Column('requires_shipping', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('taxable', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("inventory_policy IN ('deny', 'continue')", name=op.f('ck_variants_inventory_policy')),
    sa.CheckConstraint("sku IS NULL OR sku <> ''", name=op.f('ck_variants_sku_not_empty')),
    sa.CheckConstraint('compare_at_price IS NULL OR compare_at_price >= 0', name=op.f('ck_variants_compare_at')),
    sa.CheckConstraint('cost IS NULL OR cost >= 0', name=op.f('ck_variants_cost_not_negative')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_variants_price_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_variants_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variants'))
    )
    op.create_index('ix_variants_product_id_position', 'variants', ['product_id', 'position'], unique=False)
    op.create_index('uq_variants_sku', 'variants', ['sku'], unique=True, postgresql_where=sa.text('sku IS NOT NULL'))
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Text(), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['outbox_events.id'], name=op.f('fk_webhook_deliveries_event_id_outbox_events')),
    sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'], name=op.f('fk_webhook_deliveries_subscription_id_webhook_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['status', 'next_attempt_at'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('entity_type', sa.Text(), nullable=False),
    sa.Column('entity_id', sa.Text(), nullable=True),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_log_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_batch_id'), 'audit_log', ['batch_id'], unique=False)
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id'], unique=False)
    op.create_index('ix_audit_log_occurred_at', 'audit_log', ['occurred_at'], unique=False)
    op.create_table('barcodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_barcodes_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barcodes')),
    sa.UniqueConstraint('variant_id', 'code', name=op.f('uq_barcodes_variant_id'))
    )
    op.create_index(op.f('ix_barcodes_code'), 'barcodes', ['code'], unique=False)
    op.create_table('fulfillments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('carrier', sa.Text(), nullable=True),
    sa.Column('tracking_number', sa.Text(), nullable=True),
    sa.Column('tracking_url', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('success', 'cancelled')", name=op.f('ck_fulfillments_status')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_fulfillments_created_by_staff')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_fulfillments_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_fulfillments_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillments'))
    )
    op.create_index(op.f('ix_fulfillments_order_id'), 'fulfillments', ['order_id'], unique=False)
    op.create_index('ix_fulfillments_tracking_number', 'fulfillments', ['tracking_number'], unique=False)
    op.create_table('inventory_levels',
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('bin_id', sa.Integer(), nullable=True),
    sa.Column('on_hand', sa.Integer(), server_default='0', nullable=False),
    sa.Column('committed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('damaged', sa.Integer(), server_default='0', nullable=False),
    sa.Column('quality_control', sa.Integer(), server_default='0', nullable=False),
    sa.Column('safety_stock', sa.Integer(), server_default='0', nullable=False),
    sa.Column('other_unavailable', sa.Integer(), server_default='0', nullable=False),
    sa.Column('incoming', sa.Integer(), server_default='0', nullable=False),
    sa.Column('available', sa.Integer(), sa.Computed('on_hand - committed - damaged - quality_control - safety_stock - other_unavailable', persisted=True), nullable=False),
    sa.Column('allow_negative', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('reorder_point', sa.Integer(), nullable=True),
    sa.Column('reorder_quantity', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('allow_negative OR on_hand - committed - damaged - quality_control - safety_stock - other_unavailable >= 0', name=op.f('ck_inventory_levels_available_not_negative')),
    sa.CheckConstraint('allow_negative OR on_hand >= 0', name=op.f('ck_inventory_levels_on_hand_not_negative')),
    sa.CheckConstraint('committed >= 0', name=op.f('ck_inventory_levels_committed_not_negative')),
    sa.CheckConstraint('damaged >= 0', name=op.f('ck_inventory_levels_damaged_not_negative')),
    sa.CheckConstraint('incoming >= 0', name=op.f('ck_inventory_levels_incoming_not_negative')),
    sa.CheckConstraint('other_unavailable >= 0', name=op.f('ck_inventory_levels_other_unavailable_not_negative')),
    sa.CheckConstraint('quality_control >= 0', name=op.f('ck_inventory_levels_quality_control_not_negative')),
    sa.CheckConstraint('reorder_point IS NULL OR reorder_point >= 0', name=op.f('ck_inventory_levels_reorder_point')),
    sa.CheckConstraint('reorder_quantity IS NULL OR reorder_quantity > 0', name=op.f('ck_inventory_levels_reorder_qty')),
    sa.CheckConstraint('safety_stock >= 0', name=op.f('ck_inventory_levels_safety_stock_not_negative')),
    sa.ForeignKeyConstraint(['bin_id'], ['bins.id'], name=op.f('fk_inventory_levels_bin_id_bins')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_inventory_levels_location_id_locations')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_inventory_levels_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', 'location_id', name=op.f('pk_inventory_levels'))
    )
    op.create_index('ix_inventory_levels_location_id_variant_id', 'inventory_levels', ['location_id', 'variant_id'], unique=False)
    op.create_table('order_discounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('promotion_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_discounts_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_order_discounts_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_discounts'))
    )
    op.create_index(op.f('ix_order_discounts_order_id'), 'order_discounts', ['order_id'], unique=False)
    op.create_table('order_history',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('from_status', sa.Text(), nullable=True),
    sa.Column('to_status', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_history_order_id_orders')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_order_history_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_history'))
    )
    op.create_index('ix_order_history_order_id_id', 'order_history', ['order_id', 'id'], unique=False)
    op.create_table('order_lines',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('sku', sa.Text(), nullable=True),
    sa.Column('product_title', sa.Text(), nullable=False),
    sa.Column('variant_title', sa.Text(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('fulfilled_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('returned_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('discount_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('tax_total', sa.BigInteger(), server_default='0', nullable=False),
    sa.CheckConstraint('fulfilled_quantity BETWEEN 0 AND quantity', name=op.f('ck_order_lines_fulfilled_range')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_order_lines_quantity_not_negative')),
    sa.CheckConstraint('returned_quantity BETWEEN 0 AND fulfilled_quantity', name=op.f('ck_order_lines_returned_range')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_order_lines_unit_price_not_negative')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_order_lines_location_id_locations')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_order_lines_variant_id_variants'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    op.create_index('ix_order_lines_order_id', 'order_lines', ['order_id'], unique=False)
    op.create_index('ix_order_lines_sku', 'order_lines', ['sku'], unique=False)
    op.create_index('ix_order_lines_variant_id', 'order_lines', ['variant_id'], unique=False)
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.Text(), nullable=False),
    sa.Column('gateway_reference', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), server_default='pending', nullable=False),
    sa.Column('currency', sa.Text(), nullable=False),
    sa.Column('authorized_amount', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('captured_amount', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('refunded_amount', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'authorized', 'captured', 'partially_captured', 'voided', 'failed')", name=op.f('ck_payments_status')),
    sa.CheckConstraint('captured_amount BETWEEN 0 AND authorized_amount', name=op.f('ck_payments_capture_range')),
    sa.CheckConstraint('refunded_amount BETWEEN 0 AND captured_amount', name=op.f('ck_payments_refund_range')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payments_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('gateway_reference', name=op.f('uq_payments_gateway_reference'))
    )
    op.create_index(op.f('ix_payments_order_id'), 'payments', ['order_id'], unique=False)
    op.create_table('product_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='1', nullable=False),
    sa.Column('src', sa.Text(), nullable=False),
    sa.Column('alt_text', sa.Text(), server_default='', nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('variant_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_images_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_product_images_variant_id_variants'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_images'))
    )
    op.create_index('ix_product_images_product_id_position', 'product_images', ['product_id', 'position'], unique=False)
    op.create_table('promotion_redemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promotion_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('redeemed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_promotion_redemptions_customer_id_customers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_promotion_redemptions_order_id_orders')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_redemptions_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_redemptions'))
    )
    op.create_index(op.f('ix_promotion_redemptions_order_id'), 'promotion_redemptions', ['order_id'], unique=False)
    op.create_index(op.f('ix_promotion_redemptions_promotion_id'), 'promotion_redemptions', ['promotion_id'], unique=False)
    op.create_table('purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), server_default=sa.text("'PO-' || nextval('purchase_order_number_seq')"), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), server_default='draft', nullable=False),
    sa.Column('expected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'ordered', 'partially_received', 'received', 'cancelled')", name=op.f('ck_purchase_orders_status')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_purchase_orders_created_by_staff')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_purchase_orders_location_id_locations')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_purchase_orders_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number'))
    )
    op.create_table('stock_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), server_default=sa.text("'C-' || nextval('stock_count_number_seq')"), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), server_default='open', nullable=False),
    sa.Column('scope', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('started_after_movement_id', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('open', 'posted', 'cancelled')", name=op.f('ck_stock_counts_status')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_counts_location_id_locations')),
    sa.ForeignKeyConstraint(['started_by'], ['staff.id'], name=op.f('fk_stock_counts_started_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_counts')),
    sa.UniqueConstraint('number', name=op.f('uq_stock_counts_number'))
    )
    op.create_table('stock_movements',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('on_hand_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('committed_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('damaged_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('quality_control_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('safety_stock_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('other_unavailable_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('incoming_delta', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reference_type', sa.Text(), nullable=True),
    sa.Column('reference_id', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("reason IN ('correction', 'count', 'received', 'return_restock', 'damaged', 'theft_or_loss', 'promotion_or_donation', 'other', 'import', 'reserved', 'released', 'fulfilled', 'transfer_shipped', 'transfer_received', 'transfer_cancelled', 'purchase_ordered', 'purchase_cancelled', 'state_change', 'write_off')", name=op.f('ck_stock_movements_reason')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_stock_movements_location_id_locations')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_stock_movements_staff_id_staff')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stock_movements_variant_id_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    op.create_index('ix_stock_movements_occurred_at', 'stock_movements', ['occurred_at'], unique=False)
    op.create_index('ix_stock_movements_reference', 'stock_movements', ['reference_type', 'reference_id'], unique=False)
    op.create_index('ix_stock_movements_variant_location_id', 'stock_movements', ['variant_id', 'location_id', 'id'], unique=False)
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Text(), server_default=sa.text("'T-' || nextval('transfer_number_seq')"), nullable=False),
    sa.Column('origin_location_id', sa.Integer(), nullable=False),
    sa.Column('destination_location_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Text(), server_default='draft', nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'shipped', 'partially_received', 'received', 'cancelled')", name=op.f('ck_transfers_status')),
    sa.CheckConstraint('origin_location_id <> destination_location_id', name=op.f('ck_transfers_two_places')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_transfers_created_by_staff')),
    sa.ForeignKeyConstraint(['destination_location_id'], ['locations.id'], name=op.f('fk_transfers_destination_location_id_locations')),
    sa.ForeignKeyConstraint(['origin_location_id'], ['locations.id'], name=op.f('fk_transfers_origin_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers')),
    sa.UniqueConstraint('number', name=op.f('uq_transfers_number'))
    )
    op.create_table('fulfillment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fulfillment_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_fulfillment_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['fulfillment_id'], ['fulfillments.id'], name=op.f('fk_fulfillment_lines_fulfillment_id_fulfillments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_fulfillment_lines_order_line_id_order_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_lines'))
    )
    op.create_index(op.f('ix_fulfillment_lines_fulfillment_id'), 'fulfillment_lines', ['fulfillment_id'], unique=False)
    op.create_table('payment_transactions',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('idempotency_key', sa.Text(), nullable=True),
    sa.Column('gateway_reference', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('authorize', 'capture', 'void', 'refund', 'sale')", name=op.f('ck_payment_transactions_kind')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_transactions_payment_id_payments')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_payment_transactions_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_transactions'))
    )
    op.create_index('ix_payment_transactions_payment_id', 'payment_transactions', ['payment_id'], unique=False)
    op.create_table('purchase_order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purchase_order_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.Column('unit_cost', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_purchase_order_lines_quantity_positive')),
    sa.CheckConstraint('received_quantity BETWEEN 0 AND quantity', name=op.f('ck_purchase_order_lines_received_range')),
    sa.CheckConstraint('unit_cost >= 0', name=op.f('ck_purchase_order_lines_unit_cost_not_negative')),
    sa.ForeignKeyConstraint(['purchase_order_id'], ['purchase_orders.id'], name=op.f('fk_purchase_order_lines_purchase_order_id_purchase_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_purchase_order_lines_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_lines')),
    sa.UniqueConstraint('purchase_order_id', 'variant_id', name=op.f('uq_purchase_order_lines_purchase_order_id'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Text(), server_default='pending', nullable=False),
    sa.Column('idempotency_key', sa.Text(), nullable=False),
    sa.Column('gateway_reference', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('failure_message', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name=op.f('ck_refunds_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_refunds_created_by_staff')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_refunds_idempotency_key'))
    )
    op.create_index(op.f('ix_refunds_order_id'), 'refunds', ['order_id'], unique=False)
    op.create_index(op.f('ix_refunds_payment_id'), 'refunds', ['payment_id'], unique=False)
    op.create_table('stock_count_scans',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('bin_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), server_default='1', nullable=False),
    sa.Column('scanned_code', sa.Text(), nullable=True),
    sa.Column('scanned_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bin_id'], ['bins.id'], name=op.f('fk_stock_count_scans_bin_id_bins')),
    sa.ForeignKeyConstraint(['count_id'], ['stock_counts.id'], name=op.f('fk_stock_count_scans_count_id_stock_counts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_stock_count_scans_staff_id_staff')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stock_count_scans_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count_scans'))
    )
    op.create_index('ix_stock_count_scans_count_variant', 'stock_count_scans', ['count_id', 'variant_id'], unique=False)
    op.create_table('transfer_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_quantity', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_transfer_lines_quantity_positive')),
    sa.CheckConstraint('received_quantity BETWEEN 0 AND quantity', name=op.f('ck_transfer_lines_received_range')),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_transfer_lines_transfer_id_transfers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_transfer_lines_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_lines')),
    sa.UniqueConstraint('transfer_id', 'variant_id', name=op.f('uq_transfer_lines_transfer_id'))
    )
    op.create_table('returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_returns_created_by_staff')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_returns_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns'))
    )
    op.create_index(op.f('ix_returns_order_id'), 'returns', ['order_id'], unique=False)
    op.create_table('return_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('disposition', sa.Text(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("disposition IN ('restock', 'damaged', 'write_off')", name=op.f('ck_return_lines_disposition')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_return_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_return_lines_location_id_locations')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_return_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['return_id'], ['returns.id'], name=op.f('fk_return_lines_return_id_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_lines'))
    )
    op.create_index(op.f('ix_return_lines_return_id'), 'return_lines', ['return_id'], unique=False)
    # array_to_string is only STABLE; over text[] it cannot change, and an index needs IMMUTABLE.
    op.execute(
        "CREATE FUNCTION words(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "AS $$ SELECT array_to_string($1, ' ') $$"
    )
    for name, (table, expression) in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)")
    op.execute(
        """
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )
    # One notification per statement, however many events it inserted (a bulk edit).
    op.execute(
        """
        CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('merchant_outbox', json_build_object(
                'last_id', (SELECT max(id) FROM inserted),
                'topics', (SELECT json_agg(DISTINCT topic) FROM inserted)
            )::text);
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events "
        "REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()"
    )
    # inventory_levels.allow_negative mirrors the variant's policy, so a CHECK can use it.
    op.execute(
        """
        CREATE FUNCTION inventory_level_policy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.allow_negative := (
                SELECT inventory_policy = 'continue' FROM variants WHERE id = NEW.variant_id
            );
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER inventory_levels_policy BEFORE INSERT ON inventory_levels "
        "FOR EACH ROW EXECUTE FUNCTION inventory_level_policy()"
    )
    op.execute(
        """
        CREATE FUNCTION variant_policy_to_levels() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE inventory_levels SET allow_negative = (NEW.inventory_policy = 'continue')
             WHERE variant_id = NEW.id;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER variants_policy_to_levels AFTER UPDATE OF inventory_policy ON variants "
        "FOR EACH ROW WHEN (OLD.inventory_policy IS DISTINCT FROM NEW.inventory_policy) "
        "EXECUTE FUNCTION variant_policy_to_levels()"
    )

    permissions = sa.table("permissions", sa.column("code"), sa.column("description"))
    op.bulk_insert(permissions, [{"code": c, "description": d} for c, d in PERMISSIONS.items()])
    roles = sa.table("roles", sa.column("id"), sa.column("code"), sa.column("name"),
                     sa.column("description"))
    role_permissions = sa.table("role_permissions", sa.column("role_id"),
                                sa.column("permission_code"))
    for role_id, (code, (name, description, granted)) in enumerate(ROLES.items(), start=1):
        op.bulk_insert(roles, [{"id": role_id, "code": code, "name": name,
                                "description": description}])
        op.bulk_insert(role_permissions,
                       [{"role_id": role_id, "permission_code": p} for p in granted])
    op.execute("SELECT setval('roles_id_seq', (SELECT max(id) FROM roles))")


def downgrade() -> None:
    op.drop_index(op.f('ix_return_lines_return_id'), table_name='return_lines')
    op.drop_table('return_lines')
    op.drop_index(op.f('ix_returns_order_id'), table_name='returns')
    op.drop_table('returns')
    op.drop_table('transfer_lines')
    op.drop_index('ix_stock_count_scans_count_variant', table_name='stock_count_scans')
    op.drop_table('stock_count_scans')
    op.drop_index(op.f('ix_refunds_payment_id'), table_name='refunds')
    op.drop_index(op.f('ix_refunds_order_id'), table_name='refunds')
    op.drop_table('refunds')
    op.drop_table('purchase_order_lines')
    op.drop_index('ix_payment_transactions_payment_id', table_name='payment_transactions')
    op.drop_table('payment_transactions')
    op.drop_index(op.f('ix_fulfillment_lines_fulfillment_id'), table_name='fulfillment_lines')
    op.drop_table('fulfillment_lines')
    op.drop_table('transfers')
    op.drop_index('ix_stock_movements_variant_location_id', table_name='stock_movements')
    op.drop_index('ix_stock_movements_reference', table_name='stock_movements')
    op.drop_index('ix_stock_movements_occurred_at', table_name='stock_movements')
    op.drop_table('stock_movements')
    op.drop_table('stock_counts')
    op.drop_table('purchase_orders')
    op.drop_index(op.f('ix_promotion_redemptions_promotion_id'), table_name='promotion_redemptions')
    op.drop_index(op.f('ix_promotion_redemptions_order_id'), table_name='promotion_redemptions')
    op.drop_table('promotion_redemptions')
    op.drop_index('ix_product_images_product_id_position', table_name='product_images')
    op.drop_table('product_images')
    op.drop_index(op.f('ix_payments_order_id'), table_name='payments')
    op.drop_table('payments')
    op.drop_index('ix_order_lines_variant_id', table_name='order_lines')
    op.drop_index('ix_order_lines_sku', table_name='order_lines')
    op.drop_index('ix_order_lines_order_id', table_name='order_lines')
    op.drop_table('order_lines')
    op.drop_index('ix_order_history_order_id_id', table_name='order_history')
    op.drop_table('order_history')
    op.drop_index(op.f('ix_order_discounts_order_id'), table_name='order_discounts')
    op.drop_table('order_discounts')
    op.drop_index('ix_inventory_levels_location_id_variant_id', table_name='inventory_levels')
    op.drop_table('inventory_levels')
    op.drop_index('ix_fulfillments_tracking_number', table_name='fulfillments')
    op.drop_index(op.f('ix_fulfillments_order_id'), table_name='fulfillments')
    op.drop_table('fulfillments')
    op.drop_index(op.f('ix_barcodes_code'), table_name='barcodes')
    op.drop_table('barcodes')
    op.drop_index('ix_audit_log_occurred_at', table_name='audit_log')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_batch_id'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index('uq_variants_sku', table_name='variants', postgresql_where=sa.text('sku IS NOT NULL'))
    op.drop_index('ix_variants_product_id_position', table_name='variants')
    op.drop_table('variants')
    op.drop_table('staff')
    op.drop_table('role_permissions')
    op.drop_table('product_options')
    op.drop_index('ix_orders_status_payment_fulfillment', table_name='orders')
    op.drop_index('ix_orders_placed_at_id', table_name='orders')
    op.drop_index(op.f('ix_orders_customer_id'), table_name='orders')
    op.drop_table('orders')
    op.drop_index('ix_collection_products_product_id', table_name='collection_products')
    op.drop_table('collection_products')
    op.drop_table('bins')
    op.drop_index(op.f('ix_addresses_customer_id'), table_name='addresses')
    op.drop_table('addresses')
    op.drop_table('webhook_subscriptions')
    op.drop_table('suppliers')
    op.drop_table('storefront_api_keys')
    op.drop_table('store')
    op.drop_table('sign_in_throttle')
    op.drop_table('roles')
    op.drop_table('promotions')
    op.drop_index(op.f('ix_products_vendor'), table_name='products')
    op.drop_index(op.f('ix_products_status'), table_name='products')
    op.drop_index(op.f('ix_products_product_type'), table_name='products')
    op.drop_table('products')
    op.drop_table('permissions')
    op.drop_index('ix_outbox_events_topic_id', table_name='outbox_events')
    op.drop_table('outbox_events')
    op.drop_index('uq_locations_one_default', table_name='locations', postgresql_where=sa.text('is_default'))
    op.drop_table('locations')
    op.drop_table('gateway_events')
    op.drop_index('ix_customers_email', table_name='customers')
    op.drop_table('customers')
    op.drop_table('collections')
    for name in SEQUENCES:
        op.execute(f"DROP SEQUENCE {name}")
    op.execute("DROP FUNCTION IF EXISTS words(text[])")
    for function in ("refuse_change", "notify_outbox", "inventory_level_policy",
                     "variant_policy_to_levels"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
