"""Tag helpers shared by tickets and customers."""

from __future__ import annotations

from collections.abc import Iterable

from kefu.core.errors import ValidationFailed
from kefu.core.models import Tag

MAX_TAG_LENGTH = 64


def normalise_tag_names(names: Iterable[str], *, field: str = "tags") -> list[str]:
    seen: dict[str, None] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationFailed(f"tag longer than {MAX_TAG_LENGTH} characters", field=field)
        seen.setdefault(name, None)
    return list(seen)


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    wanted = normalise_tag_names(names)
    if not wanted:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    missing = [n for n in wanted if n not in existing]
    if missing:
        Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
        existing.update({t.name: t for t in Tag.objects.filter(name__in=missing)})
    return [existing[n] for n in wanted]
