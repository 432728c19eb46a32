"""Detection and masking of personal information in free text (PIPL).

Pure standard-library code, no Django. ``find_pii`` returns the spans of
Chinese mobile and landline numbers, 18-digit resident ID numbers (checksum
and birth date validated), bank card numbers (Luhn), e-mail addresses and
mainland street addresses; ``mask`` rewrites a text with each span replaced by
a form that still lets an agent recognise it (``138****8000``);
``mask_value`` masks one value whose kind is already known (contact details).

Precision comes before recall: a customer's order number shown as ``****`` is
a worse support experience than a rare unusual phone format left visible.
The rules, in short:

* Digits are never taken from inside a longer run of digits or letters, so
  order numbers (``20261122861424``), tracking numbers (``SF1234567890123``)
  and timestamps do not yield phones or cards.
* mobile: ``1[3-9]x`` + 8 digits, optionally ``+86``/``0086`` before it
  (or ``86`` followed by a space or dash: run together, ``8613800138000`` is
  as likely a 13-digit waybill number) and grouped 3-4-4 with one kind of
  separator (space or dash).
* landline: ``0`` + an area code in use (``10``, ``2x`` or one of the
  3-digit codes of _AREA_CODE_TABLE) + a 7-8 digit local number, after
  ``-``, a space or parentheses around the area code; the local number may be
  grouped as on business cards (``0755-8601-3388``, ``021-6210 1234``), and
  ``+86``/``0086`` may replace the trunk ``0`` (``+86(10)62345678``,
  ``+86 10 6234 5678``). Run together (``01087654321``, ``075586013388``) the
  local number must be plain and start with 2-9 to stay clear of serials.
  A number right after a code label (``发票代码``, ``编号``, ``订单号``,
  ``invoice no.``...) is no phone: a 12-digit invoice code ``037022051600``
  has the shape of a Shangqiu (0370) number.
* id_card: 18 characters, a real province code, a real birth date between
  1900 and 2099, and the ISO 7064 MOD 11-2 check character (0-9 or X).
  The old 15-digit numbers have no checksum and are not detected.
* bank_card: 16-19 digits, plain or in groups of four, first digit 3-6 or 9
  (Visa, Mastercard, UnionPay 62, old domestic 95xx; date-prefixed order
  numbers start with 1 or 2), passing the Luhn check. One random serial in
  ten passes Luhn, so a plain 17-19 digit number (only domestic cards are that
  long) also needs an issuer prefix (62, 4, 51-55, 35, 9) or a card word
  (``卡``, ``账号``, ``尾号``, ``card``) earlier in its sentence; 16-digit and
  grouped numbers need neither. After a code label (``订单号``...) a number
  is no card. An 18-digit number that is a valid ID number is an ID number.
* email: the usual ``local@domain.tld`` with an ASCII domain.
* address: a province-level name (``北京``, ``广东省``...) or a major city,
  then optional city and district/county, an optional town or sub-district,
  a road (``路``, ``街``, ``大道``, ``道``, ``巷``, ``弄``, ``胡同``), an optional
  numbered section (``人民南路四段``) and a house number (``88号``,
  ``123弄``, not ``5号线``, a metro line) or a lettered block (``B座``), then
  optionally a building name in one or more parts (``…大厦``, ``绿城桂花园``)
  and phase/building/unit/floor/room parts (``二期``, ``2号楼``, ``3单元``,
  ``501室``, ``1203房``, ``5号楼1201``, ``1单元1801``). Text after the
  house number that fits none of these stays visible. Without a road *and* a
  number there is no address ("我在北京出差" stays as it is). Name
  characters never include common function words (在, 的, 是, 我...), so a
  sentence is not read as a road name. Masking keeps the province/city/
  district and hides the rest.

When spans overlap, the longest wins; on equal length the more specific kind
wins (ID number over bank card over e-mail over phone over address).
Full-width digits and letters (``１３８…``) are matched like ASCII ones.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

STARS = "****"


class PiiKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    ID_CARD = "id_card"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: PiiKind
    start: int
    end: int
    value: str


# Lower is more specific; decides between candidates of equal length.
_SPECIFICITY = {
    PiiKind.ID_CARD: 0,
    PiiKind.BANK_CARD: 1,
    PiiKind.EMAIL: 2,
    PiiKind.MOBILE: 3,
    PiiKind.LANDLINE: 4,
    PiiKind.ADDRESS: 5,
}

# Full-width forms map one code point to one code point, so offsets found in
# the normalised text are offsets in the original.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def _normalise(text: str) -> str:
    return text.translate(_FULLWIDTH)


# --- numbers -----------------------------------------------------------------

# Not glued to letters or digits, nor the whole or decimal part of an amount.
_EDGE_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][.])"
_EDGE_AFTER = r"(?![0-9A-Za-z])(?![.][0-9])"

_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][.])"
    # A bare 86 needs a separator: 13-digit waybill numbers start with 86 too.
    r"(?:(?:\+|00)86[ -]?|86[ -])?"
    r"(?P<head>1[3-9][0-9])(?P<sep>[ -]?)(?P<mid>[0-9]{4})(?P=sep)(?P<tail>[0-9]{4})" + _EDGE_AFTER
)

# Area codes without the trunk 0. The regex takes any 10, 2x or 3-digit code
# starting 3-9; _AREA_CODES keeps only those in use, so 12-digit invoice codes
# such as 044032554826 (0440 is no area code) are not read as landlines.
_AREA = r"(?:10|2[0-9]|[3-9][0-9]{2})"
# The 3-digit codes in use (after 10 and 2x), from Hebei (310) to Xinjiang (999).
_AREA_CODE_TABLE = """
310 311 312 313 314 315 316 317 318 319 335 349 350 351 352 353 354 355 356 357 358 359
370 371 372 373 374 375 376 377 378 379 391 392 393 394 395 396 398
410 411 412 413 414 415 416 417 418 419 421 427 429 431 432 433 434 435 436 437 438 439
451 452 453 454 455 456 457 458 459 464 467 468 469
470 471 472 473 474 475 476 477 478 479 482 483
510 511 512 513 514 515 516 517 518 519 523 527 530 531 532 533 534 535 536 537 538 539
543 546 550 551 552 553 554 555 556 557 558 559 561 562 563 564 566
570 571 572 573 574 575 576 577 578 579 580 591 592 593 594 595 596 597 598 599
631 632 633 634 635 660 662 663 668 691 692
701 710 711 712 713 714 715 716 717 718 719 722 724 728
730 731 734 735 736 737 738 739 743 744 745 746
750 751 752 753 754 755 756 757 758 759 760 762 763 766 768 769
770 771 772 773 774 775 776 777 778 779 790 791 792 793 794 795 796 797 798 799
812 813 816 817 818 825 826 827 830 831 832 833 834 835 836 837 838 839
851 852 853 854 855 856 857 858 859 870 871 872 873 874 875 876 877 878 879
883 886 887 888 891 892 893 894 895 896 897 898
901 902 903 906 908 909 910 911 912 913 914 915 916 917 919
930 931 932 933 934 935 936 937 938 939 941 943 951 952 953 954 955
970 971 972 973 974 975 976 977 979 990 991 992 993 994 995 996 997 998 999
"""
_AREA_CODES = frozenset(("10", *(f"2{d}" for d in "0123456789"), *_AREA_CODE_TABLE.split()))
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][.])"
    # +86/0086 drops the trunk 0: +86(10)62345678, +86 10 6234 5678
    + rf"(?:(?P<cc>(?:\+|00)86)[ -]?(?:\((?P<cc_area_p>{_AREA})\)|(?P<cc_area>{_AREA}))"
    + rf"|\((?P<area_p>0{_AREA})\)|(?P<area>0{_AREA}))"
    + r"(?P<sep>[ -]?)"
    # plain 7-8 digits, or grouped as on business cards: 8601-3388, 511 6693
    + r"(?P<local>[1-9][0-9]{6,7}|[1-9][0-9]{2,3}[ -][0-9]{4})"
    + _EDGE_AFTER
)

_ID_RE = re.compile(
    _EDGE_BEFORE + r"(?P<region>[1-8][0-9]{5})(?P<sep> ?)(?P<birth>(?:19|20)[0-9]{6})(?P=sep)"
    r"(?P<seq>[0-9]{3}[0-9Xx])" + _EDGE_AFTER
)

_CARD_RE = re.compile(
    _EDGE_BEFORE + r"(?:[3-69][0-9]{15,18}"
    r"|[3-69][0-9]{3}(?P<sep>[ -])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{4}"
    r"(?:(?P=sep)[0-9]{1,3})?(?!(?P=sep)[0-9]))" + _EDGE_AFTER
)

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9-])"
)

# Province-level codes in use (11 Beijing ... 65 Xinjiang, 71 Taiwan, 81-83
# Hong Kong, Macao and the residence permits for Taiwan residents).
_ID_PROVINCES = frozenset(
    str(code)
    for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45)
    + (46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number: province, real birth date, check char."""
    number = _normalise(value).replace(" ", "").upper()
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if number[:2] not in _ID_PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2099:
        return False
    return id_check_char(number[:17]) == number[17]


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment card numbers."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# --- addresses ---------------------------------------------------------------

