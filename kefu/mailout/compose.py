"""Compose a reply mail from plain values: subject, Message-ID, threading headers, MIME.

No database access here: services.py gathers the ticket, message and attachments and
passes their values in, so this is tested without fixtures.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr

from django.core.mail import EmailMultiAlternatives

from kefu.core.html import sanitize_html, text_to_html

# "Re:", "RE :", "Aw:", "回复：" ... repeated at the start: one "Re: " is put back.
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|回复|答复)\s*(?:\[\d+\])?\s*[:：]\s*)+",
                           re.IGNORECASE)
_TICKET_TOKEN = re.compile(r"\s*\[#\d+\]\s*")
# A msg-id as we accept it from outside: printable ASCII without spaces or angle brackets
# inside. Anything else (CR/LF from a hostile header) is dropped, never copied out.
_MSG_ID = re.compile(r"^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$")


@dataclass(frozen=True)
class Envelope:
    from_email: str
    to: list[str]
    subject: str
    message_id: str
    cc: list[str] = field(default_factory=list)
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FilePart:
    filename: str
    content: bytes
    content_type: str


def reply_subject(subject: str, number: int | None) -> str:
    """ "Re: <subject> [#<number>]", without doubling a "Re:" or the ticket token."""
    base = _REPLY_PREFIX.sub("", " ".join(subject.split()))
    base = _TICKET_TOKEN.sub(" ", base).strip()
    token = f"[#{number}]" if number is not None else ""
    return " ".join(part for part in ("Re:", base, token) if part)


def address_domain(address: str) -> str:
    domain = parseaddr(address)[1].rpartition("@")[2].strip().lower()
    return domain or "kefu.local"


def new_message_id(*, ticket_number: int | None, message_pk: int, domain: str) -> str:
    # The random part keeps ids unique across installations that share a domain and
    # after a database restore reuses primary keys.
    return f"<kefu.{ticket_number}.{message_pk}.{secrets.token_hex(8)}@{domain}>"


def clean_message_ids(values: object) -> list[str]:
    """Well-formed msg-ids from a stored value (a string or a list), in order, unique."""
    if isinstance(values, str):
        values = values.split()
    if not isinstance(values, list | tuple):
        return []
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and _MSG_ID.match(value.strip()):
            seen.setdefault(value.strip(), None)
    return list(seen)


def thread_headers(*, parent_id: object, parent_references: object,
                   limit: int = 20) -> tuple[str, list[str]]:
    """In-Reply-To and References of a reply to the message ``parent_id``.

    References are the parent's references plus the parent itself, bounded to ``limit``
    ids: the first (the thread's root, which clients thread by) and the latest ones.
    """
    parent = clean_message_ids([parent_id])
    if not parent:
        return "", []
    references = [r for r in clean_message_ids(parent_references) if r != parent[0]] + parent
    limit = max(2, limit)
    if len(references) > limit:
        references = references[:1] + references[-(limit - 1):]
    return parent[0], references


def recipient(name: str, address: str) -> str:
    """A display name with its address; Django encodes a non-ASCII name (RFC 2047)."""
    name = " ".join(name.replace('"', "").split())
    return formataddr((name, address)) if name else address


def html_document(body_html: str, body_text: str) -> str:
    inner = sanitize_html(body_html) if body_html.strip() else text_to_html(body_text)
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            f"<body>{inner}</body></html>")


def headers_for(envelope: Envelope, *, notice: bool) -> dict[str, str]:
    headers = {"Message-ID": envelope.message_id,
               # Exchange/Outlook: no out-of-office or delivery receipts back to us.
               "X-Auto-Response-Suppress": "All"}
    if envelope.in_reply_to:
        headers["In-Reply-To"] = envelope.in_reply_to
    if envelope.references:
        headers["References"] = " ".join(envelope.references)
    if notice:
        # RFC 3834: mail written by kefu itself; well-behaved responders stay silent.
        # No "Precedence" (it is non-standard and makes spam filters suspicious).
        headers["Auto-Submitted"] = "auto-replied"
    return headers


def build_email(*, envelope: Envelope, text: str, html: str, notice: bool,
                files: Sequence[FilePart] = (), connection: object = None,
                extra_headers: Iterable[tuple[str, str]] = ()) -> EmailMultiAlternatives:
    """multipart/alternative (text + sanitised HTML), inside multipart/mixed with files."""
    headers = headers_for(envelope, notice=notice)
    headers.update(dict(extra_headers))
    mail = EmailMultiAlternatives(
        subject=envelope.subject, body=text, from_email=envelope.from_email,
        to=list(envelope.to), cc=list(envelope.cc), headers=headers, connection=connection,
    )
    mail.encoding = "utf-8"
    mail.attach_alternative(html_document(html, text), "text/html")
    for part in files:
        mail.attach(part.filename, part.content, part.content_type or "application/octet-stream")
    return mail
