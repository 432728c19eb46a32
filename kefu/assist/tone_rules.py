"""The phrase rules and marker helpers of the tone check (kefu.assist.tone).

This module holds the data of the check: the finding kinds, the replacement
tables (``ZH_RULES``, ``EN_RULES``), the word lists and regular expressions,
and the ``find_*`` helpers that locate greetings, empathy, restatements,
closings and solutions (also used by kefu.assist.qa). ``kefu.assist.tone``
applies them; everything here is re-exported from there.

The rules follow the "Words" section of DOMAIN.md: say what we *can* do, avoid
negative words toward the customer, feelings before facts, restate the need
on complaints, standard greeting and closing, promises with a time.

Phrase rules, Chinese (``language`` starting with ``zh``; the default):

=============================  ==============================  =====  =================================
kind / phrase                  suggestion                      safe   not flagged (false positives)
=============================  ==============================  =====  =================================
negative_word 问题              情况                            yes    没问题, 没有问题, 不是问题, 无问题,
                                                                      常见问题; 问题已(经)解决/处理/修复
                                                                      (decided: good news, not flagged);
                                                                      问题 meaning "question": 其他问题,
                                                                      任何问题, 如有问题, 有问题…随时联系
negative_word 麻烦 (noun)       事项                            yes    麻烦您/麻烦你 (a polite request),
                                                                      添麻烦 (an apology)
negative_word 带来(了)麻烦      不便                            yes
negative_word 很/太/比较…麻烦   复杂                            yes
negative_word 投诉              反馈                            yes
negative_word 不行              我们看看其他方式                no     行不行 (question), 不行的话 (if not)
negative_word (我)不知道        我帮您确认一下                  no     您/你/可能不知道 (about the
                                                                      customer), 不知道您是否… (polite)
negative_word 没(有)办法        我们一起看看其他办法            no     有没有办法 (question)
negative_word 不归我们管 …      我帮您联系负责的同事处理        no
negative_word 您搞错了/理解错了  可能是我没有解释清楚，我再说明一下 no
negative_word 规定就是这样 …     根据目前的规定……，我们可以为您…… no
negative_word 您自己没/弄错…     我们一起来看一下                no     您自己操作即可 (no blame)
negative_word 您/你应该         建议您                          yes    您应该已经/会/能/可以/收到 (an
                                                                      expectation, not an order)
negative_word (怎么不)早说…     感谢您告诉我们这个信息          no
negative_word 您冷静/别激动      我理解您的心情                  no
cannot  不能/无法/做不到/        "我们可以……" ("您可以……" when   no     能不能, 可不可以; a clause that is
        不可以/没法              the clause starts with 您): the        a question (ends in ？), a condition
                                 clause head, from the clause           (如果/若/万一/如无法…) or the
                                 start to the negation, is the          customer's reported words (反映/
                                 phrase                                 提到/说/是否)
vague_promise 尽快, 稍后, 马上   "…（写明具体时间，例如今天18点前）" no   a time in the same or next
        处理/回复…, 会给您回复…                                       sentence (今天, 明天, 24小时内,
                                                                      3个工作日, 18点前, 周五...);
                                                                      请您尽快 (asks the customer);
                                                                      我马上帮您查 (done right now)
impolite 你 (once per reply)    您                              yes    你们 (plural), quoted text
=============================  ==============================  =====  =================================

Phrase rules, English (``language`` starting with ``en``; ``"auto"`` picks
English when the reply has no Chinese character):

* negative_word: problem(s) → situation(s) (safe; not in "no problem");
  complaint(s) → feedback (safe); unfortunately → "Here is what we can do";
  a flat "No," at a sentence start → "Let me see what we can do";
  I don't know → "Let me find out for you"; your fault / you should have /
  you must have → "Let's look at it together"; that's our policy → "Our
  current policy is …, and what we can do is …"; not our/my responsibility,
  not my job → "Let me connect you with the right team"; you misunderstood /
  you're wrong → "Let me explain it more clearly"; calm down → "I understand
  how you feel".
* cannot: can't, cannot, can not, unable to, not able to, won't be able to →
  "We can …" ("You can …" when the clause starts with "you"); not in
  questions, conditions ("if you can't log in") or reported words.
* vague_promise: as soon as possible, ASAP, shortly, soon, later, get back to
  you, follow up — without today, tomorrow, a weekday, "within N hours/days",
  "N business days" or a clock time.

Whole-reply checks (both languages' phrases count in either language):

* missing_greeting (``first_reply``): no 您好/你好/早上好/hello/hi/dear/good
  morning… in the first sentence (or first 40 characters).
* missing_empathy (``customer_upset``): no 理解您的心情/非常抱歉/给您带来不便/
  sorry/understand… at all; or empathy that comes after a fact: every clause
  of the sentences before the empathy's sentence must be a greeting or an
  address ("您好！张先生！非常抱歉…" is fine, "您好，包裹明天到。非常抱歉…"
  is not; inside one sentence the order is free). A late one is reported
  with the offsets of the empathy phrase.
* missing_restatement (``complaint``): no 您反映的是/我理解您的意思是/确认一下/
  if I understand correctly/to confirm…. "帮您确认一下" (I will check) is not a
  restatement.
* missing_closing (``closing``): no 还有其他可以帮您的吗/祝您生活愉快/感谢您的
  耐心/有问题随时联系/anything else/have a nice day….

Text inside quotation marks (“…”, 「…」, "…") is the customer's words being
quoted back and is skipped by every phrase rule, so 您说“不能理解” is fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Finding kinds.
NEGATIVE_WORD = "negative_word"
CANNOT = "cannot"
MISSING_EMPATHY = "missing_empathy"
MISSING_RESTATEMENT = "missing_restatement"
MISSING_GREETING = "missing_greeting"
MISSING_CLOSING = "missing_closing"
VAGUE_PROMISE = "vague_promise"
IMPOLITE = "impolite"

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
QUOTE_RE = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"\n]*\"")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]+|\.(?:\s+|$)")
CLAUSE_DELIM = "，。！？；：、,.!?;:\n"


def is_english(text: str, language: str = "auto") -> bool:
    """English rules for ``en*``; Chinese for ``zh*``; ``auto`` looks for Chinese characters."""
    lang = language.lower()
    if lang.startswith("en"):
        return True
    if lang.startswith("zh"):
        return False
    return _CJK_RE.search(text) is None


# --- phrase rules -------------------------------------------------------------

Suggestion = str | Callable[[re.Match[str]], str]
Exempt = Callable[[str, re.Match[str]], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    """One phrase rule: a pattern, its suggestion (text or built from the match),
    the messages, whether the swap is ``safe`` and an optional exemption test."""

    kind: str
    pattern: re.Pattern[str]
    suggestion: Suggestion
    message_zh: str
    message_en: str
    safe: bool = False
    exempt: Exempt | None = None


def _neg(
    pattern: str,
    suggestion: Suggestion,
    zh: str,
    en: str,
    *,
    safe: bool = False,
    exempt: Exempt | None = None,
    flags: int = 0,
) -> Rule:
    return Rule(NEGATIVE_WORD, re.compile(pattern, flags), suggestion, zh, en, safe, exempt)


def _wenti_exempt(text: str, match: re.Match[str]) -> bool:
    """问题 meaning "question" is fine: 还有其他问题吗, 如有任何问题请随时联系我们."""
    before = text[max(0, match.start() - 4) : match.start()]
    if re.search(r"(?:其他|任何|什么|别的|如有|若有)$", before):
        return True
    after = text[match.end() : match.end() + 10]
    return before.endswith("有") and bool(re.search(r"随时|联系|咨询|欢迎", after))


ZH_RULES: tuple[Rule, ...] = (
    _neg(
        r"(?<!没)(?<!没有)(?<!不是)(?<!无)(?<!常见)问题(?!已经?(?:解决|处理|修复))",
        "情况",
        "“问题”听起来像客户出了错，可改为“情况”。",
        "'问题' (problem) sounds like blame; say '情况' (situation).",
        safe=True,
        exempt=_wenti_exempt,
    ),
    _neg(
        r"(?<=带来)麻烦|(?<=带来了)麻烦",
        "不便",
        "“带来麻烦”可改为“带来不便”。",
        "'带来麻烦' reads better as '带来不便' (inconvenience).",
        safe=True,
    ),
    _neg(
        r"(?<=[很太挺真点较常])麻烦",
        "复杂",
        "“麻烦”是负面说法，可改为“复杂”。",
        "'麻烦' (troublesome) is negative; say '复杂' (complex).",
        safe=True,
    ),
    _neg(
        r"(?<![添来了很太挺真点较常])麻烦(?![您你])",
        "事项",
        "“麻烦”是负面说法，可改为“事项”。",
        "'麻烦' (trouble) is negative; say '事项' (matter).",
        safe=True,
    ),
    _neg(
        r"投诉",
        "反馈",
        "对客户避免说“投诉”，可改为“反馈”。",
        "Avoid '投诉' (complaint) toward the customer; say '反馈' (feedback).",
        safe=True,
    ),
    _neg(
        r"(?<!行)不行(?!的话)",
        "我们看看其他方式",
        "直接说“不行”显得生硬，请说明可以怎么做。",
        "A flat '不行' (no way) is blunt; say what we can do instead.",
    ),
    _neg(
        r"(?<![您你能])(?:我们?(?:也|确实|真的)?)?不(?:太|清楚也不)?知道(?!您|你|是否|能否|可否)",
        "我帮您确认一下",
        "不要说“不知道”，可以说“我帮您确认一下”。",
        "Do not say 'I don't know'; say 'let me check that for you'.",
    ),
    _neg(
        r"(?<!有)没有?办法",
        "我们一起看看其他办法",
        "“没办法”会让客户失望，请给出替代方案。",
        "'No way to' disappoints; offer an alternative.",
    ),
    _neg(
        r"不归(?:我们?|我们这边)管|不是我们?(?:这边|部门)?(?:负责|管)的?|不关我们?的事|跟我们?没关系|与我们?无关",
        "我帮您联系负责的同事处理",
        "不要推卸责任，请主动帮客户联系负责的同事。",
        "Do not pass the buck; connect the customer with the right colleague.",
    ),
    _neg(
        r"[您你](?:搞|弄|记|看|理解)错了",
        "可能是我没有解释清楚，我再说明一下",
        "不要指出客户的错误，可以说“可能是我没有解释清楚”。",
        "Do not tell the customer they are wrong; say 'perhaps I did not explain clearly'.",
    ),
    _neg(
        r"(?:公司)?规定就是(?:这样|如此)|这是(?:公司的?)?规定|没有为什么",
        "根据目前的规定……，我们可以为您……",
        "不要用规定搪塞，请说明规定并给出可以做的事。",
        "Do not hide behind the rules; explain them and offer what we can do.",
    ),
    _neg(
        r"[您你]自己(?:没有?|不|弄错|搞错|填错|选错|点错|看错|操作错)",
        "我们一起来看一下",
        "避免指责客户，可以说“我们一起来看一下”。",
        "Do not blame the customer; say 'let us look at it together'.",
    ),
    _neg(
        r"[您你]应该(?!已经|会|能|可以|收到|是|也)",
        "建议您",
        "“您应该”像是命令，可改为“建议您”。",
        "'您应该' (you should) sounds like an order; say '建议您' (we suggest).",
        safe=True,
    ),
    _neg(
        r"(?:怎么|为什么)?不早说|早说(?:啊|嘛|呀|就好了)|[您你]早说",
        "感谢您告诉我们这个信息",
        "不要埋怨客户没早说，请感谢客户提供信息。",
        "Do not reproach the customer for telling late; thank them for the information.",
    ),
    _neg(
        r"[您你](?:先|要)?冷静(?:一下|一点|点)?|别激动|不要激动",
        "我理解您的心情",
        "让客户“冷静”会激怒客户，请先认同情绪。",
        "Telling a customer to calm down angers them; acknowledge the feeling.",
    ),
)

ZH_CANNOT_RE = re.compile(r"(?<![能可])(?:不能|无法|做不到|不可以|没法)")
ZH_CANNOT_MSG_ZH = "说我们能做什么并给出替代方案，例如“虽然……，我们可以为您……”。"
ZH_CANNOT_MSG_EN = (
    "Say what we can do and offer an alternative: '虽然……，我们可以为您……' (although …, we can …)."
)


def _en_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


EN_RULES: tuple[Rule, ...] = (
    _neg(
        r"(?<!no )(?<!not a )\bproblem(s?)\b",
        lambda m: _en_case("situation" + m.group(1), m.group(0)),
        "“problem”是负面说法，可改为“situation”。",
        "'problem' is negative; say 'situation'.",
        safe=True,
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\bcomplaint(s?)\b",
        lambda m: _en_case("feedback", m.group(0)),
        "对客户避免说“complaint”，可改为“feedback”。",
        "Avoid 'complaint' toward the customer; say 'feedback'.",
        safe=True,
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\bunfortunately\b",
        "Here is what we can do",
        "“unfortunately”是负面开头，请说明可以怎么做。",
        "'Unfortunately' opens with bad news; say what we can do.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"(?:^|(?<=[.!?]\s))No(?=[,.!])",
        "Let me see what we can do",
        "直接说“No”显得生硬，请说明可以怎么做。",
        "A flat 'No' is blunt; say what we can do.",
    ),
    _neg(
        r"\bI (?:really )?(?:don't|do not|don’t) (?:really )?know\b|\bI dunno\b",
        "Let me find out for you",
        "不要说“I don't know”，可以说“Let me find out for you”。",
        "Do not say 'I don't know'; say 'let me find out for you'.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\byour (?:own )?fault\b|\byou (?:should|must) have\b",
        "Let's look at it together",
        "避免指责客户。",
        "Do not blame the customer.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\b(?:that's|that is|it's|it is) (?:our|the|company) (?:policy|rule)\b",
        "Our current policy is …, and what we can do is …",
        "不要用规定搪塞，请说明规定并给出可以做的事。",
        "Do not hide behind the policy; explain it and offer what we can do.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\bnot (?:our|my) (?:responsibility|job|department|problem)\b",
        "Let me connect you with the right team",
        "不要推卸责任，请主动帮客户联系负责的同事。",
        "Do not pass the buck; connect the customer with the right team.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\byou (?:misunderstood|are wrong|got it wrong)\b|\byou(?:'re|’re) wrong\b",
        "Let me explain it more clearly",
        "不要指出客户的错误。",
        "Do not tell the customer they are wrong.",
        flags=re.IGNORECASE,
    ),
    _neg(
        r"\bcalm down\b",
        "I understand how you feel",
        "让客户“冷静”会激怒客户，请先认同情绪。",
        "Telling a customer to calm down angers them; acknowledge the feeling.",
        flags=re.IGNORECASE,
    ),
)

EN_CANNOT_RE = re.compile(
    r"\b(?:can't|can’t|cannot|can not|won't be able to|unable to|not able to)\b", re.IGNORECASE
)

# --- promises and times --------------------------------------------------------

ZH_VAGUE_RE = re.compile(
    r"(?<!请您)(?<!请你)(?<!请)尽快|尽早|稍后|晚些时候|晚点|过段时间|过几天|回头|随后"
    r"|马上(?:为您|给您|帮您)?(?:处理|解决|安排|回复|答复|反馈|联系|退款|发货|跟进)"
    r"|会(?:再)?(?:给|跟|和|与)您(?:回复|答复|回电话?|联系|通知|反馈)"
)
EN_VAGUE_RE = re.compile(
    r"\b(?:as soon as possible|asap|shortly|soon|later|get back to you|follow up)\b",
    re.IGNORECASE,
)
TIME_RE = re.compile(
    r"今天|今日|今晚|明天|明日|后天|本周|下周|周[一二三四五六日天末]|星期[一二三四五六日天]"
    r"|[上中下]午|晚上|\d+\s*[点时:：]|[一二三四五六七八九十两\d]+\s*(?:个)?(?:小时|分钟|工作日|天|日)"
    r"|\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|this (?:week|afternoon|evening|morning)|within \w+ (?:hours?|minutes?|days?|business days?)"
    r"|\d+\s*(?:hours?|minutes?|mins?|days?|business days?|working days?)"
    r"|\d{1,2}(?::\d\d)?\s*(?:am|pm)|by \d{1,2}(?::\d\d)?|end of (?:the )?day)\b",
    re.IGNORECASE,
)

# --- whole-reply markers ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marker:
    """A phrase found by one of the ``find_*`` helpers (offsets into the text)."""

    phrase: str
    start: int
    end: int


_GREETING_RE = re.compile(
    r"您好|你好|早上好|上午好|中午好|下午好|晚上好|亲爱的|欢迎(?:咨询|光临|来到)"
    r"|\b(?:hello|hi|hey|dear|good (?:morning|afternoon|evening)|greetings)\b",
    re.IGNORECASE,
)
_EMPATHY_RE = re.compile(
    r"理解您的(?:心情|感受|着急|不满|担心|顾虑)|(?:非常|完全|十分|很|能够?)理解|(?:非常|十分|很|深表|深感)?(?:抱歉|歉意)|对不起|不好意思"
    r"|给您带来(?:了)?(?:不便|困扰|不好的体验|麻烦)|让您久等|让您失望|辛苦您|(?:知道|明白)您(?:很|非常)?着急|感同身受"
    r"|\b(?:sorry|apologi[sz]e|apologies|understand|frustrat\w*|inconvenience|I hear you)\b",
    re.IGNORECASE,
)
_RESTATE_RE = re.compile(
    r"您(?:反映|反馈|提到|说)的(?:是|情况)?|我理解您的意思是|您的意思是|如果我(?:理解|没理解)(?:正确|错)的话?"
    r"|如果我没(?:有)?理解错|您是说|(?:跟|和|与|向)您(?:确认|核实|核对)|(?<!帮您)确认一下|核对一下"
    r"|\b(?:if I understand(?: you)? correctly|to confirm|just to make sure|you mentioned|you're saying"
    r"|you are saying|as I understand|I understand that you)\b",
    re.IGNORECASE,
)
_CLOSING_RE = re.compile(
    r"还有(?:其他|什么|别的)(?:可以|能|需要)?(?:帮|为)?您|还有(?:其他|什么|别的)?(?:问题|疑问|需要)|祝您(?:生活|购物|工作)?(?:愉快|顺利|一切顺利)"
    r"|(?:感谢|谢谢)您的(?:耐心|理解|支持|配合|等待|信任)|随时(?:联系|找|咨询)|欢迎(?:再次|随时)"
    r"|\b(?:anything else|have a (?:nice|great|good|wonderful) (?:day|evening|weekend)"
    r"|thank(?:s| you) for your (?:patience|understanding)|feel free to|don't hesitate|do not hesitate"
    r"|happy to help|glad to help|best regards|kind regards)\b",
    re.IGNORECASE,
)
_SOLUTION_RE = re.compile(
    r"已(?:经)?(?:为|给|帮)您|请您(?!稍等|耐心|等待|再等)|步骤|第[一二三1-9]步|退款已|已(?:经)?(?:退款|退回|补发|发货|安排|处理|登记|提交|升级)"
    r"|我们会在|会在.{1,12}前|(?:为|给|帮)您(?:安排|办理|申请|补发|换货|退款|升级|登记|转接)|您可以"
    r"|\b(?:I have|I've|we have|we've|please (?!wait|hold|be patient)|steps?|refund(?:ed)? has been"
    r"|(?:we|I) will .{1,40}\b(?:by|within|today|tomorrow)|you can)\b",
    re.IGNORECASE,
)


def _first(pattern: re.Pattern[str], text: str, end: int | None = None) -> Marker | None:
    match = pattern.search(text, 0, len(text) if end is None else end)
    return Marker(match.group(0), match.start(), match.end()) if match else None


def sentence_ends(text: str) -> list[int]:
    """End offsets of the sentences of ``text`` (the last one ends at ``len(text)``)."""
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


# Characters a greeting clause may carry besides the greeting ("您好张先生", "Hi Anna").
_GREETING_TAIL = 8
# A clause before the empathy line that only addresses the customer is not a fact.
_ADDRESS_RE = re.compile(
    r"(?:尊敬的)?\S{0,4}(?:先生|女士|小姐|老师|同学|客户|朋友|亲|用户)[！!。，,：:~～\s]*"
    r"|(?:dear|mr|mrs|ms)\.? ?\S{0,20}[,!.:]*",
    re.IGNORECASE,
)


def find_greeting(text: str) -> Marker | None:
    """A greeting in the first sentence (or the first 40 characters)."""
    limit = max(sentence_ends(text)[0], min(40, len(text)))
    return _first(_GREETING_RE, text, limit)


def find_empathy(text: str) -> Marker | None:
    """Any acknowledgement of the customer's feelings, wherever it is."""
    return _first(_EMPATHY_RE, text)


def empathy_first(text: str, marker: Marker) -> bool:
    """True when no fact comes before ``marker`` (feelings before facts).

    Every clause of the sentences before the marker's sentence must be a
    greeting ("您好", "Hi Anna") or an address ("张先生"); within the marker's own
    sentence the order is free ("您的订单延误了，非常抱歉" is fine).
    """
    start = 0
    for end in sentence_ends(text):
        if marker.start < end:
            return True
        for clause in re.split(f"[{CLAUSE_DELIM}。.]", text[start:end]):
            if not _is_preamble(clause.strip()):
                return False
        start = end
    return True


def _is_preamble(clause: str) -> bool:
    if not clause or _ADDRESS_RE.fullmatch(clause):
        return True
    rest = _GREETING_RE.sub("", clause)
    return len(rest) < len(clause) and len(rest.strip()) <= _GREETING_TAIL


def find_restatement(text: str) -> Marker | None:
    return _first(_RESTATE_RE, text)


def find_closing(text: str) -> Marker | None:
    return _first(_CLOSING_RE, text)


def find_solution(text: str) -> Marker | None:
    """Steps, an action taken or a dated commitment (已为您…, 请您…, 我们会在…前)."""
    return _first(_SOLUTION_RE, text)
