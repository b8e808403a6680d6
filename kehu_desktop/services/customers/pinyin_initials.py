"""Pinyin of Chinese names: initials for search (北京华达 → bjhd, every reading of a polyphone)
and the full reading for sorting (北京 → "bei jing"), as a Chinese list is ordered."""

from __future__ import annotations

from functools import lru_cache
from itertools import islice, product

MAX_VARIANTS = 8


@lru_cache(maxsize=65536)
def initials(text: str) -> tuple[str, ...]:
    """The initials of ``text``: the most likely reading first, then the polyphone variants.

    pypinyin's phrase dictionary settles words it knows (重庆 → cq only); a character outside
    a known phrase lists its readings, most common first. Letters and digits are kept,
    lower-cased. The variants are capped: a name full of polyphones would otherwise multiply.
    """
    from pypinyin import Style, pinyin  # its dictionaries take a moment to load: on first use

    if not text:
        return ()
    # pypinyin's stub says the errors callback returns a str; its converter also takes a list
    # (handle_nopinyin: one item per kept character), which is what keeps "A3" as a, 3.
    choices = pinyin(text, style=Style.FIRST_LETTER, heteronym=True, errors=_keep)  # type: ignore[arg-type]
    seen: dict[str, None] = {}
    for combo in islice(product(*choices), MAX_VARIANTS * 4):
        seen.setdefault("".join(c[:1] for c in combo).lower())
        if len(seen) >= MAX_VARIANTS:
            break
    return tuple(s for s in seen if s)


def _keep(chars: str) -> list[str]:
    return [c for c in chars if c.isalnum()]


@lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """The name's pinyin, syllable by syllable (重庆长安 → "chong qing chang an"): sorting by it
    puts 阿 before 北 before 张, as a reader of Chinese expects, unlike code-point order."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)).lower()
