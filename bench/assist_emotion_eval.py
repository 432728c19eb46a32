"""Score kefu.assist.emotion on a labelled TSV and on the review polarity sample.

Usage::

    .venv/bin/python bench/assist_emotion_eval.py                       # the held-out test set
    .venv/bin/python bench/assist_emotion_eval.py kefu/assist/tests/data/emotion_zh_dev.tsv
    .venv/bin/python bench/assist_emotion_eval.py FILE --errors 20      # also list mistakes

The TSV has a header ``label<TAB>text``; labels are the six service emotions.
Prints, for the blend that ``analyse`` uses (lexicon cues + the model trained on
kefu/assist/data/emotion_zh_train.tsv), per-class precision/recall/F1 and
support and a confusion matrix; then one summary line each for the lexicon
alone, the model alone and the blend; the polarity accuracy on
../shared/data/sentiment/dev.tsv (zero-shot: pos/neg reviews, nothing is trained
on that corpus; a review counts as positive when its score is above 0); the
first-call training time and the latency of ``analyse`` on 100-character
messages (median of batches, and p50/p95 of single calls); and as its last line
``accuracy=0.XXXX macro_f1=0.XXXX n=N`` for the blend.
"""

from __future__ import annotations

import argparse
import csv
import functools
import statistics
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kefu.assist import emotion_model  # noqa: E402
from kefu.assist.emotion import Emotion, analyse  # noqa: E402

DEFAULT_TEST = ROOT / "kefu/assist/tests/data/emotion_zh_test.tsv"
SENTIMENT_DEV = ROOT.parent / "shared/data/sentiment/dev.tsv"
LABELS = [e.value for e in Emotion]


def read_tsv(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if [h.strip() for h in header[:2]] != ["label", "text"]:
            raise SystemExit(f"{path}: header must be label<TAB>text, got {header}")
        return [(row[0].strip(), row[1]) for row in reader if len(row) >= 2]


def scores(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """Accuracy and macro-F1 (over the labels present in ``gold``)."""
    f1s = []
    for label in LABELS:
        support = gold.count(label)
        if not support:
            continue
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        predicted = pred.count(label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return accuracy, sum(f1s) / len(f1s)


def report(rows: list[tuple[str, str]], pred: list[str], errors: int) -> None:
    gold = [label for label, _ in rows]
    labels = [label for label in LABELS if label in set(gold) | set(pred)]
    print(f"{'class':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        predicted = pred.count(label)
        support = gold.count(label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{label:<14}{precision:>10.4f}{recall:>10.4f}{f1:>10.4f}{support:>10}")
    print("\nconfusion (rows = gold, columns = predicted)")
    print(" " * 14 + "".join(f"{label[:8]:>10}" for label in labels))
    for g_label in labels:
        counts = [
            sum(g == g_label and p == p_label for g, p in zip(gold, pred, strict=True))
            for p_label in labels
        ]
        print(f"{g_label:<14}" + "".join(f"{c:>10}" for c in counts))
    if errors:
        print("\nmistakes (gold -> predicted: text)")
        shown = 0
        for (g, text), p in zip(rows, pred, strict=True):
            if g != p and shown < errors:
                print(f"  {g} -> {p}: {text}")
                shown += 1


def model_only(text: str) -> str:
    probs = emotion_model.emotion_probabilities(text)
    return max(probs, key=probs.__getitem__)


def polarity_accuracy(path: Path) -> None:
    if not path.exists():
        print(f"\npolarity: {path} not found, skipped")
        return
    rows = read_tsv(path)
    for name, use_model in (("lexicon only", False), ("blend", True)):
        correct = 0
        undecided = 0
        for label, text in rows:
            score = analyse(text, use_model=use_model).score
            undecided += score == 0.0
            correct += ("pos" if score > 0 else "neg") == label
        print(
            f"polarity, {name} (zero-shot, {path.name} of shared/data/sentiment): "
            f"accuracy={correct / len(rows):.4f} n={len(rows)} (score 0, counted as neg: {undecided})"
        )


def latency() -> None:
    start = time.perf_counter()
    emotion_model.get_model()
    print(f"\nfirst call: model trained in {time.perf_counter() - start:.2f} s")
    message = (
        "你好，我的订单20261122861424已经三天了还没发货，客服一直说在处理，"
        "到底什么时候能到？我明天就要用，再不处理我就去12315投诉！！真的太失望了，"
        "之前买了好几次都没问题，这次怎么回事"
    )[:100]
    history = ["你好，订单什么时候发货？"]
    for label, earlier in (("no history", []), ("1 history message", history)):
        timer = timeit.Timer(functools.partial(analyse, message, history=earlier))
        runs = [t / 200 for t in timer.repeat(repeat=15, number=200)]
        singles = []
        for _ in range(2000):
            t0 = time.perf_counter()
            analyse(message, history=earlier)
            singles.append(time.perf_counter() - t0)
        cuts = statistics.quantiles(singles, n=100)
        print(
            f"latency analyse() 100 chars, {label}: median {statistics.median(runs) * 1e3:.3f} ms"
            f" (single calls: p50 {cuts[49] * 1e3:.3f} ms, p95 {cuts[94] * 1e3:.3f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tsv", nargs="?", type=Path, default=DEFAULT_TEST)
    parser.add_argument("--errors", type=int, default=0, help="list up to N mistakes")
    args = parser.parse_args()
    rows = read_tsv(args.tsv)
    gold = [label for label, _ in rows]
    print(f"emotion: {args.tsv} ({len(rows)} rows)\n")
    latency()
    lexicon = [analyse(text, use_model=False).emotion.value for _, text in rows]
    model = [model_only(text) for _, text in rows]
    blend = [analyse(text).emotion.value for _, text in rows]
    print("\nblend (lexicon cues + trained model), as analyse() returns it:")
    report(rows, blend, args.errors)
    print()
    for name, pred in (("lexicon only", lexicon), ("model only", model), ("blend", blend)):
        accuracy, macro_f1 = scores(gold, pred)
        print(f"{name + ':':<14}accuracy={accuracy:.4f} macro_f1={macro_f1:.4f} n={len(rows)}")
    print()
    polarity_accuracy(SENTIMENT_DEV)
    accuracy, macro_f1 = scores(gold, blend)
    print(f"accuracy={accuracy:.4f} macro_f1={macro_f1:.4f} n={len(rows)}")


if __name__ == "__main__":
    main()
