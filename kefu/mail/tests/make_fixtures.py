"""Writes the fixtures under fixtures/: the legacy encodings cannot be typed by hand.

    .venv/bin/python kefu/mail/tests/make_fixtures.py
"""

import base64
import binascii
import quopri
from pathlib import Path

D = Path(__file__).resolve().parent / "fixtures"
def b64w(cs, text, enc=None):
    return f"=?{cs}?B?{base64.b64encode(text.encode(enc or cs)).decode()}?="
def write(name, headers, body: bytes):
    D.joinpath(name).write_bytes(headers.encode('utf-8') + b"\r\n" + body)
H = ("From: =?gb2312?B?{}?= <zhang.rong@example.cn>\r\nTo: support@demo.kefu.local\r\n"
     "Date: Tue, 24 Nov 2026 10:00:00 +0800\r\nMessage-ID: <{}@example.cn>\r\nMIME-Version: 1.0\r\n")
def hdr(mid, name="张镕"):
    return H.format(base64.b64encode(name.encode('gbk')).decode(), mid)

# 1 GB2312 declared, GBK characters (镕, 啰) in subject and body
write("gb2312_declared_gbk_chars.eml",
      hdr("gbk1") + f"Subject: {b64w('gb2312', '关于朱镕基的啰嗦问题', 'gbk')}\r\n"
      "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n",
      base64.encodebytes("您好，朱镕基说话不啰嗦。\r\n请回复。\r\n".encode('gbk')).replace(b"\n", b"\r\n"))
# 2 GB18030 with a four-byte character
write("gb18030.eml",
      hdr("gb18030") + "Subject: =?GB18030?Q?" + "".join(f"={b:02X}" for b in "订单𠮷号".encode('gb18030')) + "?=\r\n"
      "Content-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: 8bit\r\n",
      "姓名：𠮷野家，价格 €12\r\n".encode('gb18030'))
# 3 Big5
write("big5.eml",
      hdr("big5", "陳大文") .replace("=?gb2312?B?" + base64.b64encode("陳大文".encode('gbk')).decode(), "=?big5?B?" + base64.b64encode("陳大文".encode('big5')).decode())
      + f"Subject: {b64w('big5', '請問訂單何時出貨')}\r\n"
      "Content-Type: text/plain; charset=big5\r\nContent-Transfer-Encoding: quoted-printable\r\n",
      quopri.encodestring("您好，請問我的訂單何時出貨？謝謝。\r\n".encode('big5')))
# 4 no charset at all, raw GBK body, 8bit
write("undeclared_gbk.eml",
      hdr("undecl") + "Subject: order\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n",
      "您好，我的订单还没有收到，请帮忙查询一下物流信息。\r\n".encode('gbk'))
# 5 broken encoded words: a UTF-8 character split across two words, missing padding
sb = "退款申请处理".encode()
w1 = base64.b64encode(sb[:4]).decode()
w2 = base64.b64encode(sb[4:]).decode().rstrip("=")
write("broken_encoded_word.eml",
      hdr("broken") + f"Subject: =?UTF-8?B?{w1}?=\r\n =?UTF-8?B?{w2}?=\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n", "见标题。\r\n".encode())
# 6 raw 8-bit UTF-8 headers
D.joinpath("raw_utf8_header.eml").write_bytes(
    "From: 李四 <li.si@example.cn>\r\nTo: 客服 <support@demo.kefu.local>\r\nSubject: 发票问题\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0800\r\nMessage-ID: <raw8@example.cn>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n请开具发票。\r\n".encode())
# 7 raw 8-bit GBK header, wrong declared charset in body (says utf-8, is GBK)
D.joinpath("raw_gbk_header.eml").write_bytes(
    b"From: " + "王五".encode('gbk') + b" <wang.wu@example.cn>\r\nTo: support@demo.kefu.local\r\nSubject: "
    + "退货地址在哪里".encode('gbk') + b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    + "请告诉我退货地址。\r\n".encode('gbk'))
# 8 attachments: RFC 2231 UTF-8 name (continuations), RFC 2231 gb2312 name with GBK char,
#   encoded-word GBK name, inline cid image in HTML
png = base64.b64encode(b"\x89PNG\r\n\x1a\nfakepng").decode()
fn1 = "".join(f"%{b:02X}" for b in "采购合同（最终版）.pdf".encode())
fn2 = "".join(f"%{b:02X}" for b in "镕钢报价单.xlsx".encode('gbk'))
body = (
 "--b1\r\nContent-Type: multipart/related; boundary=b2\r\n\r\n"
 "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
 "<html><body><p>附件是合同和报价单。</p><p><img src=\"cid:logo@kefu\" alt=\"logo\"></p></body></html>\r\n"
 "--b2\r\nContent-Type: image/png\r\nContent-ID: <logo@kefu>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
 f"{png}\r\n--b2--\r\n"
 "--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
 f"Content-Disposition: attachment;\r\n filename*0*=UTF-8''{fn1[:39]};\r\n filename*1*={fn1[39:]}\r\n\r\nJVBERi0xLjQK\r\n"
 "--b1\r\nContent-Type: application/vnd.ms-excel\r\nContent-Transfer-Encoding: base64\r\n"
 f"Content-Disposition: attachment; filename*=gb2312''{fn2}\r\n\r\nUEsDBA==\r\n"
 "--b1\r\nContent-Type: image/jpeg; name=\"" + b64w('GBK', '发票扫描件.jpg') + "\"\r\nContent-Transfer-Encoding: base64\r\n"
 "Content-Disposition: attachment; filename=\"" + b64w('GBK', '发票扫描件.jpg') + "\"\r\n\r\n/9j/4AA=\r\n--b1--\r\n")
