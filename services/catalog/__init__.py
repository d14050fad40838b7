"""The catalog: products, options, variants, barcodes, images and collections.

- ``queries``: the variant list (a million rows, keyset pages, search-as-you-type), a product's
  detail, the values filters offer.
- ``products``: creating and editing a product with its variant grid, validation in the
  merchant's terms, version conflicts.
- ``bulk``: bulk edits with a preview, applied in one transaction, reverted from the audit log.
- ``publishing`` and ``collections``: what the storefront shows.
- ``events``: the outbox events of catalog changes, with their storefront cache tags.
- ``rules``: the pure rules all of them share (handles, barcodes, option grids, price rounding).
- ``records``: the frozen records the services return.
- ``arrays``: moving a hundred thousand values to and from PostgreSQL cheaply.

Imports and exports of product files live in ``services.imports`` and ``services.exports``.
"""
