"""A small English-to-Chinese gloss so that English messages reach the Chinese-trained model.

The corpus is Chinese-first; expatriate residents write "the kitchen pipe is leaking". Rather than
a second model, key English words are glossed with the Chinese words residents would have used,
and the glosses are added to the features (the English words stay too). Matching is per word
after lower-casing, with a crude plural/-ing/-ed strip.
"""

from __future__ import annotations

import re

GLOSS: dict[str, str] = {
    # emergencies
    "fire": "着火",
    "smoke": "冒烟",
    "smoking": "冒烟",
    "burning": "烧焦",
    "gas": "煤气味",
    "trapped": "被困",
    "stuck": "被困",
    "injured": "受伤",
    "injury": "受伤",
    "bleeding": "流血",
    "fell": "摔倒",
    "fall": "摔倒",
    "unconscious": "晕倒",
    "faint": "晕倒",
    "fainted": "晕倒",
    "thief": "小偷",
    "burglar": "小偷",
    "robbery": "抢劫",
    "stealing": "偷",
    "stolen": "被偷",
    "electrocuted": "触电",
    "shock": "触电",
    "flooding": "淹水",
    "flooded": "淹水",
    "flood": "淹水",
    "emergency": "紧急",
    "help": "救命",
    # repairs
    "broken": "坏了",
    "broke": "坏了",
    "break": "坏了",
    "repair": "维修",
    "fix": "修",
    "leak": "漏水",
    "leaking": "漏水",
    "leaks": "漏水",
    "pipe": "水管",
    "burst": "爆管",
    "blocked": "堵了",
    "clogged": "堵了",
    "toilet": "马桶",
    "drain": "地漏",
    "tap": "水龙头",
    "faucet": "水龙头",
    "light": "灯",
    "lamp": "灯",
    "door": "门",
    "lock": "门锁",
    "window": "窗户",
    "lift": "电梯",
    "elevator": "电梯",
    "power": "停电",
    "outage": "停电",
    "electricity": "电",
    "water": "水",
    "heating": "暖气",
    "aircon": "空调",
    "ac": "空调",
    "working": "工作",
    "sparks": "冒火花",
    "spark": "冒火花",
    # complaints
    "complain": "投诉",
    "complaint": "投诉",
    "noise": "噪音",
    "noisy": "吵",
    "loud": "吵",
    "dirty": "脏",
    "rubbish": "垃圾",
    "garbage": "垃圾",
    "trash": "垃圾",
    "rude": "态度差",
    "terrible": "太差",
    "nobody": "没人",
    "still": "还是",
    "again": "又",
    "parking": "停车",
    "neighbour": "邻居",
    "neighbor": "邻居",
    # fees
    "fee": "物业费",
    "fees": "物业费",
    "pay": "缴费",
    "payment": "缴费",
    "bill": "账单",
    "invoice": "发票",
    "receipt": "收据",
    "deposit": "押金",
    "refund": "退款",
    "owe": "欠费",
    "arrears": "欠费",
    "charge": "收费",
    "cost": "多少钱",
    # decoration, release, visitors, services
    "renovation": "装修",
    "renovate": "装修",
    "decoration": "装修",
    "permit": "许可证",
    "workers": "工人",
    "moving": "搬家",
    "move": "搬家",
    "furniture": "家具",
    "pass": "放行条",
    "visitor": "访客",
    "guest": "访客",
    "guests": "访客",
    "friend": "朋友",
    "courier": "快递",
    "delivery": "外卖",
    "parcel": "快递",
    "package": "快递",
    "nanny": "保姆",
    "cleaner": "保洁",
    "cleaning": "保洁",
    "clean": "打扫",
    "install": "安装",
    "key": "钥匙",
    "keys": "钥匙",
    "book": "预约",
    "booking": "预约",
    # suggestion, praise, enquiry, other
    "suggest": "建议",
    "suggestion": "建议",
    "propose": "建议",
    "should": "应该",
    "thank": "感谢",
    "thanks": "谢谢",
    "great": "很好",
    "excellent": "很好",
    "praise": "表扬",
    "how": "怎么",
    "when": "什么时候",
    "where": "在哪里",
    "what": "什么",
    "hours": "时间",
    "open": "开门",
    "hello": "你好",
    "hi": "你好",
    "test": "测试",
    "ok": "好的",
}

_WORD = re.compile(r"[a-z]+")


def _lookup(word: str) -> str | None:
    if word in GLOSS:
        return GLOSS[word]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and word[: -len(suffix)] in GLOSS:
            return GLOSS[word[: -len(suffix)]]
    return None


def gloss(lowered: str) -> str:
    """Chinese glosses of the English words in `lowered` (space-joined; empty when none)."""
    found = [g for g in (_lookup(w) for w in _WORD.findall(lowered)) if g is not None]
    return " ".join(found)
