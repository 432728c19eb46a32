"""Emotion and sentiment of customer messages: what each rule must do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kefu.assist.emotion import Cue, Emotion, EmotionResult, analyse, trend

ROOT = Path(__file__).resolve().parents[3]
DEV = Path(__file__).resolve().parent / "data" / "emotion_zh_dev.tsv"
REVIEWS = ROOT.parent / "shared" / "data" / "sentiment" / "dev.tsv"


def kinds(result: EmotionResult) -> set[str]:
    return {cue.kind for cue in result.evidence}


# --- each emotion -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你们这是什么破服务，气死我了，骗子公司！", Emotion.ANGRY),
        ("第三次打电话了，每次都说有人回电，人呢？？？", Emotion.ANGRY),
        ("我的快递明天就要用，现在还没到，怎么办啊，急死了", Emotion.ANXIOUS),
        ("在线等，很急，银行卡被盗刷了", Emotion.ANXIOUS),
        ("本来以为会员能优先处理，结果还是一样排队，唉", Emotion.DISAPPOINTED),
        ("用了五年了，这次的质量真的让人很失望", Emotion.DISAPPOINTED),
        ("这个中奖短信真的是你们发的吗？怎么看都像骗子", Emotion.DOUBTFUL),
        ("你们说的零利率是真的吗？我有点怀疑", Emotion.DOUBTFUL),
        ("问题解决了，谢谢你这么耐心！", Emotion.SATISFIED),
        ("非常满意，会推荐给朋友，点赞👍", Emotion.SATISFIED),
        ("请问你们周末营业吗？", Emotion.NEUTRAL),
        ("我想修改一下收货地址", Emotion.NEUTRAL),
        ("订单号20261118093421，想查一下物流", Emotion.NEUTRAL),
    ],
)
def test_each_emotion(text: str, expected: Emotion) -> None:
    assert analyse(text).emotion is expected


def test_polarity_follows_emotion() -> None:
    assert analyse("太感谢了，服务非常好").polarity == "positive"
    assert analyse("太差了，再也不买了").polarity == "negative"
    assert analyse("请问怎么开发票").polarity == "neutral"
    for text in ("谢谢", "垃圾", "你好"):
        assert -1.0 <= analyse(text).score <= 1.0


# --- negation and degree ---------------------------------------------------------


def test_negation_flips_or_dampens() -> None:
    assert analyse("满意").polarity == "positive"
    assert analyse("不满意").polarity == "negative"
    assert analyse("不错").polarity == "positive"
    assert analyse("没问题").polarity in ("neutral", "positive")
    assert analyse("不是很好").polarity == "negative"
    assert analyse("我一点也不喜欢这个颜色").polarity == "negative"
    assert analyse("I am not happy with this").polarity == "negative"
    # a negated negative word is damped, not turned into praise, and loses its emotion
    not_bad = analyse("不差")
    assert 0 <= not_bad.score < analyse("好").score
    assert analyse("我不着急，你们慢慢处理").emotion is not Emotion.ANXIOUS


def test_weak_negation_is_milder_than_full_negation() -> None:
    assert analyse("不好").score < analyse("不是很好").score < 0


def test_degree_adverbs_scale() -> None:
    mild, plain, strong = analyse("有点失望"), analyse("失望"), analyse("非常失望")
    assert mild.score > plain.score > strong.score
    assert analyse("特别满意").score > analyse("满意").score > analyse("有点满意").score
    assert analyse("I am very disappointed").score < analyse("I am disappointed").score


def test_masks_stop_words_inside_ordinary_words() -> None:
    # 好 in 您好/好像, 差 in 出差, 急 in 急诊 are not sentiment
    for text in ("您好，我好像没收到短信", "我在出差，能改到下周吗", "请问急诊几点开门"):
        assert analyse(text).emotion is Emotion.NEUTRAL, text


# --- cues beyond words --------------------------------------------------------------


def test_evidence_offsets_point_at_the_cue_text() -> None:
    text = "你好！我已经第三次问了，订单还没发货，再不处理我就去12315投诉！！"
    result = analyse(text)
    assert result.evidence
    for cue in result.evidence:
        assert text[cue.start : cue.end] == cue.text
    assert {"count", "still_not", "public_threat", "exclamation"} <= kinds(result)


def test_offsets_survive_full_width_text() -> None:
    text = "ＴＨＩＳ ＩＳ ＵＮＡＣＣＥＰＴＡＢＬＥ！！我很生气"
    result = analyse(text)
    assert result.emotion is Emotion.ANGRY
    for cue in result.evidence:
        assert text[cue.start : cue.end] == cue.text
    assert any(cue.text == "ＵＮＡＣＣＥＰＴＡＢＬＥ" for cue in result.evidence)


def test_exclamation_and_caps_make_anger() -> None:
    calm = analyse("this is unacceptable")
    loud = analyse("THIS IS UNACCEPTABLE!!!")
    assert {"caps", "exclamation"} <= kinds(loud)
    assert loud.score < calm.score
    assert loud.emotion is Emotion.ANGRY
    # known acronyms are not shouting
    assert "caps" not in kinds(analyse("my VIP account and the APP login"))


def test_count_and_still_not() -> None:
    assert "count" in kinds(analyse("这已经是第三次了"))
    assert "count" in kinds(analyse("等了三天了"))
    assert "count" in kinds(analyse("I have asked again and again"))
    assert "still_not" in kinds(analyse("至今没有人联系我"))
    assert "still_not" in kinds(analyse("it still hasn't arrived"))
    assert analyse("退款还没到账").polarity == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "再不解决我就打12315",
        "我要去消协投诉你们",
        "我会在微博曝光",
        "我已经找了律师",
        "给差评",
        "I will contact my lawyer",
    ],
)
def test_public_threats(text: str) -> None:
    result = analyse(text)
    threats = [cue for cue in result.evidence if cue.kind == "public_threat"]
    assert threats, text
    assert result.emotion is Emotion.ANGRY
    assert result.polarity == "negative"


def test_repeat_question_uses_history() -> None:
    question = "我的订单什么时候发货？"
    alone = analyse(question)
    again = analyse(question, history=["你好，请问订单什么时候发货"])
    assert "repeat" not in kinds(alone)
    assert "repeat" in kinds(again)
    assert again.score < alone.score
    assert again.emotion is Emotion.ANXIOUS
    # an unrelated earlier message is not a repeat
    assert "repeat" not in kinds(analyse(question, history=["我想修改收货地址"]))


def test_sarcasm() -> None:
    assert analyse("呵呵，你们可真行").emotion is Emotion.ANGRY
    praise = analyse("真是太好了")
    after_complaint = analyse("真是太好了", history=["第三次了还没发货，你们到底怎么回事"])
    assert praise.polarity == "positive"
    assert after_complaint.polarity == "negative"
    assert "sarcasm" in kinds(after_complaint)


def test_contrast_weighs_the_part_after_but() -> None:
    result = analyse("谢谢你们的回复，但是到现在还没收到退款")
    assert result.polarity == "negative"
    assert result.emotion is not Emotion.SATISFIED


def test_quoted_company_words_count_less() -> None:
    quoted = analyse("客服全是“亲请耐心等待”")
    assert quoted.emotion is not Emotion.SATISFIED


def test_polite_thanks_after_a_request_is_not_praise() -> None:
    assert analyse("请帮我开一张电子发票，谢谢").emotion is Emotion.NEUTRAL
    assert analyse("谢谢，问题解决了").emotion is Emotion.SATISFIED


def test_emoji() -> None:
    assert analyse("收到了👍").polarity == "positive"
    assert "emoji" in kinds(analyse("又坏了😡"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is ridiculous, you are scammers", Emotion.ANGRY),
        ("I'm really worried, please help, my card was stolen", Emotion.ANXIOUS),
        ("I expected better, very disappointed", Emotion.DISAPPOINTED),
        ("Are you sure? This looks suspicious", Emotion.DOUBTFUL),
        ("Thank you so much, excellent service", Emotion.SATISFIED),
        ("How do I change my delivery address", Emotion.NEUTRAL),
    ],
)
def test_english(text: str, expected: Emotion) -> None:
    assert analyse(text).emotion is expected


# --- the blend of lexicon and model --------------------------------------------------


_NEGATIVE = {Emotion.ANGRY, Emotion.ANXIOUS, Emotion.DISAPPOINTED, Emotion.DOUBTFUL}
_SAMPLES = [
    "谢谢你们的回复，但是到现在还没收到退款",
    "你们客服永远在踢皮球，我已经受够了",
    "明早七点的航班，行李还在你们手里",
    "本来挺期待的，算了",
    "这个扣费我没同意过，麻烦把规定发给我看看",
    "好的，收到，辛苦了",
    "请问怎么修改收货地址",
    "第三次了还没到，我要投诉！！",
]


@pytest.mark.parametrize("text", _SAMPLES)
def test_evidence_is_the_lexicons_whatever_the_model_says(text: str) -> None:
    blended, lexicon_only = analyse(text), analyse(text, use_model=False)
    assert blended.evidence == lexicon_only.evidence
    for cue in blended.evidence:
        assert text[cue.start : cue.end] == cue.text


@pytest.mark.parametrize("text", _SAMPLES)
def test_polarity_agrees_with_the_emotion(text: str) -> None:
    result = analyse(text)
    assert 0.0 <= result.confidence <= 1.0
    if result.emotion in _NEGATIVE:
        assert result.polarity == "negative" and result.score < 0
    elif result.emotion is Emotion.SATISFIED:
        assert result.polarity == "positive" and result.score > 0


@pytest.mark.parametrize(
    "text",
    ["每次打电话都说在处理，处理了一个月，你们到底有没有人管", "我的钱你们扣了就不认账，这事没完"],
)
def test_the_model_finds_anger_without_angry_words(text: str) -> None:
    assert analyse(text, use_model=False).emotion is Emotion.NEUTRAL  # no cue for it
    assert analyse(text).emotion is Emotion.ANGRY


def test_strong_cues_outweigh_the_model() -> None:
    # The model reads a plain question; the history shows it is asked again.
    question = "请问退款申请提交后一般多久到账"
    assert analyse(question).emotion is Emotion.NEUTRAL
    again = analyse(question, history=["退款申请提交后多久到账？"])
    assert again.emotion is Emotion.ANXIOUS and "repeat" in kinds(again)
    # A public threat, a run of marks or shouting turn the same request to anger.
    for text in (
        question + "，不然我去12315",
        "请问发票怎么开？？？",
        "PLEASE CHECK MY ORDER STATUS",
    ):
        assert analyse(text).emotion is Emotion.ANGRY, text


def test_confidence_follows_agreement() -> None:
    agreed = analyse("气死我了，你们这是什么破服务，骗子！！")
    assert agreed.emotion is Emotion.ANGRY and agreed.confidence > 0.9


# --- result objects and trend --------------------------------------------------------


def test_result_round_trips_through_json() -> None:
    result = analyse("第三次了还没到，我要投诉！！")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["emotion"] in {e.value for e in Emotion}
    assert EmotionResult.from_dict(data) == result
    assert 0.0 <= result.confidence <= 1.0
    assert all(isinstance(cue, Cue) for cue in result.evidence)
    assert ("angry", "Angry") in Emotion.choices()


def test_empty_and_odd_input() -> None:
    for text in ("", "   ", "。。。", "😀" * 50, "a" * 5000):
        result = analyse(text)
        assert result.polarity in ("negative", "neutral", "positive")
    assert analyse("").emotion is Emotion.NEUTRAL


def test_trend() -> None:
    worse = [
        analyse(t) for t in ("你好，请问订单发货了吗", "怎么还没发货", "第三次问了，我要投诉！！")
    ]
    better = [analyse(t) for t in ("气死了，东西坏了", "好的，那我等一下", "问题解决了，非常感谢")]
    flat = [analyse(t) for t in ("请问营业时间", "好的，收到")]
    assert trend(worse).direction == "worsening" and trend(worse).delta < 0
    assert trend(better).direction == "improving" and trend(better).delta > 0
    assert trend(flat).direction == "steady"
    assert trend(better).current is better[-1].emotion
    assert trend([]).direction == "steady"
    assert trend([]).to_dict()["scores"] == []


# --- labelled data (skipped when absent) ---------------------------------------------


def _read(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return [(row[0], row[1]) for row in reader if len(row) >= 2]


@pytest.mark.skipif(not DEV.exists(), reason="emotion dev set not written yet")
def test_dev_set_every_emotion_is_found() -> None:
    rows = _read(DEV)
    predicted = [(label, analyse(text).emotion.value) for label, text in rows]
    accuracy = sum(g == p for g, p in predicted) / len(predicted)
    lexicon_only = sum(analyse(text, use_model=False).emotion.value == g for g, text in rows)
    assert accuracy >= 0.9
    assert accuracy >= lexicon_only / len(rows)
    for emotion in Emotion:
        hits = sum(g == p == emotion.value for g, p in predicted)
        assert hits > 0, emotion


@pytest.mark.skipif(not REVIEWS.exists(), reason="shared sentiment data absent")
def test_review_polarity_zero_shot() -> None:
    rows = _read(REVIEWS)
    correct = sum((analyse(text).score > 0) == (label == "pos") for label, text in rows)
    assert correct / len(rows) >= 0.7
