"""This process's copy of the admin-managed rows every analysis needs (kefu.core.proccache).

The classifier is built from the active categories and the newest trained model, so it
is rebuilt when either changes; the domain words go into the shared tokeniser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kefu.assist.tokenize import set_custom_words
from kefu.core.proccache import ProcessCached
from kefu.intel.models import AssistSettings, Category, DomainWord, IntentModel


def _settings() -> AssistSettings:
    row, _ = AssistSettings.objects.get_or_create(pk=1)
    return row


@dataclass(frozen=True)
class Classifier:
    categories: dict[str, Category]  # by name
    model: Any  # kefu.assist.intent's IntentClassifier or ColdStartClassifier, or None
    trained: bool


def specs_of(categories: list[Category]) -> list[Any]:
    from kefu.assist import intent

    return [intent.CategorySpec(name=c.name, description=c.description,
                                examples=tuple(c.example_list()), keywords=tuple(c.keyword_list()))
            for c in categories]


def _classifier() -> Classifier:
    """The newest trained model for the categories it knows, the cold start for the rest
    (kefu.assist.intent.HybridClassifier); the cold start alone before any training or
    once a category the model knows was removed (train again)."""
    from kefu.assist import intent  # numpy: imported when the first message is analysed

    categories = {c.name: c for c in Category.objects.filter(active=True).select_related("team")}
    if not categories:
        return Classifier(categories={}, model=None, trained=False)
    cold = intent.ColdStartClassifier(specs_of(list(categories.values())))
    row = IntentModel.objects.order_by("-created_at", "-id").first()
    if row is None or not set(row.categories) <= set(categories):
        return Classifier(categories=categories, model=cold, trained=False)
    trained = intent.IntentClassifier.from_bytes(bytes(row.data))
    model = trained if set(trained.categories) == set(categories) else intent.HybridClassifier(trained, cold)
    return Classifier(categories=categories, model=model, trained=True)


def _words() -> frozenset[str]:
    words = frozenset(DomainWord.objects.values_list("word", flat=True))
    set_custom_words(words)
    return words


assist_settings = ProcessCached(_settings)
classifier = ProcessCached(_classifier)
domain_words = ProcessCached(_words)


def forget(**_: object) -> None:
    for cached in (assist_settings, classifier, domain_words):
        cached.forget()
