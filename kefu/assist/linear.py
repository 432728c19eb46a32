"""Multinomial logistic regression (softmax) over ``SparseRows``, in numpy only.

Training is mini-batch Adagrad on the mean cross-entropy plus an L2 penalty, from
zero weights, with batches drawn from a seeded generator (same data and seed, same
weights). Only the weight rows of the features present in a batch are read and
written (the penalty is applied lazily to those rows, as FTRL/Vowpal-style
learners do): the batch becomes a small dense block over its active features and
both products are BLAS matrix multiplications, so an epoch over BANKING77 (8k
texts, ~1M non-zeros, 77 classes) takes about 0.35 s on one core. OpenBLAS threads
only slow these many small products down (5x on a busy 2-core machine: they spin
waiting for each other), so training and batch prediction run with one BLAS thread
(``single_blas_thread``).

Calibration is temperature scaling (Guo et al., 2017): one scalar ``T`` dividing the
logits, fitted by minimising the negative log-likelihood of held-out logits; it
changes confidences, never the ranking. ``expected_calibration_error`` measures the
result.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kefu.assist.features import SparseRows

FORMAT_VERSION = 1


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters; the defaults were tuned on a BANKING77 split (bench/assist_eval.py)."""

    epochs: int = 10
    batch_size: int = 32
    learning_rate: float = 2.0
    l2: float = 1e-6


