"""PII detection and masking: what must be found, what must be left alone."""

from __future__ import annotations

import pytest

from kefu.assist.pii import (
    PiiKind,
    find_pii,
    is_valid_id_number,
    luhn_valid,
    mask,
    mask_value,
)
from kefu.assist.tests.pii_checks import id_with_check, luhn_break, luhn_complete


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
