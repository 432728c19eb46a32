"""Tone check of an agent's reply before it is sent (issue 6, capability 6).

``check_tone`` returns findings the reply box shows beside the draft; it never
blocks sending. Each finding carries offsets into the reply (``None`` for
whole-reply findings such as a missing greeting), the phrase found and a
suggested rewrite. ``rewrite`` applies the suggestions that are plain word
swaps (``Finding.safe``), so the UI can offer "apply all". Everything is a
precompiled regular expression: deterministic and well under 1 ms for a
300-character reply.

The rules follow the "Words" section of DOMAIN.md: say what we *can* do, avoid
negative words toward the customer, feelings before facts, restate the need
on complaints, standard greeting and closing, promises with a time.

The rules themselves (the table of phrases, suggestions and exemptions, the
word lists and the ``find_*`` marker helpers) live in kefu/assist/tone_rules.py;
see its docstring. They are re-exported here, so ``tone.find_greeting``,
``tone.NEGATIVE_WORD`` etc. keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kefu.assist.tone_rules import (
    CANNOT,
    CLAUSE_DELIM,
    EN_CANNOT_RE,
    EN_RULES,
    EN_VAGUE_RE,
    IMPOLITE,
    MISSING_CLOSING,
    MISSING_EMPATHY,
    MISSING_GREETING,
    MISSING_RESTATEMENT,
    NEGATIVE_WORD,
    QUOTE_RE,
    TIME_RE,
    VAGUE_PROMISE,
    ZH_CANNOT_MSG_EN,
    ZH_CANNOT_MSG_ZH,
    ZH_CANNOT_RE,
    ZH_RULES,
    ZH_VAGUE_RE,
    Marker,
    Rule,
    empathy_first,
    find_closing,
    find_empathy,
    find_greeting,
    find_restatement,
    find_solution,
    is_english,
    sentence_ends,
)

__all__ = [
    "CANNOT",
    "IMPOLITE",
    "MISSING_CLOSING",
    "MISSING_EMPATHY",
    "MISSING_GREETING",
    "MISSING_RESTATEMENT",
    "NEGATIVE_WORD",
    "VAGUE_PROMISE",
    "Finding",
    "Marker",
    "check_tone",
    "empathy_first",
    "find_closing",
    "find_empathy",
    "find_greeting",
    "find_restatement",
    "find_solution",
    "is_english",
    "rewrite",
    "sentence_ends",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One remark on a reply. ``start``/``end`` index ``reply`` (``None`` when the
    finding is about the whole reply); ``safe`` marks a word swap ``rewrite`` may
    apply without a human choosing the wording."""

    kind: str
    message_zh: str
    message_en: str
    start: int | None
    end: int | None
    phrase: str
    suggestion: str
    safe: bool = False


# --- the check ----------------------------------------------------------------


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)]


def _inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _phrase_findings(
    reply: str, rules: Sequence[Rule], quotes: list[tuple[int, int]]
) -> list[Finding]:
    out: list[Finding] = []
    for rule in rules:
        for match in rule.pattern.finditer(reply):
            if _inside(match.start(), quotes) or (rule.exempt and rule.exempt(reply, match)):
                continue
            suggestion = (
                rule.suggestion if isinstance(rule.suggestion, str) else rule.suggestion(match)
            )
            out.append(
                Finding(
                    rule.kind,
                    rule.message_zh,
                    rule.message_en,
                    match.start(),
                    match.end(),
                    match.group(0),
                    suggestion,
                    rule.safe,
                )
            )
    return out


def _clause_start(reply: str, pos: int) -> int:
    start = pos
    while start > 0 and reply[start - 1] not in CLAUSE_DELIM:
        start -= 1
    while start < pos and reply[start].isspace():
        start += 1
    return start


def _clause_is_question(reply: str, pos: int) -> bool:
    while pos < len(reply) and reply[pos] not in CLAUSE_DELIM:
        pos += 1
    return pos < len(reply) and reply[pos] in "？?"


# A negation in a condition ("如果无法登录，请…"), in the customer's reported words
# ("您反映无法登录") or in a question is not a refusal.
_ZH_NOT_REFUSAL_RE = re.compile(
    r"如果|假如|若|万一|要是|如[您无不没]|反映|反馈|提到|说|是否|是不是"
)
_EN_NOT_REFUSAL_RE = re.compile(r"\b(?:if|in case|whether|you said|you mentioned)\b", re.IGNORECASE)


