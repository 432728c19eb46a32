"""Load the demo organisation: teams, agents, customers and two months of tickets.

Everything is written through the services, so the demo data carries the same
events and timestamps as real work. Tickets and messages are backdated with
``created_at``; status changes ride on ``message_post(status=...)`` because
that is the service that takes a timestamp. The content is deterministic from
the seed; the dates are relative to ``now``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kefu.accounts.actor import SYSTEM, Actor, actor_for
from kefu.accounts.choices import Availability, Role
from kefu.accounts.models import Team
from kefu.accounts.services import agent_create, team_create
from kefu.core.models import Tag
from kefu.customers.choices import Gender, Tier
from kefu.customers.models import Customer, Organisation
from kefu.customers.services import IdentitySet, customer_create, organisation_create
from kefu.demo import data
from kefu.intel.choices import CategorySource
from kefu.intel.models import Category, DomainWord, TicketInsight
from kefu.macros.services import macro_create
from kefu.mailin.services import mailbox_set_team
from kefu.mailout.services import outbound_suppressed
from kefu.routing.services import team_routing_set
from kefu.sla.escalation import escalation_suppressed
from kefu.sla.services import sla_sweep
from kefu.tickets.choices import Channel, Priority, Status, Visibility
from kefu.tickets.models import Ticket
from kefu.tickets.services import message_post, ticket_create

DEMO_TAG = "演示数据"
DEFAULT_SEED = 20261125
TICKET_COUNT = 200
WINDOW = dt.timedelta(days=60)
LOCAL = ZoneInfo("Asia/Shanghai")

TIER_COUNTS = {Tier.PLATINUM: 4, Tier.GOLD: 8, Tier.SILVER: 10, Tier.STANDARD: 14}
# 80/20: the few top-tier customers write more often.
TIER_WEIGHT = {Tier.PLATINUM: 5, Tier.GOLD: 3, Tier.SILVER: 2, Tier.STANDARD: 1}
STATUS_COUNTS = {Status.NEW: 20, Status.OPEN: 40, Status.PENDING: 30, Status.ON_HOLD: 15,
                 Status.SOLVED: 35, Status.CLOSED: 60}
CHANNEL_COUNTS = {Channel.EMAIL: 50, Channel.CHAT: 55, Channel.WEB: 30, Channel.PHONE: 30,
                  Channel.SOCIAL: 15, Channel.API: 20}
PRIORITY_COUNTS = {Priority.LOW: 30, Priority.NORMAL: 100, Priority.HIGH: 50, Priority.URGENT: 20}
# Seconds between the last activity and now, per final status.
LAST_ACTIVITY_GAP: dict[str, tuple[int, int]] = {
    Status.NEW: (300, 2 * 86400), Status.OPEN: (600, 5 * 86400),
    Status.PENDING: (3600, 6 * 86400), Status.ON_HOLD: (3600, 10 * 86400),
    Status.SOLVED: (3600, 3 * 86400), Status.CLOSED: (0, 45 * 86400),
}
# Traffic peaks around 09-11 and 17-20 (local time).
HOUR_WEIGHTS = [1, 1, 0, 0, 0, 0, 1, 2, 4, 8, 9, 8, 5, 4, 5, 5, 6, 8, 9, 8, 6, 4, 3, 2]
MINUTE, HOUR, DAY = 60, 3600, 86400


def demo_loaded() -> bool:
    return (
        Tag.objects.filter(name=DEMO_TAG).exists()
        or Team.objects.filter(name__in=[name for name, _skills in data.TEAMS]).exists()
    )


def demo_load(*, seed: int = DEFAULT_SEED, now: dt.datetime | None = None) -> bool:
    """Create the demo data; False (and nothing written) when it is already loaded.

    The history's SLA breaches are recorded but not escalated (nobody is notified of a
    60-day-old breach) and its replies are not mailed to the demo customers; one sweep
    marks the clocks already past due the same way:
    escalations start with what falls due while the demo runs.
    """
    with escalation_suppressed(), outbound_suppressed():
        with transaction.atomic():
            loaded = _load(seed=seed, now=now)
        if loaded:
            sla_sweep(now=now)
    return loaded


def _load(*, seed: int, now: dt.datetime | None) -> bool:
    if demo_loaded():
        return False
    rng = random.Random(seed)
    now = now or timezone.now()
    agents, teams = _staff()
    organisations = [_organisation(name, domain, tier, notes)
                     for name, domain, tier, notes in data.ORGANISATIONS]
    customers = _customers(rng, organisations)
    _tickets(rng, now, customers, agents, teams)
    for title, body, team in data.MACROS:
        macro_create(actor=SYSTEM, title=title, body=body,
                     team_id=teams[team].pk if team else None)
    # Routing starts once the history is committed and its bus events have run (on-commit
    # callbacks run in order): the demo's queues stay as loaded, new tickets of these
    # teams go to online agents.
    # The demo mailbox (created by kefu.mailin's migration) opens its tickets in after-sales.
    mailbox_set_team(address=data.MAILBOX, team_id=teams[data.MAILBOX_TEAM].pk)
    _categories(teams)
    routing = {teams[team].pk: strategy for team, strategy in data.ROUTING.items()}
    transaction.on_commit(lambda: [team_routing_set(team_id=team_id, strategy=strategy)
                                   for team_id, strategy in routing.items()])
    return True


# --- categories (kefu.intel) -------------------------------------------------

def _categories(teams: dict[str, Team]) -> None:
    """The demo's categories and domain words; its history labelled by topic, as if by agents."""
    for position, (name, description, keywords, team) in enumerate(data.CATEGORIES, start=1):
        category = Category.objects.create(name=name, description=description, keywords=keywords,
                                           team=teams[team], tags=[name], position=position)
        TicketInsight.objects.bulk_create(
            [TicketInsight(ticket_id=pk, category=category, category_source=CategorySource.MANUAL)
             for pk in Ticket.objects.filter(tags__name=name).values_list("pk", flat=True)],
            ignore_conflicts=True)
    DomainWord.objects.bulk_create([DomainWord(word=w) for w in data.DOMAIN_WORDS])


