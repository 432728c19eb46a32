"""Every zh-hans catalogue under kefu/ is complete and compiled.

A msgid without a translation, a fuzzy entry (makemessages' guess, often wrong) or a
.po edit that was never compiled to .mo all show English or a wrong text in the
Chinese UI; this test names the entry.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

KEFU = Path(__file__).resolve().parents[2]
CATALOGUES = sorted([*KEFU.glob("locale/zh_Hans/LC_MESSAGES/django.po"),  # the core apps'
                     *KEFU.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")])


def entries(po: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr*, fuzzy."""
    found = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"fuzzy": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):
            found.append(entry)
    return found


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 4


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(KEFU).parents[3]))
def test_catalogue_is_translated_and_compiled(po: Path):
    with (po.with_suffix(".mo")).open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    problems = []
    for entry in entries(po):
        msgid = entry["msgid"]
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        if entry["fuzzy"]:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(translations):
            problems.append(f"untranslated: {msgid!r}")
        else:
            key = f"{entry['msgctxt']}\x04{msgid}" if "msgctxt" in entry else msgid
            if "msgid_plural" in entry:
                key = (key, 0)
            if compiled.get(key) != translations[0]:
                problems.append(f"not compiled (run msgfmt): {msgid!r}")
    assert not problems, "\n".join(problems)