def _zh_cannot(reply: str, quotes: list[tuple[int, int]]) -> list[Finding]:
    out: list[Finding] = []
    for match in ZH_CANNOT_RE.finditer(reply):
        if _inside(match.start(), quotes):
            continue
        start = _clause_start(reply, match.start())
        head = reply[start : match.end()]
        if _ZH_NOT_REFUSAL_RE.search(head) or _clause_is_question(reply, match.end()):
            continue
        subject = "您" if head.startswith(("您", "你")) else "我们"
        out.append(
            Finding(
                CANNOT,
                ZH_CANNOT_MSG_ZH,
                ZH_CANNOT_MSG_EN,
                start,
                match.end(),
                head,
                f"{subject}可以……（写出可以做的替代方案）",
            )
        )
    return out


def _en_cannot(reply: str, quotes: list[tuple[int, int]]) -> list[Finding]:
    out: list[Finding] = []
    for match in EN_CANNOT_RE.finditer(reply):
        if _inside(match.start(), quotes):
            continue
        start = _clause_start(reply, match.start())
        head = reply[start : match.end()]
        if _EN_NOT_REFUSAL_RE.search(head) or _clause_is_question(reply, match.end()):
            continue
        subject = "You" if re.match(r"you\b", head, re.IGNORECASE) else "We"
        out.append(
            Finding(
                CANNOT,
                "说我们能做什么并给出替代方案。",
                "Say what we can do and offer an alternative: 'Although …, we can …'.",
                start,
                match.end(),
                head,
                f"{subject} can … (state the alternative)",
            )
        )
    return out


def _vague_promises(
    reply: str, pattern: re.Pattern[str], quotes: list[tuple[int, int]], english: bool
) -> list[Finding]:
    out: list[Finding] = []
    ends = sentence_ends(reply)
    for match in pattern.finditer(reply):
        if _inside(match.start(), quotes):
            continue
        # The sentence of the promise and the one after it may carry the time.
        index = next(i for i, end in enumerate(ends) if match.start() < end)
        lo = ends[index - 1] if index else 0
        hi = ends[min(index + 1, len(ends) - 1)]
        if TIME_RE.search(reply, lo, hi):
            continue
        phrase = match.group(0)
        suggestion = (
            f"{phrase} (by a concrete time, e.g. 'by 6 pm today' or 'within 24 hours')"
            if english
            else f"{phrase}（写明具体时间，例如“今天18点前”或“24小时内”）"
        )
        out.append(
            Finding(
                VAGUE_PROMISE,
                "承诺没有具体时间，请写明何时完成（如“今天18点前”“24小时内”）。",
                "A promise without a time: say when (e.g. 'by 6 pm today', 'within 24 hours').",
                match.start(),
                match.end(),
                phrase,
                suggestion,
            )
        )
    return out


_INFORMAL_YOU_RE = re.compile(r"你(?!们)")


def _informal_you(reply: str, quotes: list[tuple[int, int]]) -> list[re.Match[str]]:
    return [m for m in _INFORMAL_YOU_RE.finditer(reply) if not _inside(m.start(), quotes)]


# Suggested lines for whole-reply findings, (Chinese, English).
_LINES = {
    MISSING_GREETING: ("您好，", "Hello, "),
    MISSING_EMPATHY: (
        "非常理解您的心情，给您带来不便非常抱歉。",
        "I'm sorry for the trouble, and I understand how frustrating this is.",
    ),
    MISSING_RESTATEMENT: (
        "您反映的是……，我理解得对吗？",
        "If I understand correctly, you … Is that right?",
    ),
    MISSING_CLOSING: (
        "请问还有其他可以帮您的吗？祝您生活愉快！",
        "Is there anything else I can help you with? Have a nice day!",
    ),
}


