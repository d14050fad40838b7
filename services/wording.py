"""Counted nouns for messages and documents the services write: "1 item", "3 items".

Qt-free like every service; the desktop's own texts go through Qt's translation path
(views/wording.py).
"""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "item")`` is "1 item", ``counted(1200, "item")`` "1,200 items";
    ``plural`` for nouns that do not just take an s (``counted(2, "box", "boxes")``)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
