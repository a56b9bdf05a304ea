"""Repair urgency and complaint hints: the facts the repair and complaint workflows grade on.

Repair urgency follows intents.md: water or power out, leaking or flooding now, a drain
overflowing, a lift stopped, sparks or a burning smell, a door that cannot be secured → urgent.
These rules are OR-ed with a small learned model (intents/fit.py) so phrasings the rules miss can
still be urgent; each rule hit must be live (not negated, not past) per intents.context.
"""

from __future__ import annotations

import re

from intents.context import liveness
from intents.model import ComplaintHints
from intents.prefilter import Gate

_URGENT = re.compile(
    r"停水|没水|断水|没有水|水停了|不出水|停电|没电|断电|跳闸|没有电|不通电|全黑了"
    r"|漏水|渗水|爆管|爆了|爆裂|喷水|冒水|水漫|淹了|被淹|淹到|返水|反水|溢出|溢水|漫出|漏到楼下"
    r"|往下滴|往下流|止不住|关不住|哗哗"
    r"|电梯[^的里,.!?。，！？]{0,3}(停了|停运|不动|不运行|卡住|卡在|故障|不能用|用不了|不走|坏了|困)"
    r"|火花|打火|冒火|烧焦|焦味|糊味|烧糊|冒烟|短路"
    r"|(?<!柜)(?<!柜的)(门|大门|单元门|门锁)[^,.!?。，！？]{0,3}(关不上|锁不上|关不了|合不上)"
    r"|进不了家|进不了门|进不去家|被锁在门外|锁在外面|锁不了门|锁不上门|门锁不了|门锁不上"
    r"|往里灌|往里进水|灌进来|往屋里流|往家里流"
    r"|no water|no power|power cut|power is out|blackout|leak|flood|burst|sparks|won't lock"
    r"|can't lock|overflow|backing up|tripping"
)

_REPEAT = re.compile(
    r"又(?![^又,.!?。，！？]{1,3}又)|再次|再一次|第[二三四五六七八九十0-9]+次|还是没修好|还是坏|还是没|"
    r"反复|多次|好几次|几次了|屡次|一再|三番五次|总是|老是|每次|"
    r"(修|投诉|反映|报修|打电话|找|说)了?[0-9两三四五六七八九十几好多]+(次|回|遍)|again|repeatedly"
)
_LOSS_OR_INJURY = re.compile(
    r"损失|赔偿|赔钱|要赔|损坏|泡坏|淹坏|泡了|摔伤|受伤|砸坏|砸伤|划伤|划花|划坏|刮花|刮坏|丢了|丢失|"
    r"被偷|偷走|弄坏|咬伤|住院|医药费|骨折|流血|烫伤|毁了|报废|发霉|摔倒|"
    r"lost|damage|injur|stolen|compensat"
)
_ANGER = re.compile(
    r"太差|垃圾物业|物业垃圾|真垃圾|太垃圾|气死|生气|愤怒|忍无可忍|受不了|受够|什么态度|恶劣|离谱|无语|"
    r"滚|混蛋|骗子|欺负|不作为|过分|岂有此理|12345|曝光|媒体|律师|起诉|拒交|不交物业费|举报|"
    r"市长热线|凭什么|搞什么|什么玩意|到底|投诉到底|"
    r"ridiculous|terrible|unacceptable|angry|furious|useless|disgusting"
)


#: Exact pre-checks (intents.prefilter): a message with none of a pattern's trigger characters
#: cannot match it, and most messages hold none of them.
_URGENT_GATE = Gate(_URGENT)
_REPEAT_GATE = Gate(_REPEAT)
_LOSS_GATE = Gate(_LOSS_OR_INJURY)
_ANGER_GATE = Gate(_ANGER)


def urgent_by_rule(lowered: str) -> str | None:
    """The live urgent-repair keyword in a message, if any."""
    if not _URGENT_GATE.may_match(lowered):
        return None
    for match in _URGENT.finditer(lowered):
        if liveness(lowered, match.start(), match.end()) is None:
            return match.group(0)
    return None


def urgency_negated(lowered: str) -> bool:
    """An urgent keyword is present but negated ("没有火花", "没有漫出来"): a normal repair."""
    return _URGENT_GATE.may_match(lowered) and any(
        liveness(lowered, m.start(), m.end()) == "negated" for m in _URGENT.finditer(lowered)
    )


def complaint_hints(lowered: str, exclamations: int) -> ComplaintHints:
    """Repeat / loss-or-injury / anger signals for grading a complaint's level."""
    return ComplaintHints(
        repeat=_REPEAT_GATE.may_match(lowered) and _REPEAT.search(lowered) is not None,
        loss_or_injury=_LOSS_GATE.may_match(lowered)
        and _LOSS_OR_INJURY.search(lowered) is not None,
        anger=(_ANGER_GATE.may_match(lowered) and _ANGER.search(lowered) is not None)
        or exclamations >= 3,
    )
