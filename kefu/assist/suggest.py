"""Reply suggestions: the macros and past replies that fit a customer's message
(issue 6, capability 7).

``SuggestionIndex.build(candidates)`` indexes canned replies (macros) and past
agent replies once; ``index.suggest(message)`` ranks them for the customer's
last message with BM25 over ``tokenize_for_search`` tokens, so ``退款`` in the
message finds ``退款申请`` in a macro and the other way round.

What each candidate is matched on:

* a macro: its title (counted twice: titles are short and on topic) and body;
* a past reply: ``context``, the customer message it answered (a new message
  like an old one wants the same answer), counted twice, and its body (the
  answer's own words, such as 到账 for "when will my refund arrive", help too);
  the body alone when the context is empty.

Scores: each query term contributes ``idf * tf*(k1+1)/(tf + k1*norm)`` (plain
BM25, k1=1.2, b=0.75), and the sum is divided by ``(k1+1) * sum(idf)`` over
the message's terms, terms no candidate contains included (they get the idf of
a term seen nowhere). A score is thus the share of the message's information
a candidate covers, in [0, 1); a term matched once in a text of average length
gives about 0.45 of its share. The result is multiplied by the candidate's
``weight`` (usage counts, a team's own macros...). Ties keep input order.

Terms: stopwords (Chinese function words, greetings, English function words)
and tokens that look like identifiers (a digit and five or more characters:
order and tracking numbers) are dropped; ``{{ placeholder }}`` markers are
removed before tokenising.

Near-identical bodies (same text after removing spaces and punctuation, or
character-bigram Jaccard similarity >= 0.8) are suggested once: the best
scoring one is kept. This covers the same reply sent to many customers and a
past reply that copies a macro.

Placeholders are not filled here: the Django side renders the chosen
candidate's body with ``kefu.macros.render.render_placeholders``. This module
imports nothing from Django.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from kefu.assist.tokenize import tokenize_for_search

K1 = 1.2
B = 0.75
TITLE_REPEAT = 2
CONTEXT_REPEAT = 2
NEAR_DUPLICATE = 0.8
DEFAULT_MIN_SCORE = 0.05

_STOPWORD_TEXT = """
    的 了 吗 呢 吧 啊 呀 哦 嗯 么 嘛 着 过 地 得 之 与 及 或 而 并 把 被 让 给 对 从 向 在 于 以 为
    我 你 您 他 她 它 我们 你们 他们 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 这里 那里 这边 那边
    是 有 没 没有 不 也 都 就 还 又 才 很 太 挺 再 已 已经 会 能 可以 要 想 请 请问 一下 一个 一 个 些 点
    什么 怎么 怎么样 为什么 哪 哪里 哪个 多少 几 如何 是否 能否 和 跟 同 但 但是 可是 因为 所以 如果
    您好 你好 谢谢 麻烦 好的 好 嗨 哈 亲 客服 时候 什么时候 现在 一直 到底 还是 怎么办 一样
    a an the and or but if of to in on at for with from by as is are was were be been am do does did
    i me my we our you your he she it its they them this that these those there here what which who
    how why when where can could would should will shall may might must please thanks thank hi hello
    hey dear not no yes so just also very too get got have has had
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_PLACEHOLDER_RE = re.compile(r"\{\{.*?\}\}")
_IDENTIFIER_RE = re.compile(r"(?=.*\d).{5,}")
_NOT_WORD_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A macro or a past agent reply. ``context`` is, for a past reply, the
    customer message it answered."""

    id: str
    kind: Literal["macro", "reply"]
    title: str
    body: str
    weight: float = 1.0
    context: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    candidate: Candidate
    score: float
    matched_terms: tuple[str, ...]


def search_terms(text: str) -> list[str]:
    """The terms of ``text`` used for matching, in order (repeats kept)."""
    text = _PLACEHOLDER_RE.sub(" ", text)
    return [
        t
        for t in tokenize_for_search(text)
        if t not in STOPWORDS and not _IDENTIFIER_RE.fullmatch(t)
    ]


def _matched_text(candidate: Candidate) -> list[str]:
    if candidate.kind == "macro":
        return search_terms(candidate.title) * TITLE_REPEAT + search_terms(candidate.body)
    if not candidate.context:
        return search_terms(candidate.body)
    return search_terms(candidate.context) * CONTEXT_REPEAT + search_terms(candidate.body)


def _body_key(body: str) -> str:
    text = unicodedata.normalize("NFKC", _PLACEHOLDER_RE.sub("", body)).lower()
    return _NOT_WORD_RE.sub("", text)


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or frozenset((key,))


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    union = len(a | b)
    return union > 0 and len(a & b) / union >= NEAR_DUPLICATE


@dataclass(slots=True)
class SuggestionIndex:
    """An immutable BM25 index over candidates; build once, query many times."""

    candidates: tuple[Candidate, ...]
    _idf: dict[str, float] = field(repr=False)
    _postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    _terms: tuple[frozenset[str], ...] = field(repr=False)
    _keys: tuple[str, ...] = field(repr=False)
    _bigrams: tuple[frozenset[str], ...] = field(repr=False)
    _weights: np.ndarray = field(repr=False)
    _unseen_idf: float = field(repr=False)

    @classmethod
    def build(cls, candidates: Sequence[Candidate]) -> SuggestionIndex:
        docs = [Counter(_matched_text(c)) for c in candidates]
        n = len(docs)
        lengths = [sum(d.values()) for d in docs]
        avgdl = (sum(lengths) / n) if n and sum(lengths) else 1.0
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        idf = {t: math.log(1 + (n - k + 0.5) / (k + 0.5)) for t, k in df.items()}
        rows: dict[str, list[tuple[int, float]]] = {}
        for i, (d, dl) in enumerate(zip(docs, lengths, strict=True)):
            norm = 1 - B + B * dl / avgdl
            for t, tf in d.items():
                part = tf * (K1 + 1) / (tf + K1 * norm)
                rows.setdefault(t, []).append((i, idf[t] * part))
        postings = {
            t: (
                np.fromiter((i for i, _ in r), dtype=np.int32, count=len(r)),
                np.fromiter((w for _, w in r), dtype=np.float64, count=len(r)),
            )
            for t, r in rows.items()
        }
        keys = tuple(_body_key(c.body) for c in candidates)
        return cls(
            candidates=tuple(candidates),
            _idf=idf,
            _postings=postings,
            _terms=tuple(frozenset(d) for d in docs),
            _keys=keys,
            _bigrams=tuple(_bigrams(k) for k in keys),
            _weights=np.array([c.weight for c in candidates], dtype=np.float64),
            _unseen_idf=math.log(1 + (n + 0.5) / 0.5),
        )

    def __len__(self) -> int:
        return len(self.candidates)

    def suggest(
        self, message: str, *, limit: int = 5, min_score: float = DEFAULT_MIN_SCORE
    ) -> list[Suggestion]:
        """The best ``limit`` candidates for ``message`` scoring at least ``min_score``."""
        if not self.candidates or limit <= 0:
            return []
        query = list(dict.fromkeys(search_terms(message)))
        if not query:
            return []
        scores = np.zeros(len(self.candidates), dtype=np.float64)
        for term in query:
            posting = self._postings.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1]
        total = (K1 + 1) * sum(self._idf.get(t, self._unseen_idf) for t in query)
        scores *= self._weights / total
        hits = np.flatnonzero((scores >= min_score) & (scores > 0))
        # Highest score first; equal scores keep input order.
        order = hits[np.lexsort((hits, -scores[hits]))]
        out: list[Suggestion] = []
        kept: list[int] = []
        for i in order.tolist():
            if any(self._same_body(i, j) for j in kept):
                continue
            kept.append(i)
            terms = self._terms[i]
            out.append(
                Suggestion(
                    self.candidates[i],
                    float(scores[i]),
                    tuple(t for t in query if t in terms),
                )
            )
            if len(out) == limit:
                break
        return out

    def _same_body(self, i: int, j: int) -> bool:
        return self._keys[i] == self._keys[j] or _near_duplicate(self._bigrams[i], self._bigrams[j])
