"""The cues of one message: normalisation with offsets and the cue finders.

``emotion.analyse`` calls these to collect its evidence: the lexicon's words
with their negators and degree adverbs (``word_cues``), regex patterns for
counts, durations, deadlines and doubting questions (``pattern_cues``), runs
of ``!``/``?`` and shouting (``punctuation_cues``) and the same question asked
again (``repeat_cue``). ``normalise_with_offsets`` and ``CueCollector`` are
shared with ``urgency.py``. Offsets in cues are into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from kefu.assist import lexicon
from kefu.assist.emotion_types import Cue
from kefu.assist.lexicon import Entry, Hit
from kefu.assist.tokenize import tokenize

# --- tunables and patterns ----------------------------------------------------------

_SCOPE = 3  # max characters between a negator/degree adverb and its word
_CLAUSE_BREAK = frozenset(",.!?;:，。！？；：、~\n")
_NEGATED_NEGATIVE = 0.3  # "不差": a negated negative word keeps this much, flipped
_HISTORY_WINDOW = 10  # earlier messages compared for a repeated question
_EXCLAIM_RE = re.compile(r"[!?]*![!?]*")
_QUESTION_RE = re.compile(r"\?+|[吗呢](?=$|[,.!?;，。！？；\s])")
_CAPS_RE = re.compile(r"(?<![A-Za-z])[A-Z]{3,}(?![A-Za-z])")
# Counts: the n-th time (angry) and how long it has been (anxious).
_REPEATED_RE = re.compile(
    r"第[二三四五六七八九十两几\d]+[次回遍趟]|[二三四五六七八九十两几多\d]+[次遍回趟](?![数方])"
    r"|好几[次遍回]|多次|无数次|一次又一次|一次次|一而再|再三|三番五次|又一次|再一次|再次"
    r"|\bagain\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th))\s+time\b"
    r"|\b(?:\d+|two|three|four|five|several|many)\s+times\b"
)
_AGAIN_RE = re.compile(r"又(?=[是没不坏出来要让给说])")
_DURATION_RE = re.compile(
    r"[\d一二三四五六七八九十两几半多]+(?:天|周|个星期|星期|个月|个多月|个小时|个多小时|小时|分钟)"
    r"(?:了|都|还|多了)"
    r"|\bfor\s+(?:\d+|two|three|four|five|several)\s+(?:days|weeks|hours|months)\b"
)
# A deadline close by: "明天就要用", "下午三点要给客户演示" (anxious).
_DEADLINE_RE = re.compile(
    r"(?:今天|今晚|明天|明早|明晚|后天|下午|上午|晚上|马上|这周|下周|周[一二三四五六日末])"
    r"[^,.!?;，。！？；]{0,8}?(?:就要|要|得|必须|到期|过期|截止|考试|起飞|开始|出发|之前)"
    r"|\b(?:by|before)\s+(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday)\b"
)
# A doubting question: "真的…吗", "确定…吗", "是真的吗".
_DOUBT_QUESTION_RE = re.compile(r"(?:真的|确定|真是)[^,.!?;，。！？；]{0,12}?(?:吗|\?)")
_PATTERN_CUES = (
    (_REPEATED_RE, "count", -1.2, "angry"),
    (_AGAIN_RE, "count", -0.8, "angry"),
    (_DURATION_RE, "count", -1.0, "anxious"),
    (_DEADLINE_RE, "deadline", -1.2, "anxious"),
    (_DOUBT_QUESTION_RE, "question", -0.6, "doubtful"),
)
_SARCASM_PREFIXES = ("真是", "真是太", "可真", "还真", "真")
# fmt: off
_STOP_TOKENS = frozenset([
    "我", "你", "您", "的", "了", "吗", "呢", "啊", "吧", "是", "在", "有", "和", "就", "都",
    "也", "还", "请问", "你好", "您好", "一下", "这个", "那个", "请", "帮", "我们", "你们",
    "i", "you", "the", "a", "an", "is", "are", "to", "my", "your", "it", "of", "and",
])
# fmt: on


# --- normalisation with offsets --------------------------------------------------


def normalise_with_offsets(text: str) -> tuple[str, str, list[int] | None]:
    """NFKC text (cased and lower-cased) and, when lengths differ from the
    original, the original offset of each normalised character."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            return text, lowered, None
    cased_parts: list[str] = []
    lower_parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char)
        low = norm.lower()
        if len(low) != len(norm):
            low = norm
        cased_parts.append(norm)
        lower_parts.append(low)
        offsets.extend([index] * len(norm))
    offsets.append(len(text))
    return "".join(cased_parts), "".join(lower_parts), offsets


class CueCollector:
    """Collects cues in normalised offsets and converts them to original offsets."""

    def __init__(self, original: str, offsets: list[int] | None) -> None:
        self.original = original
        self.offsets = offsets
        self.cues: list[Cue] = []

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            return start, end
        first = self.offsets[start]
        last = self.offsets[end - 1] + 1 if end > start else first
        return first, last

    def add(self, kind: str, start: int, end: int, weight: float, emotion: str) -> None:
        s, e = self.span(start, end)
        self.cues.append(Cue(kind, self.original[s:e], s, e, round(weight, 3), emotion))


