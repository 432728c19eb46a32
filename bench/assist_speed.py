"""Speed of the full per-message analysis of kefu.assist, on one core.

For each message: tokenise, emotion (with the conversation's earlier messages), urgency
and the priority suggestion, intent, the handoff signal and PII detection: what the
"intel.analyse" job computes before it writes (kefu/intel/services.py). No embeddings.

Intent runs in two set-ups:
* cold start over the demo's ten Chinese categories (descriptions and keywords);
* a trained model with 77 classes (BANKING77's train.csv from ../shared, when present),
  the worst case of a large category list.

Messages: the Chinese service messages of kefu/assist/tests/data (710 texts, lengths 5 to
150 characters), each analysed with the two messages before it as its history.

    .venv/bin/python bench/assist_speed.py [--rounds 3]

Prints p50/p95/p99 per message in milliseconds and messages per second, pinned to one CPU.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.assist import emotion, handoff, intent, pii, urgency  # noqa: E402
from kefu.assist.tokenize import tokenize  # noqa: E402

DATA = ROOT / "kefu" / "assist" / "tests" / "data"
BANKING = ROOT.parent / "shared" / "data" / "intents" / "banking77" / "train.csv"


def messages() -> list[str]:
    texts: list[str] = []
    for name in ("emotion_zh_dev.tsv", "emotion_zh_test.tsv"):
        with open(DATA / name, encoding="utf-8") as f:
            next(f)
            texts += [line.rstrip("\n").split("\t", 1)[1] for line in f if "\t" in line]
    return texts


def demo_classifier() -> intent.ColdStartClassifier:
    from kefu.demo.data import CATEGORIES

    return intent.ColdStartClassifier([
        intent.CategorySpec(name=name, description=description, keywords=tuple(keywords.split(",")))
        for name, description, keywords, _team in CATEGORIES])


def banking_classifier() -> intent.IntentClassifier | None:
    if not BANKING.exists():
        return None
    with open(BANKING, encoding="utf-8", newline="") as f:
        rows = [(r["text"], r["category"]) for r in csv.DictReader(f)]
    return intent.IntentClassifier.train(rows, seed=0)


def analyse(text: str, history: list[str], classifier) -> None:
    tokenize(text)
    feeling = emotion.analyse(text, history=history)
    level = urgency.urgency(text)
    urgency.suggest_priority(urgency_level=level.level, emotion=str(feeling.emotion), tier="gold")
    guess = classifier.predict(text)
    handoff.handoff_signal(text, emotion=feeling, intent_confidence=guess.confidence)
    pii.find_pii(text)


def run(name: str, classifier, texts: list[str], rounds: int) -> None:
    for i, text in enumerate(texts[:50]):  # warm-up
        analyse(text, texts[max(0, i - 2):i], classifier)
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(rounds):
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            analyse(text, texts[max(0, i - 2):i], classifier)
            samples.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(samples, n=100)
    print(f"{name:<34} p50 {q[49]:.3f} ms  p95 {q[94]:.3f} ms  p99 {q[98]:.3f} ms  "
          f"{len(samples) / elapsed:,.0f} msg/s  (n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = messages()
    print(f"{len(texts)} messages, mean {statistics.mean(map(len, texts)):.0f} characters, one core")
    run("cold start, 10 demo categories", demo_classifier(), texts, args.rounds)
    trained = banking_classifier()
    if trained is None:
        print(f"trained 77 classes: skipped ({BANKING} absent)")
    else:
        run("trained model, 77 classes", trained, texts, args.rounds)


if __name__ == "__main__":
    main()