def _whole_reply(
    reply: str,
    *,
    customer_upset: bool,
    complaint: bool,
    first_reply: bool,
    closing: bool,
    english: bool,
) -> list[Finding]:
    out: list[Finding] = []
    line = {kind: pair[1] if english else pair[0] for kind, pair in _LINES.items()}
    if first_reply and find_greeting(reply) is None:
        out.append(
            Finding(
                MISSING_GREETING,
                "首次回复请先问候客户。",
                "Greet the customer in the first reply.",
                None,
                None,
                "",
                line[MISSING_GREETING],
            )
        )
    if customer_upset:
        empathy = find_empathy(reply)
        if empathy is None:
            out.append(
                Finding(
                    MISSING_EMPATHY,
                    "客户情绪不佳：先认同情绪，再说明情况。",
                    "The customer is upset: acknowledge the feeling before the facts.",
                    None,
                    None,
                    "",
                    line[MISSING_EMPATHY],
                )
            )
        elif not empathy_first(reply, empathy):
            out.append(
                Finding(
                    MISSING_EMPATHY,
                    f"“{empathy.phrase}”出现在说明之后：请先认同情绪，再说明情况。",
                    f"'{empathy.phrase}' comes after the facts: acknowledge the feeling first.",
                    empathy.start,
                    empathy.end,
                    empathy.phrase,
                    line[MISSING_EMPATHY],
                )
            )
    if complaint and find_restatement(reply) is None:
        out.append(
            Finding(
                MISSING_RESTATEMENT,
                "客户在投诉：请复述并确认客户的诉求。",
                "A complaint: restate the customer's need and confirm it.",
                None,
                None,
                "",
                line[MISSING_RESTATEMENT],
            )
        )
    if closing and find_closing(reply) is None:
        out.append(
            Finding(
                MISSING_CLOSING,
                "结束会话前请使用结束语。",
                "Close the conversation with a closing line.",
                None,
                None,
                "",
                line[MISSING_CLOSING],
            )
        )
    return out


def check_tone(
    reply: str,
    *,
    customer_upset: bool = False,
    complaint: bool = False,
    first_reply: bool = False,
    closing: bool = False,
    language: str = "zh-hans",
) -> list[Finding]:
    """The tone findings of ``reply``: phrase findings by position, then whole-reply ones."""
    quotes = _quoted(reply)
    english = is_english(reply, language)
    if english:
        found = _phrase_findings(reply, EN_RULES, quotes)
        found += _en_cannot(reply, quotes)
        found += _vague_promises(reply, EN_VAGUE_RE, quotes, True)
    else:
        found = _phrase_findings(reply, ZH_RULES, quotes)
        found += _zh_cannot(reply, quotes)
        found += _vague_promises(reply, ZH_VAGUE_RE, quotes, False)
        informal = _informal_you(reply, quotes)
        if informal:
            first = informal[0]
            found.append(
                Finding(
                    IMPOLITE,
                    "对客户请用“您”代替“你”。",
                    "Address the customer as '您', not '你'.",
                    first.start(),
                    first.end(),
                    "你",
                    "您",
                    True,
                )
            )
    found.sort(key=lambda f: (f.start or 0, f.end or 0, f.kind))
    return found + _whole_reply(
        reply,
        customer_upset=customer_upset,
        complaint=complaint,
        first_reply=first_reply,
        closing=closing,
        english=english,
    )


def rewrite(reply: str, findings: Iterable[Finding]) -> str:
    """``reply`` with every safe finding's phrase replaced by its suggestion.

    Findings whose span no longer matches ``reply`` or overlaps an earlier one
    are skipped. An ``impolite`` finding (reported once per reply) turns every
    informal 你 outside quotes into 您.
    """
    edits: list[tuple[int, int, str]] = []
    for finding in findings:
        if not finding.safe or finding.start is None or finding.end is None:
            continue
        if reply[finding.start : finding.end] != finding.phrase:
            continue
        if finding.kind == IMPOLITE:
            edits += [(m.start(), m.end(), "您") for m in _informal_you(reply, _quoted(reply))]
        else:
            edits.append((finding.start, finding.end, finding.suggestion))
    # Longer spans first at the same start, so 你应该→建议您 wins over 你→您.
    edits.sort(key=lambda e: (e[0], -(e[1] - e[0])))
    out: list[str] = []
    pos = 0
    for start, end, text in edits:
        if start < pos:
            continue
        out.append(reply[pos:start])
        out.append(text)
        pos = end
    out.append(reply[pos:])
    return "".join(out)