write("attachments_chinese_names.eml",
      hdr("att") + "Subject: =?utf-8?B?" + base64.b64encode("合同".encode()).decode() + "?=\r\n"
      "Content-Type: multipart/mixed; boundary=b1\r\n", body.encode())
# 9 QQ mail HTML reply (GB18030 declared), with quoted history
qq_html = ("<div>好的，我明天下午在家，可以送货。</div><div><br></div><div>"
           "------------------&nbsp;原始邮件&nbsp;------------------</div>"
           "<div><b>发件人:</b>&nbsp;\"客服\"&lt;support@demo.kefu.local&gt;;</div>"
           "<div><b>发送时间:</b>&nbsp;2026年11月24日(星期二) 上午10:00</div>"
           "<div><b>收件人:</b>&nbsp;\"张镕\"&lt;zhang.rong@example.cn&gt;;</div>"
           "<div><b>主题:</b>&nbsp;回复：订单 [#10023]</div><div>请问您什么时候方便收货？</div>")
write("qq_reply_html.eml",
      hdr("qq") + "In-Reply-To: <ticket-10023@demo.kefu.local>\r\nReferences: <a@demo.kefu.local>\r\n <ticket-10023@demo.kefu.local>\r\n"
      f"Subject: {b64w('gb18030', '回复：订单 [#10023]')}\r\n"
      "Content-Type: text/html; charset=\"gb18030\"\r\nContent-Transfer-Encoding: base64\r\n",
      base64.encodebytes(qq_html.encode('gb18030')))
# 10 Foxmail plain reply, gb2312, with signature
fox = ("收到，谢谢！\r\n\r\n--\r\n张镕 | 采购部\r\n\r\n发件人：客服\r\n发送时间：2026-11-24 10:00\r\n"
       "收件人：张镕\r\n主题：订单已发货\r\n\r\n您的订单已发货。\r\n")
write("foxmail_reply.eml",
      hdr("fox") + f"Subject: {b64w('gb2312', '回复：订单已发货')}\r\nX-Mailer: Foxmail 7.2\r\n"
      "Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n",
      base64.encodebytes(fox.encode('gbk')))
# 11 auto reply (Chinese out-of-office)
write("auto_reply.eml",
      hdr("ooo") + f"Subject: {b64w('utf-8', '自动回复：我正在休假')}\r\nAuto-Submitted: auto-replied\r\n"
      "X-Auto-Response-Suppress: All\r\nContent-Type: text/plain; charset=utf-8\r\n", "我正在休假，12月1日回来。\r\n".encode())
# 12 DSN bounce
write("bounce_dsn.eml",
      "From: MAILER-DAEMON@mx.example.cn (Mail Delivery System)\r\nTo: support@demo.kefu.local\r\nSubject: Undelivered Mail Returned to Sender\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r1\r\n",
      b"--r1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not be delivered.\r\n"
      b"--r1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.cn\r\n\r\nFinal-Recipient: rfc822; nobody@example.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      b"--r1\r\nContent-Type: message/rfc822\r\n\r\nFrom: support@demo.kefu.local\r\nSubject: Re: [#10023] hello\r\n\r\nhello\r\n--r1--\r\n")
# 13 Outlook HTML-only reply (Chinese Outlook), windows-1252 mislabel avoided: utf-8 QP
outlook_html = ("<html><head><style>p{margin:0}</style></head><body><div><p>王经理：</p>"
                "<p>附件已更新，请查收。</p><p>&nbsp;</p></div>"
                "<div id=\"divRplyFwdMsg\"><hr><b>发件人:</b> 客服 &lt;support@demo.kefu.local&gt;<br>"
                "<b>发送时间:</b> 2026年11月24日 10:00<br><b>收件人:</b> 王五<br>"
                "<b>主题:</b> 报价</div><div>旧内容</div></body></html>")
write("outlook_reply_html.eml",
      hdr("outlook") + f"Subject: {b64w('utf-8', '答复: 报价')}\r\n"
      "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
      quopri.encodestring(outlook_html.encode()))
# 14 Gmail English multipart/alternative reply with blockquote
gm_text = ("Yes, please cancel it.\r\n\r\nOn Tue, Nov 24, 2026 at 10:00 AM Support <support@demo.kefu.local>\r\n"
           "wrote:\r\n\r\n> Do you want to cancel order 10023?\r\n")
gm_html = ("<div dir=\"ltr\">Yes, please cancel it.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">"
           "On Tue, Nov 24, 2026 at 10:00 AM Support &lt;support@demo.kefu.local&gt; wrote:<br></div>"
           "<blockquote class=\"gmail_quote\">Do you want to cancel order 10023?</blockquote></div>")
write("gmail_reply_alternative.eml",
      "From: John Smith <john@example.com>\r\nTo: support@demo.kefu.local\r\nSubject: Re: [#10023] order\r\n"
      "Date: Tue, 24 Nov 2026 03:00:00 -0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=alt\r\n",
      ("--alt\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + gm_text +
       "--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n" + gm_html + "\r\n--alt--\r\n").encode())
# 15 uuencoded attachment in a plain body, no MIME
uu = "".join(binascii.b2a_uu(b"order,qty\n10023,2\n"[i:i+45]).decode() for i in range(0, 18, 45))
write("uuencode.eml", "From: a@example.cn\r\nSubject: csv\r\n",
      ("Here is the file.\r\n\r\nbegin 644 orders.csv\r\n" + uu.replace("\n", "\r\n") + "`\r\nend\r\n").encode())
print(f"fixtures written to {D}")
