"""Emergencies are never missed; negated, drill, past and hypothetical mentions are not ones."""

from __future__ import annotations

from datetime import datetime

import pytest

from intents import Classifier, EmergencyKind, Intent, Urgency
from intents.emergency import find_emergency
from intents.normalize import normalise
from intents.times import SHANGHAI

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("有煤气味", EmergencyKind.GAS),
        ("家里闻到很重的煤气味,不敢开灯", EmergencyKind.GAS),
        ("楼道里全是烟,好像着火了", EmergencyKind.FIRE),
        ("厨房起火 人已经出来了 4栋2单元801", EmergencyKind.FIRE),
        ("电梯困人了!里面有老人", EmergencyKind.LIFT_TRAPPED),
        ("我被关在电梯里了 出不去", EmergencyKind.LIFT_TRAPPED),
        ("楼下有个老人摔倒了,头在流血", EmergencyKind.INJURY),
        ("有人在撬隔壁的门,小偷还在楼道里", EmergencyKind.CRIME),
        ("小孩摸插座触电了", EmergencyKind.ELECTRIC),
        ("地下车库进水了,水还在往里灌", EmergencyKind.FLOOD),
        ("水管爆了,水漫到电梯井里了", EmergencyKind.FLOOD),
        ("I smell gas in the corridor", EmergencyKind.GAS),
        ("someone is trapped in the lift", EmergencyKind.LIFT_TRAPPED),
    ],
)
def test_live_emergencies(clf: Classifier, text: str, kind: EmergencyKind) -> None:
    result = clf.classify(text, NOW)
    assert result.intent is Intent.EMERGENCY
    assert result.urgency is Urgency.EMERGENCY
    assert result.emergency_kind is kind
    assert result.top_features and result.top_features[0][0].startswith("rule:emergency")


@pytest.mark.parametrize(
    "text",
    [
        "没有煤气味了",
        "刚才的煤气味已经散了 没事了 谢谢",
        "消防演习是哪天,需要我们做什么",
        "明天的消防演练几点开始",
        "上次着火的事还没给个说法",
        "万一着火了应该打什么电话",
        "如果电梯困人应该打哪个电话",
        "电梯卡住不动了 里面没人 就是用不了",
        "there is no fire, the alarm is just beeping",
        "燃气灶打不着火",
        "燃气费怎么交",
        "一直被噪音困扰",
    ],
)
def test_not_emergencies(clf: Classifier, text: str) -> None:
    assert clf.classify(text, NOW).intent is not Intent.EMERGENCY, text


def test_negation_reason_is_recorded() -> None:
    assert find_emergency(normalise("没有煤气味了").lowered).suppressed == "negated"
    assert find_emergency(normalise("消防演习是几号").lowered).suppressed == "drill"
    assert find_emergency(normalise("上次着火的事").lowered).suppressed == "past"
    assert find_emergency(normalise("万一着火怎么办").lowered).suppressed == "hypothetical"


def test_question_whether_gas_is_present_stays_live() -> None:
    """'有没有煤气味' asks, it does not deny: safety first."""
    assert find_emergency(normalise("你闻闻有没有煤气味").lowered).kind is EmergencyKind.GAS


def test_negation_in_another_clause_does_not_cancel(clf: Classifier) -> None:
    result = clf.classify("打了半天电话没人接,现在煤气味越来越重", NOW)
    assert result.intent is Intent.EMERGENCY


def test_one_kind_negated_another_live(clf: Classifier) -> None:
    result = clf.classify("阳台着火了,没人受伤,快来", NOW)
    assert result.intent is Intent.EMERGENCY
    assert result.emergency_kind is EmergencyKind.FIRE


def test_traditional_emergency(clf: Classifier) -> None:
    result = clf.classify("樓道裡有煤氣味,很濃,請馬上派人來", NOW)
    assert result.intent is Intent.EMERGENCY
    assert result.emergency_kind is EmergencyKind.GAS
