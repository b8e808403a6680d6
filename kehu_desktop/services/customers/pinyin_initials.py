"""Pinyin of Chinese names: initials for search (北京华达 → bjhd, every reading of a polyphone)
and the full reading for sorting (北京 → "bei jing"), as a Chinese list is ordered.

A name is cut into words the way pypinyin cuts it (its phrase dictionary settles a word's
reading, 重庆 → chong qing), and each word is converted once per run: firm names share their
words (有限公司, 科技, the city), so an import of ten thousand new names converts a few thousand
words instead of ten thousand names.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files
from itertools import chain, islice, product
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
    choices = chain.from_iterable(_word_initials(word) for word in _words(text))
    seen: dict[str, None] = {}
    for combo in islice(product(*choices), MAX_VARIANTS * 4):
        seen.setdefault("".join(c[:1] for c in combo).lower())
        if len(seen) >= MAX_VARIANTS:
            break
    return tuple(s for s in seen if s)


@lru_cache(maxsize=65536)
def sort_key(text: str) -> str:
    """The name's pinyin, syllable by syllable (重庆长安 → "chong qing chang an"): sorting by it
    puts 阿 before 北 before 张, as a reader of Chinese expects, unlike code-point order."""
    return " ".join(chain.from_iterable(_word_readings(word) for word in _words(text))).lower()


@lru_cache(maxsize=4096)  # a name's initials and sort key are asked for together
def _words(text: str) -> tuple[str, ...]:
    """``text`` cut as pypinyin cuts it (runs of Chinese into dictionary words, other runs
    whole), so converting word by word reads each word as converting the whole text does."""
    _load_phrases()  # before cutting: the phrases decide the words
    from pypinyin.seg.simpleseg import seg

    return tuple(seg(text))


@lru_cache(maxsize=65536)
def _word_initials(word: str) -> tuple[tuple[str, ...], ...]:
    from pypinyin import Style, pinyin

    if not _is_chinese(word):  # letters and digits as they are: no need to ask pypinyin
        return tuple((c,) for c in _keep(word))
    # pypinyin's stub says the errors callback returns a str; its converter also takes a list
    # (handle_nopinyin: one item per kept character), which is what keeps "A3" as a, 3.
    found = pinyin(word, style=Style.FIRST_LETTER, heteronym=True, errors=_keep)  # type: ignore[arg-type]
    return tuple(tuple(readings) for readings in found)


@lru_cache(maxsize=65536)
def _word_readings(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    if not _is_chinese(word):
        return (word,)
    return tuple(lazy_pinyin(word))


def _is_chinese(word: str) -> bool:
    from pypinyin.constants import RE_HANS  # how pypinyin tells its runs apart

    return bool(RE_HANS.match(word))


def _keep(chars: str) -> list[str]:
    return [c for c in chars if c.isalnum()]
