"""parse_message(raw bytes) -> ParsedMail. Pure Python, no Django; never raises.

Why compat32 and not policy.default for the tree: policy.default decodes header values
and RFC 2231 parameters with the declared charset and "replace" while parsing, so a
GB2312-labelled name containing GBK characters is already lost when we see it. compat32
keeps the raw bytes (surrogate-escaped) and we decode them ourselves with the fallbacks
in charsets.py. The MIME tree walk, transfer decoding and defect reporting are the
standard library's.

Forwarded message/rfc822 parts are kept as attachments (raw bytes, "<subject>.eml"),
not merged into the body: the body stays what the sender wrote, and the forwarded mail
remains viewable and re-parsable in full.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from io import BytesIO
from typing import NamedTuple

import nh3

from kefu.mail import charsets, headers
from kefu.mail.flags import detect_automatic
from kefu.mail.flowed import unflow
from kefu.mail.html2text import html_to_text, nesting_depth, text_to_html
from kefu.mail.quoting import strip_reply
from kefu.mail.uuencode import extract_uuencoded


class Address(NamedTuple):
    name: str
    address: str


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    is_inline: bool = False
    charset: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedMail:
    """What a mail says, decoded.

    text: the whole body as plain text (HTML-only mail converted; blockquotes become
    "> " lines); html: the sanitised HTML body if the mail had one (cid: images and
    remote images are kept: blocking remote images is the viewer's job); reply_text: text
    without quoted history and signature (falls back to text if that leaves nothing);
    auto_submitted: any automatic-mail sign, bounce: a delivery failure report (both
    with auto_reasons); warnings: every repair made (charset guesses, header repairs,
    transfer-encoding defects), "parser failed: ..." only if the parser itself broke.
    """

    message_id: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_: Address = Address("", "")
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    auto_submitted: bool = False
    bounce: bool = False
    auto_reasons: list[str] = field(default_factory=list)
    text: str = ""
    html: str | None = None
    reply_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_sha256: str = ""

    @property
    def from_address(self) -> str:
        return self.from_.address

    @property
    def from_name(self) -> str:
        return self.from_.name


_MAX_HTML_DEPTH = 1000
_STYLE_PROPERTIES = {"color", "background-color", "font-weight", "font-style", "font-size",
                     "text-decoration", "text-align", "font-family", "white-space"}
_MSGID = re.compile(r"<[^<>\s]+>")
_HTML_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
              "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
              "i", "img", "ins", "li", "ol", "p", "pre", "q", "s", "small", "span", "strike",
              "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
              "ul"}
_HTML_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
               "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "*": {"style"}}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_HTML_TAGS,
        attributes=_HTML_ATTRS,
        url_schemes={"http", "https", "mailto", "cid", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        # Inline styles keep mail formatting; only harmless properties (no position,
        # no url(), nothing that can overlay the agent's page).
        filter_style_properties=_STYLE_PROPERTIES,
    )


def parse_message(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes. Never raises: on a fatal error returns what is known."""
    mail = ParsedMail(raw_sha256=hashlib.sha256(raw or b"").hexdigest())
    try:
        _Parser(mail).run(raw)
    except Exception as exc:  # noqa: BLE001 - any bytes must give a ParsedMail
        mail.warnings.append(f"parser failed: {exc.__class__.__name__}: {exc}"[:300])
        if not mail.text:
            mail.text = charsets.guess(raw or b"").text
            mail.reply_text = mail.text.strip()
    return mail


class _Parser:
    def __init__(self, mail: ParsedMail) -> None:
        self.mail = mail
        self.linesep = "\n"
        self.text_parts: list[str] = []
        self.html_parts: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.mail.warnings:
            self.mail.warnings.append(message)

    # ---------------------------------------------------------------- headers
    def header(self, msg: Message, name: str) -> str:
        values = headers.raw_all(msg, name)
        if not values:
            return ""
        return headers.decode_header(values[0], self.warn)

    def addresses(self, msg: Message, name: str) -> list[Address]:
        values = headers.raw_all(msg, name)
        out: list[Address] = []
        try:
            pairs = getaddresses(values)
        except Exception:  # noqa: BLE001
            self.warn(f"header {name}: unparsable address list")
            return out
        for raw_name, raw_addr in pairs:
            name_text = headers.decode_header(raw_name, self.warn).strip().strip('"').strip()
            addr = headers.decode_header(raw_addr, self.warn).strip().strip("<>")
            if "=?" in raw_addr and "@" not in addr:
                # An encoded word swallowed the whole address: decode, then split again.
                inner = getaddresses([addr])
                if inner and inner[0][1]:
                    name_text, addr = inner[0][0] or name_text, inner[0][1]
            if not addr and not name_text:
                continue
            if "@" not in addr and "@" in name_text:
                name_text, addr = "", name_text
            out.append(Address(name_text, addr))
        return out

    def sender(self, msg: Message) -> Address:
        """The first From address with an @; else Sender, Reply-To, Return-Path."""
        froms = self.addresses(msg, "From")
        for candidate in froms:
            if "@" in candidate.address:
                return candidate
        name = froms[0].name if froms else ""
        for fallback in ("Sender", "Reply-To", "Return-Path"):
            for candidate in self.addresses(msg, fallback):
                if "@" in candidate.address:
                    self.warn(f"no usable From address: took {fallback}")
                    return Address(name or candidate.name, candidate.address)
        self.warn("no From address")
        return froms[0] if froms else Address("", "")

    def read_headers(self, msg: Message) -> None:
        mail = self.mail
        ids = _MSGID.findall(str(msg.get("Message-ID", "")))
        mail.message_id = ids[0] if ids else (str(msg.get("Message-ID", "")).strip() or None)
        irt = _MSGID.findall(str(msg.get("In-Reply-To", "")))
        mail.in_reply_to = irt[0] if irt else None
        refs = _MSGID.findall(" ".join(str(v) for v in msg.get_all("References") or []))
        mail.references = list(dict.fromkeys(refs))
        mail.subject = self.header(msg, "Subject")
        mail.from_ = self.sender(msg)
        mail.reply_to = self.addresses(msg, "Reply-To")
        mail.to = self.addresses(msg, "To")
        mail.cc = self.addresses(msg, "Cc")
        raw_date = str(msg.get("Date", "") or "").strip()
        if raw_date:
            try:
                date = parsedate_to_datetime(raw_date)
                mail.date = date if date.tzinfo else date.replace(tzinfo=UTC)
            except (TypeError, ValueError, IndexError, OverflowError):
                self.warn(f"header Date: unparsable {raw_date[:60]!r}")

    # ---------------------------------------------------------------- body
    def run(self, raw: bytes) -> None:
        if not raw or not raw.strip():
            self.warn("empty message")
            return
        raw = raw.lstrip(b"\r\n\t ")
        if raw.startswith(b"From ") and b"\n" in raw:
            raw = raw.split(b"\n", 1)[1]  # mbox separator line
        raw = headers.repair_header_block(raw, self.warn)
        self.linesep = "\r\n" if b"\r\n" in raw[:4096] else "\n"
        try:
            msg = message_from_bytes(raw, policy=compat32)
        except RecursionError:
            # The stdlib parser recurses once per nesting level: keep the headers and
            # show the raw body as text.
            self.warn("MIME structure too deeply nested: body kept as raw text")
            msg = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
            self.read_headers(msg)
            self.leaf(msg, "text/plain", raw_text=True)
            self.finish()
            return
        for defect in msg.defects:
            self.warn(f"defect: {defect.__class__.__name__}")
        self.read_headers(msg)
        flags = detect_automatic(msg, self.mail.from_.address)
        self.mail.auto_submitted = flags.auto_submitted
        self.mail.bounce = flags.bounce
        self.mail.auto_reasons = flags.reasons
        self.walk(msg, depth=0)
        self.finish()

    def walk(self, part: Message, depth: int) -> None:
        if depth > 30:
            self.warn("MIME nesting deeper than 30: rest ignored")
            return
        ctype = self.content_type(part)
        if ctype.startswith("multipart/"):
            payload = part.get_payload()
            children = [c for c in payload if isinstance(c, Message)] if isinstance(
                payload, list) else []
            if not children:
                self.warn(f"{ctype} without parts: read as text")
                self.leaf(part, "text/plain")
                return
            if ctype == "multipart/alternative":
                self.alternative(children, depth)
            else:
                for child in children:
                    self.walk(child, depth + 1)
            return
        self.leaf(part, ctype)

    def content_type(self, part: Message) -> str:
        raw = part.get("Content-Type")
        try:
            ctype = part.get_content_type()
        except Exception:  # noqa: BLE001
            ctype = "text/plain"
        if raw is not None and ctype == "text/plain" and not str(raw).lower().lstrip().startswith(
                "text/plain"):
            self.warn(f"garbled Content-Type {str(raw)[:60]!r}: read as text/plain")
        if ctype.startswith("multipart/") and not isinstance(part.get_payload(), list):
            return "text/plain"
        return ctype

    def alternative(self, children: list[Message], depth: int) -> None:
        """Text from the text/plain branch (or the rich branch if that one is empty),
        HTML from the rich (last non-plain) branch."""
        plain = [c for c in children if self.content_type(c) == "text/plain"
                 and not self.is_attachment(c)][:1]
        others = [c for c in children if c not in plain and (c.keys() or c.get_payload())]
        preferred = [c for c in others if self.content_type(c) == "text/html"
                     or self.content_type(c).startswith("multipart/")]
        rich = (preferred or others)[-1:]
        start = len(self.text_parts)
        for child in rich:
            self.walk(child, depth + 1)
        rich_texts = self.text_parts[start:]
        del self.text_parts[start:]
        for child in plain:
            self.walk(child, depth + 1)
        if not any(t.strip() for t in self.text_parts[start:]):
            del self.text_parts[start:]
            self.text_parts.extend(rich_texts)

    def is_attachment(self, part: Message) -> bool:
        disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
        if disposition == "attachment":
            return True
        return disposition != "inline" and bool(self.raw_filename(part))

    def raw_filename(self, part: Message) -> str | None:
        for param, hdr in (("filename", "content-disposition"), ("name", "content-type")):
            value = self.param(part, param, hdr)
            if not value:
                continue
            if isinstance(value, tuple):  # RFC 2231: (charset, language, latin-1 text)
                charset, _lang, text = value
                data = str(text).encode("latin-1", "surrogateescape")
                decoded = charsets.decode(data, charset or None)
                if decoded.warning:
                    self.warn("filename " + decoded.warning)
                return decoded.text
            return headers.decode_header(str(value), self.warn)
        return None

    def param(self, part: Message, name: str, header: str) -> str | tuple[str, str, str] | None:
        """get_param over the raw header: 8-bit bytes are decoded with our charset guess
        first, where compat32 would have replaced them."""
        raws = headers.raw_all(part, header)
        if not raws:
            return None
        try:
            if raws[0].isascii():
                value = part.get_param(name, header=header)
            else:
                decoded = charsets.decode(raws[0].encode("utf-8", "surrogateescape"), None)
                self.warn(f"header {header}: raw 8-bit parameter, decoded as {decoded.charset}")
                holder = Message()
                holder[header] = decoded.text
                value = holder.get_param(name, header=header)
        except Exception:  # noqa: BLE001
            return None
        if isinstance(value, tuple):
            return (str(value[0] or ""), str(value[1] or ""), str(value[2]))
        return str(value) if value else None

    def payload(self, part: Message) -> bytes:
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:  # noqa: BLE001
            self.warn(f"transfer decoding failed ({exc.__class__.__name__}): raw content kept")
            raw = part.get_payload()
            return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
        for defect in part.defects:
            self.warn(f"defect: {defect.__class__.__name__}")
        if data is None:
            raw = part.get_payload()
            if isinstance(raw, str):
                return raw.encode("utf-8", "surrogateescape")
            if isinstance(raw, list):  # message/delivery-status: parsed into header blocks
                serialized = self.serialize(part)
                match = re.search(rb"\r?\n\r?\n", serialized)
                return serialized[match.end():] if match else b""
            return b""
        return data if isinstance(data, bytes) else b""

    def serialize(self, msg: Message) -> bytes:
        """Bytes of a (sub)message as received: same line ends, no refolding, 8-bit kept."""
        out = BytesIO()
        policy = compat32.clone(linesep=self.linesep, max_line_length=0)
        try:
            BytesGenerator(out, mangle_from_=False, policy=policy).flatten(msg)
        except Exception as exc:  # noqa: BLE001
            self.warn(f"could not re-serialise a forwarded message ({exc.__class__.__name__})")
        return out.getvalue()

    def leaf(self, part: Message, ctype: str, raw_text: bool = False) -> None:
        if ctype == "message/rfc822" or ctype == "message/global":
            self.forwarded(part)
            return
        if raw_text or (ctype in ("text/plain", "text/html") and not self.is_attachment(part)):
            data = self.payload(part)
            charset = self.param(part, "charset", "content-type")
            decoded = charsets.decode(data, charset if isinstance(charset, str) else None)
            if decoded.warning:
                self.warn(decoded.warning)
            if ctype == "text/html":
                self.html_parts.append(decoded.text)
                self.text_parts.append(html_to_text(decoded.text))
            else:
                text = decoded.text
                if str(self.param(part, "format", "content-type") or "").lower() == "flowed":
                    delsp = str(self.param(part, "delsp", "content-type") or "").lower() == "yes"
                    text = unflow(text, delsp)
                if "begin " in text:
                    text, files = extract_uuencoded(text, self.warn)
                    self.mail.attachments.extend(
                        Attachment(name, "application/octet-stream", data) for name, data in files)
                if text.strip() or not self.text_parts:
                    self.text_parts.append(text)
            return
        self.attachment(part, ctype)

    def forwarded(self, part: Message) -> None:
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            data = self.serialize(inner[0])
            subject = self.header(inner[0], "Subject")
        else:
            data = self.payload(part)
            subject = ""
        description = headers.decode_header(str(part.get("Content-Description", "")), self.warn)
        name = self.raw_filename(part) or (
            _safe_name(subject or description) or "forwarded") + ".eml"
        self.mail.attachments.append(Attachment(name, "message/rfc822", data))

    def attachment(self, part: Message, ctype: str) -> None:
        data = self.payload(part)
        cid_raw = str(part.get("Content-ID", "") or "").strip()
        cid = cid_raw.strip("<>") or None
        disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
        filename = self.raw_filename(part)
        if not filename:
            description = headers.decode_header(str(part.get("Content-Description", "")),
                                                self.warn)
            filename = _default_name(ctype, _safe_name(description) or cid)
        charset = self.param(part, "charset", "content-type")
        self.mail.attachments.append(Attachment(
            filename=filename,
            content_type=ctype,
            data=data,
            content_id=cid,
            is_inline=bool(cid) and disposition != "attachment" or disposition == "inline",
            charset=str(charset) if charset else None,
        ))

    def finish(self) -> None:
        mail = self.mail
        text = "\n\n".join(t.strip("\n") for t in self.text_parts if t.strip())
        mail.text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
        if self.html_parts:
            html = "\n".join(self.html_parts)
            if nesting_depth(html) > _MAX_HTML_DEPTH:
                self.warn(f"HTML nested deeper than {_MAX_HTML_DEPTH}: replaced by its text")
                mail.html = text_to_html(mail.text)
            else:
                mail.html = sanitize_html(html)
        mail.reply_text = strip_reply(mail.text)


def _safe_name(text: str) -> str:
    return re.sub(r"[\\/\x00-\x1f]+", "_", text).strip()[:120]


_EXTENSIONS = {"text/plain": ".txt", "text/html": ".html", "image/png": ".png",
               "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
               "message/delivery-status": ".txt", "text/calendar": ".ics",
               "application/ms-tnef": ".dat"}


def _default_name(ctype: str, hint: str | None) -> str:
    """A name for a nameless part: its description or Content-ID, else "file"."""
    stem = _safe_name(hint.split("@")[0]) if hint else ""
    if not stem:
        return "file" + _EXTENSIONS.get(ctype, "")
    if re.search(r"\.[A-Za-z0-9]{2,4}$", stem):
        return stem
    return stem + _EXTENSIONS.get(ctype, "")
