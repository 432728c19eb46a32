"""kefu.assist.pii: emails, addresses, masking, and one large mixed text."""

from __future__ import annotations

import random

import pytest

from kefu.assist.pii import PiiKind, PiiMatch, find_pii, mask, mask_value
from kefu.assist.tests.pii_checks import id_with_check, luhn_complete


def kinds_and_values(text: str) -> list[tuple[str, str]]:
    return [(m.kind.value, m.value) for m in find_pii(text)]


ID_FAMOUS = "11010519491231002X"  # the textbook example, check char X
ID_A = id_with_check("44030519900101123")
ID_LOWER_X = ID_FAMOUS[:-1] + "x"
CARD_UNIONPAY_19 = luhn_complete("622202100012345678")
CARD_VISA = "4111111111111111"
CARD_MC = "5555555555554444"

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


# --- a large text ---------------------------------------------------------------------


def test_every_value_of_a_ten_thousand_line_text_is_found():
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
    found = find_pii(text)  # speed: bench/assist_speed.py
    per_kind = {kind: sum(1 for m in found if m.kind == kind) for kind in PiiKind}
    assert per_kind == {
        PiiKind.MOBILE: 1667,
        PiiKind.EMAIL: 1667,
        PiiKind.LANDLINE: 1667,
        PiiKind.ID_CARD: 1667,
        PiiKind.BANK_CARD: 1667,
        PiiKind.ADDRESS: 1666,
    }
