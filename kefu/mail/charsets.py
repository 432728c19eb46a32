"""Decode bytes whose charset is undeclared or wrong.

Order: the declared charset widened to its superset (gb2312 -> gb18030, big5 -> big5hkscs,
euc-kr -> cp949, shift_jis -> cp932, latin-1 -> cp1252), then UTF-8, then a short list of
candidates scored by how plausible the decoded text is. Nothing here raises.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Declared label (normalised by codecs.lookup) -> the codec that also reads what mail
# clients really send under that label.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "euc_kr": "cp949",
    "ks_c_5601_1987": "cp949",
    "shift_jis": "cp932",
    "euc_jp": "euc_jis_2004",
    "iso2022_jp": "iso2022_jp_ext",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "cp874": "cp874",
}
_LABEL_FIXES = {
    "x-gbk": "gbk",
    "cn-gb": "gb2312",
    "gb_2312-80": "gb2312",
    "x-euc-cn": "gb2312",
    "euc-cn": "gb2312",
    "x-big5": "big5",
    "ks_c_5601-1987": "euc_kr",
    "ks_c_5601": "euc_kr",
    "x-sjis": "shift_jis",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "utf8": "utf-8",
    "iso-8859-8-i": "iso-8859-8",
}
_UNDECLARED_CANDIDATES = ("gb18030", "big5hkscs", "cp932", "cp949", "cp1252")

# Frequent simplified characters (general text and customer-service words). Korean
# EUC-KR bytes also decode as valid GB2312 hanzi, but random ones: the share of frequent
# characters tells real Chinese apart.
_COMMON_HANZI = frozenset(
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会"
    "那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进"
    "种将还分此心前面又定见只主没公从知使点意部问因物理她本被动外气力由两机相已高新工全现"
    "实开长明最关加员并把给回位通想果比更什次间身情提各手司订单货退款客服请您谢帮查询收票"
    "价格快递流址电话号码邮件系统账户支付候换投诉题处申联产品质量务售顾优惠活会积取消修改"
    "确认银行包裹签破损尺寸颜色型数金额元月周今明昨经怎需希望应该否麻烦尽复信息因所但果或"
    "者小分钟工作内容已经没有这个那个我们你们他们可以时间问题谢谢您好请问一下帮忙麻烦"
    "再次感到非常抱歉满意评价商店铺购买送达寄件收件人姓名手机重新及时尽早安排门市场"
    "网站页面登录密码注册用户名称错误失败成功正常情况原因结果方式方法能够帮助解决希望"
)


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the codec actually used
    warning: str | None  # set when the declared charset was missing or wrong


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a MIME charset label, or None if unknown/empty."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_FIXES.get(label, label)
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name.replace("-", "_"), name)


def _plausibility(text: str, codec: str) -> float:
    """Share of non-ASCII characters that are ordinary for this codec's language."""
    good = 0.0
    total = 0
    prev_high = False
    for i, ch in enumerate(text):
        if ch < "\x80":
            prev_high = False
            continue
        total += 1
        if codec == "gb18030":
            ok = 1.0 if ch in _COMMON_HANZI or _encodes_lead(ch, "gb2312", 0xA3) else (
                0.6 if _encodes(ch, "gb2312") else 0.0)
        elif codec == "big5hkscs":
            ok = 0.9 if _encodes_lead(ch, "big5", 0xC6) else 0.0
        elif codec == "cp932":
            ok = 1.0 if "\u3040" <= ch <= "\u30ff" or _encodes_lead(ch, "shift_jis", 0x84) else (
                0.8 if _encodes_lead(ch, "shift_jis", 0x9F) else 0.0)
        elif codec == "cp949":
            # Python's euc_kr writes any syllable outside KS X 1001 as an 8-byte jamo
            # sequence: only 2-byte codes are the ordinary ones.
            ksx = _encodes_lead(ch, "euc_kr", 0xFE) and len(ch.encode("euc_kr")) == 2
            ok = (1.0 if "\uac00" <= ch <= "\ud7a3" or ch < "\u3100" else 0.3) if ksx else 0.0
        else:  # single-byte Western: accented letters stand alone between ASCII letters
            nxt = text[i + 1] if i + 1 < len(text) else " "
            ok = 1.0 if ch.isalpha() and not prev_high and nxt < "\x80" else 0.0
            if ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u20ac\xa0\xa9\xae\xb0\u2022\u2026":
                ok = 1.0
        prev_high = True
        good += ok
        if ch == "\ufffd" or (ch < "\xa0") or ("\ue000" <= ch <= "\uf8ff"):
            good -= 2
    return good / total if total else 1.0


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeError:
        return False
    return True


def _encodes_lead(ch: str, codec: str, max_lead: int) -> bool:
    try:
        raw = ch.encode(codec)
    except UnicodeError:
        return False
    return len(raw) == 1 or raw[0] <= max_lead


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        return None


