"""Figures for the intent/polarity classifier of kefu.assist (issue 6, capability 3).

(a) polarity: train on ../shared/data/sentiment/train.tsv, score dev.tsv (nothing else
    from that corpus is ever used);
(b) BANKING77: stratified 80/20 split of train.csv (seed 0): accuracy, macro-F1,
    expected calibration error (before and after temperature scaling), train time,
    single-message predict latency p50/p95, model size;
(c) the same test part with only 5, 10, 20 training examples per class;
(d) cold start on the same test part: category names as descriptions
    (``card_arrival`` -> "card arrival") plus 3 training examples per class;
(e) hybrid (``build_classifier``): full history for half the classes, 3 examples for
    the other half.

The split is ``kefu.assist.evaluate.stratified_split`` (the same as ``kefu assist split``),
so any figure can be reproduced with the CLI, e.g.::

    kefu assist split train.csv --test-fraction 0.2 --seed 0 --per-class 10 \\
        --out-train tr10.csv --out-test te.csv
    kefu assist eval intent --train tr10.csv --test te.csv

Run from the repository root (training and batch prediction use one BLAS thread)::

    .venv/bin/python bench/assist_eval.py
    .venv/bin/python bench/assist_eval.py --tune-cold-start   # refit the cold-start constants
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kefu.assist.evaluate import (
    read_intent_csv,
    read_polarity_tsv,
    scores,
    stratified_split,
)
from kefu.assist.intent import (
    CategorySpec,
    Classifier,
    ColdStartClassifier,
    IntentClassifier,
    build_classifier,
)
from kefu.assist.linear import expected_calibration_error, softmax

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SENTIMENT = DATA / "sentiment"
BANKING = DATA / "intents" / "banking77" / "train.csv"


def evaluate(clf: Classifier, test: list[tuple[str, str]]) -> dict[str, float]:
    """Accuracy, macro-F1, ECE and per-message latency of ``clf.predict``."""
    gold, predicted, confidences, latencies = [], [], [], []
    for text, label in test:
        started = time.perf_counter()
        prediction = clf.predict(text)
        latencies.append((time.perf_counter() - started) * 1000.0)
        gold.append(label)
        predicted.append(prediction.category)
        confidences.append(prediction.confidence)
    accuracy, macro_f1, _ = scores(gold, predicted)
    correct = np.array([g == p for g, p in zip(gold, predicted, strict=True)])
    latencies.sort()
    return {
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "ece": expected_calibration_error(np.array(confidences), correct),
        "mean_conf": float(np.mean(confidences)),
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }


def uncalibrated_ece(clf: IntentClassifier, test: list[tuple[str, str]]) -> float:
    rows = clf.extractor.transform([t for t, _ in test])
    probs = softmax(clf.model.logits(rows).astype(np.float64))
    index = {c: i for i, c in enumerate(clf.categories)}
    gold = np.array([index.get(label, -1) for _, label in test])
    return expected_calibration_error(probs.max(axis=1), probs.argmax(axis=1) == gold)


def timed_train(examples: list[tuple[str, str]]) -> tuple[IntentClassifier, float]:
    started = time.perf_counter()
    clf = IntentClassifier.train(examples, seed=0)
    return clf, time.perf_counter() - started


def line(name: str, r: dict[str, float], extra: str = "") -> str:
    return (
        f"{name:<34} acc={r['accuracy']:.4f} macro_f1={r['macro_f1']:.4f} ece={r['ece']:.4f} "
        f"mean_conf={r['mean_conf']:.3f} predict p50={r['p50_ms']:.3f} ms p95={r['p95_ms']:.3f} ms"
        + (f" {extra}" if extra else "")
    )


def cold_specs(train: list[tuple[str, str]], per_class: int) -> list[CategorySpec]:
    by_label: dict[str, list[str]] = defaultdict(list)
    for text, label in train:
        by_label[label].append(text)
    return [
        CategorySpec(label, label.replace("_", " "), tuple(texts[:per_class]))
        for label, texts in sorted(by_label.items())
    ]


def tune_cold_start(train: list[tuple[str, str]]) -> None:
    """Grid over the confidence constants of the cold start, on the training part only:
    specs from 3 examples per class, queried with the other training texts."""
    import kefu.assist.intent as intent_module

    specs = cold_specs(train, 3)
    clf = ColdStartClassifier(specs)
    used = {t for s in specs for t in s.examples}
    queries = [(t, c) for t, c in train if t not in used]
    index = {c: i for i, c in enumerate(clf.categories)}
    score_rows = np.array([clf.scores(t) for t, _ in queries])
    gold = np.array([index[c] for _, c in queries])
    correct = score_rows.argmax(axis=1) == gold
    print(f"cold-start tuning on {len(queries)} training texts: accuracy {correct.mean():.4f}")
    results = []
    for tau, mid, slope in itertools.product(
        [0.02, 0.03, 0.04, 0.05, 0.06], [0.0, 0.05, 0.1, 0.15, 0.2, 0.25], [3, 5, 8, 12]
    ):
        share = softmax(score_rows / tau).max(axis=1)
        strength = 1.0 / (1.0 + np.exp(-slope * (score_rows.max(axis=1) - mid)))
        results.append((expected_calibration_error(share * strength, correct), tau, mid, slope))
    results.sort()
    for ece, tau, mid, slope in results[:5]:
        print(f"  ece={ece:.4f} share_temperature={tau} midpoint={mid} slope={slope}")
    current = (
        intent_module._SHARE_TEMPERATURE,
        intent_module._STRENGTH_MIDPOINT,
        intent_module._STRENGTH_SLOPE,
    )
    print(f"  current constants {current}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune-cold-start", action="store_true")
    args = parser.parse_args()
    if not BANKING.exists() or not SENTIMENT.exists():
        print(f"data missing under {DATA}", file=sys.stderr)
        return 1
    rows = read_intent_csv(BANKING)
    full_train, test = stratified_split(rows, test_fraction=0.2, seed=0)
    if args.tune_cold_start:
        tune_cold_start(full_train)
        return 0

    print("(a) polarity: sentiment/train.tsv -> dev.tsv")
    pol_train = read_polarity_tsv(SENTIMENT / "train.tsv")
    pol_dev = read_polarity_tsv(SENTIMENT / "dev.tsv")
    clf, seconds = timed_train(pol_train)
    r = evaluate(clf, pol_dev)
    print(line(f"  train n={len(pol_train)}", r, f"train={seconds:.1f}s T={clf.temperature:.3f}"))

    print(f"(b) BANKING77 stratified 80/20 (seed 0): train n={len(full_train)}, test n={len(test)}")
    clf, seconds = timed_train(full_train)
    r = evaluate(clf, test)
    size = len(clf.to_bytes())
    print(
        line(
            "  full training part",
            r,
            f"train={seconds:.1f}s T={clf.temperature:.3f} ece_uncalibrated={uncalibrated_ece(clf, test):.4f} "
            f"features={clf.extractor.n_features} model={size / 1e6:.1f} MB",
        )
    )
    short = [t for t, _ in test if 40 <= len(t) <= 60]
    lat = []
    for text in short:
        started = time.perf_counter()
        clf.predict(text)
        lat.append((time.perf_counter() - started) * 1000.0)
    print(f"  predict, {len(short)} messages of 40-60 chars: p50={statistics.median(lat):.3f} ms")

    print("(c) few examples per class (same test part)")
    for per_class in (5, 10, 20):
        few, _ = stratified_split(rows, test_fraction=0.2, seed=0, per_class=per_class)
        clf, seconds = timed_train(few)
        r = evaluate(clf, test)
        print(
            line(
                f"  {per_class} per class (n={len(few)})",
                r,
                f"train={seconds:.1f}s T={clf.temperature:.3f}",
            )
        )

    print("(d) cold start: names as descriptions + 3 examples per class (same test part)")
    for per_class in (0, 3):
        started = time.perf_counter()
        cold = ColdStartClassifier(cold_specs(full_train, per_class))
        seconds = time.perf_counter() - started
        r = evaluate(cold, test)
        print(line(f"  names + {per_class} examples", r, f"build={seconds:.2f}s"))

    print("(e) build_classifier: full history for the first 39 classes, 3 examples for the rest")
    labels = sorted({c for _, c in full_train})
    rich = set(labels[:39])
    kept: dict[str, int] = defaultdict(int)
    history = []
    for text, label in full_train:
        if label in rich or kept[label] < 3:
            history.append((text, label))
            kept[label] += 1
    specs = [CategorySpec(c, c.replace("_", " ")) for c in labels]
    started = time.perf_counter()
    hybrid = build_classifier(specs, history)
    seconds = time.perf_counter() - started
    for name, part in (
        ("all test", test),
        ("trained classes", [(t, c) for t, c in test if c in rich]),
        ("cold-start classes", [(t, c) for t, c in test if c not in rich]),
    ):
        r = evaluate(hybrid, part)
        print(
            line(
                f"  {type(hybrid).__name__}: {name}",
                r,
                f"build={seconds:.1f}s" if name == "all test" else "",
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
