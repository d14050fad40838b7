"""Exporting from the store: the catalog as a Shopify product CSV."""
