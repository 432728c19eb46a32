"""Header values: RFC 2047 encoded words (also broken ones) and raw 8-bit text."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Callable
from email.message import Message

from kefu.mail import charsets

# Lenient: tolerates spaces inside the encoded text (some clients fold inside a word).
_ENCODED_WORD = re.compile(r"=\?([^?\s]+?)(?:\*[^?]*)?\?([bBqQ])\?(.*?)\?=", re.DOTALL)
_BLANK = re.compile(r"[ \t]*(?:\r?\n)?[ \t]*")

Warn = Callable[[str], None]


def _word_bytes(encoding: str, payload: str, warn: Warn) -> bytes:
    payload = payload.replace(" ", "").replace("\t", "").replace("\r", "").replace("\n", "") \
        if encoding in "bB" else payload
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        cleaned += "=" * (-len(cleaned) % 4)
        if cleaned.rstrip("=") != payload.rstrip("="):
            warn("header: repaired a broken base64 encoded word")
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            warn("header: undecodable base64 encoded word")
            return base64.b64decode(cleaned[: len(cleaned) // 4 * 4 - 4] or b"")
    raw = payload.replace("_", " ").encode("ascii", "surrogateescape")
    return quopri.decodestring(raw, header=False)


def decode_header(value: str | None, warn: Warn | None = None) -> str:
    """Decode a raw header value into text; never raises."""
    if not value:
        return ""
    warn = warn or (lambda _msg: None)
    try:
        return _decode(value, warn)
    except Exception as exc:  # noqa: BLE001 - the parser must survive any header
        warn(f"header: could not decode ({exc.__class__.__name__})")
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode(value: str, warn: Warn) -> str:
    out: list[str] = []
    # Adjacent encoded words in one charset are joined as bytes first: Chinese clients
    # split a multi-byte character across two words.
    pending: list[bytes] = []
    pending_charset: str | None = None

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            decoded = charsets.decode(b"".join(pending), pending_charset)
            if decoded.warning:
                warn("header " + decoded.warning)
            out.append(decoded.text)
        pending, pending_charset = [], None

    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if between and not (pending and _BLANK.fullmatch(between)):
            flush()
            out.append(_plain(between, warn))
        charset = match.group(1)
        if pending and charset.lower() != (pending_charset or "").lower():
            flush()
        pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3), warn))
        pos = match.end()
    flush()
    if pos < len(value):
        out.append(_plain(value[pos:], warn))
    text = "".join(out)
    text = re.sub(r"\r?\n[ \t]", " ", text)  # unfold
    return text.replace("\r", "").replace("\n", " ").strip()


def _plain(text: str, warn: Warn) -> str:
    if text.isascii() and "\x1b" not in text:
        return text
    data = text.encode("utf-8", "surrogateescape")
    decoded = charsets.decode(data, None)
    if decoded.charset != "utf-8" or any("\udc80" <= c <= "\udcff" for c in text):
        warn(f"header: raw 8-bit text, decoded as {decoded.charset}")
    return decoded.text


def raw_all(msg: Message, name: str) -> list[str]:
    """Raw header values (8-bit bytes kept as surrogates); compat32's get() would mangle them."""
    lname = name.lower()
    return [str(v) for k, v in msg.raw_items() if k.lower() == lname]


_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")


def repair_header_block(raw: bytes, warn: Warn) -> bytes:
    """Fix header blocks that would end the headers early: a junk first line, and
    continuation lines that lost their leading whitespace."""
    match = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[: match.start()], raw[match.start():]) if match else (raw, b"")
    lines = head.split(b"\n")
    if len(lines) < 2:
        return raw
    last_header = max((i for i, line in enumerate(lines) if _HEADER_LINE.match(line)), default=-1)
    repaired: list[bytes] = []
    changed = False
    for i, line in enumerate(lines):
        if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"):
            repaired.append(line)
            continue
        if i > last_header:
            repaired.extend(lines[i:])  # the real end of the headers: leave it to the parser
            break
        changed = True
        if repaired:
            repaired.append(b" " + line)
    if not changed:
        return raw
    warn("header block repaired (junk line or unindented continuation)")
    return b"\n".join(repaired) + rest
