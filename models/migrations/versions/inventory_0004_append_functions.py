"""inventory: append_audit, append_outbox and announce_level, the deferred appends of an action

An action's audit entry and outbox events go to the store with its COMMIT, as one query
(``UnitOfWork.defer``). Sent as plain statements, the server planned them anew every time; as
PL/pgSQL functions their plans are kept for the session. ``level_announcements`` is what the
storefront hears of a level, for ``announce_level``; the event is defined in
``services.events`` (LEVELS_CHANGED), and tests/services/test_event_contract.py holds this SQL
to that definition.

Revision ID: inventory_0004
Revises: inventory_0003
Create Date: 2026-11-25 15:00:00
"""

from alembic import op

revision = "inventory_0004"
down_revision = "inventory_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION append_audit(p_entries jsonb) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_log (staff_id, action, entity_type, entity_id, before, after,
                                   note, batch_id)
            SELECT staff_id, action, entity_type, entity_id, before, after, note, batch_id
            FROM jsonb_to_recordset(p_entries) AS r(staff_id bigint, action text,
                entity_type text, entity_id text, before jsonb, after jsonb, note text,
                batch_id text);
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION append_outbox(p_events jsonb) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload,
                                       cache_tags, public)
            SELECT topic, aggregate_type, aggregate_id, payload, cache_tags, public
            FROM jsonb_to_recordset(p_events) AS r(topic text, aggregate_type text,
                aggregate_id text, payload jsonb, cache_tags text[], public boolean);
        END $$
        """
    )
    op.execute(
        """
        CREATE VIEW level_announcements AS
        SELECT l.variant_id, l.location_id,
               jsonb_build_object('location_id', l.location_id, 'available', l.available,
                                  'on_hand', l.on_hand, 'committed', l.committed,
                                  'incoming', l.incoming) AS figures,
               array_remove(ARRAY['product:' || p.handle, 'sku:' || v.sku], NULL) AS cache_tags
        FROM inventory_levels l
        JOIN variants v ON v.id = l.variant_id
        JOIN products p ON p.id = v.product_id
        """
    )
    op.execute(
        """
        CREATE FUNCTION announce_level(
            p_topic text, p_reason text, p_reference text, p_variant bigint, p_location bigint
        ) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload,
                                       cache_tags, public)
            SELECT p_topic, 'variant', a.variant_id::text,
                   a.figures || jsonb_build_object('reason', p_reason, 'reference', p_reference),
                   a.cache_tags, true
            FROM level_announcements a
            WHERE a.variant_id = p_variant AND a.location_id = p_location;
        END $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION announce_level(text, text, text, bigint, bigint)")
    op.execute("DROP VIEW level_announcements")
    op.execute("DROP FUNCTION append_outbox(jsonb)")
    op.execute("DROP FUNCTION append_audit(jsonb)")