_PROVINCES = (
    r"(?:北京|天津|上海|重庆)市?"
    r"|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南"
    r"|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)省?"
    r"|内蒙古(?:自治区)?|广西(?:壮族自治区)?|西藏(?:自治区)?|宁夏(?:回族自治区)?"
    r"|新疆(?:维吾尔自治区)?|香港(?:特别行政区)?|澳门(?:特别行政区)?"
)
# Major cities often written without their province. A lesser city without
# its province is not detected: listing all ~300 would invite false positives.
_CITIES = (
    r"(?:广州|深圳|珠海|佛山|东莞|中山|惠州|汕头|杭州|宁波|温州|绍兴|嘉兴|金华|台州"
    r"|南京|苏州|无锡|常州|南通|扬州|徐州|合肥|福州|厦门|泉州|南昌|济南|青岛|烟台|潍坊"
    r"|郑州|洛阳|武汉|长沙|成都|绵阳|贵阳|昆明|西安|兰州|西宁|银川|乌鲁木齐|拉萨"
    r"|呼和浩特|包头|南宁|桂林|海口|三亚|石家庄|唐山|保定|太原|大连|沈阳|长春"
    r"|哈尔滨|大庆)市?"
)
# Characters that read as sentence words, never as part of a place name here.
_STOP = "在的了我你他她是到跟去把被给往寄送住址话请您吗呢吧啊呀也就还要想说与或"
_NAME = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_BUILDING = "大厦|广场|中心|花园|小区|公寓|大楼|家园|公馆|新村|城|苑|院|园|府|湾"
_ADDRESS_RE = re.compile(
    r"(?P<admin>"
    rf"(?:(?:{_PROVINCES})(?:{_NAME}{{1,6}}?(?:市|自治州|地区|盟))?|{_CITIES})"
    rf"(?:{_NAME}{{1,6}}?(?:区|县|市|旗))?"
    r")"
    rf"(?:{_NAME}{{1,8}}?(?:街道|镇|乡))?"
    rf"{_NAME}{{1,10}}?(?:大道|大街|路|街|道|巷|胡同)"
    # a numbered section of the road: 人民南路四段
    r"(?:(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})段)?"
    r"(?:(?:[0-9]{1,5}(?:-[0-9]{1,4})?|[一二三四五六七八九十百零〇]{1,5})[号弄]|[A-Za-z]座)"
    r"(?!线)"  # 春熙路5号线 is a metro line
    # a building name, possibly in several parts: 绿城桂花园, SOHO现代城
    rf"(?:[A-Za-z]{{0,8}}(?:{_NAME}{{1,10}}?(?:{_BUILDING}))+)?"
    # phase, building, unit, floor and room: 二期6栋1单元1801室
    r"(?:[-]?[0-9A-Za-z一二三四五六七八九十]{1,5}(?:号楼|号院|栋|幢|座|单元|楼|层|室|房|号|户|期|区))*"
    # a bare room number right after a building/unit/floor part: 5号楼1201
    r"(?:(?<=[楼栋幢座元层])-?[0-9]{2,5}(?![0-9]))?"
)


