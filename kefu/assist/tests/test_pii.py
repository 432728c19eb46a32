"""PII detection and masking: what must be found, what must be left alone."""

from __future__ import annotations

import random
import time

import pytest

from kefu.assist.pii import (
    PiiKind,
    PiiMatch,
    find_pii,
    is_valid_id_number,
    luhn_valid,
    mask,
    mask_value,
)

# --- helpers written independently of the module under test ------------------


def id_with_check(first17: str) -> str:
    """MOD 11-2: weight of position i is 2**(17-i) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    check = (12 - total % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


def luhn_complete(partial: str) -> str:
    """Append the digit that makes ``partial`` + digit pass Luhn."""
    for d in "0123456789":
        candidate = partial + d
        digits = [int(c) for c in reversed(candidate)]
        total = sum(digits[0::2]) + sum(sum(divmod(2 * x, 10)) for x in digits[1::2])
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def luhn_break(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def kinds_and_values(text: str) -> list[tuple[str, str]]:
    return [(m.kind.value, m.value) for m in find_pii(text)]


ID_FAMOUS = "11010519491231002X"  # the textbook example, check char X
ID_A = id_with_check("44030519900101123")
ID_LOWER_X = ID_FAMOUS[:-1] + "x"
CARD_UNIONPAY_19 = luhn_complete("622202100012345678")
CARD_VISA = "4111111111111111"
CARD_MC = "5555555555554444"


# --- resident ID numbers -----------------------------------------------------


def test_helper_agrees_with_the_textbook_id():
    assert id_with_check(ID_FAMOUS[:17]) == ID_FAMOUS


@pytest.mark.parametrize("number", [ID_FAMOUS, ID_A, ID_LOWER_X])
def test_valid_id_numbers_are_found(number):
    text = f"我的身份证号是{number}，请核对"
    assert kinds_and_values(text) == [("id_card", number)]
    assert is_valid_id_number(number)


def test_id_number_grouped_with_spaces():
    grouped = f"{ID_A[:6]} {ID_A[6:14]} {ID_A[14:]}"
    assert kinds_and_values(f"证件 {grouped} 。") == [("id_card", grouped)]


@pytest.mark.parametrize(
    "number",
    [
        ID_A[:17] + ("1" if ID_A[-1] != "1" else "2"),  # wrong check char
        ID_FAMOUS[:-1] + "1",  # X expected
        id_with_check("11010519490230002"),  # 30 February
        id_with_check("11010519491331002"),  # month 13
        id_with_check("11010518491231002"),  # born 1849
        id_with_check("99010519491231002"),  # no province 99
        ID_A[:17],  # 17 characters
    ],
)
def test_invalid_id_numbers_are_not_ids(number):
    assert not is_valid_id_number(number)
    assert all(m.kind != PiiKind.ID_CARD for m in find_pii(f"身份证{number}。"))


def test_id_inside_a_longer_digit_run_is_not_found():
    assert find_pii(f"流水号9{ID_A}7") == []


# --- bank cards -----------------------------------------------------------------


@pytest.mark.parametrize("card", [CARD_VISA, CARD_MC, CARD_UNIONPAY_19])
def test_luhn_valid_cards_are_found(card):
    assert luhn_valid(card)
    assert kinds_and_values(f"卡号{card}，户名张三") == [("bank_card", card)]


def test_grouped_card_numbers():
    spaced = " ".join([CARD_UNIONPAY_19[i : i + 4] for i in range(0, 19, 4)])
    dashed = "-".join([CARD_VISA[i : i + 4] for i in range(0, 16, 4)])
    assert spaced.count(" ") == 4 and spaced.endswith(" " + CARD_UNIONPAY_19[16:])
    assert kinds_and_values(f"退款到 {spaced} 吧") == [("bank_card", spaced)]
    assert kinds_and_values(f"卡:{dashed}") == [("bank_card", dashed)]


@pytest.mark.parametrize("card", [luhn_break(CARD_VISA), luhn_break(CARD_UNIONPAY_19)])
def test_luhn_invalid_cards_are_not_found(card):
    assert not luhn_valid(card)
    assert find_pii(f"卡号{card}") == []


def test_long_serial_without_card_prefix_needs_a_card_word_or_grouping():
    serial = luhn_complete("370000123456789012")  # 19 digits, 37 is no 19-digit issuer
    grouped = " ".join(serial[i : i + 4] for i in range(0, 19, 4))
    assert luhn_valid(serial)
    assert find_pii(f"请查一下{serial}的状态") == []
    assert kinds_and_values(f"卡号{serial}") == [("bank_card", serial)]
    assert kinds_and_values(f"我的银行卡是{serial}") == [("bank_card", serial)]
    assert kinds_and_values(f"请查一下{grouped}的状态") == [("bank_card", grouped)]
    # a real issuer prefix or 16 digits need no context
    assert kinds_and_values(f"请查一下{CARD_UNIONPAY_19}的状态") == [
        ("bank_card", CARD_UNIONPAY_19)
    ]
    assert kinds_and_values(f"请查一下{CARD_VISA}") == [("bank_card", CARD_VISA)]


def test_a_number_labelled_as_an_order_is_not_a_card():
    assert luhn_valid(CARD_UNIONPAY_19)
    assert find_pii(f"订单号{CARD_UNIONPAY_19}") == []
    assert find_pii(f"流水号：{CARD_VISA}") == []


def test_date_prefixed_serial_is_not_a_card_even_if_luhn_valid():
    serial = luhn_complete("202611228614240")  # 16 digits, starts like a date
    assert luhn_valid(serial)
    assert find_pii(f"订单号{serial}") == []


def test_an_id_number_is_not_also_a_bank_card():
    # An 18-digit number that passes both checks and starts like a Visa card.
    both = next(
        n for seq in range(1000) if luhn_valid(n := id_with_check(f"44030519900101{seq:03d}"))
    )
    assert is_valid_id_number(both) and luhn_valid(both)
    assert kinds_and_values(f"号码{both}") == [("id_card", both)]
    assert find_pii(f"号码{both}", kinds=["bank_card"]) == []


# --- mobiles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("我的手机是13800138000，谢谢", "13800138000"),
        ("电话：+86 138 0013 8000", "+86 138 0013 8000"),
        ("打138-0013-8000找我", "138-0013-8000"),
        ("号码 138 0013 8000。", "138 0013 8000"),
        ("86 13800138000", "86 13800138000"),
        ("0086-138-0013-8000", "0086-138-0013-8000"),
        ("+8619912345678", "+8619912345678"),
        ("请回电１３８００１３８０００", "１３８００１３８０００"),  # full-width digits
        ("Tel: 15912345678.", "15912345678"),
    ],
)
def test_mobile_numbers(text, value):
    assert kinds_and_values(text) == [("mobile", value)]


def test_two_mobiles_separated_by_a_comma():
    assert [m.value for m in find_pii("13800138000，13900139000")] == [
        "13800138000",
        "13900139000",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "订单号20261122861424已发货",
        "订单号 20261122861424",
        "时间戳1732982400 和 1732982400123",
        "金额¥1,380.00元",
        "合计13800138000.00元",  # an amount, not a phone
        "比例0.13800138000",
        "快递单号SF1234567890123",
        "运单1380013800012",  # 13 digits starting 13: not a mobile
        "运单8613800138000",  # 13-digit waybill: a bare 86 prefix needs a separator
        "编号13800138000123456",
        "日期 2026-11-30 18:00:00",
        "12345678901",  # starts 12: no such mobile prefix
        "138-0013 8000",  # mixed separators
        "邮编100020，房间1301",
        "我在北京出差",
    ],
)
def test_numbers_that_are_not_pii(text):
    assert find_pii(text) == []
    assert mask(text) == text


# --- landlines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "masked"),
    [
        ("座机010-12345678", "010-12345678", "010-****5678"),
        ("(021)87654321", "(021)87654321", "021-****4321"),
        ("（021）87654321", "（021）87654321", "021-****4321"),
        ("0755-1234567转分机", "0755-1234567", "0755-****4567"),
        ("总机 0371 66778899", "0371 66778899", "0371-****8899"),
        ("01087654321", "01087654321", "010-****4321"),
    ],
)
def test_landlines(text, value, masked):
    assert kinds_and_values(text) == [("landline", value)]
    assert mask_value(PiiKind.LANDLINE, value) == masked


def test_run_together_landline_must_not_start_with_1():
    assert find_pii("编码01012345678") == []


@pytest.mark.parametrize(
    ("text", "value", "masked"),
    [
        ("电话0755-8601-3388找我", "0755-8601-3388", "0755-****3388"),
        ("电话0755 8601 3388找我", "0755 8601 3388", "0755-****3388"),
        ("电话021-6210 1234找我", "021-6210 1234", "021-****1234"),
        ("电话0731-511-6693找我", "0731-511-6693", "0731-****6693"),
        ("电话+86(10)62345678找我", "+86(10)62345678", "010-****5678"),
        ("电话+86 10 6234 5678找我", "+86 10 6234 5678", "010-****5678"),
        ("电话0086-755-86013388找我", "0086-755-86013388", "0755-****3388"),
        ("座机075586013388", "075586013388", "0755-****3388"),  # 0 + 3-digit code + 8
    ],
)
def test_grouped_and_international_landlines(text, value, masked):
    assert kinds_and_values(text) == [("landline", value)]
    assert mask_value(PiiKind.LANDLINE, value) == masked
    assert mask(text) == text.replace(value, masked)


@pytest.mark.parametrize(
    "text",
    [
        "发票代码044032554826，发票号码01244861",  # 0440 is no area code
        "发票代码037022051600，抬头开错了",  # 0370 is one (Shangqiu): the label decides
        "发票代码：035022238572",
        "invoice code 037022665105",
        "编号 0755-86013388",
        "0440-3255 4826",  # grouped like a phone, but no such area code
    ],
)
def test_invoice_codes_and_labelled_codes_are_not_landlines(text):
    assert find_pii(text) == []


def test_a_label_far_before_the_number_does_not_hide_a_landline():
    text = "请把发票寄给张三，电话0370-2205160"
    assert kinds_and_values(text) == [("landline", "0370-2205160")]
    assert kinds_and_values("发票代码写错了，座机037122051600") == [("landline", "037122051600")]


# --- emails --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("邮箱zhang.san@example.com。", "zhang.san@example.com"),
        ("mail: li_si+kefu@mail.example.com.cn, thanks", "li_si+kefu@mail.example.com.cn"),
        ("发到Wang@Example.ORG谢谢", "Wang@Example.ORG"),
    ],
)
def test_emails(text, value):
    assert kinds_and_values(text) == [("email", value)]


@pytest.mark.parametrize("text", ["@someone 你好", "a@b", "user@localhost", "价格@100元"])
def test_not_emails(text):
    assert find_pii(text) == []


def test_email_made_of_a_mobile_number_is_one_email():
    assert kinds_and_values("QQ邮箱13800138000@qq.com") == [("email", "13800138000@qq.com")]
    assert mask("QQ邮箱13800138000@qq.com") == "QQ邮箱1***@qq.com"


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "masked"),
    [
        (
            "寄到北京市朝阳区建国路88号，谢谢",
            "北京市朝阳区建国路88号",
            "寄到北京市朝阳区****，谢谢",
        ),
        (
            "地址：上海市浦东新区张江路100号2号楼301室。",
            "上海市浦东新区张江路100号2号楼301室",
            "地址：上海市浦东新区****。",
        ),
        (
            "广东省深圳市南山区科技南路18号腾讯大厦15楼",
            "广东省深圳市南山区科技南路18号腾讯大厦15楼",
            "广东省深圳市南山区****",
        ),
        ("广州市北京路100号", "广州市北京路100号", "广州市****"),
        ("天津市和平区南京路189号", "天津市和平区南京路189号", "天津市和平区****"),
        (
            "收货地址北京市朝阳区建国路88号SOHO现代城5号楼1201，谢谢",
            "北京市朝阳区建国路88号SOHO现代城5号楼1201",
            "收货地址北京市朝阳区****，谢谢",
        ),
        ("北京市朝阳区建国路88号谢谢", "北京市朝阳区建国路88号", "北京市朝阳区****谢谢"),
        ("深圳南山区深南大道10000号", "深圳南山区深南大道10000号", "深圳南山区****"),
        (
            "上海市徐汇区漕溪北路595弄3号501室",
            "上海市徐汇区漕溪北路595弄3号501室",
            "上海市徐汇区****",
        ),
        (
            "江苏省苏州市工业园区星湖街328号",
            "江苏省苏州市工业园区星湖街328号",
            "江苏省苏州市工业园区****",
        ),
    ],
)
def test_addresses(text, value, masked):
    assert kinds_and_values(text) == [("address", value)]
    assert mask(text) == masked


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "寄到湖北省武汉市江汉区武汉大道708号绿城桂花园19栋3单元2703室，谢谢",
            "湖北省武汉市江汉区武汉大道708号绿城桂花园19栋3单元2703室",
        ),
        (
            "寄到深圳市南山区科技路8号万科城二期6栋1单元1801，谢谢",
            "深圳市南山区科技路8号万科城二期6栋1单元1801",
        ),
        (
            "寄到杭州市西湖区文三路9号翠湖苑三期2幢1203房，谢谢",
            "杭州市西湖区文三路9号翠湖苑三期2幢1203房",
        ),
        ("成都市武侯区人民南路四段1号", "成都市武侯区人民南路四段1号"),
        ("南京市建邺区刘街2段719号7号楼2201", "南京市建邺区刘街2段719号7号楼2201"),
    ],
)
def test_building_names_in_several_parts_and_road_sections(text, value):
    assert kinds_and_values(text) == [("address", value)]
    assert value not in mask(text)


@pytest.mark.parametrize(
    "text", ["成都春熙路5号线", "坐到成都春熙路15号线换乘", "北京建国路1号线路图"]
)
def test_metro_lines_are_not_addresses(text):
    assert find_pii(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "我在北京出差",
        "广东省的客户很多",
        "深圳市今天下雨",
        "上海市场部明天在人民路1号开会",
        "北京路100号",  # a road, but no city or province before it
        "朝阳区建国路88号",  # no province or city: left alone (recall traded for precision)
        "我要去北京市朝阳区",  # no road and number
    ],
)
def test_not_addresses(text):
    assert find_pii(text) == []


# --- masking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("mobile", "13800138000", "138****8000"),
        ("mobile", "+86 138-0013-8000", "138****8000"),
        ("phone", "+8613800138000", "138****8000"),
        ("phone", "010-12345678", "010-****5678"),
        ("landline", "(021)87654321", "021-****4321"),
        ("id_card", "110105194912311234", "110105********1234"),
        ("id_card", ID_LOWER_X, "110105********002X"),
        ("bank_card", "6222020000001234", "************1234"),
        ("bank_card", "6222 0200 0000 1234 567", "***************4567"),
        ("email", "zhang@example.com", "z***@example.com"),
        ("address", "北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("wechat", "wxid_abc1", "w***1"),
        ("wechat", "ab", "***"),
    ],
)
def test_mask_value(kind, value, masked):
    assert mask_value(kind, value) == masked


def test_mask_keeps_the_rest_of_the_text():
    text = "我的手机是13800138000，谢谢"
    assert mask(text) == "我的手机是138****8000，谢谢"


def test_mask_only_the_kinds_asked_for():
    text = "手机13800138000，邮箱zhang@example.com"
    assert mask(text, kinds=[PiiKind.EMAIL]) == "手机13800138000，邮箱z***@example.com"
    assert mask(text, kinds={"mobile"}) == "手机138****8000，邮箱zhang@example.com"
    assert mask(text, kinds=[]) == text


def test_unknown_kind_in_filter_is_an_error():
    with pytest.raises(ValueError):
        mask("x", kinds=["passport"])


def test_several_kinds_in_one_message():
    text = (
        f"您好，我叫张三，身份证{ID_FAMOUS}，手机138 0013 8000，"
        f"座机(010)87654321，邮箱zs@example.com，退款请打到{CARD_VISA}，"
        "寄到上海市浦东新区张江路100号2号楼301室。订单号20261122861424，金额¥1,380.00。"
    )
    found = find_pii(text)
    assert [m.kind.value for m in found] == [
        "id_card",
        "mobile",
        "landline",
        "email",
        "bank_card",
        "address",
    ]
    for m in found:
        assert text[m.start : m.end] == m.value
        assert isinstance(m, PiiMatch)
    assert mask(text) == (
        "您好，我叫张三，身份证110105********002X，手机138****8000，"
        "座机010-****4321，邮箱z***@example.com，退款请打到************1111，"
        "寄到上海市浦东新区****。订单号20261122861424，金额¥1,380.00。"
    )


def test_empty_and_plain_text():
    assert find_pii("") == []
    assert mask("") == ""
    assert mask("没有任何个人信息。") == "没有任何个人信息。"


# --- speed (printed, never asserted) --------------------------------------------------


def test_speed_on_generated_text():
    rng = random.Random(6)
    templates = [
        "客户{i}的手机是1{a}{m:09d}，请回电",
        "订单号2026112{b:07d}已发货，金额¥{c},380.00",
        "邮箱user{i}@example.com，座机010-{b:08d}",
        "身份证{idn}，卡号{card}",
        "寄到北京市朝阳区建国路{c}号{c}室，谢谢",
        "这是一条没有个人信息的普通留言，问一下退款进度。",
    ]
    lines = []
    for i in range(10_000):
        tpl = templates[i % len(templates)]
        lines.append(
            tpl.format(
                i=i,
                a=rng.choice("3456789"),
                b=rng.randrange(10**7, 10**8),
                m=rng.randrange(10**8, 10**9),
                c=rng.randrange(1, 999),
                idn=id_with_check(f"44030519{rng.randrange(60, 99)}0101{rng.randrange(100, 999)}"),
                card=luhn_complete(f"62220{rng.randrange(10**12, 10**13)}"),
            )
        )
    text = "\n".join(lines)
    started = time.perf_counter()
    found = find_pii(text)
    elapsed = time.perf_counter() - started
    print(
        f"\nPII speed: {len(lines)} lines, {len(text)} chars, {len(found)} matches "
        f"in {elapsed * 1000:.0f} ms: {len(found) / elapsed:,.0f} matches/s, "
        f"{len(lines) / elapsed:,.0f} lines/s"
    )
    per_kind = {kind: sum(1 for m in found if m.kind == kind) for kind in PiiKind}
    assert per_kind == {
        PiiKind.MOBILE: 1667,
        PiiKind.EMAIL: 1667,
        PiiKind.LANDLINE: 1667,
        PiiKind.ID_CARD: 1667,
        PiiKind.BANK_CARD: 1667,
        PiiKind.ADDRESS: 1666,
    }
