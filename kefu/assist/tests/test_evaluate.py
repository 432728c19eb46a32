"""File readers, split, report format and the ``kefu assist`` eval/split CLI."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kefu.assist.cli import main
from kefu.assist.evaluate import (
    DataFileError,
    classification_report,
    read_intent_csv,
    read_polarity_tsv,
    scores,
    stratified_split,
)

LAST_LINE = re.compile(r"^accuracy=(\d\.\d{4}) macro_f1=(\d\.\d{4}) n=(\d+)$")


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def polarity_rows(n: int) -> str:
    pos = ["服务很好，下次还来", "质量不错，很满意", "物流快，包装好", "great service, thanks"]
    neg = ["太差了，再也不买", "质量很差，要退货", "客服态度恶劣", "terrible, never again"]
    lines = ["label\ttext"]
    for i in range(n):
        lines.append(f"pos\t{pos[i % 4]} {i}")
        lines.append(f"neg\t{neg[i % 4]} {i}")
    return "\n".join(lines) + "\n"


def test_report_table_and_last_line() -> None:
    gold = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    report = classification_report(gold, predicted)
    lines = report.splitlines()
    match = LAST_LINE.match(lines[-1])
    assert match is not None
    assert match.group(1) == "0.6000" and match.group(3) == "5"
    # a: p=1/2 r=1/2; b: p=2/3 r=1; c: 0 -> macro F1 = (0.5 + 0.8 + 0) / 3
    assert float(match.group(2)) == pytest.approx(1.3 / 3, abs=1e-4)
    assert lines[0].split() == ["label", "precision", "recall", "f1", "support"]
    row_b = next(line for line in lines if line.startswith("b "))
    assert row_b.split() == ["b", "0.6667", "1.0000", "0.8000", "2"]


def test_scores_ignore_labels_only_predicted_in_macro_f1() -> None:
    accuracy, macro_f1, table = scores(["a", "a"], ["a", "z"])
    assert accuracy == 0.5
    assert "z" in table and table["z"][3] == 0
    assert macro_f1 == pytest.approx(2 / 3)  # only label a: p=1, r=1/2


def test_read_polarity_tsv(tmp_path: Path) -> None:
    rows = read_polarity_tsv(
        write(tmp_path / "p.tsv", "label\ttext\npos\t好评\ttab inside\n\nneg\t差评\n")
    )
    assert rows == [("好评\ttab inside", "pos"), ("差评", "neg")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("text\tlabel\npos\t好\n", r"p\.tsv:1: header"),
        ("label\ttext\npos\t好\nmaybe\t一般\n", r"p\.tsv:3: unknown label 'maybe'"),
        ("label\ttext\npos 好\n", r"p\.tsv:2: expected"),
        ("label\ttext\n", "no examples"),
    ],
)
def test_polarity_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        read_polarity_tsv(write(tmp_path / "p.tsv", content))


def test_read_intent_csv_with_quotes_and_embedded_newlines(tmp_path: Path) -> None:
    content = (
        'text,category\n"Hello, my card\nhas not arrived",card_arrival\n"He said ""hi""",greeting\n'
    )
    rows = read_intent_csv(write(tmp_path / "i.csv", content))
    assert rows == [
        ("Hello, my card\nhas not arrived", "card_arrival"),
        ('He said "hi"', "greeting"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("label,text\nhi,greeting\n", r"i\.csv:1: header must be 'text,category'"),
        ('text,category\nhi,greeting\n"a, b",x,extra\n', r"i\.csv:3: expected 2 columns"),
        ('text,category\n"multi\nline",x\nonly one column\n', r"i\.csv:4: expected 2 columns"),
        ("text,category\n", "no examples"),
    ],
)
def test_intent_csv_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        read_intent_csv(write(tmp_path / "i.csv", content))


def test_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        read_intent_csv(tmp_path / "absent.csv")
    assert issubclass(DataFileError, ValueError)


def test_stratified_split_is_deterministic_and_stratified() -> None:
    rows = [(f"text {i}", "a" if i % 4 else "b") for i in range(100)]  # 75 a, 25 b
    train, test = stratified_split(rows, test_fraction=0.2, seed=1)
    assert Counter(label for _, label in test) == {"a": 15, "b": 5}
    assert not {t for t, _ in train} & {t for t, _ in test}
    assert stratified_split(rows, test_fraction=0.2, seed=1) == (train, test)
    few, same_test = stratified_split(rows, test_fraction=0.2, seed=1, per_class=3)
    assert same_test == test
    assert Counter(label for _, label in few) == {"a": 3, "b": 3}


def test_cli_eval_polarity_prints_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write(tmp_path / "train.tsv", polarity_rows(20))
    test = write(tmp_path / "test.tsv", polarity_rows(4))
    assert main(["eval", "polarity", "--train", str(train), "--test", str(test)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    match = LAST_LINE.match(out[-1])
    assert match is not None and match.group(3) == "8"
    assert float(match.group(1)) >= 0.75
    assert any(line.startswith("neg ") for line in out)


def test_cli_split_then_eval_intent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["text,category"]
    for i in range(30):
        lines.append(f'"where is my parcel {i}, it is late",delivery')
        lines.append(f'"I want my money back for order {i}",refund')
    source = write(tmp_path / "all.csv", "\n".join(lines) + "\n")
    tr, te = tmp_path / "tr.csv", tmp_path / "te.csv"
    argv = ["split", str(source), "--test-fraction", "0.2", "--seed", "0", "--per-class", "10"]
    assert main([*argv, "--out-train", str(tr), "--out-test", str(te)]) == 0
    assert len(read_intent_csv(tr)) == 20 and len(read_intent_csv(te)) == 12
    capsys.readouterr()
    assert main(["eval", "intent", "--train", str(tr), "--test", str(te)]) == 0
    match = LAST_LINE.match(capsys.readouterr().out.strip().splitlines()[-1])
    assert match is not None and match.group(1) == "1.0000"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no such file"),
        ({"train.csv": "label,text\na,b\n"}, "train.csv:1: header"),
        ({"train.csv": ""}, "empty file"),
    ],
)
def test_cli_bad_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], message: str
) -> None:
    for name, content in files.items():
        write(tmp_path / name, content)
    test = write(tmp_path / "test.csv", "text,category\nhi,greeting\n")
    code = main(["eval", "intent", "--train", str(tmp_path / "train.csv"), "--test", str(test)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err and "Traceback" not in err


def test_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "sentiment", "--train", "a", "--test", "b"]) == 2
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_cli_single_category_training_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train = write(tmp_path / "train.tsv", "label\ttext\npos\t好\npos\t很好\n")
    assert main(["eval", "polarity", "--train", str(train), "--test", str(train)]) == 2
    assert "two categories" in capsys.readouterr().err
