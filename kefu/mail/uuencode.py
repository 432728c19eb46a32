"""Uuencoded files inside a plain-text body ("begin 644 name" ... "end")."""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable

_BEGIN = re.compile(r"^begin [0-7]{3,4} (.+?)\s*$")


def extract_uuencoded(text: str, warn: Callable[[str], None]) -> tuple[str, list[tuple[str, bytes]]]:
    """Return the text without its uuencoded blocks, and the decoded (name, bytes) files."""
    lines = text.split("\n")
    out: list[str] = []
    files: list[tuple[str, bytes]] = []
    i = 0
    while i < len(lines):
        match = _BEGIN.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        data = bytearray()
        j = i + 1
        while j < len(lines) and lines[j].strip() != "end":
            data += _decode_line(lines[j].rstrip("\r"), warn)
            j += 1
        if j >= len(lines):
            out.append(lines[i])  # no "end": not uuencode after all
            i += 1
            continue
        files.append((match.group(1), bytes(data)))
        warn(f"uuencoded attachment {match.group(1)!r} extracted")
        i = j + 1
    return "\n".join(out), files


def _decode_line(line: str, warn: Callable[[str], None]) -> bytes:
    if not line or line == "`":
        return b""
    try:
        return binascii.a2b_uu(line)
    except binascii.Error:
        # Some encoders pad lines with garbage: keep only the declared length.
        nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        try:
            return binascii.a2b_uu(line[:nbytes])
        except binascii.Error:
            warn("uuencode: bad line skipped")
            return b""
