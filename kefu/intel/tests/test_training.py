"""`kefu assist train` on solved tickets, and the model it stores taking over triage."""

from __future__ import annotations

import pytest

from kefu.accounts.actor import SYSTEM
from kefu.cli import main as kefu_main
from kefu.intel import cache
from kefu.intel.choices import CategorySource
from kefu.intel.models import Category, IntentModel, TicketInsight
from kefu.intel.training import intent_model_train, training_examples
from kefu.tickets.services import ticket_create

REFUND = ["我要退款，钱什么时候退回来", "申请退款，商品不想要了", "退款一直没到账", "怎么申请退货退款",
          "退款进度查一下", "钱还没退给我", "退款金额不对", "取消订单后退款多久到",
          "我想把这单退了，钱原路返回吗", "退款被拒绝了为什么", "已经寄回了退款什么时候处理",
          "退款申请提交不了"]
INVOICE = ["发票怎么开", "发票抬头写错了要重开", "我需要增值税专用发票", "电子发票在哪里下载",
           "发票税号填错了", "能开公司抬头的发票吗", "发票还没收到", "纸质发票寄到哪里",
           "发票金额和订单不一致", "补开上个月的发票", "发票可以开成办公用品吗", "专票什么时候寄出"]


@pytest.fixture
def history(cast):
    refund = Category.objects.create(name="退款", description="退款相关", keywords="退款")
    invoice = Category.objects.create(name="发票", description="发票相关", keywords="发票")
    other = Category.objects.create(name="物流", description="快递没到、物流不更新", keywords="快递,物流")
    for category, texts in ((refund, REFUND), (invoice, INVOICE)):
        for i, text in enumerate(texts):
            ticket, _ = ticket_create(actor=SYSTEM, subject=f"咨询 {i}", body=text,
                                      requester=cast.customer, channel="web")
            ticket.status = "solved"
            ticket.save(update_fields=["status"])
            TicketInsight.objects.create(ticket=ticket, category=category,
                                         category_source=CategorySource.MANUAL)
    return refund, invoice, other


def test_examples_are_the_solved_tickets_an_agent_categorised(history):
    examples = training_examples()
    assert len(examples) == 24
    assert all(label in ("退款", "发票") for _text, label in examples)
    assert any("钱什么时候退回来" in text for text, _label in examples)


def test_training_stores_a_model_that_triage_then_uses_with_cold_start_for_the_rest(history):
    row, report = intent_model_train(min_per_category=10, min_total=20)
    assert row is not None and set(row.categories) == {"退款", "发票"}
    assert "held-out accuracy" in report and "物流" in report  # left to the cold start
    classifier = cache.classifier.get()
    assert classifier.trained
    assert classifier.model.predict("发票抬头开错了，能重开吗").category == "发票"
    assert classifier.model.predict("快递三天没到，物流也不更新").category == "物流"


def test_too_little_history_stores_nothing(history):
    row, report = intent_model_train(min_per_category=50)
    assert row is None and "too few" in report
    assert not IntentModel.objects.exists() and not cache.classifier.get().trained


def test_the_command_line(history, capsys):
    assert kefu_main(["assist", "train", "--min-total", "20"]) == 0
    assert "trained on 24 tickets in 2 categories" in capsys.readouterr().out
    assert IntentModel.objects.count() == 1


def test_eval_reports_a_bad_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("words,label\nhello,x\n", encoding="utf-8")
    assert kefu_main(["assist", "eval", "intent", "--train", str(bad), "--test", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.csv" in err[0]
