"""The placeholder renderer for canned replies.

Macro bodies are written by people, so they are never run through Django's template
engine (which would expose attribute access, filters and tags). Only the names in
``PLACEHOLDERS`` are replaced; anything else stays visible so the agent notices it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# {{ name.attr }} with optional spaces; names are lower-case words joined by one dot.
PATTERN = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

# The fixed whitelist: nothing outside it is ever looked up.
PLACEHOLDERS = (
    "customer.name",
    "customer.tier",
    "customer.organisation",
    "ticket.number",
    "ticket.subject",
    "ticket.status",
    "agent.name",
    "agent.team",
)


def render_placeholders(
    text: str, values: Mapping[str, object], *, escape: Callable[[str], str] | None = None
) -> str:
    """Replace the whitelisted placeholders of ``text`` with ``values``.

    ``escape`` is applied to every inserted value (not to ``text``): pass
    ``django.utils.html.escape`` when the result is used as HTML.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS or name not in values:
            return match.group(0)
        value = "" if values[name] is None else str(values[name])
        return escape(value) if escape else value

    return PATTERN.sub(replace, text)
