"""Reply suggestions for the ticket page: canned replies and past agent replies ranked for
the customer's last message (issue 6, capability 7). Reads only; the ranking is
kefu.assist.suggest's BM25.

The candidates an actor may use depend only on the actor's scope key (admin, or the
set of teams): the active macros of those teams plus the global ones, and the public
agent replies on the teams' solved and closed tickets (an admin: every ticket). So one
index serves every agent with the same teams, built at most once a minute per process.

Building the index costs two queries (macros; the newest ``REPLY_LIMIT`` replies, each
with the customer message it answered through a correlated subquery on the
(ticket, created_at) index) and tokenising every candidate; a suggestion then costs
one BM25 lookup plus one query for the chosen macros (scope re-checked, placeholders
filled with ``macro_render``).

A past reply was written to another customer, so it is indexed as a template
(``as_template``): that customer's name (also as 邓女士/王先生) becomes
``{{ customer.name }}``, the author's name ``{{ agent.name }}``, personal data and order
or tracking numbers become "……" for the agent to fill in. The placeholders are then
filled for the ticket at hand like a macro's; and the same answer sent to many customers
is one suggestion, not five.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from kefu.accounts.actor import Actor
from kefu.assist.pii import find_pii
from kefu.assist.suggest import Candidate, SuggestionIndex
from kefu.core.proccache import ProcessCached
from kefu.macros.models import Macro
from kefu.macros.render import render_placeholders
from kefu.macros.selectors import macro_scope
from kefu.macros.services import macro_render, placeholder_values
from kefu.tickets.choices import AuthorKind, Status, Visibility
from kefu.tickets.models import Message, Ticket
from kefu.tickets.selectors import ticket_scope

REPLY_LIMIT = 2_000  # the newest past replies indexed
CACHE_SECONDS = 60.0
SUGGESTION_LIMIT = 5
CONTEXT_CHARS = 500
USAGE_BONUS = 0.03  # per e-fold of a macro's usage count
MAX_USAGE_BONUS = 0.2

BLANK = "……"  # where a past reply had another customer's data
ScopeKey = tuple[bool, tuple[int, ...]]
_NUMBER_RE = re.compile(r"[A-Za-z]{0,4}\d[\dA-Za-z]{7,}")  # order, tracking, case numbers
_HONORIFIC = "(?:先生|女士|小姐|老师|同学|总)"
_CJK_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")


@dataclass(frozen=True)
class PastReply:
    message_id: int
    ticket_id: int
    ticket_number: int | None


@dataclass(frozen=True)
class Suggestions:
    """A built index and, per past-reply candidate id, where the reply was sent."""

    index: SuggestionIndex
    replies: dict[str, PastReply]


@dataclass(frozen=True)
class ReplySuggestion:
    """One suggestion as the reply box shows it: ``text`` goes into the box as is."""

    kind: str  # "macro" | "reply"
    title: str
    text: str
    score: float
    matched: tuple[str, ...]
    macro: Macro | None = None
    ticket_number: int | None = None


def scope_key(actor: Actor) -> ScopeKey:
    return actor.is_admin, tuple(sorted(actor.team_ids))


def _macro_weight(usage_count: int) -> float:
    return 1.0 + min(MAX_USAGE_BONUS, USAGE_BONUS * math.log1p(usage_count))


def _macro_candidates(actor: Actor) -> list[Candidate]:
    rows = macro_scope(actor=actor).order_by("-usage_count", "title", "pk").values_list(
        "pk", "title", "body", "usage_count")
    return [Candidate(id=f"macro:{pk}", kind="macro", title=title, body=body,
                      weight=_macro_weight(used)) for pk, title, body, used in rows]


def as_template(text: str, *, customer_name: str = "", agent_name: str = "") -> str:
    """A past reply made reusable: see the module docstring."""
    found = find_pii(text)
    for match in reversed(found):
        text = text[:match.start] + BLANK + text[match.end:]
    text = _NUMBER_RE.sub(BLANK, text)
    for name, placeholder in ((customer_name, "{{ customer.name }}"), (agent_name, "{{ agent.name }}")):
        name = name.strip()
        if len(name) < 2:
            continue
        text = text.replace(name, placeholder)
        if _CJK_NAME_RE.fullmatch(name):  # 邓丽华 -> 邓女士, 邓经理
            text = re.sub(re.escape(name[0]) + _HONORIFIC, placeholder, text)
    return text


def _solved_tickets(actor: Actor):
    tickets = ticket_scope(actor=actor).filter(status__in=(Status.SOLVED, Status.CLOSED))
    if not actor.is_admin:  # not the tickets merely assigned to this agent: the key is the teams
        tickets = tickets.filter(team_id__in=actor.team_ids)
    return tickets


def _reply_candidates(actor: Actor) -> tuple[list[Candidate], dict[str, PastReply]]:
    answered = (Message.objects.filter(ticket_id=OuterRef("ticket_id"),
                                       author_kind=AuthorKind.CUSTOMER,
                                       created_at__lte=OuterRef("created_at"))
                .order_by("-created_at", "-id").values("body_text")[:1])
    rows = (Message.objects.filter(ticket__in=_solved_tickets(actor).values("pk"),
                                   author_kind=AuthorKind.AGENT, visibility=Visibility.PUBLIC)
            .annotate(context=Subquery(answered))
            .order_by("-created_at", "-id")
            .values_list("pk", "ticket_id", "ticket__number", "body_text", "context",
                         "ticket__requester__name", "author_user__agent_profile__display_name")
            [:REPLY_LIMIT])
    candidates, replies = [], {}
    for pk, ticket_id, number, body, context, customer, author in rows:
        key = f"reply:{pk}"
        text = as_template(body, customer_name=customer or "", agent_name=author or "")
        candidates.append(Candidate(id=key, kind="reply", title="", body=text,
                                    context=(context or "")[:CONTEXT_CHARS]))
        replies[key] = PastReply(message_id=pk, ticket_id=ticket_id, ticket_number=number)
    return candidates, replies


def build_suggestions(actor: Actor) -> Suggestions:
    """The index of everything the actor's scope key may use (uncached)."""
    replies, where = _reply_candidates(actor)
    return Suggestions(index=SuggestionIndex.build(_macro_candidates(actor) + replies),
                       replies=where)


