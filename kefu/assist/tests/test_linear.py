"""Features and the numpy softmax regression: behaviour on small synthetic data."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from kefu.assist.features import FeatureConfig, FeatureExtractor, raw_features
from kefu.assist.linear import (
    SoftmaxRegression,
    expected_calibration_error,
    fit_temperature,
    load_arrays,
    nll,
    save_arrays,
    softmax,
)

TEXTS = [
    "我要退款，钱什么时候到账",
    "退款申请提交了还没到账",
    "快递三天了还没送到",
    "物流一直不更新，包裹在哪",
    "I want a refund for my order",
    "where is my parcel, tracking has not moved",
]
LABELS = np.array([0, 0, 1, 1, 0, 1])


def test_features_cover_chinese_english_and_mixed_text() -> None:
    feats = raw_features("退款申请 refunded 2次")
    assert "w:refunded" in feats
    assert any(f.startswith("b:") for f in feats)
    # Character n-grams: 1-3 over Chinese runs, 3-5 inside padded Latin words.
    assert {"c:退", "c:退款", "c:退款申"} <= set(feats)
    assert {"c: re", "c:ref", "c:efund", "c:ed "} <= set(feats)
    assert "c:refunded" not in feats  # longer than 5 characters


def test_rows_are_l2_normalised_and_idf_weighted() -> None:
    extractor = FeatureExtractor()
    rows = extractor.fit_transform(TEXTS)
    for r in range(rows.n_rows):
        values = rows.data[rows.indptr[r] : rows.indptr[r + 1]]
        assert np.isclose(np.linalg.norm(values), 1.0, atol=1e-5)
    # A feature in every text weighs less than one in a single text.
    common = extractor.vocabulary["c:还"]
    rare = extractor.vocabulary["w:包裹"]
    assert extractor.idf[common] < extractor.idf[rare]
    # The one-text fast path gives the same vector as the batch path.
    ids, values = extractor.transform_one(TEXTS[3])
    lo, hi = rows.indptr[3], rows.indptr[4]
    assert dict(zip(ids.tolist(), values.tolist(), strict=True)) == pytest.approx(
        dict(zip(rows.indices[lo:hi].tolist(), rows.data[lo:hi].tolist(), strict=True))
    )


def test_unknown_and_empty_texts_give_empty_rows() -> None:
    extractor = FeatureExtractor(FeatureConfig(min_df=2))
    extractor.fit_transform(TEXTS)
    rows = extractor.transform(["", "¥¥¥ !!!", "退款"])
    assert rows.n_rows == 3
    assert rows.indptr[1] == 0 and rows.indptr[2] == 0
    assert rows.indptr[3] > 0


def test_take_selects_rows_in_order() -> None:
    rows = FeatureExtractor().fit_transform(TEXTS)
    sub = rows.take([4, 1])
    assert sub.n_rows == 2
    assert (
        sub.indices[: sub.indptr[1]].tolist()
        == rows.indices[rows.indptr[4] : rows.indptr[5]].tolist()
    )


def test_softmax_regression_learns_and_is_deterministic() -> None:
    extractor = FeatureExtractor()
    rows = extractor.fit_transform(TEXTS)
    a = SoftmaxRegression(rows.n_features, 2).fit(rows, LABELS, seed=3)
    b = SoftmaxRegression(rows.n_features, 2).fit(rows, LABELS, seed=3)
    assert np.array_equal(a.weights, b.weights)
    assert (a.logits(rows).argmax(axis=1) == LABELS).all()
    probe = extractor.transform(["退款什么时候到账", "包裹物流在哪"])
    assert a.predict_proba(probe).argmax(axis=1).tolist() == [0, 1]


def test_logits_one_matches_batch_logits() -> None:
    extractor = FeatureExtractor()
    rows = extractor.fit_transform(TEXTS)
    model = SoftmaxRegression(rows.n_features, 2).fit(rows, LABELS)
    ids, values = extractor.transform_one(TEXTS[2])
    assert np.allclose(model.logits_one(ids, values), model.logits(rows)[2], atol=1e-5)


def test_temperature_scaling_fixes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=2000)
    # Logits that are right 60 % of the time but far too sure of themselves.
    predicted = np.where(rng.random(2000) < 0.6, labels, rng.integers(0, 3, size=2000))
    logits = np.zeros((2000, 3))
    logits[np.arange(2000), predicted] = 8.0
    temperature = fit_temperature(logits, labels)
    assert temperature > 2.0
    assert nll(logits, labels, temperature) < nll(logits, labels, 1.0)
    before = softmax(logits.copy()).max(axis=1)
    after = softmax(logits / temperature).max(axis=1)
    correct = predicted == labels
    assert expected_calibration_error(after, correct) < expected_calibration_error(before, correct)


def test_ece_of_perfectly_calibrated_bins_is_zero() -> None:
    confidences = np.array([0.75] * 4 + [0.25] * 4)
    correct = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=bool)
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0)
    assert expected_calibration_error(
        np.array([0.9, 0.9]), np.array([False, False])
    ) == pytest.approx(0.9)


def test_model_round_trip_and_format_check() -> None:
    rows = FeatureExtractor().fit_transform(TEXTS)
    model = SoftmaxRegression(rows.n_features, 2).fit(rows, LABELS)
    model.temperature = 1.7
    data = save_arrays(model.to_arrays(), "linear")
    loaded = SoftmaxRegression.from_arrays(load_arrays(data, "linear"))
    assert np.array_equal(loaded.weights, model.weights)
    assert loaded.temperature == 1.7
    with pytest.raises(ValueError, match="unsupported model format"):
        load_arrays(data, "intent")
    with pytest.raises(ValueError, match="not a kefu assist model"):
        load_arrays(b"not a zip", "linear")


def test_loading_refuses_pickled_objects() -> None:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        __format__=np.frombuffer(b"kefu-assist:linear:1", dtype=np.uint8),
        weights=np.array([object()], dtype=object),
    )
    with pytest.raises(ValueError):
        load_arrays(buffer.getvalue(), "linear")
    assert zipfile.is_zipfile(io.BytesIO(buffer.getvalue()))
