"""Urgency of a customer message and the priority it suggests for the ticket.

``urgency(text)`` reads urgency words (``lexicon.URGENCY``: 紧急, 马上, 停机,
无法登录, outage...), deadlines (``今天必须``, ``明天上午10点前``, "by Friday")
and money at risk (an amount with 扣/盗刷/多收/charged) and returns a level:

====  =========================================================================
 0    nothing urgent
 1    wants it soon (尽快, 赶紧, soon)
 2    needs action now: 紧急/马上/asap, a deadline today or tomorrow, cannot log in
      or pay, money taken
 3    the service is down or many users are hit (停机, 全部用户, outage), money
      stolen (盗刷), or three or more separate level-2 cues
====  =========================================================================

``suggest_priority`` turns urgency, emotion and tier into a priority with the
rule table below (points add up):

=============================  ======
urgency level 0 / 1 / 2 / 3    0 / 1 / 2 / 3
emotion angry                  +2
emotion anxious, disappointed  +1
emotion satisfied              -1
tier platinum                  +2
tier gold                      +1
=============================  ======

points <= -1: "low"; 0-1: "normal"; 2: "high"; >= 3: "urgent". A platinum
customer is never "low" (DOMAIN.md: 24 h dedicated service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kefu.assist import lexicon
from kefu.assist.emotion import Cue, CueCollector, normalise_with_offsets
from kefu.assist.lexicon import PhraseMatcher

PRIORITIES = ("low", "normal", "high", "urgent")
TIERS = ("standard", "silver", "gold", "platinum")

_EMOTION_POINTS = {"angry": 2, "anxious": 1, "disappointed": 1, "satisfied": -1}
_TIER_POINTS = {"platinum": 2, "gold": 1}

_MATCHER = PhraseMatcher(lexicon.urgency_table())

# A deadline today/tomorrow: "今天必须", "明天上午10点前", "今晚之前", "by tomorrow".
_DEADLINE_RE = re.compile(
    r"(?:今天|今日|今晚|明天|明早|明晚|下班|中午|下午|上午|晚上|\d{1,2}[点:：]\d{0,2})"
    r"[^,.!?;，。！？；]{0,6}?(?:之前|以前|前|必须|截止|到期|要用|就要)"
    r"|\b(?:by|before)\s+(?:today|tonight|tomorrow|noon|eod|end of (?:the )?day|\d{1,2}\s*(?:am|pm))\b"
    r"|\bdeadline\b"
)
# Money at risk: an amount near a word for money taken or lost.
_AMOUNT = r"(?:[¥￥$]\s*\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*(?:元|块|万|rmb|usd|yuan|dollars?))"
_MONEY_WORDS = r"(?:扣|盗刷|被刷|多收|多扣|转错|损失|亏|被骗|charged|stolen|lost|fraud)"
_MONEY_RE = re.compile(
    rf"{_MONEY_WORDS}[^,.!?;，。！？；]{{0,10}}?{_AMOUNT}|{_AMOUNT}[^,.!?;，。！？；]{{0,10}}?{_MONEY_WORDS}"
)


@dataclass(frozen=True, slots=True)
class Urgency:
    level: int
    cues: tuple[Cue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "cues": [cue.to_dict() for cue in self.cues]}


def urgency(text: str) -> Urgency:
    """Urgency level 0..3 of a message, with the cues (offsets into ``text``)."""
    _cased, norm, offsets = normalise_with_offsets(text)
    build = CueCollector(text, offsets)
    for start, end, entry in _MATCHER.scan(norm):
        if entry.kind == "urgency":
            build.add("urgency", start, end, entry.weight, "")
    for regex, kind in ((_DEADLINE_RE, "deadline"), (_MONEY_RE, "money")):
        for match in regex.finditer(norm):
            build.add(kind, match.start(), match.end(), 2.0, "")
    cues = tuple(sorted(build.cues, key=lambda cue: cue.start))
    if not cues:
        return Urgency(0)
    level = int(max(cue.weight for cue in cues))
    strong = {cue.text.lower() for cue in cues if cue.weight >= 2}
    if len(strong) >= 3:
        level = 3
    return Urgency(min(level, 3), cues)


def suggest_priority(*, urgency_level: int, emotion: str, tier: str) -> str:
    """Ticket priority from urgency (0..3), emotion and customer tier (see the
    module docstring for the table). Unknown emotions and tiers add nothing."""
    points = max(0, min(urgency_level, 3))
    points += _EMOTION_POINTS.get(str(emotion), 0)
    points += _TIER_POINTS.get(tier, 0)
    if points <= -1:
        priority = "low"
    elif points <= 1:
        priority = "normal"
    elif points == 2:
        priority = "high"
    else:
        priority = "urgent"
    if tier == "platinum" and priority == "low":
        priority = "normal"
    return priority
