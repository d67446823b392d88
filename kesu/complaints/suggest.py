"""A category suggested from a complaint's text. Pure.

Chinese has no spaces, so the text and each category's name are compared by their pairs of
adjacent characters (bigrams): "维修不及时" shares 维修 and 及时 with a text about a late
repair. The best-sharing category is suggested only when it shares enough.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable


def _bigrams(text: str) -> set[str]:
    characters = [c for c in text if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(characters)}


def suggest_category(
    text: str, categories: Iterable[tuple[str, str]], *, minimum: int = 2
) -> str | None:
    """The code of the category whose name shares most bigrams with `text` (at least
    `minimum`), or None when nothing fits well enough to suggest."""
    words = _bigrams(text)
    best: tuple[int, str] | None = None
    for code, name in categories:
        shared = len(words & _bigrams(name))
        if shared >= minimum and (best is None or shared > best[0]):
            best = (shared, code)
    return best[1] if best else None