# --- cue finders ------------------------------------------------------------------


def _in_scope(text: str, modifier_end: int, word_start: int) -> bool:
    gap = text[modifier_end:word_start]
    return len(gap) <= _SCOPE and not any(ch in _CLAUSE_BREAK for ch in gap)


def is_negative_context(hits: list[Hit]) -> bool:
    """A message that complains (used to read praise in it as sarcasm)."""
    total = 0.0
    for _start, _end, entry in hits:
        if entry.kind in ("still_not", "public_threat", "sarcasm"):
            return True
        if entry.kind == "word" and entry.emotion in ("-", "angry", "disappointed"):
            total += entry.weight
    return total >= 1.5


def word_cues(norm: str, hits: list[Hit], build: CueCollector, sarcastic_context: bool) -> None:
    negator: tuple[int, int, Entry] | None = None
    degree: tuple[int, int, Entry] | None = None
    for start, end, entry in hits:
        kind = entry.kind
        if kind == "negation":
            negator, degree = (start, end, entry), None
            continue
        if kind == "degree":
            degree = (start, end, entry)
            continue
        if kind == "mask":
            continue
        if kind != "word":
            sign = 1.0 if entry.emotion == "satisfied" else -1.0
            build.add(kind, start, end, sign * entry.weight, entry.emotion)
            negator = degree = None
            continue

        emotion = entry.emotion
        positive = emotion in ("+", "satisfied")
        magnitude = entry.weight
        scale = 1.0
        degree_in_scope = degree is not None and _in_scope(norm, degree[1], start)
        if degree is not None and degree_in_scope:
            scale = degree[2].weight
        value = magnitude * scale * (1.0 if positive else -1.0)
        cue_kind = "word"
        cue_emotion = "satisfied" if emotion == "+" else "" if emotion == "-" else emotion
        if negator is not None and _in_scope(norm, negator[1], start):
            factor = negator[2].weight
            if positive:
                # Even a weak negation of praise is displeasure: 不是很好 is negative.
                value = -abs(value) * (0.5 + 0.5 * factor)
                cue_emotion = "disappointed"
            else:
                value = abs(value) * factor * _NEGATED_NEGATIVE
                cue_emotion = ""
            build.add("negation", negator[0], negator[1], factor, cue_emotion)
        elif (
            positive
            and sarcastic_context
            and degree is not None
            and degree_in_scope
            and norm[degree[0] : degree[1]] in _SARCASM_PREFIXES
        ):
            value, cue_emotion, cue_kind = -abs(value), "angry", "sarcasm"
        if degree is not None and degree_in_scope:
            build.add("degree", degree[0], degree[1], scale, cue_emotion)
        build.add(cue_kind, start, end, value, cue_emotion)
        negator = degree = None


def punctuation_cues(cased: str, norm: str, build: CueCollector) -> None:
    for match in _EXCLAIM_RE.finditer(norm):
        run = match.group()
        if len(run) >= 2:
            build.add("exclamation", match.start(), match.end(), -0.6 * min(len(run), 4), "angry")
        else:
            # One "!" only intensifies; _decide gives it a side.
            build.add("exclamation", match.start(), match.end(), -0.4, "")
    for match in _QUESTION_RE.finditer(norm):
        run = match.group()
        if len(run) >= 3:
            build.add("question", match.start(), match.end(), -0.5 * min(len(run), 4), "angry")
        elif len(run) == 2:
            build.add("question", match.start(), match.end(), -0.8, "")
        else:
            build.add("question", match.start(), match.end(), -0.15, "doubtful")
    caps = [m for m in _CAPS_RE.finditer(cased) if m.group() not in lexicon.ACRONYMS]
    latin_words = len(re.findall(r"\b[A-Za-z]{3,}\b", cased))
    if len(caps) >= 2 or (caps and latin_words <= 2 and len(caps[0].group()) >= 4):
        for match in caps:
            build.add("caps", match.start(), match.end(), -1.0, "angry")


def _content_tokens(text: str) -> set[str]:
    return {t for t in tokenize(text) if t not in _STOP_TOKENS}


def repeat_cue(text: str, history: Sequence[str], build: CueCollector) -> None:
    """The same question asked again: token overlap with an earlier message."""
    if not history:
        return
    current = _content_tokens(text)
    if len(current) < 2:
        return
    repeats = 0
    for earlier in history[-_HISTORY_WINDOW:]:
        previous = _content_tokens(earlier)
        if not previous:
            continue
        shared = len(current & previous)
        if shared >= 2 and shared / min(len(current), len(previous)) >= 0.6:
            repeats += 1
    if repeats:
        stripped = text.strip()
        start = text.index(stripped) if stripped else 0
        cue = Cue(
            "repeat", stripped, start, start + len(stripped), -1.5 * min(repeats, 2), "anxious"
        )
        build.cues.append(cue)


def pattern_cues(norm: str, build: CueCollector) -> None:
    """Counts (第三次, 又, 三天了), a deadline close by and doubting questions."""
    for regex, kind, weight, emotion in _PATTERN_CUES:
        for match in regex.finditer(norm):
            build.add(kind, match.start(), match.end(), weight, emotion)
