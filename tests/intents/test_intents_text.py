"""Normalisation, language detection and strange input: nothing crashes, scripts fold together."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from intents import Classifier, Intent, Language, detect_language
from intents.normalize import cn_to_int, normalise
from intents.times import SHANGHAI

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def test_full_width_folds_to_half_width() -> None:
    assert normalise("ＡＢＣ１２３！").text == "ABC123!"


def test_traditional_folds_to_simplified_and_original_is_kept() -> None:
    norm = normalise("電梯壞了，請儘快派人維修")
    assert norm.text == "电梯坏了,请尽快派人维修"
    assert norm.original == "電梯壞了，請儘快派人維修"
    assert norm.traditional


def test_emoji_and_repeated_punctuation_fold() -> None:
    norm = normalise("电梯坏了!!!!!???😡😡")
    assert norm.text == "电梯坏了! 生气 生气"
    assert norm.exclamations == 5


def test_english_is_lower_cased() -> None:
    assert normalise("The LIFT is Broken").lowered == "the lift is broken"


def test_zero_width_characters_vanish() -> None:
    assert normalise("电\u200b梯\u200d坏\ufeff了").text == "电梯坏了"


def test_chinese_numerals_of_addresses_are_read() -> None:
    assert normalise("三号楼二单元一五零二室").text == "3号楼2单元1502室"
    assert normalise("万一楼道着火").text == "万一楼道着火"  # not an address
    assert cn_to_int("二十三") == 23
    assert cn_to_int("一百零二") == 102
    assert cn_to_int("十") == 10


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("电梯坏了", Language.SIMPLIFIED),
        ("電梯壞了", Language.TRADITIONAL),
        ("The lift is broken", Language.ENGLISH),
        ("lift 坏了", Language.SIMPLIFIED),
        ("👍", Language.SIMPLIFIED),
        ("", Language.SIMPLIFIED),
    ],
)
def test_detect_language(text: str, language: Language) -> None:
    assert detect_language(text) is language


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("电梯坏了,请尽快派人维修", "電梯壞了，請儘快派人維修"),
        ("物业费可以用微信支付吗", "物業費可以用微信支付嗎"),
        ("明天搬家,要开放行条", "明天搬家，要開放行條"),
        ("感谢管家的帮忙,服务很好", "感謝管家的幫忙，服務很好"),
    ],
)
def test_traditional_classified_like_simplified(
    clf: Classifier, simplified: str, traditional: str
) -> None:
    a = clf.classify(simplified, NOW)
    b = clf.classify(traditional, NOW)
    assert (a.intent, a.urgency) == (b.intent, b.urgency)
    assert a.language is Language.SIMPLIFIED
    assert b.language is Language.TRADITIONAL
    assert b.text == traditional


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("My kitchen pipe burst and water is everywhere", Intent.REPAIR),
        ("There is a fire in the corridor of building 3!", Intent.EMERGENCY),
        ("How much is the management fee per month?", Intent.FEE),
        ("hello", Intent.OTHER),
    ],
)
def test_english_input(clf: Classifier, text: str, intent: Intent) -> None:
    result = clf.classify(text, NOW)
    assert result.intent is intent
    assert result.language is Language.ENGLISH


@pytest.mark.parametrize("text", ["", "   ", "\t", "👍👍", "😀", "!!!", "……", "\u200b\u200b"])
def test_no_text_is_other(clf: Classifier, text: str) -> None:
    result = clf.classify(text, NOW)
    assert result.intent is Intent.OTHER
    assert result.urgency is None
    assert result.text == text


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02电梯\x07坏了\x1b[31m",
        "水管\u202e爆了",
        "楼上漏水 leaking from ceiling 마루 水が漏れる",
        "\ud800 lone surrogate 漏水",
        "𠀀𠀁 rare CJK extension characters",
        "\U0001f525" * 50,
        "a" * 5000,
        "电梯" * 3000,
    ],
)
def test_strange_text_does_not_crash(clf: Classifier, text: str) -> None:
    result = clf.classify(text, NOW)
    assert isinstance(result.intent, Intent)
    assert 0.0 <= result.confidence <= 1.0
    result.to_json()


def test_control_characters_do_not_change_the_label(clf: Classifier) -> None:
    plain = clf.classify("卫生间水管爆了", NOW)
    noisy = clf.classify("卫生\u200b间\x07水管爆了\u200d", NOW)
    assert (plain.intent, plain.urgency) == (noisy.intent, noisy.urgency)


def test_huge_line_is_fast(clf: Classifier) -> None:
    text = ("楼上漏水到我家天花板,麻烦尽快来修。" * 6000)[:100_000]
    assert len(text) == 100_000
    started = time.perf_counter()
    result = clf.classify(text, NOW)
    assert time.perf_counter() - started < 1.0
    assert result.intent is Intent.REPAIR
    assert result.text == text


def test_explanation_is_available(clf: Classifier) -> None:
    result = clf.classify("物业费是多少钱一平", NOW)
    assert result.top_features
    assert all(weight > 0 for _, weight in result.top_features)


def test_classification_is_deterministic(clf: Classifier) -> None:
    texts = ["厨房水管爆了", "报修三天没人来", "物业费多少钱一平"]
    first = [clf.classify(t, NOW) for t in texts]
    second = [clf.classify(t, NOW) for t in texts]
    assert first == second
