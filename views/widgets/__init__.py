"""Reusable widgets: the page base, the lazy keyset table, the search box, money fields."""
