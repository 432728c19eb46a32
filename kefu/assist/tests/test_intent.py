"""IntentClassifier, cold start and build_classifier on small synthetic data."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import pytest

from kefu.assist.evaluate import read_intent_csv, stratified_split
from kefu.assist.intent import (
    CategorySpec,
    ColdStartClassifier,
    HybridClassifier,
    IntentClassifier,
    IntentPrediction,
    build_classifier,
)

BANKING77 = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "intents" / "banking77" / "train.csv"
)

# Templates per category, Chinese and English; filled with varied slots.
TEMPLATES = {
    "退款": [
        "我要退款，{x}什么时候退回来",
        "申请退款好几天了，{x}还没到账",
        "{x}不想要了，能退钱吗",
        "I want a refund for the {x}",
        "please refund my money for {x}",
    ],
    "物流": [
        "{x}的快递怎么还没到",
        "物流信息一直不更新，{x}到哪了",
        "包裹显示已签收但我没收到{x}",
        "where is my parcel with the {x}",
        "the tracking for my {x} delivery has not moved",
    ],
    "发票": [
        "{x}能开发票吗",
        "发票抬头写错了，{x}的发票要重开",
        "请问{x}的电子发票在哪里下载",
        "I need an invoice for the {x}",
        "can you send the VAT invoice for {x}",
    ],
}
ITEMS = [
    "耳机",
    "手机壳",
    "充电器",
    "键盘",
    "台灯",
    "headphones",
    "charger",
    "keyboard",
    "lamp",
    "case",
]


def make_examples(per_template: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for category, templates in TEMPLATES.items():
        for template in templates:
            for _ in range(per_template):
                out.append((template.format(x=rng.choice(ITEMS)), category))
    rng.shuffle(out)
    return out


@pytest.fixture(scope="module")
def trained() -> IntentClassifier:
    return IntentClassifier.train(make_examples(6), seed=0)


def test_trained_classifier_predicts_chinese_and_english(trained: IntentClassifier) -> None:
    assert trained.categories == sorted(TEMPLATES)
    cases = {
        "退款什么时候到账": "退款",
        "my parcel still has not arrived": "物流",
        "发票怎么下载": "发票",
        "refund please, the 充电器 is broken": "退款",
    }
    for text, expected in cases.items():
        prediction = trained.predict(text)
        assert isinstance(prediction, IntentPrediction)
        assert prediction.category == expected, text
        assert len(prediction.alternatives) == 3
        assert prediction.alternatives[0] == (prediction.category, prediction.confidence)
        confidences = [c for _, c in prediction.alternatives]
        assert confidences == sorted(confidences, reverse=True)
        assert 0.0 < prediction.confidence <= 1.0


def test_confidence_higher_on_clear_text_than_on_gibberish(trained: IntentClassifier) -> None:
    clear = trained.predict("申请退款好几天了，钱还没到账").confidence
    for gibberish in ["xqzv plmk", "嗯嗯", "ok"]:
        assert trained.predict(gibberish).confidence < clear
    # With three categories, an empty text gets the prior, nowhere near certainty.
    assert trained.predict("").confidence < 0.6


def test_training_is_deterministic_and_round_trips(trained: IntentClassifier) -> None:
    again = IntentClassifier.train(make_examples(6), seed=0)
    restored = IntentClassifier.from_bytes(trained.to_bytes())
    assert again.to_bytes() == trained.to_bytes()
    assert restored.categories == trained.categories
    assert restored.temperature == trained.temperature
    for text in ["快递到哪了", "invoice please", "退钱"]:
        assert restored.predict(text) == trained.predict(text)
    with pytest.raises(ValueError):
        IntentClassifier.from_bytes(b"garbage")


def test_predict_many_agrees_with_predict(trained: IntentClassifier) -> None:
    texts = ["快递到哪了", "invoice please", "退钱", ""]
    batch = trained.predict_many(texts)
    for text, prediction in zip(texts, batch, strict=True):
        single = trained.predict(text)
        assert prediction.category == single.category
        assert prediction.confidence == pytest.approx(single.confidence, abs=1e-5)


def test_training_needs_two_categories() -> None:
    with pytest.raises(ValueError, match="two categories"):
        IntentClassifier.train([("a", "x"), ("b", "x")])


SPECS = [
    CategorySpec(
        "退款",
        "退款 退货 退钱 refund money back",
        ("我要退款", "钱什么时候退回来"),
        ("退款", "refund"),
    ),
    CategorySpec("物流", "快递 物流 包裹 配送 delivery parcel", ("快递到哪了",), ("快递", "物流")),
    CategorySpec("账号", "登录 密码 账号 login password", ("登录不上",), ("密码",)),
]


def test_cold_start_matches_descriptions_examples_and_keywords() -> None:
    cold = ColdStartClassifier(SPECS)
    assert cold.predict("你好，我要退款").category == "退款"
    assert cold.predict("my parcel delivery is late").category == "物流"
    assert cold.predict("忘记密码了怎么办").category == "账号"
    assert cold.predict("can't login to my account").category == "账号"


def test_cold_start_confidence_is_honest() -> None:
    cold = ColdStartClassifier(SPECS)
    keyword = cold.predict("退款")
    nothing = cold.predict("今天天气不错")
    gibberish = cold.predict("zzqx vbnm")
    assert keyword.confidence > 0.5
    assert nothing.confidence < 0.35
    assert gibberish.confidence < 0.35
    assert sum(p for _, p in cold.predict("今天天气不错").alternatives) <= 1.0 + 1e-9


def test_cold_start_keyword_outweighs_description_overlap() -> None:
    specs = [
        CategorySpec("投诉", "customer is unhappy about the service", keywords=("12315", "曝光")),
        CategorySpec("咨询", "question about the service and the product"),
    ]
    cold = ColdStartClassifier(specs)
    prediction = cold.predict("question about the service: I will report you to 12315")
    assert prediction.category == "投诉"
    assert cold.predict("a question about the product").category == "咨询"
    # Latin keywords match whole words only.
    word = ColdStartClassifier([CategorySpec("卡", keywords=("card",)), CategorySpec("其他")])
    assert word.scores("discard this")[0] == pytest.approx(word.scores("throw this")[0])
    assert word.scores("my card")[0] > word.scores("my discard")[0]


def test_build_classifier_switches_mode() -> None:
    examples = make_examples(6)
    specs = [CategorySpec(name) for name in TEMPLATES]
    assert isinstance(build_classifier(specs, examples[:20]), ColdStartClassifier)
    assert isinstance(build_classifier(specs, examples), IntentClassifier)
    # Unknown categories in the history are ignored, not learnt.
    noisy = [*examples, *[("旧分类的消息", "已删除")] * 30]
    clf = build_classifier(specs, noisy)
    assert isinstance(clf, IntentClassifier)
    assert set(clf.categories) == set(TEMPLATES)


def test_build_classifier_keeps_sparse_categories_reachable() -> None:
    history = make_examples(6)
    specs = [
        *(CategorySpec(name) for name in TEMPLATES),
        CategorySpec("账号", "登录 密码 账号 login password", keywords=("密码", "password")),
    ]
    history.append(("登录不上了", "账号"))
    clf = build_classifier(specs, history)
    assert isinstance(clf, HybridClassifier)
    assert clf.cold_categories == ["账号"]
    assert set(clf.categories) == {*TEMPLATES, "账号"}
    assert clf.predict("忘记密码，登录不上").category == "账号"
    assert clf.predict("申请退款好几天了，钱还没到账").category == "退款"
    probs = clf.probabilities("快递到哪了")
    assert probs.sum() == pytest.approx(1.0)


@pytest.mark.skipif(not BANKING77.exists(), reason="BANKING77 data not available")
def test_banking77_subset_accuracy() -> None:
    rows = read_intent_csv(BANKING77)
    wanted = sorted({c for _, c in rows})[:20]
    subset = [(t, c) for t, c in rows if c in wanted]
    train, test = stratified_split(subset, test_fraction=0.2, seed=0, per_class=40)
    clf = IntentClassifier.train(train, seed=0)
    predictions = clf.predict_many([t for t, _ in test])
    correct = [p.category == c for p, (_, c) in zip(predictions, test, strict=True)]
    accuracy = sum(correct) / len(correct)
    # Measured 0.943 (seeds 1, 2: 0.963, 0.954; 20 classes, 40 training texts each, 542
    # test texts); the floor leaves room for noise.
    assert accuracy > 0.90
    # Calibration: confident predictions are right more often than unsure ones.
    by_conf: dict[bool, list[bool]] = defaultdict(list)
    for p, ok in zip(predictions, correct, strict=True):
        by_conf[p.confidence >= 0.8].append(ok)
    assert sum(by_conf[True]) / len(by_conf[True]) > sum(by_conf[False]) / len(by_conf[False])
