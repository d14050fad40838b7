"""The Catalog area: the variant list, the product editor, bulk edits, imports and exports."""

from views.catalog.catalog_page import CatalogPage

__all__ = ["CatalogPage"]
