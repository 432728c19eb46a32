"""The negative set (what must stay visible) and the scoring of kefu.assist.pii against
the gold spans of pii_corpus.py: strict (same kind and span) or lenient (same kind,
overlapping)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from faker import Faker

from kefu.assist.pii import find_pii
from kefu.assist.tests.pii_corpus import (
    _CITY_DISTRICTS,
    KINDS,
    Sample,
    Span,
    _digits,
    gen_amount,
    gen_date,
    gen_order,
    gen_time,
    gen_tracking,
    make_faker,
)

# --- the negative set ------------------------------------------------------------

NEGATIVE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "order_number": (
        "订单号{order}怎么还没发货",
        "我的订单{order}申请退款了",
        "【{order}】这单能改地址吗",
    ),
    "tracking_number": (
        "快递单号{tracking}，三天没更新了",
        "{tracking}这个件到哪了？",
        "运单{tracking}显示已签收",
    ),
    "date": ("我{date}下的单", "预约改到{date}可以吗", "{date}之前能到吗？"),
    "amount": ("多扣了我{amount}", "退款金额{amount}还没到账", "账单显示{amount}，不对吧"),
    "time": ("{date} {time}下的单", "约的是{time}，人呢", "营业时间到{time}吗"),
    "version": (
        "App更新到{version}以后一直闪退",
        "系统版本{version}，打不开",
        "你们{version}版本的bug什么时候修",
    ),
    "invoice": (
        "发票代码{invoice_code}，发票号码{invoice_no}，抬头开错了",
        "全电发票号码{einvoice}，请重开",
        "发票号{invoice_no}的那张作废一下",
    ),
    "ip_address": ("登录IP显示{ip}，不是我", "服务器{ip}连不上了", "白名单请加{ip}"),
    "coupon_code": ("优惠码{coupon}用不了", "兑换码{coupon}提示已失效", "券码{coupon}是什么意思"),
    "hotline": (
        "打了{hotline}没人接",
        "你们客服电话是{hotline}吗",
        "短信里的号码{hotline}是官方的吗",
    ),
    "postcode_and_place": (
        "邮编{postcode}对吗",
        "我在{city}出差，能寄到酒店吗",
        "从{city}{district}寄到{city2}要几天",
    ),
    "ticket_and_misc": (
        "工单{ticket}还没处理",
        "航班{flight}延误了",
        "房间{room}的空调坏了",
        "工号{staff}的客服态度很好",
    ),
    "name_only": ("我是{name}，找一下之前的客服", "{name}在吗？", "请转告{name}回个电话"),
}


def _version(rng: random.Random) -> str:
    return rng.choice(
        (
            f"v{rng.randint(1, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 9999)}",
            f"iOS {rng.randint(15, 19)}.{rng.randint(0, 6)}.{rng.randint(0, 3)}",
            f"Android {rng.randint(10, 15)}",
            f"{rng.randint(1, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 99)}.{rng.randint(1000, 99999)}",
        )
    )


def _invoice_code(rng: random.Random) -> str:
    # 12 digits: a leading 0/1, a 4-digit region code (Beijing, Shanghai,
    # Guangdong, Shenzhen, Xiamen, Qingdao, Hangzhou, Chengdu), the year, a batch.
    region = rng.choice(("1100", "3100", "4400", "4403", "3502", "3702", "3301", "5101"))
    return f"{rng.choice('01')}{region}{rng.randint(20, 26)}{_digits(rng, 5)}"


def _negative_slots(rng: random.Random, fake: Faker) -> dict[str, str]:
    city, districts = rng.choice(_CITY_DISTRICTS)
    return {
        "order": gen_order(rng),
        "tracking": gen_tracking(rng),
        "date": gen_date(rng),
        "amount": gen_amount(rng),
        "time": gen_time(rng),
        "version": _version(rng),
        "invoice_code": _invoice_code(rng),
        "invoice_no": _digits(rng, 8),
        "einvoice": f"{rng.randint(24, 26)}{rng.randint(11, 65)}2000000{_digits(rng, 9)}",
        "ip": ".".join(str(rng.randint(1, 254)) for _ in range(4)),
        "coupon": rng.choice(("KF", "VIP", "NEW", "SAVE"))
        + _digits(rng, 4)
        + rng.choice(("", "OFF", "A")),
        "hotline": rng.choice(
            (
                f"400-{_digits(rng, 3)}-{_digits(rng, 4)}",
                f"400{_digits(rng, 7)}",
                "95588",
                "95555",
                "10086",
                "12315",
            )
        ),
        "postcode": f"{rng.randint(10, 85)}{_digits(rng, 4)}",
        "city": city,
        "district": rng.choice(districts),
        "city2": rng.choice(_CITY_DISTRICTS)[0],
        "ticket": rng.choice(
            (
                f"#{rng.randint(1000, 99999)}",
                f"T-{gen_date(rng).replace('-', '')}-{_digits(rng, 4)}",
            )
        ),
        "flight": rng.choice(("CA", "MU", "CZ", "HU")) + str(rng.randint(1000, 9999)),
        "room": str(rng.randint(201, 3899)),
        "staff": _digits(rng, 5),
        "name": str(fake.name()),
    }


def generate_negative(per_template: int, seed: int) -> list[tuple[str, str]]:
    """``(category, message)`` pairs that hold no personal information."""
    rng, fake = random.Random(seed), make_faker(seed)
    out: list[tuple[str, str]] = []
    for category, templates in NEGATIVE_TEMPLATES.items():
        for template in templates:
            for _ in range(per_template):
                out.append((category, template.format(**_negative_slots(rng, fake))))
    return out



# --- scoring -----------------------------------------------------------------


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(samples: Iterable[Sample], *, strict: bool = True) -> dict[str, Counts]:
    """Per-kind counts; a wrong kind on a gold span is a FP and a FN."""
    counts = {kind: Counts() for kind in KINDS}
    for sample in samples:
        gold = list(sample.spans)
        matched: set[int] = set()
        for m in find_pii(sample.text):
            pred = Span(m.kind.value, m.start, m.end)
            hit = next(
                (
                    i
                    for i, g in enumerate(gold)
                    if i not in matched
                    and g.kind == pred.kind
                    and (g == pred if strict else g.start < pred.end and pred.start < g.end)
                ),
                None,
            )
            if hit is None:
                counts[pred.kind].fp += 1
            else:
                matched.add(hit)
                counts[pred.kind].tp += 1
        for i, g in enumerate(gold):
            if i not in matched:
                counts[g.kind].fn += 1
    return counts


def misses(samples: Iterable[Sample], kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The gold values of ``kind`` not found exactly, with what was found instead."""
    out = []
    for sample in samples:
        found = {(m.kind.value, m.start, m.end) for m in find_pii(sample.text)}
        for g in sample.spans:
            if g.kind == kind and (g.kind, g.start, g.end) not in found:
                got = [
                    (m.kind.value, m.value)
                    for m in find_pii(sample.text)
                    if m.start < g.end and g.start < m.end
                ]
                out.append((sample.text[g.start : g.end], got))
    return out


def negative_hits(negatives: Iterable[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """``(category, kind, value, message)`` for every span found in the negative set."""
    return [(cat, m.kind.value, m.value, text) for cat, text in negatives for m in find_pii(text)]


