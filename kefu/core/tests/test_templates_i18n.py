"""Every UI string in kefu's templates goes through translation tags.

Walks all templates under kefu/, removes the template language (tags, variables,
comments, whole {% blocktranslate %} blocks), scripts and styles, and reports any
letters left in text or in the user-visible attributes (placeholder, title, alt,
aria-label, value of buttons). Django's own templates (admin) are not ours.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

KEFU = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in KEFU.rglob("templates/**/*.html") if "admin" not in p.parts)
VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}

# Blocks whose content is a CSS class or a URL, never UI text.
NON_TEXT_BLOCKS = re.compile(
    r"{%\s*block\s+(body_class|main_class|brand_url)\s*%}.*?{%\s*endblock(?:\s+\1)?\s*%}", re.S)
BLOCKTRANS = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TEMPLATE_BITS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{%.*?%}|{{.*?}}", re.S)


def untranslated(source: str) -> list[str]:
    text = TEMPLATE_BITS.sub(" ", BLOCKTRANS.sub(" ", NON_TEXT_BLOCKS.sub(" ", source)))
    found: list[str] = []

    class Walker(HTMLParser):
        skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1
            for name, value in attrs:
                visible = name in VISIBLE_ATTRIBUTES or (name == "value" and tag == "button")
                if visible and value and _has_letters(value):
                    found.append(f'{tag} {name}="{value.strip()}"')

        def handle_endtag(self, tag):
            if tag in ("script", "style") and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip and _has_letters(data):
                found.append(data.strip())

    Walker().feed(text)
    return found


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def test_the_walker_finds_untranslated_text():
    assert untranslated("<p>{% translate 'Hello' %}</p>") == []
    assert untranslated("<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>") == []
    assert untranslated("<p>{{ ticket.subject }} · 12</p>") == []
    assert untranslated("<p>Hello</p>") == ["Hello"]
    assert untranslated("<p>你好</p>") == ["你好"]
    assert untranslated('<input placeholder="搜索">') == ['input placeholder="搜索"']
    assert untranslated("<script>const label = 'not UI';</script>") == []
    assert untranslated("{% block body_class %}workspace wide{% endblock %}") == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(KEFU)))
def test_template_has_no_untranslated_strings(template: Path):
    assert untranslated(template.read_text(encoding="utf-8")) == []


def test_templates_are_found():
    assert any(p.name == "base.html" for p in TEMPLATES)
