"""The fee commands as an operator runs them: payments import and the arrears export."""

from __future__ import annotations

import csv

import pytest

from webhooks.cli import build_parser, main


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("GUANJIA_DATABASE_URL", db_url)
    monkeypatch.delenv("GUANJIA_ESTATE", raising=False)
    return db_url


def test_payments_import_reports_bad_rows_and_is_idempotent(use_db, examples, tmp_path, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    assert main(["bills", "import", str(examples / "bills.csv")]) == 0
    payments = tmp_path / "payments.csv"
    payments.write_bytes(
        (
            "unit,item,period,paid_at,amount\n"
            "2-2-1702,物业费,2026-11,2026-11-20,360.08\n"
            "8-8-808,property,2026-11,2026-11-20,\n"
            "2-2-1301,property,2026-11,yesterday,\n"
            "2-2-1301,property,2026-11,2026-11-21,999.00\n"
            "1-1-1502,water,2026-11,2026-11-21,\n"
            "2-2-1702,property,2026年11月,2026-11-20,\n"
        ).encode("gbk")
    )
    assert main(["payments", "import", str(payments), "--all-or-nothing"]) == 2
    out = capsys.readouterr().out
    assert "nothing was imported" in out and "GBK" in out
    assert "line 3, column unit: no unit 8-8-808" in out
    assert "line 4, column paid_at" in out and "line 5, column amount" in out
    assert "line 6: no water bill for 1-1-1502 in 2026-11" in out
    assert "line 7: duplicate of line 2" in out
    assert main(["payments", "import", str(payments)]) == 2
    assert "1 updated" in capsys.readouterr().out
    assert main(["payments", "import", str(payments)]) == 2
    assert "0 updated, 1 unchanged" in capsys.readouterr().out


def test_arrears_export_writes_the_report_without_names(use_db, examples, tmp_path, capsys):
    assert main(["estate", "load", str(examples / "demo-estate.yaml")]) == 0
    assert main(["bills", "import", str(examples / "bills.csv")]) == 0
    out = tmp_path / "arrears.csv"
    assert main(["arrears", "export", str(out), "--at", "2026-11-30"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0].keys() == {"section", "building", "scope", "bills", "amount", "paid", "rate"}
    everything = {(r["section"], r["building"], r["scope"]): r for r in rows}
    month = everything[("collection", "all", "2026-11")]
    assert month["bills"] == "32" and month["rate"].endswith("%")
    # unpaid in bills.csv on 2026-11-30: bills due 2026-11-15 (15 days) are in 0-30
    assert int(everything[("arrears", "all", "0-30")]["bills"]) > 0
    text = out.read_text(encoding="utf-8")
    assert "张" not in text and "1502" not in text
    assert "as of 2026-11-30" in capsys.readouterr().out


def test_fee_commands_have_help():
    parser = build_parser()
    for words in (["payments", "import"], ["arrears", "export"]):
        with pytest.raises(SystemExit) as done:
            parser.parse_args([*words, "--help"])
        assert done.value.code == 0