@functools.cache
def _openblas_threads() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    """numpy's bundled OpenBLAS thread setter and getter, or None if not found."""
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs.glob("*openblas*.so*")):
        try:
            lib = ctypes.CDLL(str(path))  # already loaded by numpy: same handle
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
            getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
            if setter is not None and getter is not None:
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return setter, getter
    return None


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with one OpenBLAS thread, then restore the previous count.

    Process-wide while it lasts (OpenBLAS has one setting); a no-op when numpy's
    BLAS is not the bundled OpenBLAS.
    """
    controls = _openblas_threads()
    if controls is None:
        yield
        return
    setter, getter = controls
    previous = getter()
    setter(1)
    try:
        yield
    finally:
        setter(previous)


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def _dense_block(rows: SparseRows) -> tuple[np.ndarray, np.ndarray]:
    """The features present in ``rows`` and the rows as a small dense matrix over them.

    A batch of a few dozen texts touches a few thousand features, so the block is
    small and both products with the weights become BLAS matrix multiplications
    (much faster than gathering and segment-summing one weight row per non-zero).
    """
    active, column = np.unique(rows.indices, return_inverse=True)
    block = np.zeros((rows.n_rows, active.size), dtype=np.float32)
    row_of = np.repeat(np.arange(rows.n_rows), np.diff(rows.indptr))
    block[row_of, column] = rows.data  # a feature appears at most once per row
    return active, block


class SoftmaxRegression:
    """Weights ``W`` (features x classes), bias ``b`` and a temperature ``T``."""

    def __init__(self, n_features: int, n_classes: int) -> None:
        self.weights = np.zeros((n_features, n_classes), dtype=np.float32)
        self.bias = np.zeros(n_classes, dtype=np.float32)
        self.temperature = 1.0
        # Class frequencies in training: the answer for a text with no known feature.
        self.priors = np.full(n_classes, 1.0 / n_classes)

    @property
    def n_classes(self) -> int:
        return int(self.bias.shape[0])

    # --- inference ---------------------------------------------------------------

    def logits(self, rows: SparseRows) -> np.ndarray:
        out = np.empty((rows.n_rows, self.n_classes), dtype=np.float32)
        chunk = 256  # bounds the dense block
        with single_blas_thread():
            for lo in range(0, rows.n_rows, chunk):
                part = rows.take(np.arange(lo, min(lo + chunk, rows.n_rows)))
                active, block = _dense_block(part)
                out[lo : lo + part.n_rows] = block @ self.weights[active] + self.bias
        return out

    def logits_one(self, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
        return values @ self.weights[ids] + self.bias

    def predict_proba(self, rows: SparseRows) -> np.ndarray:
        return softmax(self.logits(rows) / self.temperature)

    # --- training ----------------------------------------------------------------

    def fit(
        self,
        rows: SparseRows,
        labels: np.ndarray,
        config: TrainConfig = TrainConfig(),
        *,
        seed: int = 0,
    ) -> SoftmaxRegression:
        """Mini-batch Adagrad from zero weights; deterministic for a given seed."""
        with single_blas_thread():
            return self._fit(rows, labels, config, seed)

    def _fit(
        self, rows: SparseRows, labels: np.ndarray, config: TrainConfig, seed: int
    ) -> SoftmaxRegression:
        labels = np.asarray(labels, dtype=np.int64)
        n, k = rows.n_rows, self.n_classes
        rng = np.random.default_rng(seed)
        w, b = self.weights, self.bias
        w[:] = 0.0
        b[:] = 0.0
        # Adagrad accumulators, started at a small value to bound the first steps.
        acc_w = np.full(w.shape[0], 1e-2, dtype=np.float32)  # one per feature row
        acc_b = np.full(k, 1e-2, dtype=np.float32)
        lr, l2 = config.learning_rate, config.l2
        for _ in range(config.epochs):
            order = rng.permutation(n)
            for lo in range(0, n, config.batch_size):
                batch = rows.take(order[lo : lo + config.batch_size])
                y = labels[order[lo : lo + config.batch_size]]
                m = batch.n_rows
                if batch.indices.size == 0:
                    continue
                active, block = _dense_block(batch)
                w_active = w[active]
                probs = softmax(block @ w_active + b)
                probs[np.arange(m), y] -= 1.0
                probs /= m  # gradient of the mean loss w.r.t. the logits
                grad = block.T @ probs
                grad += l2 * w_active
                # Adagrad with one accumulator per feature row (mean square over classes).
                acc_w[active] += np.mean(grad * grad, axis=1)
                w[active] -= (lr / np.sqrt(acc_w[active]))[:, None] * grad
                grad_b = probs.sum(axis=0)
                acc_b += grad_b * grad_b
                b -= lr / np.sqrt(acc_b) * grad_b
        return self

    def fit_temperature(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """Set ``T`` to the value minimising the held-out NLL; returns it."""
        self.temperature = fit_temperature(logits, labels)
        return self.temperature

    # --- serialisation -----------------------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "temperature": np.array([self.temperature], dtype=np.float64),
            "priors": self.priors,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> SoftmaxRegression:
        weights = np.asarray(arrays["weights"], dtype=np.float32)
        bias = np.asarray(arrays["bias"], dtype=np.float32)
        if weights.ndim != 2 or bias.shape != (weights.shape[1],):
            raise ValueError("corrupt model: weight shapes do not match")
        model = cls(weights.shape[0], weights.shape[1])
        model.weights[:] = weights
        model.bias[:] = bias
        model.temperature = float(arrays["temperature"][0])
        model.priors = np.asarray(arrays["priors"], dtype=np.float64)
        return model


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of ``labels`` under ``softmax(logits / T)``."""
    z = logits.astype(np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(log_norm - z[np.arange(len(labels)), labels]))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Golden-section search of ``log T`` in [-3, 3] (the NLL is unimodal in T)."""
    if len(labels) == 0:
        return 1.0
    labels = np.asarray(labels, dtype=np.int64)
    lo, hi = -3.0, 3.0
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, c = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fc = nll(logits, labels, np.exp(a)), nll(logits, labels, np.exp(c))
    for _ in range(60):
        if fa < fc:
            hi, c, fc = c, a, fa
            a = hi - ratio * (hi - lo)
            fa = nll(logits, labels, np.exp(a))
        else:
            lo, a, fa = a, c, fc
            c = lo + ratio * (hi - lo)
            fc = nll(logits, labels, np.exp(c))
    return float(np.exp((lo + hi) / 2.0))


def expected_calibration_error(
    confidences: np.ndarray, correct: np.ndarray, n_bins: int = 15
) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width
    confidence bins weighted by how many predictions fall in each."""
    confidences = np.asarray(confidences, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if confidences.size == 0:
        return 0.0
    bins = np.minimum((confidences * n_bins).astype(np.int64), n_bins - 1)
    total = 0.0
    for i in range(n_bins):
        mask = bins == i
        if mask.any():
            total += mask.sum() * abs(confidences[mask].mean() - correct[mask].mean())
    return total / confidences.size


def save_arrays(arrays: dict[str, np.ndarray], kind: str) -> bytes:
    """A compressed ``.npz`` (zip of ``.npy`` arrays) with a format and version header."""
    buffer = io.BytesIO()
    header = np.frombuffer(f"kefu-assist:{kind}:{FORMAT_VERSION}".encode(), dtype=np.uint8)
    members: dict[str, Any] = {"__format__": header, **arrays}
    np.savez_compressed(buffer, **members)
    return buffer.getvalue()


def load_arrays(data: bytes, kind: str) -> dict[str, np.ndarray]:
    """Read what ``save_arrays`` wrote; ``allow_pickle=False`` means no code runs."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError) as exc:
        raise ValueError(f"not a kefu assist model: {exc}") from exc
    header = arrays.pop("__format__", None)
    expected = f"kefu-assist:{kind}:{FORMAT_VERSION}"
    found = header.tobytes().decode("utf-8", "replace") if header is not None else "none"
    if found != expected:
        raise ValueError(f"unsupported model format {found!r} (expected {expected!r})")
    return arrays
