"""compose.py on plain values: subject, threading headers, the MIME structure."""

from __future__ import annotations

import email
from email import policy

from kefu.mailout import compose


def test_subject_gets_one_re_and_the_ticket_token():
    assert compose.reply_subject("订单还没有发货", 10023) == "Re: 订单还没有发货 [#10023]"
    assert compose.reply_subject("Re: RE:  回复：订单还没有发货", 10023) == "Re: 订单还没有发货 [#10023]"
    assert compose.reply_subject("Re: 订单 [#10023]", 10023) == "Re: 订单 [#10023]"
    assert compose.reply_subject("Aw: Lieferung", 7) == "Re: Lieferung [#7]"
    # Not a reply prefix: kept.
    assert compose.reply_subject("Recall: 退款", 1) == "Re: Recall: 退款 [#1]"


def test_message_id_names_ticket_and_message_and_is_unique():
    a = compose.new_message_id(ticket_number=10023, message_pk=5, domain="demo.kefu.local")
    b = compose.new_message_id(ticket_number=10023, message_pk=5, domain="demo.kefu.local")
    assert a.startswith("<kefu.10023.5.") and a.endswith("@demo.kefu.local>")
    assert a != b
    assert compose.clean_message_ids([a]) == [a]


def test_thread_headers_follow_the_parent_and_stay_bounded():
    refs = [f"<r{i}@x.example>" for i in range(30)]
    in_reply_to, references = compose.thread_headers(
        parent_id="<p@x.example>", parent_references=refs, limit=10)
    assert in_reply_to == "<p@x.example>"
    assert len(references) == 10
    assert references[0] == "<r0@x.example>"  # the root is kept
    assert references[-2:] == ["<r29@x.example>", "<p@x.example>"]


def test_thread_headers_drop_hostile_or_missing_ids():
    in_reply_to, references = compose.thread_headers(
        parent_id="<p@x.example>",
        parent_references="<a@x.example> <b@x\r\nBcc: evil@x.example> not-an-id")
    assert references == ["<a@x.example>", "<p@x.example>"]
    assert compose.thread_headers(parent_id="<bad\n@x>", parent_references=[]) == ("", [])
    assert compose.thread_headers(parent_id=None, parent_references=None) == ("", [])


def _parse(mail) -> email.message.EmailMessage:
    return email.message_from_bytes(mail.message().as_bytes(), policy=policy.default)  # type: ignore[return-value]


def _envelope() -> compose.Envelope:
    return compose.Envelope(
        from_email="客服中心 <support@demo.kefu.local>",
        to=[compose.recipient("张三", "zhang@example.com")], subject="Re: 发货 [#10001]",
        message_id="<kefu.10001.1.ab@demo.kefu.local>", in_reply_to="<c@example.com>",
        references=["<c@example.com>"])


def test_a_human_reply_is_not_marked_automatic():
    parsed = _parse(compose.build_email(envelope=_envelope(), text="您好", html="<p>您好</p>",
                                        notice=False))
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert parsed["Auto-Submitted"] is None
    assert parsed["Precedence"] is None
    assert parsed["Message-ID"] == "<kefu.10001.1.ab@demo.kefu.local>"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["To"].addresses[0].display_name == "张三"
    assert parsed["From"].addresses[0].display_name == "客服中心"


def test_a_system_notice_is_auto_submitted_and_html_is_sanitised():
    parsed = _parse(compose.build_email(
        envelope=_envelope(), text="提醒", notice=True,
        html='<p onclick="x()">提醒</p><script>alert(1)</script>',
        files=[compose.FilePart("说明.txt", "内容".encode(), "text/plain")]))
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert parsed.get_content_type() == "multipart/mixed"
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "提醒" in html and "<script" not in html and "onclick" not in html
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "说明.txt"
    assert attachment.get_content() == "内容"
