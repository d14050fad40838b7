"""Counted words ("1 item", "3 items") through Qt's translation path.

Texts carry Qt's ``%n`` (``%Ln``: with the locale's digit grouping) and mark the plural ending
in brackets: ``counted(n, "%Ln item(s)")``. Qt substitutes the number but picks a plural form
only through a translator; ``EnglishPlurals`` is the English one, installed in every
QApplication of ours, so the source texts are right as they stand and stay translatable (a
translation loaded after it takes precedence).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QTranslator

#: the context of counted texts for translators
CONTEXT = "MerchantOffice"
#: "item(s)", "box(es)": the ending that only the plural has
_ENDING = re.compile(r"\((\w+)\)")


class EnglishPlurals(QTranslator):
    """English plural forms for texts with ``%n``: ``(s)`` is dropped for one, kept for any
    other number. Texts without a number are left to Qt (and to other translators)."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:  # type: ignore[override]
        if n < 0 or "%" not in source:
            return None
        return _ENDING.sub(lambda m: "" if n == 1 else m.group(1), source)

    def isEmpty(self) -> bool:
        return False


def install_english_plurals(app: QCoreApplication) -> EnglishPlurals:
    """Install the English plural forms in ``app``; keep the returned translator alive."""
    translator = EnglishPlurals(app)
    QCoreApplication.installTranslator(translator)
    return translator


def counted(n: int, text: str) -> str:
    """``counted(1, "%Ln item(s)")`` is "1 item"; ``counted(1200, ...)`` "1,200 items" where
    the locale groups digits."""
    return QCoreApplication.translate(CONTEXT, text, None, n)
