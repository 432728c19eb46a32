"""Find what the sender just wrote: cut quoted history and the signature.

Cuts at the first reply header ("在 … 写道：", "-----原始邮件-----", a "发件人：/From:"
block followed by 发送时间/Sent/Date/收件人/To lines, "On … wrote:", Outlook's
underscore rule before "From:"), drops "> " quoted lines, and cuts the signature at
"-- " or a mobile footer ("发自我的iPhone", "Sent from my …"). If nothing is left the full
text is returned, so the ticket never shows an empty message.
"""

from __future__ import annotations

import re

_ORIGINAL = re.compile(
    r"^\s*[-_=—]{2,}\s*(原始邮件|原始郵件|Original Message|Ursprüngliche Nachricht|"
    r"Message d'origine|回复的原邮件)\s*[-_=—]{2,}\s*$",
    re.IGNORECASE,
)
_CN_WROTE = re.compile(r"^\s*在.{0,200}(写道|寫道)\s*[:：]\s*$")
_EN_WROTE = re.compile(r"^\s*On\b.{0,300}\bwrote\s*:\s*$", re.IGNORECASE | re.DOTALL)
_DE_WROTE = re.compile(r"^\s*Am\b.{0,300}\bschrieb\b.{0,200}:\s*$", re.DOTALL)
_FROM = re.compile(r"^\s*\*?(发件人|寄件者|寄件人|From)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_FIELD = re.compile(
    r"^\s*\*?(发送时间|寄件日期|时间|日期|收件人|收件者|抄送|主题|主旨|Sent|Date|To|Cc|Subject)"
    r"\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^(-- ?|--\s*|—— ?)$")
_MOBILE = re.compile(
    r"^\s*(发自我的|發自我的|来自我的|Sent from my |Sent from Mail for|Get Outlook for|"
    r"发自网易邮箱|来自网易邮箱大师|从我的 ?iPhone 发送)",
    re.IGNORECASE,
)
_DATE_OR_ADDRESS = re.compile(r"\d|@")
_QUOTED = re.compile(r"^\s*>")
_TRAILING_RULE = re.compile(r"^\s*[-_=—*]{3,}\s*$")


def _header_at(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _ORIGINAL.match(line):
        return True
    # "On … wrote:" and "在 … 写道：" are often wrapped over two or three lines.
    start = line.lstrip()
    if start.startswith(("On ", "在", "Am ")):
        for span in (1, 2, 3):
            if i + span > len(lines):
                break
            joined = " ".join(part.strip() for part in lines[i : i + span])
            if start.startswith("On ") and _EN_WROTE.match(joined):
                return True
            if start.startswith("Am ") and _DE_WROTE.match(joined):
                return True
            # "在上封邮件里你写道：" is the customer talking: a header has a date or address.
            if start.startswith("在") and _CN_WROTE.match(joined) and _DATE_OR_ADDRESS.search(joined):
                return True
    if _FROM.match(line) or (_RULE.match(line) and i + 1 < len(lines) and _FROM.match(lines[i + 1])):
        following = [ln for ln in lines[i + 1 : i + 7] if ln.strip()]
        fields = sum(1 for ln in following[:5] if _HEADER_FIELD.match(ln))
        return fields >= 2 if _FROM.match(line) else True
    return False


def strip_reply(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _header_at(lines, i):
            break
        if _SIGNATURE.match(line) or _MOBILE.match(line):
            break
        if _QUOTED.match(line):
            continue
        kept.append(line.rstrip())
    while kept and (not kept[-1].strip() or _TRAILING_RULE.match(kept[-1])):
        kept.pop()  # the rule Outlook/QQ put above the quoted header
    result = "\n".join(kept).strip("\n")
    result = re.sub(r"\n{3,}", "\n\n", result).strip()
    return result or text.strip()
