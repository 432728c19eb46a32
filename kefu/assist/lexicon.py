"""Phrase lookup for the emotion, urgency and handoff rules.

``PhraseMatcher`` is the longest-match scan; ``emotion_table`` and
``urgency_table`` turn the word lists of ``lexicon_words`` (data only, weights
explained there) into the ``Entry`` tables it scans. The rules that use them
live in ``emotion.py`` and ``urgency.py`` (``handoff.py`` has its own request
patterns). The word lists are re-exported here, so ``lexicon.ACRONYMS`` and
friends keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kefu.assist.lexicon_words import (
    ACRONYMS,
    ANGRY_EN,
    ANGRY_ZH,
    ANXIOUS_EN,
    ANXIOUS_ZH,
    DEGREE_EN,
    DEGREE_ZH,
    DISAPPOINTED_EN,
    DISAPPOINTED_ZH,
    DOUBTFUL_EN,
    DOUBTFUL_ZH,
    EMOJI,
    MASKS_ZH,
    NEGATIVE_EN,
    NEGATIVE_ZH,
    NEGATORS_EN,
    NEGATORS_ZH,
    POSITIVE_EN,
    POSITIVE_ZH,
    PUBLIC_THREAT,
    REQUEST_MARKERS,
    SARCASM_ZH,
    SATISFIED_EN,
    SATISFIED_ZH,
    STILL_NOT,
    THANKS,
    URGENCY,
    URGENCY_MASKS,
)

__all__ = [
    "ACRONYMS",
    "ANGRY_EN",
    "ANGRY_ZH",
    "ANXIOUS_EN",
    "ANXIOUS_ZH",
    "DEGREE_EN",
    "DEGREE_ZH",
    "DISAPPOINTED_EN",
    "DISAPPOINTED_ZH",
    "DOUBTFUL_EN",
    "DOUBTFUL_ZH",
    "EMOJI",
    "MASKS_ZH",
    "NEGATIVE_EN",
    "NEGATIVE_ZH",
    "NEGATORS_EN",
    "NEGATORS_ZH",
    "POSITIVE_EN",
    "POSITIVE_ZH",
    "PUBLIC_THREAT",
    "REQUEST_MARKERS",
    "SARCASM_ZH",
    "SATISFIED_EN",
    "SATISFIED_ZH",
    "STILL_NOT",
    "THANKS",
    "URGENCY",
    "URGENCY_MASKS",
    "Entry",
    "Hit",
    "PhraseMatcher",
    "emotion_table",
    "urgency_table",
]


@dataclass(frozen=True, slots=True)
class Entry:
    """What one listed phrase means: a ``kind`` of cue, an emotion ("" for none)
    and a weight (magnitude for words and cues, factor for negators/degree)."""

    kind: str
    emotion: str
    weight: float


Hit = tuple[int, int, Entry]


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class PhraseMatcher:
    """Longest-match scan of a text against a phrase table.

    Forward maximum matching: at each position the longest listed phrase wins
    and the scan continues after it, so ``不满意`` is one word rather than the
    negator ``不`` plus ``满意``, and a mask such as ``您好`` hides ``好``. Phrases
    that begin or end with a Latin letter or digit only match on word
    boundaries (``sue`` is not found in ``issue``). Text must be normalised and
    lower-cased by the caller; offsets are into that text.
    """

    def __init__(self, table: dict[str, Entry]) -> None:
        self._table = table
        lengths: dict[str, set[int]] = {}
        for phrase in table:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}

    def scan(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        table, lengths_of = self._table, self._lengths
        i, n = 0, len(text)
        while i < n:
            lengths = lengths_of.get(text[i])
            if lengths is None or (i and _is_alnum_ascii(text[i]) and _is_alnum_ascii(text[i - 1])):
                i += 1
                continue
            for length in lengths:
                end = i + length
                if end > n:
                    continue
                entry = table.get(text[i:end])
                if entry is None:
                    continue
                if end < n and _is_alnum_ascii(text[end - 1]) and _is_alnum_ascii(text[end]):
                    continue
                hits.append((i, end, entry))
                i = end
                break
            else:
                i += 1
        return hits


# --- tables ---------------------------------------------------------------------

# (words, kind, emotion) in the order they enter the emotion table: later groups
# win on a clash. "+" / "-" mark plain polarity words with no service emotion.
_EMOTION_GROUPS: tuple[tuple[Mapping[str, float], str, str], ...] = (
    (POSITIVE_ZH, "word", "+"),
    (POSITIVE_EN, "word", "+"),
    (NEGATIVE_ZH, "word", "-"),
    (NEGATIVE_EN, "word", "-"),
    (ANGRY_ZH, "word", "angry"),
    (ANGRY_EN, "word", "angry"),
    (ANXIOUS_ZH, "word", "anxious"),
    (ANXIOUS_EN, "word", "anxious"),
    (DISAPPOINTED_ZH, "word", "disappointed"),
    (DISAPPOINTED_EN, "word", "disappointed"),
    (DOUBTFUL_ZH, "word", "doubtful"),
    (DOUBTFUL_EN, "word", "doubtful"),
    (SATISFIED_ZH, "word", "satisfied"),
    (SATISFIED_EN, "word", "satisfied"),
    (NEGATORS_ZH, "negation", ""),
    (NEGATORS_EN, "negation", ""),
    (DEGREE_ZH, "degree", ""),
    (DEGREE_EN, "degree", ""),
    (STILL_NOT, "still_not", "anxious"),
    (SARCASM_ZH, "sarcasm", "angry"),
    (PUBLIC_THREAT, "public_threat", "angry"),
)


def _masks(*word_sets: Iterable[str]) -> dict[str, Entry]:
    """A table of mask entries (weight 0): words that only block shorter ones."""
    return {word: Entry("mask", "", 0.0) for words in word_sets for word in words}


def _add(table: dict[str, Entry], words: Mapping[str, float], kind: str, emotion: str) -> None:
    for word, weight in words.items():
        table[word] = Entry(kind, emotion, float(weight))


def emotion_table() -> dict[str, Entry]:
    """Every phrase the emotion analyser looks for. Later groups win on a clash."""
    table = _masks(MASKS_ZH)
    for words, kind, emotion in _EMOTION_GROUPS:
        _add(table, words, kind, emotion)
    for symbol, (emotion, weight) in EMOJI.items():
        table[symbol] = Entry("emoji", emotion, weight)
    return table


def urgency_table() -> dict[str, Entry]:
    """Urgency phrases (weight = level 1..3), with the masks that stop ``急`` in ``急诊``."""
    table = _masks(MASKS_ZH, URGENCY_MASKS)
    _add(table, URGENCY, "urgency", "")
    return table
