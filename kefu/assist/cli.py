"""``kefu assist`` subcommands that need no database: ``eval`` and ``split``.

    kefu assist eval polarity --train A.tsv --test B.tsv
    kefu assist eval intent --train A.csv --test B.csv
    kefu assist split FILE --test-fraction 0.2 --seed 0 [--per-class N] --out-train X --out-test Y

``eval`` trains the ``IntentClassifier`` on one file (polarity uses the same
classifier with the labels pos/neg), predicts the other and prints a comment line,
the per-label table and, last, ``accuracy=0.XXXX macro_f1=0.XXXX n=N``. ``split``
writes a stratified train/test split of a labelled file in its own format (``.tsv``
files are polarity TSV, anything else intent CSV), optionally keeping only N
training examples per label, so published figures can be reproduced.

Bad input ends with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from kefu.assist.evaluate import (
    classification_report,
    read_intent_csv,
    read_polarity_tsv,
    stratified_split,
    write_intent_csv,
    write_polarity_tsv,
)
from kefu.assist.intent import IntentClassifier
from kefu.assist.linear import expected_calibration_error

PROG = "kefu assist"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Offline service intelligence tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    ev = sub.add_parser("eval", help="train on one labelled file, score another")
    ev.add_argument("task", choices=["polarity", "intent"])
    ev.add_argument("--train", required=True, help="training file (polarity: TSV, intent: CSV)")
    ev.add_argument("--test", required=True, help="test file, same format")
    ev.add_argument("--seed", type=int, default=0)

    sp = sub.add_parser("split", help="stratified train/test split of a labelled file")
    sp.add_argument("file")
    sp.add_argument("--test-fraction", type=float, default=0.2)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--per-class", type=int, default=None, help="keep N training rows per label")
    sp.add_argument("--out-train", required=True)
    sp.add_argument("--out-test", required=True)
    return parser


def _reader(task: str) -> Callable[[str | Path], list[tuple[str, str]]]:
    return read_polarity_tsv if task == "polarity" else read_intent_csv


def run_eval(task: str, train_path: str, test_path: str, seed: int = 0) -> str:
    """Train, predict and return the report (comment line, table, summary line)."""
    read = _reader(task)
    train = read(train_path)
    test = read(test_path)
    started = time.perf_counter()
    classifier = IntentClassifier.train(train, seed=seed)
    train_seconds = time.perf_counter() - started
    predictions = classifier.predict_many([text for text, _ in test])
    gold = [label for _, label in test]
    predicted = [p.category for p in predictions]
    confidences = np.array([p.confidence for p in predictions])
    correct = np.array([g == p for g, p in zip(gold, predicted, strict=True)])
    ece = expected_calibration_error(confidences, correct)
    unseen = sorted(set(gold) - set(classifier.categories))
    comment = (
        f"# {task}: trained on {len(train)} examples, {len(classifier.categories)} labels, "
        f"in {train_seconds:.1f} s (temperature {classifier.temperature:.3f}); "
        f"ece={ece:.4f}"
    )
    if unseen:
        comment += f"; labels absent from training: {', '.join(unseen)}"
    return comment + "\n" + classification_report(gold, predicted)


def run_split(
    path: str,
    *,
    test_fraction: float,
    seed: int,
    per_class: int | None,
    out_train: str,
    out_test: str,
) -> str:
    polarity = path.lower().endswith(".tsv")
    rows = read_polarity_tsv(path) if polarity else read_intent_csv(path)
    train, test = stratified_split(
        rows, test_fraction=test_fraction, seed=seed, per_class=per_class
    )
    write = write_polarity_tsv if polarity else write_intent_csv
    write(out_train, train)
    write(out_test, test)
    return f"{len(train)} training rows -> {out_train}; {len(test)} test rows -> {out_test}"


def main(argv: Sequence[str]) -> int:
    """Entry point for ``kefu assist ...`` (``argv`` without the ``kefu assist``)."""
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.command == "eval":
            print(run_eval(args.task, args.train, args.test, seed=args.seed))
        else:
            if args.per_class is not None and args.per_class < 1:
                raise ValueError("--per-class must be at least 1")
            print(
                run_split(
                    args.file,
                    test_fraction=args.test_fraction,
                    seed=args.seed,
                    per_class=args.per_class,
                    out_train=args.out_train,
                    out_test=args.out_test,
                )
            )
    except (ValueError, OSError) as exc:  # DataFileError is a ValueError: bad input
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    return 0
