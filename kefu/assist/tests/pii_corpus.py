"""Generated zh_CN messages with personal data, for evaluating kefu.assist.pii (issue 6).

Faker's zh_CN provider (fixed seed) supplies names, mobile numbers, ID numbers,
card numbers, e-mails and addresses; this module adds what Faker lacks
(landlines with real area codes, UnionPay 62... debit and credit cards,
addresses with house numbers and rooms, QQ and 163 mail) and puts the values
into customer messages together with order numbers, dates and amounts. Every
inserted value is a gold span; a prediction counts when kind, start and end
are exactly those of a gold span ("strict"), or when it has the right kind and
overlaps one ("lenient").

A negative set holds what customers write that must stay visible: order,
tracking and invoice numbers, dates, amounts, times, versions, IPs, coupon
codes, service hotlines, postcodes and places without a street address.

The negative set and the scoring are in pii_scoring.py; test_pii_eval.py and
bench/assist_pii_eval.py use both. Faker is a dev dependency:
nothing in kefu/assist imports this module at run time.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from faker import Faker

from kefu.assist.pii import PiiKind
from kefu.assist.tests.pii_checks import id_check_ok, luhn_complete, luhn_ok  # noqa: F401 - re-exported

KINDS: tuple[str, ...] = tuple(k.value for k in PiiKind)

# --- value generators --------------------------------------------------------

_FULLWIDTH = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in string.digits})

# Real area codes: 3-character ones for the municipalities and big cities (with
# 8-digit local numbers), 4-character ones for other prefecture cities.
_AREA_CODES_3 = ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
_AREA_CODES_4 = (
    *("0755", "0571", "0512", "0532", "0591", "0731", "0871", "0898", "0351"),
    *("0471", "0311", "0931", "0451", "0371", "0757", "0769", "0574", "0592"),
)

# Issuer prefixes (BIN) of mainland cards and the length of their numbers.
_UNIONPAY_BINS = (
    ("622202", 19),  # ICBC debit
    ("621700", 19),  # CCB debit
    ("622848", 19),  # ABC debit
    ("621661", 19),  # BOC debit
    ("622262", 19),  # BOCOM debit
    ("621483", 16),  # CMB debit
    ("622588", 16),  # CMB credit
    ("625809", 16),  # CMB credit (625 range)
    ("622908", 18),  # CIB debit
    ("621226", 19),  # ICBC debit
    ("623058", 19),  # PAB debit
    ("628888", 16),  # credit, 628 range
)

_BUILDINGS = (
    *("阳光花园", "万科城", "华润大厦", "金地小区", "国贸中心", "幸福家园", "锦绣公寓"),
    *("世纪广场", "翠湖苑", "海岸城", "绿城桂花园", "SOHO现代城", "软件园"),
)
_CITY_DISTRICTS = (
    ("深圳市", ("南山区", "福田区", "宝安区", "龙岗区")),
    ("广州市", ("天河区", "海珠区", "白云区", "番禺区")),
    ("杭州市", ("西湖区", "余杭区", "滨江区", "拱墅区")),
    ("成都市", ("武侯区", "锦江区", "高新区", "双流区")),
    ("武汉市", ("洪山区", "江汉区", "武昌区")),
    ("苏州市", ("姑苏区", "工业园区", "吴中区")),
    ("西安市", ("雁塔区", "碑林区", "未央区")),
    ("南京市", ("鼓楼区", "建邺区", "江宁区")),
)


def _fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def _group(digits: str, sizes: Iterable[int], sep: str) -> str:
    parts, pos = [], 0
    for size in sizes:
        parts.append(digits[pos : pos + size])
        pos += size
    if pos < len(digits):
        parts.append(digits[pos:])
    return sep.join(p for p in parts if p)


def gen_mobile(rng: random.Random, fake: Faker) -> str:
    number = fake.phone_number()
    roll = rng.random()
    if roll < 0.55:
        return number
    if roll < 0.65:
        return rng.choice(("+86 ", "+86", "+86-", "0086 ")) + number
    if roll < 0.78:
        return _group(number, (3, 4, 4), " ")
    if roll < 0.91:
        return _group(number, (3, 4, 4), "-")
    if roll < 0.95:
        return "+86 " + _group(number, (3, 4, 4), " ")
    return _fullwidth(number)


def gen_landline(rng: random.Random, fake: Faker) -> str:
    if rng.random() < 0.45:
        area, size = rng.choice(_AREA_CODES_3), 8
    else:
        area, size = rng.choice(_AREA_CODES_4), rng.choice((7, 8))
    local = str(rng.randint(2, 8)) + "".join(rng.choices(string.digits, k=size - 1))
    roll = rng.random()
    if roll < 0.55:
        return f"{area}-{local}"
    if roll < 0.65:
        return f"({area}){local}"
    if roll < 0.70:
        return f"（{area}）{local}"  # full-width parentheses, common in Chinese text
    if roll < 0.80:
        return f"{area} {local}"
    if roll < 0.90:
        return f"{area}{local}"
    # grouped local numbers as printed on business cards: 0755-8601-3388
    half = len(local) // 2
    return f"{area}-{local[:half]}-{local[half:]}"


def gen_id_card(rng: random.Random, fake: Faker) -> str:
    number: str = fake.ssn()
    roll = rng.random()
    if roll < 0.85:
        return number.lower() if rng.random() < 0.3 else number
    if roll < 0.95:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    return _fullwidth(number)


def gen_bank_card(rng: random.Random, fake: Faker) -> str:
    if rng.random() < 0.35:
        digits: str = fake.credit_card_number()  # 16 digits, Visa/Mastercard/UnionPay
    else:
        bin_, length = rng.choice(_UNIONPAY_BINS)
        body = "".join(rng.choices(string.digits, k=length - len(bin_) - 1))
        digits = luhn_complete(bin_ + body)
    roll = rng.random()
    if roll < 0.6:
        return digits
    if roll < 0.95:
        return _group(digits, (4, 4, 4, 4), " ")
    return _group(digits, (4, 4, 4, 4), "-")


def gen_email(rng: random.Random, fake: Faker) -> str:
    roll = rng.random()
    if roll < 0.25:
        return str(fake.email())
    if roll < 0.45:
        return str(fake.free_email())
    if roll < 0.65:
        return f"{rng.randint(10000, 3999999999)}@qq.com"
    if roll < 0.85:
        domain = rng.choice(("163.com", "126.com", "sina.com", "foxmail.com", "yeah.net"))
        return f"{fake.user_name()}{rng.choice(('', str(rng.randint(1970, 2010))))}@{domain}"
    first, last = fake.romanized_name().lower().split()
    return f"{last}.{first}@{fake.domain_name()}"


def gen_address(rng: random.Random, fake: Faker) -> str:
    roll = rng.random()
    if roll < 0.3:
        # Faker's own format minus the postcode: 湖南省凤兰县秀英张街d座
        return str(fake.address()).split(" ")[0]
    if roll < 0.6:
        city, districts = rng.choice(_CITY_DISTRICTS)
        head = rng.choice(("", "广东省" if city in ("深圳市", "广州市") else "")) + city
        head += rng.choice(districts)
    else:
        province: str = fake.province()
        municipality = province in ("北京市", "上海市", "天津市", "重庆市")
        head = province + ("" if municipality else fake.city()) + fake.district() + "区"
    if rng.random() < 0.15:
        head += fake.district() + rng.choice(("街道", "镇"))
    roll = rng.random()
    if roll < 0.65:
        street = fake.street_name()
    elif roll < 0.95:
        street = fake.city_name() + "大道"
    else:  # numbered sections, as in Chengdu: 人民南路四段
        street = fake.street_name() + rng.choice("一二三四") + "段"
    number = f"{rng.randint(1, 999)}号"
    building = rng.choice(_BUILDINGS) if rng.random() < 0.5 else ""
    room = rng.choice(
        (
            "",
            f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}0{rng.randint(1, 6)}室",
            f"{rng.randint(1, 20)}号楼{rng.randint(1, 30)}0{rng.randint(1, 8)}",
            f"{rng.randint(2, 40)}楼",
            f"{rng.choice('ABCD')}座{rng.randint(5, 30)}0{rng.randint(1, 9)}室",
        )
    )
    return head + street + number + building + room


PII_GENERATORS: dict[str, Callable[[random.Random, Faker], str]] = {
    "mobile": gen_mobile,
    "landline": gen_landline,
    "id_card": gen_id_card,
    "bank_card": gen_bank_card,
    "email": gen_email,
    "address": gen_address,
}

# --- non-PII fillers (also the material of the negative set) -----------------


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choices(string.digits, k=k))


def _day(rng: random.Random) -> tuple[int, int, int]:
    return rng.choice((2024, 2025, 2026)), rng.randint(1, 12), rng.randint(1, 28)


def gen_order(rng: random.Random) -> str:
    y, m, d = _day(rng)
    return rng.choice(
        (
            f"{y}{m:02d}{d:02d}{_digits(rng, 6)}",  # 20261122861424
            f"E{y}{m:02d}{d:02d}{_digits(rng, 6)}",  # E20261130123456
            f"{y}{m:02d}{d:02d}{_digits(rng, 10)}",  # 18-digit date-prefixed
            f"{rng.randint(2, 3)}{_digits(rng, 11)}",  # JD-style 12 digits
            f"{str(y)[2:]}{m:02d}{d:02d}-{_digits(rng, 15)}",  # PDD-style
            f"DD{y}{m:02d}{d:02d}{_digits(rng, 4)}",
        )
    )


def gen_tracking(rng: random.Random) -> str:
    return rng.choice(
        (
            f"SF{rng.randint(1, 9)}{_digits(rng, 12)}",  # SF1234567890123
            f"YT{rng.randint(1, 9)}{_digits(rng, 12)}",
            f"JD{rng.choice(('VA', 'VB', 'VC'))}{_digits(rng, 11)}",
            f"JD{_digits(rng, 13)}",
            f"7{_digits(rng, 13)}",  # ZTO 14 digits
            f"77{_digits(rng, 13)}",  # STO 15 digits
            f"43{_digits(rng, 11)}",  # Yunda 13 digits
            f"E{rng.choice('AMKB')}{_digits(rng, 9)}CN",  # EMS
        )
    )


def gen_date(rng: random.Random) -> str:
    y, m, d = _day(rng)
    return rng.choice(
        (
            f"{y}-{m:02d}-{d:02d}",
            f"{y}{m:02d}{d:02d}",
            f"{y}/{m}/{d}",
            f"{y}年{m}月{d}日",
            f"{m}月{d}号",
            f"{y}.{m:02d}.{d:02d}",
        )
    )


def gen_time(rng: random.Random) -> str:
    h, mi = rng.randint(0, 23), rng.choice((0, 15, 30, 45, rng.randint(0, 59)))
    return rng.choice(
        (f"{h:02d}:{mi:02d}", f"{h}点{mi}分", f"{h:02d}:{mi:02d}:{rng.randint(0, 59):02d}")
    )


def gen_amount(rng: random.Random) -> str:
    value = rng.choice(
        (rng.randint(1, 999), rng.randint(1000, 99999), rng.randint(100000, 9999999))
    )
    cents = rng.randint(0, 99)
    return rng.choice(
        (
            f"¥{value:,}.{cents:02d}",  # ¥1,299.00
            f"{value}.{cents:02d}元",  # 12345.67元
            f"￥{value}",
            f"{value}元",
            f"RMB {value:,}",
            f"{value:,}.{cents:02d}",
        )
    )


def gen_company(rng: random.Random, fake: Faker) -> str:
    return str(fake.company())


FILLERS: dict[str, Callable[[random.Random, Faker], str]] = {
    "name": lambda rng, fake: str(fake.name()),
    "company": gen_company,
    "order": lambda rng, fake: gen_order(rng),
    "tracking": lambda rng, fake: gen_tracking(rng),
    "date": lambda rng, fake: gen_date(rng),
    "time": lambda rng, fake: gen_time(rng),
    "amount": lambda rng, fake: gen_amount(rng),
}

# --- customer messages with PII ----------------------------------------------

TEMPLATES: tuple[str, ...] = (
    "您好，我是{name}，手机号{mobile}，订单{order}一直没发货，麻烦尽快联系我",
    "收货地址改成{address}，收件人{name}，电话{mobile}",
    "请把发票寄到{address}，联系人{name} {landline}",
    "我的身份证号是{id_card}，姓名{name}，帮我查一下保单",
    "退款请打到我的银行卡{bank_card}，开户名{name}",
    "信用卡{bank_card}在{date}被扣了{amount}，不是我本人消费！",
    "麻烦把电子发票发到我邮箱{email}，谢谢",
    "有事打我电话{mobile}或者发邮件到{email}都行",
    "公司座机{landline}，工作日{time}前都有人接",
    "快递{tracking}显示签收了，我人在{address}根本没收到，电话{mobile}",
    "我叫{name}，身份证{id_card}，手机{mobile}，想办宽带，装机地址{address}",
    "【订单{order}】收货人：{name}，联系电话：{mobile}，地址：{address}",
    "{name}，{mobile}，{address}",
    "入住人{name}，证件号码{id_card}，预计{date}到店",
    "开户行招商银行，卡号{bank_card}，户名{name}，金额{amount}",
    "你们的工作人员用{mobile}给我打了好几次电话，是你们的号吗？",
    "联系不上我的话打家里电话{landline}，或者找我爱人{name}，{mobile}",
    "账号绑定的邮箱是{email}，手机{mobile}，现在登不上去了",
    "Hi, my email is {email}，订单{order}还没到，please check",
    "请帮我把{date}的账单寄到{address}",
    "孩子的身份证号{id_card}，报名的时候填错了一位，能改吗",
    "刚才用错卡付款了，正确的卡号是{bank_card}，麻烦重新扣{amount}",
    "售后师傅上门地址：{address}，{date} {time}以后在家",
    "我的手机{mobile}丢了，绑定的卡{bank_card}要不要冻结？急",
    "投保人{name}，身份证{id_card}，银行卡{bank_card}，电话{mobile}",
    "座机：{landline}，邮箱：{email}，发票抬头：{company}",
    "学员{name}，家长电话{mobile}，{date}开始上课",
    "患者{name}，身份证号{id_card}，想预约{date}上午的专家号",
    "合同发我邮箱{email}吧，签好了我寄回{address}",
    "车在{address}门口抛锚了，电话{mobile}，快派人来！",
    "之前留的电话{mobile}不用了，新号码是{mobile}",
    "{mobile}这个号码是我本人的，验证码一直收不到",
    "我家地址是{address}，水表在楼道里，{date}来抄吧",
    "工行卡{bank_card}转账{amount}，备注订单号{order}",
    "email: {email} / tel: {mobile} / {name}",
    "租客{name}，身份证{id_card}，联系方式{mobile}",
    "用户反馈：卡号{bank_card}在{date} {time}交易{amount}失败，请核实",
    "寄件人{name} {mobile} {address}",
    "我司地址：{address}，电话：{landline}，联系人：{name}",
    "请回电{landline}找{name}，或者发邮件{email}，单号{tracking}",
    "身份证{id_card}的持卡人就是我，卡号{bank_card}",
    "新地址{address}，旧的那个不用了，电话还是{mobile}",
)


@dataclass(frozen=True, slots=True)
class Span:
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    spans: tuple[Span, ...] = field(default=())


def _fill(template: str, rng: random.Random, fake: Faker) -> Sample:
    text: list[str] = []
    spans: list[Span] = []
    pos = 0
    for literal, slot, _, _ in string.Formatter().parse(template):
        text.append(literal)
        pos += len(literal)
        if slot is None:
            continue
        if slot in PII_GENERATORS:
            value = PII_GENERATORS[slot](rng, fake)
            spans.append(Span(slot, pos, pos + len(value)))
        else:
            value = FILLERS[slot](rng, fake)
        text.append(value)
        pos += len(value)
    return Sample("".join(text), tuple(spans))


def make_faker(seed: int) -> Faker:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return fake


def generate_positive(n: int, seed: int) -> list[Sample]:
    """``n`` customer messages, each with at least one PII value and its span."""
    rng, fake = random.Random(seed), make_faker(seed)
    return [_fill(rng.choice(TEMPLATES), rng, fake) for _ in range(n)]


