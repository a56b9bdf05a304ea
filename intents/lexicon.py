"""Domain cue words per intent, mined from the property-management manuals (shared/seeds/).

Each group of synonyms becomes one feature ("k:repair"), so a rare way of saying a thing shares
weight with the common ones: a resident who writes "失灵" gets the same push towards repair as one
who writes "坏了", even if the corpus never saw "失灵". The model learns how much each cue counts.
"""

from __future__ import annotations

import re

CUES: dict[str, str] = {
    "emergency": (
        r"着火|起火|冒烟|浓烟|煤气味|燃气味|漏气|困在|被困|流血|晕倒|摔倒|小偷|触电|淹|救命|快来人"
    ),
    "complaint": (
        r"投诉|太差|不管|没人管|没人理|态度|扰民|吵|噪音|脏|臭|乱停|乱放|占用|占着|不作为|到底|凭什么"
        r"|还没|一直没|多次|屡次|举报|差评|不满|失望|离谱|受不了|太慢|不负责|敷衍|什么服务|管管"
    ),
    "repair": (
        r"坏了|坏掉|不亮|不通|堵了|堵住|漏水|渗水|裂了|掉了|松了|不出水|失灵|故障|维修|报修|修一下|修理"
        r"|打不开|关不上|不转|没反应|不能用|用不了|异响|脱落|生锈|跳闸|不制热|不制冷|渗漏|闪烁"
    ),
    "fee": (
        r"物业费|管理费|缴费|交费|费用|多少钱|账单|发票|收据|欠费|押金|退款|滞纳金|预存|充值|扣费|收费"
        r"|单价|一平|每平|转账|支付|水费|电费|燃气费|停车费|车位费|开票|抄表|余额"
    ),
    "decoration": (
        r"装修|改造|翻新|施工|拆墙|打孔|封阳台|防水|闭水|验收|动火|吊顶|铺地|刷墙|水电改|隔断|搭建"
        r"|墙纸|瓷砖|装修许可|施工证|装修押金|承重墙|改水电|打墙|砸墙|开槽"
    ),
    "release": r"放行条|出门条|出门单|放行单|搬家|搬出|搬入|搬走|拉走|运出|搬东西|家具|退租|搬进",
    "visitor": (
        r"访客|来访|朋友|亲戚|客人|快递员|外卖员|骑手|保姆|钟点工|家政阿姨|车牌|临时车|进不来|进不去"
        r"|门卫|门岗|二维码|登记|放进来|让他进|让她进|临时通行|开下门|开个门|放一下|司机|网约车|uber"
        r"|门卡权限|人脸|留宿|来看房"
    ),
    "service": (
        r"保洁|打扫|清洗|开荒|送水|代收|代买|代办|托管|寄存|预约|安装|帮忙|有偿|上门服务|家政服务"
        r"|跑腿|陪同|订水|除螨|消毒|收费服务|特约服务|搬运|修剪"
    ),
    "suggestion": (
        r"建议|希望|可以考虑|提个意见|提议|要是能|如果能|最好能|增设|加装|多装|多种|多设|多放"
        r"|能不能(增加|加|设|装|开通|安排)|就好了|更好|改进|完善"
    ),
    "praise": (
        r"感谢|表扬|点赞|辛苦了|好评|满意|给力|专业|耐心|及时|负责|热情|暖心|锦旗|优秀|太好了|很好|真好"
        r"|棒|赞|做得好|没得说|强多了|感动|厉害|有心|好看|干净整洁|表扬信"
        r"|lovely|spotless|great job|well done|thanks to|kudos|appreciate"
    ),
    "enquiry": (
        r"请问|怎么|如何|哪里|几点|什么时候|是否|有没有|能否|多久|在哪|咨询|办理|开通|附近|电话是多少"
        r"|能不能|可以吗|吗$|\?$"
    ),
    "other": r"^(你好|在吗|谢谢|收到|好的|嗯|哈哈|测试|ok|早上好|晚安|知道了)",
}

_COMPILED = tuple((f"k:{label}", re.compile(pattern)) for label, pattern in CUES.items())


def cue_features(text: str) -> list[str]:
    """One feature per intent whose cue words occur in `text` (normalised, lower-cased)."""
    return [name for name, pattern in _COMPILED if pattern.search(text)]