def _looks_utf8(data: bytes) -> str | None:
    text = _strict(data, "utf-8")
    if text is not None and any(ch >= "\x80" for ch in text):
        return text
    return None


def guess(data: bytes) -> Decoded:
    """Decode bytes with no declared charset."""
    return decode(data, None)


def decode(data: bytes, declared: str | None) -> Decoded:
    """Decode `data` that claims to be in `declared` (may be None, unknown or wrong)."""
    if not any(b >= 0x80 for b in data) and b"\x1b" not in data:
        return Decoded(data.decode("ascii", "replace"), "ascii", None)
    codec = normalise_charset(declared)
    if b"\x1b$" in data or b"\x1b(" in data:  # ISO-2022 escape sequences, 7-bit
        for candidate in (codec, "iso2022_jp_ext", "iso2022_jp_2", "iso2022_kr"):
            if candidate and candidate.startswith("iso2022"):
                text = _strict(data, candidate)
                if text is not None:
                    return Decoded(text, candidate, None if candidate == codec else
                                   f"charset {declared or 'undeclared'}: decoded as {candidate}")
        text = _iso2022jp_windows(data)
        if text is not None:
            return Decoded(text, "cp50220", f"charset {declared or 'undeclared'}: ISO-2022-JP "
                                            "with Windows (NEC/IBM) extensions")
    if codec:
        if codec in ("cp1252", "utf-8") or codec.startswith(("iso8859", "cp125")):
            # Mail labelled Latin-1/ASCII is often UTF-8; real Latin text is almost never
            # valid multi-byte UTF-8.
            text = _looks_utf8(data)
            if text is not None:
                warning = None if codec == "utf-8" else f"charset {declared}: content is UTF-8"
                return Decoded(text, "utf-8", warning)
        text = _strict(data, codec)
        if text is not None:
            base = _base_codec(declared)
            if base and base != codec and _strict(data, base) is None:
                return Decoded(text, codec, f"charset {declared}: has characters outside it, "
                                            f"decoded as superset {codec}")
            return Decoded(text, codec, None)
    text = _looks_utf8(data)
    if text is not None:
        return Decoded(text, "utf-8", _warn(declared, "utf-8"))
    scored: list[tuple[float, int, str, str]] = []
    for rank, candidate in enumerate(_UNDECLARED_CANDIDATES):
        text = _strict(data, candidate)
        if text is not None:
            scored.append((_plausibility(text, candidate), -rank, candidate, text))
    if scored:
        _, _, candidate, text = max(scored)
        return Decoded(text, candidate, _warn(declared, candidate))
    # Nothing decodes cleanly: fewest replacement characters wins.
    lossy = []
    for rank, candidate in enumerate(((codec,) if codec else ()) + ("utf-8",) + _UNDECLARED_CANDIDATES):
        text = data.decode(candidate, "replace")
        lossy.append((text.count("\ufffd"), rank, candidate, text))
    _, _, candidate, text = min(lossy)
    return Decoded(text, candidate, f"charset {declared or 'undeclared'}: undecodable bytes replaced "
                                    f"(best guess {candidate})")


def _iso2022jp_windows(data: bytes) -> str | None:
    """ISO-2022-JP as Windows writes it (CP50220): JIS X 0208 plus NEC row 13 (①, ㈱ ...),
    which Python's iso2022_jp codecs reject. Two-byte runs are mapped to Shift_JIS and
    read with cp932."""
    out = bytearray()
    mode = "ascii"
    i = 0
    while i < len(data):
        if data[i] == 0x1B:
            seq = data[i + 1 : i + 3]
            if seq in (b"(B", b"(J"):
                mode = "ascii"
            elif seq in (b"$@", b"$B"):
                mode = "jis"
            elif seq == b"(I":
                mode = "kana"
            else:
                return None
            i += 3
            continue
        byte = data[i]
        if mode == "jis" and byte > 0x20:
            if i + 1 >= len(data):
                return None
            c1, c2 = byte, data[i + 1]
            s1 = ((c1 + 1) >> 1) + (0x70 if c1 <= 0x5E else 0xB0)
            s2 = c2 + (0x1F if c2 < 0x60 else 0x20) if c1 % 2 else c2 + 0x7E
            out += bytes((s1, s2))
            i += 2
            continue
        out.append(byte + 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
        i += 1
    return _strict(bytes(out), "cp932")


def _base_codec(label: str | None) -> str | None:
    try:
        return codecs.lookup(_LABEL_FIXES.get(str(label).strip().lower(), str(label))).name
    except LookupError:
        return None


def _warn(declared: str | None, used: str) -> str:
    if declared:
        return f"charset {declared}: wrong or unknown, decoded as {used}"
    return f"charset undeclared: guessed {used}"
