"""Each boundary rule of intents.md ("where two fit, the first rule that matches wins")."""

from __future__ import annotations

from datetime import datetime

import pytest

from intents import Classifier, Intent, Urgency
from intents.model import PRIORITY
from intents.times import SHANGHAI

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def label(clf: Classifier, text: str) -> Intent:
    return clf.classify(text, NOW).intent


def test_priority_order_matches_the_table() -> None:
    assert [p.value for p in PRIORITY] == [
        "emergency",
        "complaint",
        "repair",
        "fee",
        "decoration",
        "release",
        "visitor",
        "service",
        "suggestion",
        "praise",
        "enquiry",
        "other",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "报修三天没人来",
        "报修三天了都没人来,你们到底管不管",
        "上周报的修到现在还没修",
        "水龙头修了两次还是漏",
        "维修师傅约好上午来,等了一上午也没来",
    ],
)
def test_late_or_failed_repair_is_a_complaint(clf: Classifier, text: str) -> None:
    assert label(clf, text) is Intent.COMPLAINT


@pytest.mark.parametrize(
    "text", ["隔壁装修太吵了", "楼上装修天天电钻,周末一大早就开始,吵得没法休息"]
)
def test_neighbour_renovation_noise_is_a_complaint(clf: Classifier, text: str) -> None:
    assert label(clf, text) is Intent.COMPLAINT


def test_renovation_procedure_is_decoration(clf: Classifier) -> None:
    assert label(clf, "我想装修房子,需要办什么手续") is Intent.DECORATION


@pytest.mark.parametrize("text", ["物业费是多少钱一平", "物业费多少钱一平米", "停车费怎么交"])
def test_fee_questions_are_fee(clf: Classifier, text: str) -> None:
    assert label(clf, text) is Intent.FEE


def test_burst_pipe_in_own_flat_is_an_urgent_repair(clf: Classifier) -> None:
    result = clf.classify("我家厨房水管爆了,水喷得到处都是", NOW)
    assert result.intent is Intent.REPAIR
    assert result.urgency is Urgency.URGENT


def test_flood_into_lift_shaft_is_an_emergency(clf: Classifier) -> None:
    result = clf.classify("水管爆了,水已经流进电梯井了", NOW)
    assert result.intent is Intent.EMERGENCY
    assert result.urgency is Urgency.EMERGENCY


def test_fixing_is_repair_but_new_installation_is_service(clf: Classifier) -> None:
    assert label(clf, "卫生间的灯坏了,麻烦来修一下") is Intent.REPAIR
    assert label(clf, "想请师傅上门帮忙安装一个新的晾衣架,怎么收费") is Intent.SERVICE


@pytest.mark.parametrize("text", ["谢谢", "好的谢谢", "谢谢!", "thanks", "好的,谢谢你"])
def test_bare_thanks_is_other(clf: Classifier, text: str) -> None:
    assert label(clf, text) is Intent.OTHER


def test_thanks_for_a_person_is_praise(clf: Classifier) -> None:
    assert label(clf, "感谢王师傅,水管修得又快又好") is Intent.PRAISE


@pytest.mark.parametrize("text", ["你好", "在吗", "收到", "测试一下", "ok"])
def test_greetings_and_acknowledgements_are_other(clf: Classifier, text: str) -> None:
    assert label(clf, text) is Intent.OTHER


def test_each_label_has_a_typical_message(clf: Classifier) -> None:
    typical = {
        Intent.RELEASE: "明天搬家,要开放行条",
        Intent.VISITOR: "我有朋友下午开车来,麻烦登记一下访客",
        Intent.SUGGESTION: "建议小区多装几个充电桩",
        Intent.ENQUIRY: "物业办公室周末几点上班",
        Intent.DECORATION: "装修申请要带哪些材料",
        Intent.SERVICE: "能不能帮忙打扫一下房子,多少钱",
    }
    for intent, text in typical.items():
        assert label(clf, text) is intent, text


def test_non_repair_labels_carry_no_urgency(clf: Classifier) -> None:
    for text in ["物业费是多少钱一平", "建议小区多装几个充电桩", "你好"]:
        assert clf.classify(text, NOW).urgency is None


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("家里突然停电了", Urgency.URGENT),
        ("楼上往我家漏水,天花板在滴水", Urgency.URGENT),
        ("地漏往上反水,卫生间都淹了", Urgency.URGENT),
        ("电梯不动了,显示故障", Urgency.URGENT),
        ("插座冒火花,有烧焦味", Urgency.URGENT),
        ("入户门锁坏了,门关不上", Urgency.URGENT),
        ("客厅的灯不亮了,麻烦派个师傅来看看", Urgency.NORMAL),
        ("卧室门把手掉了", Urgency.NORMAL),
        ("插座松了,没有火花,就是接触不好", Urgency.NORMAL),
    ],
)
def test_repair_urgency(clf: Classifier, text: str, urgency: Urgency) -> None:
    result = clf.classify(text, NOW)
    assert result.intent is Intent.REPAIR, text
    assert result.urgency is urgency, text
