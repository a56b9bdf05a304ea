"""The boundary order of intents.md, applied on top of the model's probabilities.

"Where two fit, the first rule that matches wins." The model gives a probability per label; this
module turns that into one label in three steps:

1. a few high-precision patterns for the boundaries intents.md spells out ("报修三天没人来" is a
   complaint, a neighbour's renovation noise is a complaint, "物业费是多少钱一平" is a fee, a bare
   "谢谢" is other);
2. a near-tie between the top label and a higher-priority label goes to the higher one;
3. otherwise the model's top label.

Emergencies are decided before this (intents.emergency); here they only lose or keep their place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import neg

from intents.model import PRIORITY, Intent

#: A label within this factor of the top probability and earlier in PRIORITY wins the tie.
TIE_RATIO = 0.95

_THANKS_ONLY = re.compile(
    r"^(好的|好|嗯+|ok|okay|收到|知道了|明白了|行)?"
    r"(谢谢|谢了|多谢|感谢|thanks|thank you|thx|3q|谢谢啦|辛苦了)(你|您|你们|了|啦|哈|哦|呀|啊)*$"
)
_ACK_OR_GREETING = re.compile(
    r"^(好的?|好滴|嗯+|哦+|ok|okay|收到|收倒|知道了?|明白了?|了解|行|对|是的?|没有|没问题|可以|"
    r"noted|alright|cool|fine|sure|yes|no|你好|您好|在吗|在不在|有人吗|hi|hello|hey|早|早上好|"
    r"晚安|下午好|晚上好)(了|啦|哈|哦|呀|啊|的)*$"
)
# The resident withdraws a report: the problem went away or they fixed it themselves.
_WITHDRAWN = re.compile(
    r"不用(派人|来了|过来|麻烦)|自己(关|合|修|弄|处理)(好)?了|虚惊一场|已经不漏了|又亮了|电来了|水来了"
    r"|is working again|never mind|no need to come"
)
_WITHDRAWABLE = (Intent.REPAIR, Intent.SERVICE, Intent.ENQUIRY, Intent.VISITOR, Intent.RELEASE)
_STRIP = re.compile(r"[\s,.!?;:~。，！？；：～…、]+")

_REPAIR_FAILED = re.compile(
    r"(报修|报了修|报事|修了|维修|师傅|反映|上报)[^。！？!?]{0,14}"
    r"(没人来|没有人来|还没来|没来|没人管|没人理|没有人管|没人处理|没有处理|没处理|还没修|没修好|修不好|"
    r"还是坏|还没有修|还是没|也没人|一直没|没有人理|没人回|没回复|没有回复|不来|拖了|拖着|一拖再拖)"
    r"|(报修|报了修|反映|上报)[^。！？!?]{0,6}([0-9两三四五六七八九十几好多]+|半)(天|周|个星期|个月|礼拜)"
    r"|还是没修好|修了[0-9两三四五六七八九十几好多]+次|越修越|修完[^。！？!?]{0,6}又"
)
_NEIGHBOUR_RENOVATION = re.compile(r"装修|电钻|砸墙|敲墙|施工")
# "装修噪音作业几点能做" asks about the rules (decoration), it does not complain.
_RULES_QUESTION = re.compile(
    r"几点|什么时间|时间段|规定|允许|作业时间|哪些时间|哪天可以|quiet hours"
)
_NOISE = re.compile(r"吵|噪音|噪声|扰民|太响|敲敲打打|睡不着|影响休息|没法休息|休息不了|震")
_FEE_WORDS = re.compile(
    r"物业费|管理费|停车费|车位费|水电费|滞纳金|欠费|缴费|交费|发票|收据|押金|退款|"
    r"账单|一平|每平|平米多少|预存|催缴|费用|多少钱一个月|收费标准|fee|invoice|receipt|deposit"
)


# Money matters said in anger are complaints (complaint comes before fee in the order).
_FEE_DISSATISFACTION = re.compile(
    r"凭什么|太贵|这么贵|乱收费|越来越差|什么都不干|不干活|一塌糊涂|太差|不合理|黑心|坑人|白交"
    r"|服务[^,.!?。，！？]{0,3}(差|烂)|getting worse|rip-off|unfair|too expensive"
)


@dataclass(frozen=True)
class Decision:
    """The chosen label and, when a rule chose it, the rule's name."""

    intent: Intent
    rule: str | None


def pattern_rule(lowered: str) -> Decision | None:
    """High-precision boundary patterns; None when none applies."""
    bare = _STRIP.sub("", lowered)
    if _THANKS_ONLY.match(bare):
        return Decision(Intent.OTHER, "bare-thanks")
    if _ACK_OR_GREETING.match(bare):
        return Decision(Intent.OTHER, "acknowledgement")
    if _REPAIR_FAILED.search(lowered):
        return Decision(Intent.COMPLAINT, "repair-late-or-failed")
    if (
        _NEIGHBOUR_RENOVATION.search(lowered)
        and _NOISE.search(lowered)
        and not _RULES_QUESTION.search(lowered)
    ):
        return Decision(Intent.COMPLAINT, "renovation-noise")
    return None


@cache
def _ranks(labels: tuple[str, ...]) -> tuple[int, ...]:
    """Each label's place in the boundary order (a KeyError for a label not in intents.md)."""
    order = {intent.value: i for i, intent in enumerate(PRIORITY)}
    return tuple(order[label] for label in labels)


_EMERGENCY = PRIORITY.index(Intent.EMERGENCY)


def _ranked(labels: Sequence[str], probabilities: Sequence[float]) -> list[tuple[float, Intent]]:
    """Labels by falling probability, ties in boundary order; emergency left out."""
    keys = sorted(zip(map(neg, probabilities), _ranks(tuple(labels)), strict=True))
    return [(-neg_p, PRIORITY[index]) for neg_p, index in keys if index != _EMERGENCY]


def decide(lowered: str, labels: Sequence[str], probabilities: Sequence[float]) -> Decision:
    """One label from the model's probabilities and the boundary order (emergency excluded)."""
    rule = pattern_rule(lowered)
    if rule is not None:
        return rule
    ranked = _ranked(labels, probabilities)
    top_p, top = ranked[0]
    if top is Intent.FEE and _FEE_DISSATISFACTION.search(lowered):
        return Decision(Intent.COMPLAINT, "fee-dissatisfaction")
    if top in _WITHDRAWABLE and _WITHDRAWN.search(lowered):
        return Decision(Intent.OTHER, "withdrawn")
    if top in (Intent.ENQUIRY, Intent.OTHER) and _FEE_WORDS.search(lowered):
        return Decision(Intent.FEE, "fee-question")
    for p, label in ranked[1:3]:
        if PRIORITY.index(label) < PRIORITY.index(top) and p >= TIE_RATIO * top_p:
            return Decision(label, "priority-tie")
    return Decision(top, None)
