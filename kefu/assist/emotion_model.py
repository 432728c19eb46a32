"""A trained emotion classifier, the companion of the lexicon in ``emotion.py``.

The lexicon finds the cues it knows (words, threats, counts, punctuation, repeats
across the conversation) and points at them; it misses what it has no word for:
blame without insults, a deadline said plainly, resignation, doubt phrased as a
polite request. This model reads the whole message: the ``IntentClassifier`` of
``intent.py`` (TF-IDF words and character n-grams, softmax regression with a
temperature fitted on a held-out fold, so its probabilities are calibrated),
trained on ``data/emotion_zh_train.tsv`` (1,336 hand-written messages, six labels;
see ``data/SOURCE.md``). It never sees the dev or test sets.

The model is trained on first use (about 0.6 s) and kept for the life of the
process; a lock makes concurrent first calls train it once. Training is
deterministic (fixed seed), so every process gets the same weights. There is no
model file to trust or rebuild: the declared training data is the only input.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import numpy as np

from kefu.assist.intent import IntentClassifier

TRAIN_PATH = Path(__file__).resolve().parent / "data" / "emotion_zh_train.tsv"
LABELS = ("angry", "anxious", "disappointed", "doubtful", "satisfied", "neutral")
SEED = 0

_lock = threading.Lock()
_model: IntentClassifier | None = None


def read_examples(path: Path = TRAIN_PATH) -> list[tuple[str, str]]:
    """``(text, label)`` pairs of a ``label<TAB>text`` TSV with a header row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:2]] != ["label", "text"]:
            raise ValueError(f"{path}: header must be label<TAB>text, got {header}")
        examples = []
        for row in reader:
            if len(row) < 2 or not row[1].strip():
                continue
            label = row[0].strip()
            if label not in LABELS:
                raise ValueError(f"{path}: unknown label {label!r}")
            examples.append((row[1], label))
    return examples


def train(path: Path = TRAIN_PATH, *, seed: int = SEED) -> IntentClassifier:
    """A fresh classifier trained on ``path`` (what ``get_model`` caches)."""
    return IntentClassifier.train(read_examples(path), seed=seed)


def get_model() -> IntentClassifier:
    """The process-wide model, trained on the first call (thread-safe).

    Call it at start-up to move the training time out of the first request.
    """
    global _model
    model = _model
    if model is None:
        with _lock:
            if _model is None:
                _model = train()
            model = _model
    return model


def probability_vector(text: str) -> np.ndarray:
    """The model's calibrated probabilities in ``LABELS`` order."""
    model = get_model()
    probs = model.probabilities(text)
    order = _label_order(tuple(model.categories))
    return probs[order]


def emotion_probabilities(text: str) -> dict[str, float]:
    """The model's calibrated probability of each emotion (sums to 1).

    The model sees only this message: no history, no offsets, no evidence. Use
    ``emotion.analyse`` for the decision shown to agents.
    """
    return {label: float(p) for label, p in zip(LABELS, probability_vector(text), strict=True)}


_orders: dict[tuple[str, ...], np.ndarray] = {}


def _label_order(categories: tuple[str, ...]) -> np.ndarray:
    """Indices that reorder the model's (sorted) categories into ``LABELS``."""
    order = _orders.get(categories)
    if order is None:
        missing = set(LABELS) - set(categories)
        if missing:
            raise ValueError(f"the emotion model lacks labels {sorted(missing)}")
        order = np.array([categories.index(label) for label in LABELS], dtype=np.int64)
        _orders[categories] = order
    return order
