"""One tokeniser for the whole of kefu: analysis, classifiers and search.

Chinese runs are cut by rjieba (jieba-rs, a compiled dictionary segmenter that
ships its dictionary inside the wheel); Latin text follows plain word rules:
lower-cased words, apostrophes kept inside words (``don't``), numbers as one
token, ``iPhone15``-style product codes kept whole. Punctuation and spaces are
dropped. The organisation's own words (product and domain terms an admin
lists) are added to the segmenter with ``set_custom_words`` so ``小蓝盒`` stays
one token instead of ``小`` + ``蓝盒``.

Pure Python, no Django; the Django side calls ``set_custom_words`` when the
admin-managed dictionary changes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import rjieba

# A CJK ideograph run, a Latin/digit word (letters, digits, inner ' - . _ +),
# or any other single non-space symbol we keep out of the token stream.
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_TOKEN_RE = re.compile(
    rf"(?P<cjk>{_CJK}+)"
    r"|(?P<word>[0-9A-Za-z\u00c0-\u024f]+(?:['’.\-_+][0-9A-Za-z\u00c0-\u024f]+)*)"
)

_lock = threading.Lock()
_segmenter = rjieba.Jieba()
_custom: frozenset[str] = frozenset()


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), so ＡＢＣ１２３ and ABC123 tokenise alike."""
    return unicodedata.normalize("NFKC", text)


def set_custom_words(words: Iterable[str]) -> None:
    """Make the organisation's product and domain words single tokens.

    Replaces the previous custom list: words removed by the admin go back to the
    segmenter's own dictionary, so this rebuilds the segmenter when the list
    shrinks (a few milliseconds; the dictionary is compiled into the wheel).
    """
    global _segmenter, _custom
    wanted = frozenset(w.strip() for w in words if w and w.strip())
    with _lock:
        if wanted == _custom:
            return
        segmenter = _segmenter if wanted >= _custom else rjieba.Jieba()
        for word in sorted(wanted):
            # A high frequency makes the segmenter prefer the whole word.
            segmenter.add_word(normalise(word), 100_000, None)
        _segmenter, _custom = segmenter, wanted


def custom_words() -> frozenset[str]:
    return _custom


def tokenize(text: str, *, lower: bool = True) -> list[str]:
    """Words of ``text`` in order: Chinese segmented, Latin words lower-cased.

    >>> tokenize("我的iPhone 15还没到，Order #A1234 isn't here!")
    ['我', '的', 'iphone', '15', '还', '没到', 'order', 'a1234', "isn't", 'here']
    """
    text = normalise(text)
    segmenter = _segmenter
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        cjk = match.group("cjk")
        if cjk is not None:
            out.extend(segmenter.cut(cjk, True))
        else:
            word = match.group("word").replace("’", "'")
            out.append(word.lower() if lower else word)
    return out


def tokenize_for_search(text: str) -> list[str]:
    """Tokens plus the shorter words inside long Chinese words (jieba's search mode),
    so a query for ``退款`` finds ``退款申请``; the same function indexes and queries."""
    text = normalise(text)
    segmenter = _segmenter
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        cjk = match.group("cjk")
        if cjk is not None:
            out.extend(segmenter.cut_for_search(cjk, True))
        else:
            out.append(match.group("word").replace("’", "'").lower())
    return out
