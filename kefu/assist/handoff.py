"""Human-handoff signal for chat and the answer bot.

``handoff_signal(text, ...)`` returns a ``Handoff`` (why, and the cues) when a
conversation should go to a person at once, otherwise ``None``. Reasons:

* ``asked_for_human``: an explicit request (转人工, 人工客服, 找你们经理, "agent",
  "real person"). ``人工`` alone counts only as a request: the whole message
  (``人工``, ``人工!!``), or after a verb of asking (要/转/接/找/叫/请…), or
  before 客服/服务/坐席; so ``人工智能`` and ``人工费`` are not requests. English
  "agent"/"human" count when the message is little more than the word, or after
  talk/speak/transfer/connect/want…, so "agent of change" and "human error" do
  not.
* ``angry`` / ``anxious``: the emotion analysis says so with enough confidence.
* ``low_confidence``: the intent classifier's confidence is below ``low_confidence``.
* ``public_threat``: a threat to complain publicly (投诉, 12315, 曝光, lawyer…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kefu.assist.emotion import (
    Cue,
    CueCollector,
    Emotion,
    EmotionResult,
    analyse,
    normalise_with_offsets,
)

REASONS = ("asked_for_human", "angry", "anxious", "low_confidence", "public_threat")
_EMOTION_CONFIDENCE = 0.3  # below this, an angry/anxious reading is too weak to act on

_ASK = r"(?:要|转|接|找|叫|请|换|呼叫|联系|给我|帮我转|我要|需要|麻烦转)"
# What follows 人工 when it is not a person to talk to (人工智能, 人工费, 人工审核).
_NOT_A_REQUEST_ZH = (
    "智能|费|成本|合成|降雨|湖|林|草|呼吸|授精|晶体|关节|耳蜗|心脏|肝|养殖|种植"
    "|审核|核实|核对|复核|录入|操作|干预|检测|质检|标注|翻译|计算|统计|排查"
)
_HUMAN_ZH = re.compile(
    r"转人工|接人工|人工客服|人工服务|人工坐席|人工座席|人工台|真人客服|真人|活人|人类客服"
    r"|找客服|找你们(?:的)?(?:经理|领导|主管|负责人)|叫你们(?:的)?(?:经理|领导|主管|负责人)"
    rf"|{_ASK}(?:一下)?(?:你们)?(?:的)?(?:经理|主管|领导|负责人)"
    rf"|{_ASK}人工(?!{_NOT_A_REQUEST_ZH})"
    r"|^\W*人工\W*$|^\W*(?:人工\W*){2,}$"
)
_HUMAN_EN = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put me through|get me|give me|want|need|reach)\b"
    r"[\w\s']{0,20}?"
    r"\b(?:a |an |the |real |live |actual |human )*(?:human|person|agent|representative|rep|operator|"
    r"manager|supervisor|someone real|real person)s?\b"
    r"|\b(?:real|live|actual) (?:person|human|agent)\b|\bhuman (?:agent|being|support)\b"
    r"|^\W*(?:please\W+)?(?:human|agent|representative|operator)(?:\W+please)?\W*$"
)
# Phrases where a person-word is not a request for a person.
_NOT_A_REQUEST_EN = re.compile(
    r"\bagent of\b|\btravel agent\b|\buser agent\b|\bhuman error\b|\bhuman resources\b"
    r"|\breal estate agent\b|\bsecret agent\b"
)


@dataclass(frozen=True, slots=True)
class Handoff:
    reasons: tuple[str, ...]
    cues: tuple[Cue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"reasons": list(self.reasons), "cues": [cue.to_dict() for cue in self.cues]}


def asked_for_human(text: str) -> tuple[Cue, ...]:
    """The cues of an explicit request for a person (empty when there is none)."""
    _cased, norm, offsets = normalise_with_offsets(text)
    collect = CueCollector(text, offsets)
    for match in _HUMAN_ZH.finditer(norm):
        collect.add("asked_for_human", match.start(), match.end(), 0.0, "")
    excluded = [m.span() for m in _NOT_A_REQUEST_EN.finditer(norm)]
    for match in _HUMAN_EN.finditer(norm):
        if any(s < match.end() and match.start() < e for s, e in excluded):
            continue
        collect.add("asked_for_human", match.start(), match.end(), 0.0, "")
    return tuple(_strip(cue) for cue in collect.cues)


def _strip(cue: Cue) -> Cue:
    """Trim the punctuation the whole-message patterns take in."""
    stripped = cue.text.strip(" \t\n!?！？。，,.~")
    if not stripped or stripped == cue.text:
        return cue
    start = cue.start + cue.text.index(stripped)
    return Cue(cue.kind, stripped, start, start + len(stripped), cue.weight, cue.emotion)


def handoff_signal(
    text: str,
    *,
    emotion: EmotionResult | None = None,
    intent_confidence: float | None = None,
    low_confidence: float = 0.4,
) -> Handoff | None:
    """Why this message should go to a person now, or ``None``.

    ``emotion`` is the message's analysis when the caller already has it (it is
    computed otherwise); ``intent_confidence`` is the intent classifier's
    confidence, if any.
    """
    if emotion is None:
        emotion = analyse(text)
    reasons: list[str] = []
    cues: list[Cue] = []
    human = asked_for_human(text)
    if human:
        reasons.append("asked_for_human")
        cues.extend(human)
    for wanted in (Emotion.ANGRY, Emotion.ANXIOUS):
        if emotion.emotion is wanted and emotion.confidence >= _EMOTION_CONFIDENCE:
            reasons.append(wanted.value)
            cues.extend(c for c in emotion.evidence if c.emotion == wanted.value and c.weight)
    if intent_confidence is not None and intent_confidence < low_confidence:
        reasons.append("low_confidence")
    threats = [c for c in emotion.evidence if c.kind == "public_threat"]
    if threats:
        reasons.append("public_threat")
        cues.extend(c for c in threats if c not in cues)
    if not reasons:
        return None
    unique = tuple(dict.fromkeys(cues))
    return Handoff(tuple(reasons), tuple(sorted(unique, key=lambda c: (c.start, c.end))))
