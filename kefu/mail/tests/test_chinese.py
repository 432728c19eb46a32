"""Chinese charset cases and reply stripping, on fixtures written for kefu."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kefu.mail import Address, charsets, parse_message
from kefu.mail.quoting import strip_reply

FIXTURES = Path(__file__).parent / "fixtures"


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_message((FIXTURES / name).read_bytes())


def test_gb2312_declared_with_gbk_characters() -> None:
    mail = parse("gb2312_declared_gbk_chars.eml")
    assert mail.subject == "关于朱镕基的啰嗦问题"
    assert mail.from_ == Address("张镕", "zhang.rong@example.cn")
    assert mail.text == "您好，朱镕基说话不啰嗦。\n请回复。"
    assert mail.date == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert any("gb2312" in w and "gb18030" in w for w in mail.warnings)


def test_gb18030_four_byte_characters() -> None:
    mail = parse("gb18030.eml")
    assert mail.subject == "订单𠮷号"
    assert mail.text == "姓名：𠮷野家，价格 €12"


def test_big5() -> None:
    mail = parse("big5.eml")
    assert mail.subject == "請問訂單何時出貨"
    assert mail.from_.name == "陳大文"
    assert mail.text == "您好，請問我的訂單何時出貨？謝謝。"


def test_undeclared_charset_is_guessed() -> None:
    mail = parse("undeclared_gbk.eml")
    assert mail.text == "您好，我的订单还没有收到，请帮忙查询一下物流信息。"
    assert "charset undeclared: guessed gb18030" in mail.warnings


def test_broken_encoded_words_split_character_and_missing_padding() -> None:
    assert parse("broken_encoded_word.eml").subject == "退款申请处理"


def test_raw_utf8_headers() -> None:
    mail = parse("raw_utf8_header.eml")
    assert mail.subject == "发票问题"
    assert mail.from_ == Address("李四", "li.si@example.cn")
    assert mail.to == [Address("客服", "support@demo.kefu.local")]


def test_raw_gbk_header_and_body_declared_utf8() -> None:
    mail = parse("raw_gbk_header.eml")
    assert mail.subject == "退货地址在哪里"
    assert mail.from_ == Address("王五", "wang.wu@example.cn")
    assert mail.text == "请告诉我退货地址。"
    assert mail.date is None


def test_attachment_names_rfc2231_and_encoded_words_and_inline_image() -> None:
    mail = parse("attachments_chinese_names.eml")
    assert mail.text == "附件是合同和报价单。\n\n[logo]"
    assert mail.html is not None and 'src="cid:logo@kefu"' in mail.html
    names = [(a.filename, a.content_type, a.content_id, a.is_inline) for a in mail.attachments]
    assert names == [
        ("logo.png", "image/png", "logo@kefu", True),
        ("采购合同（最终版）.pdf", "application/pdf", None, False),
        ("镕钢报价单.xlsx", "application/vnd.ms-excel", None, False),
        ("发票扫描件.jpg", "image/jpeg", None, False),
    ]
    assert mail.attachments[1].data == b"%PDF-1.4\n"


def test_qq_mail_html_reply() -> None:
    mail = parse("qq_reply_html.eml")
    assert mail.subject == "回复：订单 [#10023]"
    assert mail.reply_text == "好的，我明天下午在家，可以送货。"
    assert "请问您什么时候方便收货？" in mail.text  # the full original stays viewable
    assert mail.in_reply_to == "<ticket-10023@demo.kefu.local>"
    assert mail.references == ["<a@demo.kefu.local>", "<ticket-10023@demo.kefu.local>"]


def test_foxmail_reply_with_signature() -> None:
    mail = parse("foxmail_reply.eml")
    assert mail.reply_text == "收到，谢谢！"
    assert "您的订单已发货。" in mail.text


def test_auto_reply_and_bounce_flags() -> None:
    ooo = parse("auto_reply.eml")
    assert ooo.auto_submitted and not ooo.bounce
    dsn = parse("bounce_dsn.eml")
    assert dsn.bounce and dsn.auto_submitted
    assert [a.content_type for a in dsn.attachments] == [
        "message/delivery-status", "message/rfc822"]
    assert dsn.attachments[1].filename == "Re: [#10023] hello.eml"
    assert not parse("big5.eml").auto_submitted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好的，谢谢。\n\n在 2026年11月24日 周二 10:00，客服 <support@demo.kefu.local> 写道：\n> 您好",
         "好的，谢谢。"),
        ("好的。\n\n在 2026年11月24日 周二 10:00，客服 <support@demo.kefu.local>\n写道：\n> 您好",
         "好的。"),
        ("已收到\n\n-----原始邮件-----\n发件人：客服\n发送时间：2026年11月24日 10:00\n主题：订单",
         "已收到"),
        ("请尽快处理\n\n发件人: 客服 <support@demo.kefu.local>\n发送时间: 2026年11月24日 10:00\n"
         "收件人: 张三\n主题: 回复：订单", "请尽快处理"),
        ("Thanks!\n\nOn Tue, Nov 24, 2026 at 10:00 AM Support <support@demo.kefu.local> wrote:\n"
         "> Hello", "Thanks!"),
        ("Thanks!\n\nOn Tue, Nov 24, 2026 at 10:00 AM Support <\nsupport@demo.kefu.local> wrote:\n"
         "> Hello", "Thanks!"),
        ("Fine.\n\n________________________________\nFrom: Support\nSent: Tuesday\nTo: Zhang\n"
         "Subject: Re: order", "Fine."),
        ("Fine.\n\nFrom: Support <support@demo.kefu.local>\nSent: Tuesday, November 24, 2026\n"
         "To: Zhang\nSubject: order\n\nold text", "Fine."),
        ("Yes, see below.\n> question one?\nanswer one\n> question two?\nanswer two",
         "Yes, see below.\nanswer one\nanswer two"),
        ("Hello\n\n-- \nJohn Smith\nACME", "Hello"),
        ("你好\n\n发自我的iPhone", "你好"),
        ("From: is how the line starts but nothing follows",
         "From: is how the line starts but nothing follows"),
        ("> only a quote", "> only a quote"),
        ("关于上封邮件，\n在邮件里你写道：\n运费全免。\n但是收了运费。",
         "关于上封邮件，\n在邮件里你写道：\n运费全免。\n但是收了运费。"),
    ],
)
def test_strip_reply(text: str, expected: str) -> None:
    assert strip_reply(text) == expected


def test_random_bytes_never_raise() -> None:
    rng = random.Random(5)
    base = (FIXTURES / "attachments_chinese_names.eml").read_bytes()
    samples = [b"", b"\x00" * 10, b"From: \xff\xfe\r\n\r\n", b"Content-Type: multipart/mixed\r\n\r\nx"]
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        samples.append(bytes(data[: rng.randint(0, len(data))]))
        samples.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
    for raw in samples:
        mail = parse_message(raw)
        assert isinstance(mail.text, str) and isinstance(mail.warnings, list)


def test_outlook_html_only_reply_is_converted_and_stripped() -> None:
    mail = parse("outlook_reply_html.eml")
    assert mail.subject == "答复: 报价"
    assert mail.reply_text == "王经理：\n\n附件已更新，请查收。"
    assert mail.text.endswith("主题: 报价\n\n旧内容")
    assert mail.html is not None
    assert "<style" not in mail.html and "divRplyFwdMsg" not in mail.html


def test_gmail_alternative_reply() -> None:
    mail = parse("gmail_reply_alternative.eml")
    assert mail.reply_text == "Yes, please cancel it."
    assert mail.html is not None and "<blockquote>" in mail.html
    assert mail.date == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_uuencoded_body_attachment() -> None:
    mail = parse("uuencode.eml")
    assert mail.text == "Here is the file."
    assert [(a.filename, a.data) for a in mail.attachments] == [
        ("orders.csv", b"order,qty\n10023,2\n")]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("您好，我的订单还没有收到。", "gbk"),
        ("镕钢的报价单，啰嗦一点也没关系。", "gbk"),
        ("尊敬的用户：您的包裹已被签收，如有疑问请致电。", "gb18030"),
        ("請問我的訂單何時出貨？謝謝您的幫忙。", "big5"),
        ("會員積分兌換規則說明", "big5"),
        ("ご注文ありがとうございます。発送は明日です。", "shift_jis"),
        ("주문해 주셔서 감사합니다. 내일 발송됩니다.", "euc_kr"),
        ("Schriftgröße für die Grafik, schöne Grüße", "cp1252"),
        ("退款申请", "utf-8"),
    ],
)
def test_undeclared_charset_detection(text: str, encoding: str) -> None:
    assert charsets.decode(text.encode(encoding), None).text == text


@pytest.mark.parametrize(
    ("raw", "declared", "expected", "codec"),
    [
        ("朱镕基".encode("gbk"), "gb2312", "朱镕基", "gb18030"),
        ("𠮷".encode("gb18030"), "GBK", "𠮷", "gb18030"),
        ("您好，请回复".encode("gbk"), "utf-8", "您好，请回复", "gb18030"),
        ("Grüße aus Köln".encode(), "iso-8859-1", "Grüße aus Köln", "utf-8"),
        ("Grüße".encode("cp1252"), "us-ascii", "Grüße", "cp1252"),
        ("“quoted” – €5".encode("cp1252"), "iso-8859-1", "“quoted” – €5", "cp1252"),
        ("Здравствуйте".encode("cp1251"), "windows-1251", "Здравствуйте", "cp1251"),
        ("您好".encode(), "x-unknown", "您好", "utf-8"),
        ("ｶﾀｶﾅ①".encode("cp932"), "shift_jis", "ｶﾀｶﾅ①", "cp932"),
        (b"\x1b$B-!#1ET$N\x1b(B", "iso-2022-jp", "①１都の", "cp50220"),
        ("메일".encode("cp949"), "ks_c_5601-1987", "메일", "cp949"),
    ],
)
def test_declared_charset_repairs(raw: bytes, declared: str, expected: str | None,
                                  codec: str) -> None:
    decoded = charsets.decode(raw, declared)
    assert decoded.charset == codec
    if expected is not None:
        assert decoded.text == expected


def test_html_is_sanitised_and_cid_images_kept() -> None:
    raw = (
        "From: a@example.cn\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        '<div style="color:red;position:fixed" onclick="x()"><script>alert(1)</script>'
        '<a href="javascript:alert(1)">链接</a><img src="cid:a@b"></div>'
    ).encode()
    mail = parse_message(raw)
    assert mail.html == '<div style="color:red"><a rel="noopener noreferrer nofollow">链接</a>' \
        '<img src="cid:a@b"></div>'
    assert mail.text == "链接"


def test_pathological_structures_do_not_raise() -> None:
    nested = b"From: a@example.cn\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + b"".join(
        f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n".encode()
        for i in range(3000)) + b"--b3000\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
    mail = parse_message(nested)
    assert mail.subject == "deep" and mail.from_address == "a@example.cn"
    assert "MIME structure too deeply nested: body kept as raw text" in mail.warnings

    deep_html = b"Content-Type: text/html\r\n\r\n" + b"<div>" * 50_000 + "深".encode()
    mail = parse_message(deep_html)
    assert mail.text == "深" and mail.html == "<p>深</p>"

    junk_first = b"---- Original email message ----\nFrom: a@example.cn\nSubject: s\n" \
        b"X-Long: part one\npart two without indent\nTo: b@example.cn\n\nbody"
    mail = parse_message(junk_first)
    assert (mail.from_address, mail.subject, mail.text) == ("a@example.cn", "s", "body")
    assert mail.to == [Address("", "b@example.cn")]


def test_format_flowed_is_rejoined() -> None:
    raw = (
        "From: a@example.cn\r\nSubject: f\r\n"
        "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
        "你好，这是一段很长的中文 \r\n内容。\r\n\r\n> 引用的 \r\n> 内容\r\n"
    ).encode()
    assert parse_message(raw).text == "你好，这是一段很长的中文内容。\n\n> 引用的内容"


_B64 = "5oKo5aW977yM6L+Z5piv5q2j5paH44CC"  # "您好，这是正文。" in UTF-8


@pytest.mark.parametrize(
    ("headers", "body", "expected", "warning"),
    [
        # base64 with junk characters and no padding
        ("Content-Transfer-Encoding: base64", (_B64[:-4] + "!!" + _B64[-4:]).encode(),
         "您好，这是正文。", "defect: InvalidBase64CharactersDefect"),
        # quoted-printable with an invalid escape and a soft line break
        ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable",
         b"=E4=BD=A0=E5=A5=BD =ZZ=\r\n!", "你好 =ZZ!", None),
        # no Content-Type at all, GBK body
        ("", "没有内容类型的正文".encode("gbk"), "没有内容类型的正文",
         "charset undeclared: guessed gb18030"),
        # garbled Content-Type
        ("Content-Type: texte", "错误的类型".encode("gb18030"), "错误的类型",
         "garbled Content-Type 'texte': read as text/plain"),
        # multipart without a boundary
        ("Content-Type: multipart/mixed", "没有边界".encode(), "没有边界",
         "defect: NoBoundaryInMultipartDefect"),
        # unterminated quote in the charset parameter
        ('Content-Type: text/plain; charset="gb2312', "引号没关".encode("gbk"), "引号没关", None),
    ],
)
def test_broken_transfer_encodings_and_content_types(
        headers: str, body: bytes, expected: str, warning: str | None) -> None:
    raw = b"From: a@example.cn\r\nSubject: s\r\n" + (headers + "\r\n" if headers else "").encode() \
        + b"\r\n" + body
    mail = parse_message(raw)
    assert mail.text == expected
    if warning:
        assert warning in mail.warnings
