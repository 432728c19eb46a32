"""The result types of ``emotion.analyse`` and the conversation ``trend``.

Plain data with no lexicon or model behind it, split from the analyser to keep
each module short. ``emotion.py`` re-exports everything here; import from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

_TREND_STEP = 0.25  # a change of mean score smaller than this is "steady"


class Emotion(StrEnum):
    """The service emotions; values double as Django ``TextChoices`` values."""

    ANGRY = "angry"
    ANXIOUS = "anxious"
    DISAPPOINTED = "disappointed"
    DOUBTFUL = "doubtful"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.value.capitalize()) for member in cls]


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence: ``text`` is ``original[start:end]``; ``emotion`` is
    the emotion it supports ("" when it only moves polarity). ``weight`` is the
    signed polarity contribution (negative = displeasure), except for the
    modifiers: a ``negation`` cue carries its flip factor (1.0 full, 0.6 weak)
    and a ``degree`` cue its multiplier, already applied to the word after it."""

    kind: str
    text: str
    start: int
    end: int
    weight: float
    emotion: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EmotionResult:
    polarity: str
    score: float
    emotion: Emotion
    confidence: float
    evidence: tuple[Cue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "polarity": self.polarity,
            "score": self.score,
            "emotion": self.emotion.value,
            "confidence": self.confidence,
            "evidence": [cue.to_dict() for cue in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmotionResult:
        return cls(
            polarity=data["polarity"],
            score=float(data["score"]),
            emotion=Emotion(data["emotion"]),
            confidence=float(data["confidence"]),
            evidence=tuple(Cue(**cue) for cue in data.get("evidence", ())),
        )


@dataclass(frozen=True, slots=True)
class Trend:
    """Direction of a conversation: ``delta`` is the later minus the earlier score."""

    direction: str  # "improving" | "worsening" | "steady"
    delta: float
    current: Emotion
    scores: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "delta": self.delta,
            "current": self.current.value,
            "scores": list(self.scores),
        }


def trend(results: Sequence[EmotionResult]) -> Trend:
    """Whether a conversation is getting better: the mean score of the last two
    messages against the first two (one each when there are only two or three)."""
    scores = tuple(r.score for r in results)
    current = results[-1].emotion if results else Emotion.NEUTRAL
    if len(scores) < 2:
        return Trend("steady", 0.0, current, scores)
    window = 2 if len(scores) >= 4 else 1
    delta = sum(scores[-window:]) / window - sum(scores[:window]) / window
    if delta >= _TREND_STEP:
        direction = "improving"
    elif delta <= -_TREND_STEP:
        direction = "worsening"
    else:
        direction = "steady"
    return Trend(direction, round(delta, 4), current, scores)
