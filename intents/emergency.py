"""Safety rules for emergencies: a live report is never missed, a drill or past event is not one.

The linear model learns emergencies from examples, but a missed gas leak is the one mistake the
product cannot make, so explicit keyword patterns per kind back it up. Each hit goes through
intents.context.liveness so "没有煤气味了", "消防演习" and "上次着火的事" do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.context import DRILL, liveness
from intents.model import EmergencyKind
from intents.prefilter import Gate

_COMMON_AREA = (
    r"(电梯井|电梯|楼道|走廊|大堂|车库|地库|地下室|配电房|配电室|配电间|电房|电表间|电井|水泵房|机房|"
    r"楼梯|整栋|整个楼|好几层|整层)"
)
_STOP = r"[^,.!?;。，！？；]"
_NOBODY_INSIDE = re.compile(
    r"(没|没有|木有|无|冇)人(在|被)?(困|在里|喺)|里面没(有)?人|nobody|no one|not trapped"
)


@dataclass(frozen=True)
class _Rule:
    kind: EmergencyKind
    pattern: re.Pattern[str]
    resolved: re.Pattern[str] | None = None  # after the keyword: the event is over
    cancel: re.Pattern[str] | None = None  # anywhere: the keyword does not mean this emergency
    veto: re.Pattern[str] | None = None  # anywhere: the model alone may not call an emergency
    requires: re.Pattern[str] | None = None  # anywhere: needed for the pattern to count


_RULES: tuple[_Rule, ...] = (
    _Rule(
        EmergencyKind.GAS,
        re.compile(
            r"(煤气|燃气|天然气|液化气|瓦斯)(?!费|公司|卡|表读数)的?"
            r"(味|泄漏|泄露|漏了|在漏|漏气|管漏|管道漏|管破)"
            r"|(煤气|燃气|天然气|液化气|瓦斯)(?!费)[^。!?]{0,12}(漏气|在漏|泄漏|泄露|喷|关不上|关不住|嘶嘶)"
            r"|漏(煤气|燃气|天然气)|闻到" + _STOP + r"{0,4}(煤气|燃气|天然气)"
            r"|(燃气|煤气|一氧化碳)报警器" + _STOP + r"{0,4}(响|叫|报警)|一氧化碳|臭鸡蛋味|gas味"
            r"|像(是)?(煤气|燃气|天然气)"
            r"|gas leak|smell(s|ing)? (of )?gas|leaking gas|smell gas|gas smell"
        ),
        resolved=re.compile(r"^" + _STOP + r"{0,6}(散了|没了|消失|没有了)"),
        veto=re.compile(r"开通|开户|set up|gas bill|gas account|燃气费|缴费|充值"),
    ),
    _Rule(
        EmergencyKind.FIRE,
        re.compile(
            r"(?<![不打])着火|起火|失火|火灾(?!报警|自动|隐患|探测|预防)|冒烟|浓烟|黑烟|烧起来|烧着了|着了火|着起来"
            r"|火苗|明火|火势|大火|全是烟|好多烟|满屋子烟|冒火(?!花|星)|点着了|引着了|引燃|自燃|火光|爆炸"
            r"|(?<!气)炸了|叫消防车|打119|拨119|打了119|报119|叫了消防"
            r"|火\s*火|(?<!油)烟(很|好|太|特别)大|(?<!油)烟(一直)?往(上|楼上|里)(冒|走|窜|灌)|有烟(?!味|头)"
            r"|on fire|caught fire|catch fire|flames|smell(s|ing)? (of )?smoke|smoke in the"
            r"|call 119"
            r"|\bfire\b(?! (drill|extinguisher|exit|door|escape|alarm|safety|hazard))"
            r"|smoke (is )?(coming|everywhere|pouring|filling)|full of smoke|filling with smoke"
        ),
        resolved=re.compile(r"(火|已经|都)" + _STOP + r"{0,3}(灭了|扑灭)"),
        veto=re.compile(
            r"抽烟|吸烟|烧烤|油烟|smoking|(报警器|烟感)" + _STOP + r"{0,4}没电"
            r"|打不着|点不着|不着火|打不燃|点不燃|won't ignite|won't light"
        ),
    ),
    _Rule(
        EmergencyKind.LIFT_TRAPPED,
        re.compile(
            r"(困|卡)(住)?(在|到)?了?(电梯|轿厢|货梯)|(关|锁)(住|在|到)了?在?(电梯|轿厢|货梯)"
            r"|电梯困人|困梯|困电梯|被困(?!扰)|电梯关人|电梯卡人|电梯夹"
            r"|电梯" + _STOP + r"{0,10}(困|关|卡)(住|着)?了?" + _STOP + r"{0,3}"
            r"(人|我|孩子|小孩|老人|宝宝|妈|爸|老婆|老公|婆婆|爷爷|奶奶)"
            r"|电梯" + _STOP + r"{0,10}(出不来|出不去)"
            r"|(trapped|stuck) in (the |a )?(lift|elevator)|stuck in lift"
        ),
        resolved=re.compile(r"(已经|都)(救出|出来|被救)|救出来了"),
        cancel=_NOBODY_INSIDE,
        veto=_NOBODY_INSIDE,
    ),
    _Rule(
        EmergencyKind.ELECTRIC,
        re.compile(
            r"触电|被电到|电到人|电到了人|被电了|被电倒|被电晕|电击|漏电伤人|带电(?!梯|瓶|动|车)"
            r"|电到(我|孩子|小孩|狗)|electrocut|electric shock|got a shock"
        ),
    ),
    _Rule(
        EmergencyKind.INJURY,
        re.compile(
            r"摔倒|摔伤|摔(下来|下去|了一跤)|动不了|受伤|流血|出血|晕倒|昏倒|昏迷|晕过去|不省人事|骨折|砸伤|砸到人|砸到了人|砸中"
            r"|倒地|坠楼|跳楼|割伤|烫伤|咬伤|被狗咬|心脏病|抽搐|没有呼吸|没呼吸|急救|叫救护车|叫120|打120"
            r"|中毒|救命|中风|溺水|喘不上气|喘不过气|叫不醒|躺在地上|倒在地上|起不来|掉进[^,.!?;。，！？；]{0,4}(水|井|池|河|湖)"
            r"|(压|砸|撞|夹|烫|咬|扎|刺)(到|住|伤|倒|中)了?(人|孩子|小孩|老人|我|他|她)"
            r"|人被(压|砸|撞|夹|烫|咬|埋)|被车撞|心梗|心脏骤停|休克|呼吸困难|大出血|头破血流|烧伤|晕了|没意识"
            r"|bleeding|unconscious|injured|fell down|fell off|collapsed|ambulance|not breathing"
            r"|heart attack|fainted|passed out|call 120"
        ),
    ),
    _Rule(
        EmergencyKind.CRIME,
        re.compile(
            r"小偷|有贼|进贼|抢劫|打劫|抢包|在偷(?!偷)|撬门|撬锁|在撬|撬车|砸车|打人|打架|打群架|群殴"
            r"|踹门|砸门|拧门把手|被人打|被打了|斗殴|持刀|拿刀|拿着刀|砍人|闯入|闯进|入室|绑架|快报警|帮忙报警|要报警"
            r"|翻(围)?墙进来|跟踪|尾随|偷拍|威胁|家暴|捅人|有枪|偷(东西|车|电瓶)|拐(走|卖)|抱走(小孩|孩子)"
            r"|拉(走)?(小孩|孩子)"
            r"|break-in|broke in|breaking in|burglar|thief|robbery|robbing|stealing|call the police"
            r"|call 110"
        ),
        resolved=re.compile(r"(已经|都)" + _STOP + r"{0,2}(跑了|走了|抓到|抓住)"),
    ),
    _Rule(
        EmergencyKind.FLOOD,
        re.compile(
            r"(水|积水|污水|雨水)"
            + _STOP
            + r"{0,10}(漫|灌|涌|冲|流|淹)(进|到|入|向|了)?了?"
            + _COMMON_AREA
            + r"|"
            + _COMMON_AREA
            + _STOP
            + r"{0,4}(被淹|淹了|全淹|进水了|进水|灌水|灌进|水漫|成河|淹水|都是水|全是水"
            r"|往下冲|往下流)"
            r"|(水淹|淹到|淹没|漫到|漫进|灌进|灌到|流进|流到)"
            + _STOP
            + r"{0,2}"
            + _COMMON_AREA
            + r"|(往|向)"
            + _COMMON_AREA
            + r"里?(灌|流|涌|冲|漫)|内涝|洪水"
            r"|(flooding|pouring|gushing|flowing) (into )?(the )?"
            r"(lift|elevator|shaft|basement|garage|lobby|corridor|stair|electrical)"
            r"|(basement|garage|lobby|corridor|car park) (is )?(flooding|flooded)"
        ),
    ),
    _Rule(
        EmergencyKind.LIFT_TRAPPED,
        re.compile(
            r"(我|我们|人|孩子|小孩|老人|有人)(还|都)?(在|困在|关在)(电梯|梯)?里面"
            r"|里面(有人|就我|有个|还有人|有小孩|有老人)|(we're|we are|i'm|i am|someone is) inside"
            r"|出不来|出不去|困人|困咗|困住"
        ),
        cancel=_NOBODY_INSIDE,
        requires=re.compile(r"电梯|梯|轿厢|升降机|𨋢|lift|elevator"),
    ),
    _Rule(
        EmergencyKind.LIFT_TRAPPED,
        re.compile(r"(我|我们|人|孩子|小孩|老人|有人)(还|都)?(在|困在|关在)(电梯|梯|轿厢)里"),
        requires=re.compile(r"不动|停了|停住|卡住|卡在|出不|打不开|门不开|困|掉|黑了|灯也灭"),
    ),
    _Rule(
        EmergencyKind.CRIME,
        re.compile(r"(人|他|他们|小偷|那人)(还)?(没走|没跑|在那|在里面|还在)"),
        requires=re.compile(r"砸|偷|撬|抢|贼|划车|闯"),
    ),
    _Rule(
        EmergencyKind.FLOOD,
        re.compile(
            r"水[^。!?]{0,8}往里(灌|流|涌|冲)|倒灌|水还在涨|到膝盖|越来越深|水越来越多"
            r"|(喷淋|消防水管|消防栓)[^,.!?;。，！？；]{0,4}(爆|喷水|破|断)"
        ),
        requires=re.compile(_COMMON_AREA + r"|basement|garage"),
    ),
)

#: Weak hints used only to name the kind when the model (not a rule) found the emergency.
_WEAK_KINDS: tuple[tuple[EmergencyKind, re.Pattern[str]], ...] = (
    (EmergencyKind.GAS, re.compile(r"煤气|燃气|天然气|gas")),
    (EmergencyKind.FIRE, re.compile(r"火|烟|烧|fire|smoke")),
    (EmergencyKind.LIFT_TRAPPED, re.compile(r"电梯|lift|elevator")),
    (EmergencyKind.ELECTRIC, re.compile(r"电")),
    (EmergencyKind.FLOOD, re.compile(r"水|淹|flood")),
    (EmergencyKind.CRIME, re.compile(r"偷|抢|贼|刀|警")),
)


@dataclass(frozen=True)
class EmergencyFinding:
    """Keyword evidence in a message: the live kind if any, and whether a mention was set aside."""

    kind: EmergencyKind | None
    keyword: str | None
    suppressed: str | None  # why a mention was not live (negated, drill, past, ...)


#: Per rule, an exact pre-check: a message with none of the rule's trigger characters cannot
#: match its pattern (intents.prefilter), which spares most messages most of the searches.
_GATES: tuple[Gate, ...] = tuple(Gate(rule.pattern) for rule in _RULES)
_DRILL_GATE = Gate(DRILL)
_VETO_GATE = Gate(*(rule.veto for rule in _RULES if rule.veto is not None))
_VETOES = tuple(rule.veto for rule in _RULES if rule.veto is not None)


def find_emergency(lowered: str) -> EmergencyFinding:
    """Scan a normalised, lower-cased message for emergency keywords and judge each one."""
    suppressed: str | None = None
    for rule, gate in zip(_RULES, _GATES, strict=True):
        if not gate.may_match(lowered):
            continue
        if rule.requires is not None and not rule.requires.search(lowered):
            continue
        for match in rule.pattern.finditer(lowered):
            if rule.cancel is not None and rule.cancel.search(lowered):
                reason: str | None = "cancelled"
            else:
                reason = liveness(lowered, match.start(), match.end(), rule.resolved)
            if reason is None:
                return EmergencyFinding(rule.kind, match.group(0), None)
            suppressed = suppressed or reason
    if suppressed is None and _DRILL_GATE.may_match(lowered) and DRILL.search(lowered):
        suppressed = "drill"
    if (
        suppressed is None
        and _VETO_GATE.may_match(lowered)
        and any(veto.search(lowered) for veto in _VETOES)
    ):
        suppressed = "vetoed"
    return EmergencyFinding(None, None, suppressed)


def guess_kind(lowered: str) -> EmergencyKind | None:
    """Best-effort kind for an emergency the model found without a rule keyword."""
    for kind, pattern in _WEAK_KINDS:
        if pattern.search(lowered):
            return kind
    return EmergencyKind.INJURY if re.search(r"人|血|伤", lowered) else None