# --- staff -----------------------------------------------------------------

def _staff() -> tuple[dict[str, object], dict[str, Team]]:
    agents = {}
    for username, display, local, _team, is_lead, skills, capacity, availability in data.AGENTS:
        agents[username] = agent_create(
            username=username, email=f"{local}@{data.AGENT_EMAIL_DOMAIN}", display_name=display,
            role=Role.LEAD if is_lead else Role.AGENT, capacity=capacity,
            availability=Availability(availability), skills=skills,
        )
    teams = {}
    for name, skills in data.TEAMS:
        rows = [row for row in data.AGENTS if row[3] == name]
        lead = next(agents[row[0]] for row in rows if row[4])
        members = [agents[row[0]] for row in rows]
        teams[name] = team_create(name=name, lead=lead, members=members, skills=skills)
    return agents, teams


# --- customers -------------------------------------------------------------

def _organisation(name: str, domain: str, tier: str, notes: str) -> Organisation:
    return organisation_create(name=name, domains=[domain], tier=tier, notes=notes)


@dataclass
class DemoCustomer:
    customer: Customer
    surname: str
    gender: str
    email: str | None
    phone: str | None
    organisation: Organisation | None

    @property
    def title(self) -> str:
        return self.surname + ("女士" if self.gender == Gender.FEMALE else "先生")


