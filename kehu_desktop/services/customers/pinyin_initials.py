"""Pinyin of Chinese names: initials for search (北京华达 → bjhd, every reading of a polyphone)
and the full reading for sorting (北京 → "bei jing"), as a Chinese list is ordered."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files
from itertools import islice, product
from typing import Any

MAX_VARIANTS = 8

# pypinyin reads its 2.5 MB phrase dictionary with one json.loads when imported: 0.2 s in which
# no other thread runs Python, so the window froze wherever that happened (the first save). It
# is told not to (PYPINYIN_NO_PHRASES, its documented switch); the phrases are decoded here one
# entry at a time, which lets the GUI thread run in between, and handed to it.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
_loading = threading.Lock()
_phrases_loaded = False
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _object_items(text: str) -> Iterator[tuple[str, Any]]:
    """The items of the JSON object ``text``, each decoded on its own."""
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0) + 1  # past "{"
    while True:
        index = _skip_space(text, index)
        if text[index] == "}":
            return
        key, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index) + 1  # past ":"
        value, index = decoder.raw_decode(text, _skip_space(text, index))
        yield key, value
        index = _skip_space(text, index)
        if text[index] == ",":
            index += 1


def _load_phrases() -> None:
    """Give pypinyin its phrase dictionary (重庆 → chong qing, not zhong qing), once."""
    global _phrases_loaded
    import pypinyin

    with _loading:
        if not _phrases_loaded:
            if os.environ.get("PYPINYIN_NO_PHRASES") == "1":
                source = files("pypinyin") / "phrases_dict.json"
                pypinyin.load_phrases_dict(dict(_object_items(source.read_text("utf-8"))))
            _phrases_loaded = True


@lru_cache(maxsize=65536)
def initials(text: str) -> tuple[str, ...]:
    """The initials of ``text``: the most likely reading first, then the polyphone variants.

    pypinyin's phrase dictionary settles words it knows (重庆 → cq only); a character outside
    a known phrase lists its readings, most common first. Letters and digits are kept,
    lower-cased. The variants are capped: a name full of polyphones would otherwise multiply.
    """
    if not text:
        return ()
    _load_phrases()
    from pypinyin import Style, pinyin

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
    _load_phrases()
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)).lower()
