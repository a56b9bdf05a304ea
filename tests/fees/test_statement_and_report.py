"""What a resident reads (/fees, receipts, late fees) and the supervisors' report, by hand."""

from __future__ import annotations

from datetime import timedelta

from tests.bot.conftest import GRID_1_2, RESIDENT_TG, SUPERVISORS, texts_to
from tests.fees.conftest import NOV_24_10AM, import_csv
from workflows.fee_report import build_report, report_csv
from workflows.fees import Bill, FeeItem, PlacedBill

# 2026-11-24 is the report day; amounts in yuan. Hand-computed expectations below.
FIXTURE = (
    "1-1-1502,property,2026-11,250.00,2026-11-15,2026-11-10\n"  # b1 month, paid
    "1-1-302,property,2026-11,100.00,2026-11-15,\n"  # b1 month, 9 days overdue
    "2-1-1101,property,2026-11,300.00,2026-11-15,2026-11-20\n"  # b2 month, paid
    "2-1-202,property,2026-11,200.00,2026-11-15,\n"  # b2 month, 9 days overdue
    "1-1-302,property,2026-09,100.00,2026-09-15,\n"  # b1 year, 70 days overdue
    "2-1-202,property,2026-05,200.00,2026-05-15,\n"  # b2 year, 193 days overdue
    "1-1-1502,property,2026-07,150.00,2026-07-15,\n"  # b1 year, 132 days overdue
    "2-1-1101,property,2025-12,999.00,2025-12-15,2025-12-10\n"  # last year: not counted
)


async def test_fees_lists_open_items_late_fees_total_and_how_to_pay(uow, demo_estate, resident):
    await import_csv(
        uow,
        "1-1-1502,property,2026-10,250.60,2026-11-15,\n"
        "1-1-1502,parking,2026-12,300.00,2026-12-15,\n"
        "1-1-1502,parking,2026-10,300.00,2026-10-15,2026-10-18\n",
        now=NOV_24_10AM,
    )
    await resident.says("还欠多少物业费")
    text = (await texts_to(uow, RESIDENT_TG))[-1]
    # 9 days × 0.0003 × 25060 fen = 67.662 fen → 68 fen
    assert (
        "1栋1单元1502 物业费 2026-10：¥250.60（缴费截止2026-11-15，已逾期9天，滞纳金¥0.68）" in text
    )
    assert "1栋1单元1502 停车费 2026-12：¥300.00（2026-12-15前缴纳）" in text
    assert "合计：<b>¥551.28</b>（其中滞纳金¥0.68）" in text
    assert "https://pay.example.com/lanting" in text and "物业服务中心前台缴费" in text
    assert "近期已缴：" in text and "停车费 2026-10：¥300.00，2026-10-18 缴纳" in text


async def test_receipts_answer_with_the_last_paid_items(uow, demo_estate, resident):
    await resident.says("收据")
    assert "暂未查到" in (await texts_to(uow, RESIDENT_TG))[-1]
    await import_csv(uow, FIXTURE, now=NOV_24_10AM)
    await resident.says("我要收据")
    text = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "1栋1单元1502 物业费 2026-11：¥250.00，2026-11-10 缴纳" in text
    assert "1101" not in text and "302" not in text


def test_report_numbers_match_the_hand_computation():
    from tests.fees.conftest import SHANGHAI
    from workflows.bill_import import parse_bills

    lines, errors, _ = parse_bills(
        ("unit,item,period,amount,due_date,paid_at\n" + FIXTURE).encode()
    )
    assert not errors
    placed = []
    for n, line in enumerate(lines):
        paid = None
        if line.paid_on:
            from datetime import datetime, time

            paid = datetime.combine(line.paid_on, time(12), tzinfo=SHANGHAI)
        bill = Bill(n, line.item, line.period, line.amount_fen, line.due_date, paid, id=n)
        label = f"{line.building}-{line.entrance}-{line.room}"
        placed.append(PlacedBill(bill, line.building, label))
    report = build_report("兰亭苑", placed, today=NOV_24_10AM.date(), now=NOV_24_10AM)
    assert report.month_rates["1"].rate == "71.4%"  # 250 / 350
    assert report.month_rates["2"].rate == "60.0%"  # 300 / 500
    assert report.month_rates["all"].rate == "64.7%"  # 550 / 850
    assert report.year_rates["1"].rate == "41.7%"  # 250 / 600
    assert report.year_rates["2"].rate == "42.9%"  # 300 / 700
    assert report.year_rates["all"].rate == "42.3%"  # 550 / 1300
    aging = report.aging["all"]
    assert aging.counts == {"0-30": 2, "31-90": 1, "91-180": 1, ">180": 1}
    assert aging.amounts == {"0-30": 30000, "31-90": 10000, "91-180": 15000, ">180": 20000}
    rows = report_csv(report).splitlines()
    assert "collection,all,2026-11,4,850.00,550.00,64.7%" in rows
    assert "arrears,all,>180,1,200.00,," in rows and "arrears,1,91-180,1,150.00,," in rows
    assert FeeItem.PROPERTY  # the fixture is property fees only


async def test_arrears_in_the_supervisors_group(uow, demo_estate, supervisor, steward_in_grid):
    await import_csv(uow, FIXTURE, now=NOV_24_10AM - timedelta(days=60))
    await supervisor.command("arrears")
    text = (await texts_to(uow, SUPERVISORS))[-1]
    assert "• 1栋：71.4% ／ 41.7%" in text and "• 2栋：60.0% ／ 42.9%" in text
    assert "• 全小区：64.7% ／ 42.3%" in text
    assert "• 0-30天：2笔，¥300.00" in text and "• &gt;180天：1笔，¥200.00" in text
    assert "欠费合计：5笔，¥750.00" in text
    assert "1502" not in text and "张" not in text  # never a unit or a name
    await steward_in_grid.command("arrears")
    refused = (await texts_to(uow, GRID_1_2))[-1]
    assert "客服主管群" in refused and "%" not in refused