def _mobile(rng: random.Random) -> str:
    return rng.choice(data.MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def _customers(rng: random.Random, organisations: list[Organisation]) -> list[DemoCustomer]:
    tiers = [tier for tier, count in TIER_COUNTS.items() for _ in range(count)]
    rng.shuffle(tiers)
    seen_names: set[str] = set()
    seen_emails: set[str] = set()
    seen_phones: set[str] = set()
    result = []
    for index, tier in enumerate(tiers):
        gender = rng.choice([Gender.FEMALE, Gender.MALE])
        while True:
            surname, surname_py = rng.choice(data.SURNAMES)
            given, given_py = rng.choice(
                data.GIVEN_FEMALE if gender == Gender.FEMALE else data.GIVEN_MALE
            )
            if surname + given not in seen_names:
                seen_names.add(surname + given)
                break
        organisation = organisations[index % len(organisations)] if rng.random() < 0.25 else None
        domain = organisation.domains[0] if organisation else rng.choice(data.EMAIL_DOMAINS)
        local = rng.choice([f"{given_py}.{surname_py}", f"{surname_py}{given_py}",
                            f"{surname_py}.{given_py}{rng.randint(1, 99)}"])
        email = f"{local}@{domain}"
        while email in seen_emails:
            email = f"{local}{rng.randint(100, 999)}@{domain}"
        seen_emails.add(email)
        phone = None
        if rng.random() < 0.85:
            phone = _mobile(rng)
            while phone in seen_phones:
                phone = _mobile(rng)
            seen_phones.add(phone)
        wechat = [f"wx_{surname_py}{given_py}{rng.randint(10, 99)}"] if rng.random() < 0.4 else []
        preferences: dict[str, object] = {
            "contact_channel": rng.choice(data.CONTACT_CHANNELS),
            "contact_time": rng.choice(data.CONTACT_TIMES),
            "interests": rng.sample(data.INTERESTS, k=rng.randint(1, 3)),
        }
        if tier == Tier.PLATINUM:
            preferences["dedicated_agent"] = "孙慧敏"
        consent_data = rng.random() < 0.92
        customer = customer_create(
            name=surname + given,
            identities=IdentitySet(emails=[email], phones=[phone] if phone else [],
                                   wechat_ids=wechat),
            organisation_id=organisation.pk if organisation else None,
            tags=[DEMO_TAG, *data.CUSTOMER_TAGS[tier],
                  *(["VIP"] if tier in (Tier.PLATINUM, Tier.GOLD) else [])],
            actor=SYSTEM,
            tier=tier,
            gender=gender,
            birthday=dt.date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            city=rng.choice(data.CITIES),
            occupation=rng.choice(data.OCCUPATIONS),
            notes=rng.choice(data.CUSTOMER_NOTES[tier]),
            preferences=preferences,
            consent_data_processing=consent_data,
            consent_marketing=consent_data and rng.random() < 0.5,
        )
        result.append(DemoCustomer(customer, surname, gender, email, phone, organisation))
    return result


# --- tickets ---------------------------------------------------------------

@dataclass
class Step:
    """One thing that happens to a ticket, ``delay`` seconds after the previous one."""

    delay: float
    kind: str  # customer | reply | note | close
    text: str
    status: str | None = None


@dataclass
class Plan:
    subject: str
    opening: str
    steps: list[Step] = field(default_factory=list)

    def add(self, delay: float, kind: str, text: str, status: str | None = None) -> None:
        self.steps.append(Step(delay, kind, text, status))

    @property
    def duration(self) -> float:
        return sum(step.delay for step in self.steps)


def _spread(counts: dict, rng: random.Random) -> list:
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def _delays(rng: random.Random, channel: str, tier: str):
    """Seconds to the first response, to a customer's answer, to a resolution."""
    fast = 0.5 if tier == Tier.PLATINUM else 1.0
    if channel == Channel.CHAT:
        first, answer, solve = (30, 240), (60, 600), (300, 1800)
    elif channel == Channel.PHONE:
        first, answer, solve = (60, 600), (2 * HOUR, 20 * HOUR), (HOUR, 24 * HOUR)
    elif channel == Channel.SOCIAL:
        first, answer, solve = (20 * MINUTE, 2 * HOUR), (HOUR, 12 * HOUR), (2 * HOUR, 30 * HOUR)
    else:
        first, answer, solve = (30 * MINUTE, 4 * HOUR), (HOUR, 24 * HOUR), (2 * HOUR, 40 * HOUR)
    return (
        lambda: rng.uniform(*first) * fast,
        lambda: rng.uniform(*answer),
        lambda: rng.uniform(*solve) * fast,
    )


def _plan(rng: random.Random, status: str, topic: data.Topic, channel: str, tier: str) -> Plan:
    """The conversation that leaves a ticket in ``status``, walking the state machine."""
    first, answer, solve = _delays(rng, channel, tier)
    subject, opening, solution = rng.choice(topic.cases)
    plan = Plan(subject=subject, opening=opening)
    if status == Status.NEW:
        if rng.random() < 0.3:
            plan.add(answer(), "customer", rng.choice(data.CHASERS))
        return plan
    plan.add(first(), "reply", rng.choice(topic.replies))  # first response: new -> open
    if rng.random() < 0.35:
        plan.add(rng.uniform(60, 1800), "note", rng.choice(topic.notes))
    ask, customer_answer = rng.choice(topic.asks)
    if status == Status.PENDING:
        if rng.random() < 0.4:
            plan.add(answer(), "customer", rng.choice(data.CHASERS))
        plan.add(solve(), "reply", ask, Status.PENDING)
        return plan
    asked = rng.random() < 0.5
    if asked:
        plan.add(rng.uniform(60, 3600), "reply", ask, Status.PENDING)
        plan.add(answer(), "customer", customer_answer)  # the answer reopens: pending -> open
    if status == Status.ON_HOLD:
        plan.add(rng.uniform(300, 4 * HOUR), "note", rng.choice(topic.holds), Status.ON_HOLD)
        return plan
    if status == Status.OPEN:
        if not asked and rng.random() < 0.4:
            plan.add(answer(), "customer", rng.choice(data.CHASERS))
        return plan
    # solved or closed
    if rng.random() < 0.25:
        plan.add(rng.uniform(60, 3600), "note", rng.choice(topic.notes))
    if rng.random() < 0.5:
        plan.add(solve(), "reply", solution)
        plan.add(answer(), "customer", rng.choice(data.THANKS))
        plan.add(rng.uniform(60, 1800), "reply", data.CLOSING_REPLY, Status.SOLVED)
    else:
        plan.add(solve(), "reply", solution, Status.SOLVED)
        if rng.random() < 0.12:  # the fix did not hold: the customer reopens it
            plan.add(rng.uniform(HOUR, 2 * DAY), "customer", rng.choice(data.REOPENS))
            plan.add(solve(), "reply", data.RESOLVE_AGAIN, Status.SOLVED)
    if status == Status.CLOSED:
        days = rng.randint(3, 7)
        plan.add(days * DAY + rng.uniform(0, HOUR), "close",
                 data.CLOSE_NOTE.replace("{days}", str(days)), Status.CLOSED)
    return plan


def _created_at(rng: random.Random, now: dt.datetime, status: str, duration: float) -> dt.datetime:
    """A start time at a busy local hour, with the whole conversation inside the window."""
    gap = rng.uniform(*LAST_ACTIVITY_GAP[status])
    start = (now - dt.timedelta(seconds=gap + duration)).astimezone(LOCAL)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    start = start.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    latest = now - dt.timedelta(seconds=duration + 60)
    while start > latest:
        start -= dt.timedelta(days=1)
    earliest = now - WINDOW + dt.timedelta(hours=1)
    while start < earliest:
        start += dt.timedelta(days=1)
    if start > latest:  # a day's shift overshot: keep the conversation, drop the busy hour
        start = latest - dt.timedelta(seconds=rng.uniform(0, 3600))
    return start.astimezone(dt.UTC)


def _context(rng: random.Random, who: DemoCustomer, agent_name: str, created: dt.datetime) -> dict:
    product, price = rng.choice(data.PRODUCTS)
    courier, courier_code = rng.choice(data.COURIERS)
    ordered = (created - dt.timedelta(days=rng.randint(2, 20))).astimezone(LOCAL)
    invoice_title = (who.organisation.name if who.organisation
                     else rng.choice([o[0] for o in data.ORGANISATIONS]))
    return {
        "title": who.title, "agent": agent_name, "product": product,
        "amount": rng.choice([price, price // 2, max(price // 10, 20)]),
        "diff": max(price // 100 * 10, 10),
        "order": f"{ordered:%Y%m%d}{rng.randint(100000, 999999)}",
        "courier": courier, "tracking": f"{courier_code}{rng.randint(10**11, 10**12 - 1)}",
        "days": rng.randint(2, 7), "points": rng.choice([200, 300, 500, 1000]),
        "invoice_title": invoice_title, "city": who.customer.city,
    }


def _channel_meta(rng: random.Random, channel: str, number: int, who: DemoCustomer) -> dict:
    if channel == Channel.EMAIL:
        return {"message_id": f"<demo-{number:04d}@mail.example.com>", "from": who.email or ""}
    if channel == Channel.CHAT:
        return {"session_id": f"chat-{number:05d}"}
    if channel == Channel.SOCIAL:
        return {"platform": rng.choice(data.SOCIAL_PLATFORMS)}
    if channel == Channel.PHONE:
        return {"caller": who.phone or "", "duration_seconds": rng.randint(60, 900)}
    if channel == Channel.WEB:
        return {"page": rng.choice(data.WEB_PAGES)}
    return {"source": "crm"}


def _pick_topic(rng: random.Random, ticket_type_needed: str | None) -> data.Topic:
    if ticket_type_needed:
        return rng.choice([t for t in data.TOPICS if ticket_type_needed in t.types])
    return rng.choice(data.TOPICS)


def _tickets(rng, now, customers: list[DemoCustomer], agents: dict, teams: dict[str, Team]) -> None:
    statuses = _spread(STATUS_COUNTS, rng)
    channels = _spread(CHANNEL_COUNTS, rng)
    priorities = _spread(PRIORITY_COUNTS, rng)
    weights = [TIER_WEIGHT[Tier(c.customer.tier)] for c in customers]
    members = {name: list(team.members.select_related("agent_profile").order_by("username")) for name, team in teams.items()}
    all_types = sorted({t for topic in data.TOPICS for t in topic.types})
    for number in range(TICKET_COUNT):
        who = rng.choices(customers, weights=weights)[0]
        tier = who.customer.tier
        # The first tickets walk through every type, so each appears at least once.
        needed = all_types[number] if number < len(all_types) else None
        topic = _pick_topic(rng, needed)
        ticket_type = needed or rng.choice(topic.types)
        status, channel, priority = statuses[number], channels[number], priorities[number]
        if topic.tag == "投诉" and priority == Priority.LOW:
            priority = Priority.NORMAL
        team_name = topic.team
        if tier == Tier.PLATINUM or (tier == Tier.GOLD and rng.random() < 0.5):
            team_name = "VIP 专席"  # top tiers get the dedicated desk
        team: Team | None = teams[team_name]
        assignee = rng.choice(members[team_name])
        if status == Status.NEW:
            roll = rng.random()
            if roll < 0.5:
                assignee = None
            elif roll < 0.75:
                team, assignee = None, None
        plan = _plan(rng, status, topic, channel, tier)
        created = _created_at(rng, now, status, plan.duration)
        agent_name = assignee.agent_profile.display_name if assignee else "客服"
        context = _context(rng, who, agent_name, created)
        tags = [topic.tag]
        if tier in (Tier.PLATINUM, Tier.GOLD):
            tags.append("VIP")
        if priority == Priority.URGENT:
            tags.append("加急")
        agent_actor = actor_for(assignee) if assignee else None
        body = plan.opening.format(**context)
        intake = SYSTEM
        if channel == Channel.PHONE and agent_actor is not None:
            body, intake = data.PHONE_PREFIX + body, agent_actor  # the agent logs the call
        ticket, _created = ticket_create(
            actor=intake, subject=plan.subject.format(**context), body=body,
            requester=who.customer, channel=channel, priority=priority, type=ticket_type,
            tags=tags, team_id=team.pk if team else None,
            assignee_id=assignee.pk if assignee else None,
            external_id=f"crm-demo-{number + 1:04d}" if channel == Channel.API else None,
            channel_meta=_channel_meta(rng, channel, number + 1, who), created_at=created,
        )
        _play(ticket, plan, created, context, agent_actor)


def _play(ticket, plan: Plan, at: dt.datetime, context: dict, agent: Actor | None) -> None:
    for step in plan.steps:
        at += dt.timedelta(seconds=step.delay)
        text = step.text.format(**context)
        if step.kind == "customer":
            message_post(actor=SYSTEM, ticket=ticket, body=text, created_at=at)
        elif step.kind == "close":
            message_post(actor=SYSTEM, ticket=ticket, body=text, visibility=Visibility.INTERNAL,
                         status=step.status, created_at=at)
        else:
            assert agent is not None, "agent steps need an assignee"
            visibility = Visibility.PUBLIC if step.kind == "reply" else Visibility.INTERNAL
            message_post(actor=agent, ticket=ticket, body=text, visibility=visibility,
                         status=step.status, created_at=at)