# --- detection ---------------------------------------------------------------

# A label right before a number that names it a code, not a phone or a card:
# 发票代码044032554826, 订单号6222..., "invoice no. 0350...".
_CODE_LABEL_RE = re.compile(
    r"(?:发票代码|发票号码?|代码|编码|编号|税号|票号|订单号?|单号|运单号?|流水号|交易号|序列号"
    r"|invoice(?: ?(?:code|no\.?|number))?|order(?: ?(?:no\.?|number|id))?|s/?n)"
    r" ?(?:[:：#]|是|为)? ?$",
    re.IGNORECASE,
)
# Words before a long card number that say it is one (same sentence, 12 characters).
_CARD_WORD_RE = re.compile(r"卡|card|账号|帐号|账户|尾号", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# Issuer prefixes of cards with 17-19 digit numbers: UnionPay 62, Visa 4,
# Mastercard 51-55, JCB 35, old domestic 9 (95xx).
_LONG_CARD_BIN_RE = re.compile(r"62|4|5[1-5]|35|9")


def _labelled_as_code(norm: str, start: int) -> bool:
    return _CODE_LABEL_RE.search(norm[max(0, start - 16) : start]) is not None


def _has_card_word(norm: str, start: int) -> bool:
    window = _SENTENCE_END.split(norm[max(0, start - 12) : start])[-1]
    return _CARD_WORD_RE.search(window) is not None


def _landline_parts(m: re.Match[str]) -> tuple[str, str]:
    """(area code with its trunk 0, local digits) of a _LANDLINE_RE match."""
    area = m.group("area_p") or m.group("area")
    if area is None:
        area = "0" + (m.group("cc_area_p") or m.group("cc_area"))
    return area, re.sub(r"[ -]", "", m.group("local"))


def _is_landline(norm: str, m: re.Match[str]) -> bool:
    area, local = _landline_parts(m)
    if area[1:] not in _AREA_CODES or _labelled_as_code(norm, m.start()):
        return False
    run_together = not m.group("sep") and not (m.group("area_p") or m.group("cc_area_p"))
    # Run together, only a plain local number starting 2-9: 01012345678 is a serial.
    return not run_together or (local == m.group("local") and local[0] != "1")


def _is_card(norm: str, m: re.Match[str]) -> bool:
    """Luhn-valid and not labelled as a code; a plain 17-19 digit number also needs
    a real issuer prefix or a card word before it, as one random serial in ten
    passes Luhn. Grouping in fours is card-like enough on its own."""
    digits = re.sub(r"[ -]", "", m.group())
    if not luhn_valid(digits) or _labelled_as_code(norm, m.start()):
        return False
    if m.group("sep") or len(digits) == 16 or _LONG_CARD_BIN_RE.match(digits):
        return True
    return _has_card_word(norm, m.start())


def _candidates(norm: str, original: str) -> list[PiiMatch]:
    found: list[PiiMatch] = []

    def add(kind: PiiKind, m: re.Match[str]) -> None:
        found.append(PiiMatch(kind, m.start(), m.end(), original[m.start() : m.end()]))

    for m in _ID_RE.finditer(norm):
        if is_valid_id_number(m.group()):
            add(PiiKind.ID_CARD, m)
    for m in _CARD_RE.finditer(norm):
        if _is_card(norm, m):
            add(PiiKind.BANK_CARD, m)
    for m in _EMAIL_RE.finditer(norm):
        add(PiiKind.EMAIL, m)
    for m in _MOBILE_RE.finditer(norm):
        add(PiiKind.MOBILE, m)
    for m in _LANDLINE_RE.finditer(norm):
        if _is_landline(norm, m):
            add(PiiKind.LANDLINE, m)
    for m in _ADDRESS_RE.finditer(norm):
        add(PiiKind.ADDRESS, m)
    return found


def _resolve(candidates: list[PiiMatch]) -> list[PiiMatch]:
    """Keep non-overlapping spans: longest first, then the most specific kind."""
    ranked = sorted(candidates, key=lambda c: (c.start - c.end, _SPECIFICITY[c.kind], c.start))
    starts: list[int] = []
    kept: list[PiiMatch] = []  # sorted by start, parallel to starts
    for cand in ranked:
        i = bisect.bisect_left(starts, cand.start)
        if i > 0 and kept[i - 1].end > cand.start:
            continue
        if i < len(kept) and kept[i].start < cand.end:
            continue
        starts.insert(i, cand.start)
        kept.insert(i, cand)
    return kept


def _kind_set(kinds: Iterable[PiiKind | str] | None) -> frozenset[PiiKind] | None:
    return None if kinds is None else frozenset(PiiKind(k) for k in kinds)


def find_pii(text: str, kinds: Iterable[PiiKind | str] | None = None) -> list[PiiMatch]:
    """All personal-information spans of ``text``, sorted by position.

    Overlaps are resolved over every kind before ``kinds`` filters the result,
    so asking only for bank cards never returns an ID number as a card.
    """
    if not text:
        return []
    wanted = _kind_set(kinds)
    matches = _resolve(_candidates(_normalise(text), text))
    if wanted is not None:
        matches = [m for m in matches if m.kind in wanted]
    return matches


# --- masking -----------------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(ch for ch in _normalise(value) if ch.isascii() and ch.isdigit())


def _mask_mobile(value: str) -> str:
    digits = _digits(value)
    if len(digits) > 11 and digits[-11] == "1":
        digits = digits[-11:]  # the country code adds nothing to recognition
    if len(digits) >= 8:
        return f"{digits[:3]}{STARS}{digits[-4:]}"
    return _mask_generic(value)


def _mask_landline(value: str) -> str:
    m = _LANDLINE_RE.fullmatch(_normalise(value).strip())
    if m is None:
        return _mask_mobile(value)
    area, local = _landline_parts(m)
    return f"{area}-{STARS}{local[-4:]}"


def _mask_phone(value: str) -> str:
    """Either kind of phone number, told apart by its leading 0. Stored identities are
    E.164: "+86" numbers are read in their national form (a landline gets its 0 back),
    other countries keep their "+" and show the first 3 and last 4 digits."""
    national = _normalise(value).strip()
    if national.startswith("+86"):
        rest = _digits(national[3:])
        is_mobile = len(rest) == 11 and rest[0] == "1" and rest[1] in "3456789"
        national = rest if is_mobile else "0" + rest
    elif national.startswith("+"):
        digits = _digits(national)
        return f"+{digits[:3]}{STARS}{digits[-4:]}" if len(digits) >= 8 else _mask_generic(value)
    if _LANDLINE_RE.fullmatch(national):
        return _mask_landline(national)
    return _mask_mobile(national)


def _mask_id(value: str) -> str:
    chars = _normalise(value).replace(" ", "").upper()
    if len(chars) < 12:
        return _mask_generic(value)
    return f"{chars[:6]}{'*' * (len(chars) - 10)}{chars[-4:]}"


def _mask_card(value: str) -> str:
    digits = _digits(value)
    if len(digits) < 8:
        return _mask_generic(value)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_email(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return _mask_generic(value)
    return f"{local[:1]}***@{domain}" if local else f"***@{domain}"


def _mask_address(value: str) -> str:
    text = value.strip()
    m = _ADDRESS_RE.match(_normalise(text))
    if m is not None and m.group("admin"):
        return text[: m.end("admin")] + STARS
    return (text[:3] if len(text) > 6 else "") + STARS


def _mask_generic(value: str) -> str:
    value = value.strip()
    if len(value) <= 2:
        return "***"
    return f"{value[0]}***{value[-1]}"


_MASKERS = {
    PiiKind.MOBILE: _mask_mobile,
    PiiKind.LANDLINE: _mask_landline,
    PiiKind.ID_CARD: _mask_id,
    PiiKind.BANK_CARD: _mask_card,
    PiiKind.EMAIL: _mask_email,
    PiiKind.ADDRESS: _mask_address,
}


def mask_value(kind: PiiKind | str, value: str) -> str:
    """Mask one value of a known kind.

    Besides the ``PiiKind`` values, ``"phone"`` (the customer identity kind)
    masks a mobile or a landline number; any other kind keeps only the first
    and last character (``w***1``), which suits WeChat ids and the like.
    """
    if kind == "phone":
        return _mask_phone(value)
    try:
        masker = _MASKERS[PiiKind(kind)]
    except ValueError:
        return _mask_generic(value)
    return masker(value)


def mask(text: str, kinds: Iterable[PiiKind | str] | None = None) -> str:
    """``text`` with every detected span (of ``kinds``, default all) masked."""
    matches = find_pii(text, kinds)
    if not matches:
        return text
    parts: list[str] = []
    pos = 0
    for m in matches:
        parts.append(text[pos : m.start])
        parts.append(_MASKERS[m.kind](m.value))
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)
