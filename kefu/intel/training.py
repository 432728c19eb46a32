"""``kefu assist train``: the intent model, learned from the organisation's solved tickets.

The examples are solved or closed tickets whose category an agent set (or, with
``--include-auto``, also auto-triage's category that nobody corrected), as the subject
plus the customer's first message. A stratified fifth is held out to measure accuracy,
then the model is trained on everything and stored as a new ``IntentModel`` row; every
process picks it up within seconds (kefu.intel.cache). With too little history nothing
is stored and the cold-start matcher (category descriptions, examples, keywords) stays.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict

from django.db.models import Q

from kefu.assist import intent
from kefu.assist.evaluate import classification_report
from kefu.intel.choices import CategorySource
from kefu.intel.models import Category, IntentModel, TicketInsight
from kefu.tickets.choices import AuthorKind, Status
from kefu.tickets.models import Message

HOLDOUT = 0.2


def training_examples(*, include_auto: bool = False) -> list[tuple[str, str]]:
    """(text, category name) of the solved tickets with a category of an active kind."""
    labelled = Q(category_source=CategorySource.MANUAL)
    if include_auto:
        labelled |= Q(category_source=CategorySource.AUTO)
    rows = list(TicketInsight.objects.filter(
        labelled, category__active=True, ticket__status__in=[Status.SOLVED, Status.CLOSED],
    ).values_list("ticket_id", "ticket__subject", "category__name"))
    first: dict[int, str] = {}
    for ticket_id, body in (Message.objects.filter(ticket_id__in=[r[0] for r in rows],
                                                   author_kind=AuthorKind.CUSTOMER)
                            .order_by("ticket_id", "-created_at", "-id")
                            .values_list("ticket_id", "body_text")):
        first[ticket_id] = body  # the last write per ticket is its earliest message
    return [(f"{subject}\n{first.get(ticket_id, '')}".strip(), name)
            for ticket_id, subject, name in rows]


def split(examples: list[tuple[str, str]], *, fraction: float = HOLDOUT,
          seed: int = 0) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Stratified: each category gives about ``fraction`` of its examples to the test part."""
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for example in examples:
        by_label[example[1]].append(example)
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted(by_label):
        rows = by_label[label]
        rng.shuffle(rows)
        cut = int(len(rows) * fraction) if len(rows) >= 5 else 0
        test += rows[:cut]
        train += rows[cut:]
    return train, test


def intent_model_train(*, include_auto: bool = False, min_per_category: int = 10,
                       min_total: int = 50, seed: int = 0) -> tuple[IntentModel | None, str]:
    """Train and store a model; returns it (None with too little history) and a report."""
    examples = training_examples(include_auto=include_auto)
    counts: dict[str, int] = defaultdict(int)
    for _text, label in examples:
        counts[label] += 1
    usable = [e for e in examples if counts[e[1]] >= min_per_category]
    kept = sorted({label for _t, label in usable})
    if len(usable) < min_total or len(kept) < 2:
        return None, (f"{len(examples)} labelled tickets, {len(usable)} in categories with at "
                      f"least {min_per_category}: too few to train (need {min_total} in 2 or "
                      "more categories); the cold-start matcher stays in use")
    train, test = split(usable, seed=seed)
    report, accuracy = "", None
    if test:
        held = intent.IntentClassifier.train(train, seed=seed)
        predicted = [held.predict(text).category for text, _label in test]
        report = classification_report([label for _t, label in test], predicted)
        accuracy = sum(p == g for p, (_t, g) in zip(predicted, test, strict=True)) / len(test)
    model = intent.IntentClassifier.train(usable, seed=seed)
    row = IntentModel.objects.create(examples=len(usable), categories=kept, accuracy=accuracy,
                                     data=model.to_bytes())
    active = set(Category.objects.filter(active=True).values_list("name", flat=True))
    skipped = sorted(active - set(kept))
    summary = (f"trained on {len(usable)} tickets in {len(kept)} categories"
               + (f"; held-out accuracy {accuracy:.4f} on {len(test)}" if accuracy is not None else "")
               + (f"; too few examples, left to cold start: {', '.join(skipped)}" if skipped else ""))
    return row, f"{report}\n{summary}".strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kefu assist train", description=__doc__.split("\n")[0])
    parser.add_argument("--include-auto", action="store_true",
                        help="also learn from auto-triage's categories nobody corrected")
    parser.add_argument("--min-per-category", type=int, default=10)
    parser.add_argument("--min-total", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    row, report = intent_model_train(include_auto=args.include_auto,
                                     min_per_category=args.min_per_category,
                                     min_total=args.min_total, seed=args.seed)
    print(report)
    if row is None:
        print("kefu assist train: nothing stored", file=sys.stderr)
    return 0
