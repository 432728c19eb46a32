"""Evaluation helpers: read labelled files, split them, and print a report.

Pure functions over the standard library: ``read_polarity_tsv`` (header
``label<TAB>text``, labels pos/neg), ``read_intent_csv`` (header ``text,category``,
RFC 4180 quoting with embedded newlines, the BANKING77 format),
``stratified_split`` and ``classification_report``, whose last line is always
``accuracy=0.XXXX macro_f1=0.XXXX n=N``.

Bad input raises ``DataFileError`` (a ``ValueError``) naming the file and line.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

POLARITY_LABELS = ("pos", "neg")


class DataFileError(ValueError):
    """A labelled file that cannot be used; the message names the file and line."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line


def _read_text(path: str | Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise DataFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise DataFileError(path, None, "is a directory") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, f"not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise DataFileError(path, None, exc.strerror or str(exc)) from None


def read_polarity_tsv(path: str | Path) -> list[tuple[str, str]]:
    """``(text, label)`` pairs from a TSV with header ``label<TAB>text``.

    The text is everything after the first tab (a stray tab in a review stays in
    the text); blank lines are skipped; labels must be ``pos`` or ``neg``.
    """
    content = _read_text(path)
    # Split on newlines only: str.splitlines() would also cut at U+2028 and friends.
    lines = [line.removesuffix("\r") for line in content.split("\n")]
    if not content.strip():
        raise DataFileError(path, None, "empty file")
    header = [h.strip().lower() for h in lines[0].split("\t")]
    if header != ["label", "text"]:
        raise DataFileError(path, 1, f"header must be 'label<TAB>text', found {lines[0][:60]!r}")
    out: list[tuple[str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        label, sep, text = line.partition("\t")
        label = label.strip()
        if not sep:
            raise DataFileError(path, number, "expected 'label<TAB>text'")
        if label not in POLARITY_LABELS:
            raise DataFileError(path, number, f"unknown label {label!r} (expected pos or neg)")
        if not text.strip():
            raise DataFileError(path, number, "empty text")
        out.append((text, label))
    if not out:
        raise DataFileError(path, None, "no examples after the header")
    return out


def read_intent_csv(path: str | Path) -> list[tuple[str, str]]:
    """``(text, category)`` pairs from a CSV with header ``text,category``."""
    content = _read_text(path)
    if not content.strip():
        raise DataFileError(path, None, "empty file")
    reader = csv.reader(io.StringIO(content), strict=True)
    out: list[tuple[str, str]] = []
    try:
        header = next(reader)
        if [h.strip().lower() for h in header] != ["text", "category"]:
            raise DataFileError(
                path, 1, f"header must be 'text,category', found {','.join(header)[:60]!r}"
            )
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != 2:
                raise DataFileError(
                    path, reader.line_num, f"expected 2 columns (text,category), found {len(row)}"
                )
            text, category = row[0], row[1].strip()
            if not text.strip() or not category:
                raise DataFileError(path, reader.line_num, "empty text or category")
            out.append((text, category))
    except csv.Error as exc:
        raise DataFileError(path, reader.line_num, f"bad CSV: {exc}") from None
    if not out:
        raise DataFileError(path, None, "no examples after the header")
    return out


def write_intent_csv(path: str | Path, rows: Sequence[tuple[str, str]]) -> None:
    """``(text, category)`` rows as CSV with header ``text,category`` (RFC 4180)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)


def write_polarity_tsv(path: str | Path, rows: Sequence[tuple[str, str]]) -> None:
    """``(text, label)`` rows as TSV with header ``label<TAB>text``; runs of
    whitespace in a text (tabs, newlines) become one space, as the format needs."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("label\ttext\n")
        for text, label in rows:
            handle.write(f"{label}\t{' '.join(text.split())}\n")


def stratified_split(
    rows: Sequence[tuple[str, str]],
    *,
    test_fraction: float = 0.2,
    seed: int = 0,
    per_class: int | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split ``(text, label)`` rows into train and test, ``test_fraction`` of each
    label (rounded) in the test part; with ``per_class``, keep only that many
    training rows of each label. Deterministic for a seed; the test part does not
    depend on ``per_class``, so curves over ``per_class`` share one test set."""
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError("test_fraction must be in [0, 1)")
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, (_, label) in enumerate(rows):
        by_label[label].append(i)
    rng = random.Random(seed)
    train_idx: list[int] = []
    test_idx: list[int] = []
    for label in sorted(by_label):
        idx = list(by_label[label])
        rng.shuffle(idx)
        n_test = round(len(idx) * test_fraction)
        test_idx.extend(idx[:n_test])
        kept = idx[n_test:]
        train_idx.extend(kept if per_class is None else kept[:per_class])
    return [rows[i] for i in sorted(train_idx)], [rows[i] for i in sorted(test_idx)]


def scores(
    gold: Sequence[str], predicted: Sequence[str]
) -> tuple[float, float, dict[str, tuple[float, float, float, int]]]:
    """Accuracy, macro-F1 and per-label (precision, recall, f1, support).

    Macro-F1 averages over the labels of the gold standard (a label only ever
    predicted has no support and is listed, but does not enter the mean)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    true_pos: Counter[str] = Counter()
    pred_count = Counter(predicted)
    support = Counter(gold)
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            true_pos[g] += 1
    table: dict[str, tuple[float, float, float, int]] = {}
    for label in sorted(set(support) | set(pred_count)):
        tp = true_pos[label]
        precision = tp / pred_count[label] if pred_count[label] else 0.0
        recall = tp / support[label] if support[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = (precision, recall, f1, support[label])
    n = len(gold)
    accuracy = sum(true_pos.values()) / n if n else 0.0
    f1s = [table[label][2] for label in support]
    macro_f1 = sum(f1s) / len(f1s) if f1s else 0.0
    return accuracy, macro_f1, table


def classification_report(gold: Sequence[str], predicted: Sequence[str]) -> str:
    """A per-label table, then ``accuracy=0.XXXX macro_f1=0.XXXX n=N`` as last line."""
    accuracy, macro_f1, table = scores(gold, predicted)
    width = max([len("label"), *(len(label) for label in table)])
    lines = [f"{'label':<{width}}  precision  recall      f1  support"]
    for label, (precision, recall, f1, support) in table.items():
        lines.append(f"{label:<{width}}  {precision:9.4f}  {recall:6.4f}  {f1:6.4f}  {support:7d}")
    lines.append(f"accuracy={accuracy:.4f} macro_f1={macro_f1:.4f} n={len(gold)}")
    return "\n".join(lines)
