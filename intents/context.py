"""Is a keyword meant here and now? Negation, drills, past events and hypotheticals.

Safety rules fire on keywords ("煤气味", "着火"), but residents also write "没有煤气味了",
"明天消防演习", "上次着火的事还没给说法" and "万一着火怎么办". This module decides, for one keyword
occurrence in a message, whether it reports something live. It is shared by the emergency rules
and the repair-urgency rules.
"""

from __future__ import annotations

import re

# Spaces separate clauses in Chinese chat ("厨房起火 人已经出来了"), not in English.
CLAUSE_BREAK = re.compile(
    r"[,.!?;:。，！？；：、\n~…]|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])"
)

# Negation right before the keyword, possibly with a short verb between (没闻到煤气味).
_NEGATED_BEFORE = re.compile(
    r"(没有|没|无|不是|并非|不再|未|不会|不用|禁止|严禁|不准|不许|不能|不得)[^,.!?;。，！？；]{0,3}$"
    r"|\b(no|not|never|without|nobody)\b[\w\s']{0,12}$"
)
# "有没有煤气味?" / "是不是着火了?" ask about it: treated as live, an emergency is never missed.
_QUESTION_BEFORE = re.compile(r"(有没有|是不是|有无)[^,.!?;。，！？；]{0,3}$")
# The keyword's event is over or was a false alarm.
# The keyword's event is over or was a false alarm: right after it, or anywhere for the strong
# markers; kind-specific markers ("人已经出来了" for a lift) come from the caller.
_RESOLVED_AFTER = re.compile(
    r"^[^,.!?;。，！？；]{0,4}(没了|消失|散了|已经没|已经好|已经处理|处理好了|解决了|"
    r"没事了|修好了)"
    r"|虚惊|误报|虚报|没事了|已经没事"
    r"|is gone|has gone|went away|false alarm|is out now|all fine now"
)
DRILL = re.compile(
    r"演习|演练|消防培训|安全培训|培训|模拟|宣传|讲座|知识|测试一下|检查消防|\bdrill|training"
)
_PAST = re.compile(
    r"上次|上回|那次|那一次|之前|以前|去年|前年|上个月|上周|上星期|前几天|前段时间|曾经|昨天|昨晚|前天"
)
_ONGOING = re.compile(r"一直|还在|还有|到现在|现在|仍然|依然|越来越|又|还是")
_EVENT_AFTER = re.compile(
    r"^[^,.!?;。，！？；]{0,3}(的事|那件事|那事|事件|那次|的时候|的情况下|的那个|那个人)"
)
_HYPOTHETICAL_ANYWHERE = re.compile(r"以防万一|防患于未然|just in case|what should (i|we) do if")
_HYPOTHETICAL = re.compile(
    r"如果|万一|要是|假如|假设|一旦|若是|容易|可能会|会不会|防止|以免|避免|差点|差一点|"
    r"预防|应急预案|隐患|怎么预防|怎样预防"
)


def clause_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The parts of the keyword's clause before and after the keyword."""
    left = text[:start]
    right = text[end:]
    cut_left = max((m.end() for m in CLAUSE_BREAK.finditer(left)), default=0)
    match_right = CLAUSE_BREAK.search(right)
    return left[cut_left:], right[: match_right.start()] if match_right else right


def liveness(
    text: str, start: int, end: int, resolved: re.Pattern[str] | None = None
) -> str | None:
    """None when the keyword at text[start:end] reports something live; else why it does not.

    `resolved` is an extra, kind-specific pattern that, found after the keyword, means the event
    is over (for a trapped person: "人已经出来了").
    """
    before, after = clause_around(text, start, end)
    if _QUESTION_BEFORE.search(before):
        return None
    if _NEGATED_BEFORE.search(before):
        return "negated"
    if _RESOLVED_AFTER.search(text[end:]) or (resolved and resolved.search(text[end:])):
        return "resolved"
    if DRILL.search(text):
        return "drill"
    if (
        _HYPOTHETICAL.search(before)
        or _HYPOTHETICAL.search(text[: max(0, start)][-12:])
        or _HYPOTHETICAL_ANYWHERE.search(text)
    ):
        return "hypothetical"
    if _EVENT_AFTER.search(after):
        return "past"
    if _PAST.search(before) and not _ONGOING.search(before + after):
        return "past"
    return None
