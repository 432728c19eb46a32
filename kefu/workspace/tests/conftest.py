"""Workspace fixtures: a queue of tickets spread over both teams, and web clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.customers.services import customer_create
from kefu.tickets.services import ticket_update

PASSWORD = "kefu-test-pass-42"


@dataclass
class Queue:
    t1: object  # team A, assigned agent_a, new
    t2: object  # team A, unassigned, new
    t3: object  # team B, unassigned, new
    t4: object  # no team, assigned agent_b, new
    t5: object  # team A, assigned agent_a2, pending
    t6: object  # team A, VIP (gold) requester, unassigned, open
    t7: object  # team B, assigned agent_b, solved
    t8: object  # no team, unassigned, new (admins only)

    @property
    def all(self):
        return [self.t1, self.t2, self.t3, self.t4, self.t5, self.t6, self.t7, self.t8]


@pytest.fixture
def queue(cast, make_ticket) -> Queue:
    vip = customer_create(name="王五", tier="gold")
    t1 = make_ticket(subject="T1 退货申请", team=cast.team_a, assignee=cast.agent_a)
    t2 = make_ticket(subject="T2 发票问题", team=cast.team_a)
    t3 = make_ticket(subject="T3 售前咨询价格", team=cast.team_b)
    t4 = make_ticket(subject="T4 无团队指派给陈", assignee=cast.agent_b)
    t5 = make_ticket(subject="T5 等待客户", team=cast.team_a, assignee=cast.agent_a2)
    ticket_update(actor=SYSTEM, ticket=t5, changes={"status": "pending"})
    t6 = make_ticket(subject="T6 黄金会员投诉", team=cast.team_a, requester=vip)
    ticket_update(actor=SYSTEM, ticket=t6, changes={"status": "open"})
    t7 = make_ticket(subject="T7 已解决", team=cast.team_b, assignee=cast.agent_b)
    ticket_update(actor=SYSTEM, ticket=t7, changes={"status": "solved"})
    t8 = make_ticket(subject="T8 无人认领")
    return Queue(t1, t2, t3, t4, t5, t6, t7, t8)

