"""Importing files into the store: product CSVs from Shopify (classic and 2025 headers) and
WooCommerce, with a dry run per row and the merchant's decisions for messy rows."""
