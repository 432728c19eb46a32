"""HTML mail to readable plain text (html.parser, no dependencies).

Blocks become lines, <br> a line break, list items "- ", links "text <url>" when the
URL differs from the text, and <blockquote> content is prefixed with "> " so that the
reply stripper treats it as quoted history. Scripts, styles and <head> are dropped.
"""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser

_BLOCKS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
    "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "title",
}
_SKIP = {"script", "style", "head", "template", "noscript", "xml", "o:p_skip"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pre = 0
        self.href: list[str | None] = []
        self.link_text_start: list[int] = []

    # -- helpers
    def _newline(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = re.sub(r"[ \t\r\n\f\u200b]+", " ", text).strip()
        prefix = "> " * self.quote
        self.lines.append((prefix + text).rstrip() if text else prefix.rstrip())
        self.current = []

    def _block(self) -> None:
        if self.current and "".join(self.current).strip():
            self._newline()
        elif self.lines and self.lines[-1] != "":
            self.current = []
            self.lines.append("> " * self.quote if self.quote else "")

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._newline()
        elif tag in _BLOCKS:
            self._block()
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.current.append("- ")
            elif tag == "hr":
                self.current.append("----")
                self._newline()
        elif tag in ("td", "th"):
            if self.current and not "".join(self.current).endswith(("\t", " ")):
                self.current.append("\t")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.link_text_start.append(len("".join(self.current)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BLOCKS:
            self._block()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag == "a" and self.href:
            href = self.href.pop()
            start = self.link_text_start.pop()
            label = "".join(self.current)[start:].strip()
            if href and href.startswith(("http:", "https:")) and href not in label:
                self.current.append(f" <{href}>" if label else href)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        if self.current:
            self._newline()
        lines = [line.rstrip() for line in self.lines]
        out = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", out).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text from HTML; never raises (falls back to tag stripping)."""
    converter = _Converter()
    try:
        converter.feed(html)
        converter.close()
        return converter.text().replace("\xa0", " ")
    except Exception:  # noqa: BLE001 - html.parser can choke on pathological input
        return re.sub(r"<[^>]*>", " ", html)


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")


def nesting_depth(html: str) -> int:
    """Deepest element nesting (approximate; void and self-closed tags ignored).

    The sanitiser (html5ever) is quadratic in nesting depth: 100,000 nested <div> took
    13 s, so callers check this first."""
    depth = deepest = 0
    for match in _TAG_RE.finditer(html):
        closing, tag, selfclosing = match.groups()
        if tag.lower() in _VOID or selfclosing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def text_to_html(text: str) -> str:
    """Escaped text as simple HTML paragraphs (used when the original HTML is unusable)."""
    paragraphs = [p for p in re.split(r"\n{2,}", text.strip()) if p]
    return "".join(
        "<p>" + "<br>".join(html_module.escape(line) for line in p.splitlines()) + "</p>"
        for p in paragraphs)
