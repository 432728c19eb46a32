"""PII detection quality of kefu.assist.pii on generated zh_CN customer messages.

Uses the generators of kefu/assist/tests/pii_corpus.py and pii_scoring.py (Faker zh_CN with a
fixed seed, plus landlines with real area codes, UnionPay 62... cards, QQ/163
mail and addresses with house numbers and rooms) and prints, per kind,
precision/recall/F1 and support, strict (exact span) and lenient (right kind,
overlapping span); then examples of misses, and every false positive on the
negative set (order/tracking/invoice numbers, dates, amounts, times,
versions, IPs, coupon codes, hotlines, postcodes, places and names).

    .venv/bin/python bench/assist_pii_eval.py [--n 2000] [--seed 7] [--per-template 40] [--examples 5]
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kefu.assist.pii import PiiKind, find_pii  # noqa: E402
from kefu.assist.tests.pii_corpus import (  # noqa: E402
    KINDS,
    gen_bank_card,
    generate_positive,
    luhn_ok,
    make_faker,
)
from kefu.assist.tests.pii_scoring import (  # noqa: E402
    NEGATIVE_TEMPLATES,
    Counts,
    generate_negative,
    misses,
    negative_hits,
    score,
)


def _table(title: str, counts: dict[str, Counts]) -> None:
    print(f"\n{title}")
    print(
        f"{'kind':<10} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8} {'tp':>6} {'fp':>5} {'fn':>5}"
    )
    total = Counts()
    for kind in KINDS:
        c = counts[kind]
        total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
        print(
            f"{kind:<10} {c.precision:>9.4f} {c.recall:>7.4f} {c.f1:>7.4f} {c.support:>8} {c.tp:>6} {c.fp:>5} {c.fn:>5}"
        )
    print(
        f"{'micro':<10} {total.precision:>9.4f} {total.recall:>7.4f} {total.f1:>7.4f} "
        f"{total.support:>8} {total.tp:>6} {total.fp:>5} {total.fn:>5}"
    )


def _found_as_card(text: str) -> bool:
    return any(m.kind == PiiKind.BANK_CARD for m in find_pii(text))


def _serials_and_cards(seed: int, n: int) -> None:
    """Plain random numbers starting 3-6 or 9 (which the bare Luhn rule takes
    for a card one time in ten) and generated cards, in a sentence without a
    card word, then with one."""
    rng, fake = random.Random(seed), make_faker(seed)
    print(
        "\nrandom serials (first digit 3-6 or 9), plain, no card word: Luhn-valid / found as card"
    )
    for length in (16, 17, 18, 19):
        serials = [
            rng.choice("34569") + "".join(rng.choices(string.digits, k=length - 1))
            for _ in range(n)
        ]
        valid = [s for s in serials if luhn_ok(s)]
        found = sum(_found_as_card(f"请查一下{s}的状态") for s in valid)
        print(f"  {length} digits: {len(valid):>5} / {n} Luhn-valid, {found:>5} found as card")
    cards = [gen_bank_card(rng, fake) for _ in range(n)]
    for template in ("请查一下{}的状态", "卡号{}"):
        found = sum(_found_as_card(template.format(c)) for c in cards)
        print(f"  generated cards in {template!r}: {found} / {n} found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="positive messages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--per-template", type=int, default=40, help="negative messages per template"
    )
    parser.add_argument("--examples", type=int, default=5, help="misses shown per kind")
    args = parser.parse_args()

    fake = make_faker(args.seed)
    cards = [fake.credit_card_number() for _ in range(1000)]
    ssns = [fake.ssn() for _ in range(1000)]
    print(
        f"Faker zh_CN check: credit_card_number() lengths {sorted(Counter(map(len, cards)).items())}, "
        f"first digits {sorted(Counter(c[0] for c in cards).items())}, "
        f"Luhn-valid {sum(map(luhn_ok, cards))}/1000; ssn() 18 chars {sum(len(s) == 18 for s in ssns)}/1000"
    )

    positives = generate_positive(args.n, args.seed)
    print(
        f"\n{len(positives)} messages, {sum(len(s.spans) for s in positives)} PII values, seed {args.seed}"
    )
    _table("strict (exact span and kind)", score(positives))
    _table("lenient (right kind, overlapping span)", score(positives, strict=False))

    print("\nmisses (strict): value -> what was found over it")
    for kind in KINDS:
        found = misses(positives, kind)
        for value, got in found[: args.examples]:
            print(f"  {kind:<10} {value}  ->  {got or 'nothing'}")

    _serials_and_cards(args.seed, args.n)

    negatives = generate_negative(args.per_template, args.seed)
    hits = negative_hits(negatives)
    per_category = Counter(cat for cat, _ in negatives)
    hit_messages = Counter(cat for cat, text in {(cat, text) for cat, _, _, text in hits})
    print(f"\nnegative set: {len(negatives)} messages, {len(hits)} false positives")
    for category in NEGATIVE_TEMPLATES:
        print(
            f"  {category:<20} {hit_messages[category]:>4} / {per_category[category]} messages with a false positive"
        )
    for category, kind, value, text in hits:
        print(f"  FP {category}: {kind} {value!r} in {text!r}")


if __name__ == "__main__":
    main()
