"""Emotion and sentiment of one customer message, with the evidence.

``analyse(text, history=...)`` returns the polarity (negative/neutral/positive
with a score in -1..1), one of the service emotions of DOMAIN.md (angry,
anxious, disappointed, doubtful, satisfied, neutral), a confidence, and the
cues it rests on, each with offsets into the original text so the UI can
highlight them. ``trend(results)`` tells whether a conversation is improving.

How it works (a lexicon and a handful of rules, blended with a trained model):

1. The text is normalised (NFKC, lower case) with a map back to the original
   offsets, and scanned once by longest match against ``lexicon.emotion_table``:
   emotion words, plain polarity words, negators, degree adverbs, masks,
   "still not" phrases, public threats, sarcasm phrases and emoji.
2. A word takes the negator and degree adverb just before it in the same
   clause (at most ``_SCOPE`` characters apart): ``不满意`` is listed whole,
   ``不是很好`` is a weak negation of ``好`` (negative), a negated negative word
   is damped to a slight positive and loses its emotion (``不着急``).
3. Cues beyond words: runs of ``!``/``?``, all-caps English words, counts
   (``第三次``, ``又``, ``三天了``, "again"), the same question asked again
   (token overlap with ``history``), a deadline close by (``明天就要用``),
   doubting questions (``真的…吗``), questions, sarcasm (``呵呵``; praise with
   ``真是``/``可真`` in a message or after a message that complains).
4. After a contrast word (``但是``, ``结果``, "but") cues weigh more, before it
   less: "谢谢，但是还没到" is about the part after ``但是``. Words inside
   quotation marks (usually the company's words, cited) weigh little, and
   thanks after a request ("请帮我查一下，谢谢") are manners, not praise.
5. The lexicon's evidence for each emotion is the sum of its cues' weights;
   alone (``use_model=False``) the emotion is the one with the largest evidence
   above a threshold, otherwise neutral (plain polarity words lend their weight
   to satisfied or disappointed).
6. The trained classifier of ``emotion_model`` (TF-IDF n-grams, softmax
   regression, trained on ``data/emotion_zh_train.tsv``) reads the whole message
   and catches what no word list has: blame without insults, a plainly stated
   deadline, resignation. ``_blend`` adds its log-probabilities to the cue
   evidence; strong cues (threats, sarcasm, shouting, the same question again)
   keep their say, and the chosen emotion's blended probability is the
   confidence. The evidence shown is always the lexicon's cues.
7. The score is ``tanh(sum / 3)`` of the signed cue weights, moved past the
   polarity cut when it contradicts the chosen emotion (an angry message is
   never scored positive, a satisfied one never negative).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kefu.assist import emotion_model, lexicon
from kefu.assist.emotion_cues import (
    CueCollector,
    is_negative_context,
    normalise_with_offsets,
    pattern_cues,
    punctuation_cues,
    repeat_cue,
    word_cues,
)
from kefu.assist.emotion_types import Cue, Emotion, EmotionResult, Trend, trend
from kefu.assist.lexicon import PhraseMatcher

__all__ = [
    "Cue",
    "CueCollector",
    "Emotion",
    "EmotionResult",
    "Trend",
    "analyse",
    "normalise_with_offsets",
    "trend",
]

# --- tunables ------------------------------------------------------------------

_EMOTION_THRESHOLD = 1.0  # evidence below this is neutral
_POLARITY_CUT = 0.2  # |score| below this is neutral polarity
_DOUBT_POLARITY = 0.5  # doubt words are only mildly negative
_BEFORE_CONTRAST = 0.6
_AFTER_CONTRAST = 1.3
# Blend of the trained model (emotion_model) and the lexicon, in log-odds (see
# ``_blend``). Chosen on the dev set among the settings that keep every behaviour
# test here, in test_handoff.py and in kefu/intel passing (bench/assist_emotion_eval.py).
_MODEL_WEIGHT = 0.4  # multiplies the model's log-probabilities
_MODEL_FULL_LENGTH = 16  # shorter messages get proportionally less model weight
_LEXICON_WEIGHT = 0.6  # log-odds per unit of cue evidence for an emotion
_EVIDENCE_CAP = 6.0  # cue evidence beyond this adds nothing (long rants)
_STRONG_BONUS = 2.0  # extra log-odds per strong cue (at most two count)
_NEUTRAL_EVIDENCE = 3.0  # log-odds for neutral when the lexicon finds no emotion cue
_PROB_FLOOR = 1e-4  # a model probability is never taken as less than this
_STRONG_KINDS = frozenset({"public_threat", "sarcasm", "caps", "repeat"})
_EMOTIONS = tuple(Emotion(label) for label in emotion_model.LABELS)
_NEGATIVE_EMOTIONS = frozenset(
    {Emotion.ANGRY, Emotion.ANXIOUS, Emotion.DISAPPOINTED, Emotion.DOUBTFUL}
)

_MATCHER = PhraseMatcher(lexicon.emotion_table())
_CONTRAST_RE = re.compile(r"但是|可是|但|不过|然而|结果|谁知|没想到|\bbut\b|\bhowever\b")
_QUOTE_RE = re.compile(r"[“\"「『]([^”\"」』]{1,40})[”\"」』]")
_QUOTED = 0.3  # words inside quotes are often the company's words, cited
_POLITE_THANKS = 0.4  # "请…，谢谢": thanks after a request are manners


def _first_request(text: str) -> int | None:
    lowered = text.lower()
    found = [i for i in (lowered.find(m) for m in lexicon.REQUEST_MARKERS) if i >= 0]
    return min(found) if found else None


def _weigh(norm: str, build: CueCollector) -> list[tuple[Cue, float]]:
    """Each cue with its weight adjusted for its place: after the last contrast
    word (但是, 结果, but) it counts more, before it less; inside quotation
    marks (usually the company's words, cited) much less."""
    pivot = None
    for match in _CONTRAST_RE.finditer(norm):
        pivot = build.span(match.start(), match.end())[0]
    quoted = [build.span(m.start(1), m.end(1)) for m in _QUOTE_RE.finditer(norm)]
    request = _first_request(build.original)
    weighed = []
    for cue in build.cues:
        factor = 1.0
        if pivot is not None and cue.kind != "repeat":
            factor = _AFTER_CONTRAST if cue.start >= pivot else _BEFORE_CONTRAST
        if any(start <= cue.start and cue.end <= end for start, end in quoted):
            factor *= _QUOTED
        if request is not None and request < cue.start and cue.text.lower() in lexicon.THANKS:
            factor *= _POLITE_THANKS
        weighed.append((cue, cue.weight * factor))
    return weighed


def _evidence(weighed: list[tuple[Cue, float]]) -> tuple[float, dict[Emotion, float]]:
    """The signed polarity sum of the cues and the evidence for each emotion."""
    raw = 0.0
    pools = dict.fromkeys(Emotion, 0.0)
    plain_negative = 0.0
    single_bangs = 0.0
    for cue, weight in weighed:
        if cue.kind in ("negation", "degree"):
            continue  # their effect is already in the word cue
        if cue.kind == "exclamation" and not cue.emotion:
            single_bangs += weight
            continue
        if cue.emotion == "doubtful":
            raw += weight * _DOUBT_POLARITY  # doubt is not yet displeasure
        else:
            raw += weight
        if cue.emotion:
            pools[Emotion(cue.emotion)] += abs(weight)
        elif weight < 0:
            plain_negative += -weight
    if single_bangs and raw < 0:  # "给我个说法！": a complaint said louder
        raw += single_bangs
        pools[Emotion.ANGRY] += -single_bangs
    elif single_bangs and raw > 0:  # "谢谢！": warmer thanks
        raw *= 1.1
    pools[Emotion.DISAPPOINTED] += 0.7 * plain_negative
    pools[Emotion.ANGRY] += 0.3 * plain_negative
    if raw > 0 and pools[Emotion.SATISFIED] == 0.0:
        pools[Emotion.SATISFIED] += raw
    return raw, pools


def _lexicon_decision(pools: dict[Emotion, float]) -> tuple[Emotion, float]:
    """The lexicon's own choice: the emotion with the most evidence above a
    threshold, otherwise neutral; with a confidence from strength and margin."""
    ranked = sorted(pools.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < _EMOTION_THRESHOLD:
        # Weak evidence: neutral, the more confident the less evidence there is.
        return Emotion.NEUTRAL, round(0.9 - 0.4 * top / _EMOTION_THRESHOLD, 3)
    margin = (top - second) / top
    strength = 1.0 - math.exp(-top / 2.0)
    return best, round(0.5 * strength + 0.5 * margin, 3)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the lexicon found: the cues, their polarity sum, the evidence for each
    emotion and the part of it that comes from strong cues."""

    cues: tuple[Cue, ...]
    raw: float
    pools: dict[Emotion, float]
    strong: dict[Emotion, float]


def _is_strong(cue: Cue) -> bool:
    """Cues that mean anger or worry whatever the words around them: a public
    threat, sarcasm, shouting, runs of ``!!``/``???``, the same question again."""
    if cue.kind in _STRONG_KINDS:
        return True
    return cue.kind in ("exclamation", "question") and cue.emotion == "angry"


def _read(text: str, history: Sequence[str]) -> _Reading:
    cased, norm, offsets = normalise_with_offsets(text)
    hits = _MATCHER.scan(norm)
    sarcastic = is_negative_context(hits)
    if not sarcastic and history:
        sarcastic = is_negative_context(_MATCHER.scan(normalise_with_offsets(history[-1])[1]))
    build = CueCollector(text, offsets)
    word_cues(norm, hits, build, sarcastic)
    pattern_cues(norm, build)
    punctuation_cues(cased, norm, build)
    repeat_cue(text, history, build)
    build.cues.sort(key=lambda cue: (cue.start, cue.end))
    weighed = _weigh(norm, build)
    raw, pools = _evidence(weighed)
    strong = dict.fromkeys(Emotion, 0.0)
    for cue, _weight in weighed:
        if cue.emotion and _is_strong(cue):
            strong[Emotion(cue.emotion)] += 1.0
    return _Reading(tuple(build.cues), raw, pools, strong)


def _blend(reading: _Reading, model_probs: np.ndarray, length: int) -> np.ndarray:
    """Probabilities of ``_EMOTIONS`` from the model's and the lexicon's evidence.

    A log-linear pool: ``_MODEL_WEIGHT`` times the model's log-probability, plus
    ``_LEXICON_WEIGHT`` per unit of cue evidence for each emotion and
    ``_STRONG_BONUS`` per strong cue (``_is_strong``: history and shouting count
    even where the model, which sees one message's words, is sure of something
    else). Neutral gets ``_NEUTRAL_EVIDENCE`` when the lexicon finds nothing,
    fading to zero as the best emotion's evidence reaches ``_EMOTION_THRESHOLD``.

    The model weight shrinks for messages shorter than ``_MODEL_FULL_LENGTH``
    characters: on a few characters a bag of n-grams cannot see negation or
    degree (it reads ``不满意`` and ``不是很好`` as praise) while the lexicon can.
    """
    top = max(value for emotion, value in reading.pools.items() if emotion is not Emotion.NEUTRAL)
    lexicon_logits = np.array(
        [
            _NEUTRAL_EVIDENCE * max(0.0, 1.0 - top / _EMOTION_THRESHOLD)
            if emotion is Emotion.NEUTRAL
            else _LEXICON_WEIGHT * min(reading.pools[emotion], _EVIDENCE_CAP)
            + _STRONG_BONUS * min(reading.strong[emotion], 2.0)
            for emotion in _EMOTIONS
        ]
    )
    model_weight = _MODEL_WEIGHT * min(1.0, length / _MODEL_FULL_LENGTH)
    logits = model_weight * np.log(np.maximum(model_probs, _PROB_FLOOR)) + lexicon_logits
    logits -= logits.max()
    probs = np.exp(logits)
    return probs / probs.sum()


def _polarity_score(raw: float, emotion: Emotion) -> float:
    """The lexicon's score, moved to the side of the chosen emotion when it
    disagrees: an upset emotion is never scored above ``-_POLARITY_CUT``, satisfied
    never below ``_POLARITY_CUT``; a neutral message keeps the lexicon's score."""
    score = math.tanh(raw / 3.0)
    if emotion in _NEGATIVE_EMOTIONS:
        return min(score, -_POLARITY_CUT)
    if emotion is Emotion.SATISFIED:
        return max(score, _POLARITY_CUT)
    return score


def analyse(text: str, *, history: Sequence[str] = (), use_model: bool = True) -> EmotionResult:
    """Polarity, service emotion and evidence for one customer message.

    ``history`` is the same customer's earlier messages in this conversation,
    oldest first; it is used to notice the same question asked again and to
    read praise after a complaint as sarcasm. ``use_model=False`` gives the
    lexicon's reading alone (for comparison; no model is trained).
    """
    reading = _read(text, history)
    if use_model:
        probs = _blend(reading, emotion_model.probability_vector(text), len(text.strip()))
        best = int(np.argmax(probs))
        emotion, confidence = _EMOTIONS[best], round(float(probs[best]), 3)
        score = _polarity_score(reading.raw, emotion)
    else:
        emotion, confidence = _lexicon_decision(reading.pools)
        score = math.tanh(reading.raw / 3.0)
    if score >= _POLARITY_CUT:
        polarity = "positive"
    elif score <= -_POLARITY_CUT:
        polarity = "negative"
    else:
        polarity = "neutral"
    return EmotionResult(polarity, round(score, 4), emotion, confidence, reading.cues)