_indexes: dict[ScopeKey, ProcessCached[Suggestions]] = {}
_lock = threading.Lock()


def suggestion_index(*, actor: Actor) -> Suggestions:
    """This process's index for the actor's scope key, rebuilt after ``CACHE_SECONDS``.

    The loader keeps the first actor of a key; every actor with that key has the same
    candidates (see ``_solved_tickets`` and ``macro_scope``), so that is harmless.
    """
    key = scope_key(actor)
    with _lock:
        cached = _indexes.get(key)
        if cached is None:
            cached = _indexes[key] = ProcessCached(lambda: build_suggestions(actor),
                                                   ttl=CACHE_SECONDS)
    return cached.get()


def customer_last_message(ticket: Ticket) -> str:
    """The text the suggestions answer: the customer's last public message (with the
    subject while it is the first one)."""
    rows = list(Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER,
                                       visibility=Visibility.PUBLIC)
                .order_by("-created_at", "-id").values_list("body_text", flat=True)[:2])
    if not rows:
        return ticket.subject
    return f"{ticket.subject}\n{rows[0]}" if len(rows) == 1 else rows[0]


def reply_suggestions(*, actor: Actor, ticket: Ticket, agent_name: str | None = None,
                      limit: int = SUGGESTION_LIMIT) -> list[ReplySuggestion]:
    """The best macros and past replies for ``ticket``'s last customer message, best first."""
    built = suggestion_index(actor=actor)
    message = customer_last_message(ticket)
    # Ask for a few more: the ticket's own replies and macros gone since the build drop out.
    found = built.index.suggest(message, limit=limit + 5)
    macro_ids = [int(s.candidate.id.split(":")[1]) for s in found if s.candidate.kind == "macro"]
    macros = {m.pk: m for m in macro_scope(actor=actor).filter(pk__in=macro_ids)}
    values = placeholder_values(ticket=ticket, actor=actor, agent_name=agent_name)
    out: list[ReplySuggestion] = []
    for s in found:
        if s.candidate.kind == "macro":
            macro = macros.get(int(s.candidate.id.split(":")[1]))
            if macro is None:
                continue
            out.append(ReplySuggestion(
                kind="macro", title=macro.title, score=s.score, matched=s.matched_terms,
                text=macro_render(macro, ticket, actor, agent_name=agent_name), macro=macro))
        else:
            past = built.replies[s.candidate.id]
            if past.ticket_id == ticket.pk:
                continue
            out.append(ReplySuggestion(
                kind="reply", title="", text=render_placeholders(s.candidate.body, values),
                score=s.score,
                matched=s.matched_terms, ticket_number=past.ticket_number))
        if len(out) == limit:
            break
    return out
