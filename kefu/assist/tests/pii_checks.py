"""Checksums written independently of kefu.assist.pii, so its tests and evaluation do not
grade the module with its own arithmetic."""

from __future__ import annotations

import string


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(partial: str) -> str:
    """``partial`` plus the check digit that makes it pass Luhn."""
    return next(partial + d for d in string.digits if luhn_ok(partial + d))


def luhn_break(number: str) -> str:
    """The same number with a wrong check digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2: the weight of position i is 2**(17-i) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def id_with_check(first17: str) -> str:
    return first17 + _id_check_char(first17)


def id_check_ok(number: str) -> bool:
    return number[17].upper() == _id_check_char(number[:17])
