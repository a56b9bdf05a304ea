"""The `guanjia classify` contract, through intents.cli.main and as `python -m intents.cli`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intents.cli import main

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["text", "intent", "confidence", "urgency", "entities"]


def run(argv: list[str], text: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(text), stdout=out)
    return code, out.getvalue()


def test_json_lines_in_input_order() -> None:
    lines = ["厨房水管爆了", "", "物业费是多少钱一平", "你好", "有煤气味"]
    code, out = run(["--now", "2026-11-24T10:00:00"], "\n".join(lines) + "\n")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["text"] for o in objects] == lines
    assert [list(o) for o in objects] == [KEYS] * len(lines)
    assert [o["intent"] for o in objects] == ["repair", "other", "fee", "other", "emergency"]
    assert objects[0]["urgency"] == "urgent"
    assert objects[1]["urgency"] is None
    assert objects[4]["urgency"] == "emergency"
    assert list(objects[0]["entities"]) == ["unit", "phone", "plate", "time"]
    assert "厨房" in out  # ensure_ascii=False


def test_now_resolves_relative_times() -> None:
    code, out = run(["--now", "2026-11-24T10:00:00+08:00"], "明天下午三点来修马桶\n")
    assert code == 0
    assert json.loads(out)["entities"]["time"] == "2026-11-25T15:00:00"
    code, out = run(["--now", "2026-11-24T02:00:00Z"], "明天下午三点来修马桶\n")
    assert json.loads(out)["entities"]["time"] == "2026-11-25T15:00:00"


def test_bad_now_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["--now", "tomorrow"], "你好\n")
    assert code == 2
    assert out == ""
    assert "--now" in capsys.readouterr().err


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["--frobnicate"])
    assert code == 2
    assert "frobnicate" in capsys.readouterr().err


def test_eval_small_tsv(tmp_path: Path) -> None:
    tsv = tmp_path / "small.tsv"
    tsv.write_text(
        "intent\turgency\ttext\n"
        "repair\turgent\t厨房水管爆了\n"
        "fee\t\t物业费是多少钱一平\n"
        "emergency\temergency\t有煤气味\n"
        "other\t\t你好\n",
        encoding="utf-8",
    )
    code, out = run(["--eval", str(tsv)])
    assert code == 0
    for needle in [
        "accuracy: 1.000",
        "macro-F1: 1.000",
        "urgency accuracy on repairs: 1.000",
        "emergency recall: 1.000",
        "confusion matrix",
        "precision",
    ]:
        assert needle in out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("text\tintent\n你好\tother\n", "header"),
        ("intent\turgency\ttext\nrepair\turgent\n", "columns"),
        ("intent\turgency\ttext\nbogus\t\t你好\n", "unknown intent"),
        ("intent\turgency\ttext\nrepair\t\t水管爆了\n", "urgency"),
        ("", "header"),
    ],
)
def test_eval_broken_tsv_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    tsv = tmp_path / "broken.tsv"
    tsv.write_text(content, encoding="utf-8")
    code, out = run(["--eval", str(tsv)])
    assert code == 2
    assert out == ""
    assert needle in capsys.readouterr().err


def test_eval_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["--eval", str(tmp_path / "nope.tsv")])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err


def test_eval_binary_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tsv = tmp_path / "binary.tsv"
    tsv.write_bytes(b"\xff\xfe\x00garbage\x81")
    code, _ = run(["--eval", str(tsv)])
    assert code == 2
    assert "--eval" in capsys.readouterr().err


def test_python_dash_m_works() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "intents.cli", "--now", "2026-11-24T10:00:00"],
        input="厨房水管爆了\n\n".encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode("utf-8").splitlines()
    assert [json.loads(line)["intent"] for line in lines] == ["repair", "other"]


def test_cli_imports_nothing_heavy() -> None:
    code = (
        "import sys, intents.cli, intents; intents.load_classifier(); "
        "bad = [m for m in ('sklearn', 'numpy', 'scipy', 'aiogram', 'telegram', 'fastapi',"
        " 'sqlalchemy', 'apscheduler') if m in sys.modules]; print(bad)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=True,
    )
    assert proc.stdout.decode().strip() == "[]"


INVALID = {
    "text": None,
    "intent": "other",
    "confidence": 0.0,
    "urgency": None,
    "entities": {"unit": None, "phone": None, "plate": None, "time": None},
}


def run_bytes(data: bytes) -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(["--now", "2026-11-24T10:00:00"], stdin=io.BytesIO(data), stdout=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_invalid_utf8_line_is_reported_not_repaired(capsys: pytest.CaptureFixture[str]) -> None:
    code, objects = run_bytes("好的\n".encode() + b"\xff\xfe\xe5\x9d\x8f\n" + "水管爆了\n".encode())
    assert code == 2
    assert len(objects) == 3  # one object per line, in order, and reading went on
    assert objects[0]["text"] == "好的"
    assert objects[1] == {"line": 2, "error": "invalid UTF-8", **INVALID}
    assert objects[2]["text"] == "水管爆了" and objects[2]["intent"] == "repair"
    err = capsys.readouterr().err
    assert err.startswith("guanjia classify: line 2 is not valid UTF-8 (")
    assert "0xff" in err and err.count("\n") == 1


def test_every_invalid_line_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, objects = run_bytes(b"\x80\nok\n\xe5\x9d\nlast \xc3")  # no final newline
    assert code == 2
    assert [o.get("line") for o in objects] == [1, None, 3, 4]
    assert objects[1]["text"] == "ok"
    err = capsys.readouterr().err.splitlines()
    assert [e.split(" is not")[0] for e in err] == [
        "guanjia classify: line 1",
        "guanjia classify: line 3",
        "guanjia classify: line 4",
    ]
    assert "unexpected end of data" in err[1]


def test_valid_bytes_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, objects = run_bytes("厨房水管爆了\n\n你好".encode())
    assert code == 0
    assert [o["text"] for o in objects] == ["厨房水管爆了", "", "你好"]
    assert [list(o) for o in objects] == [KEYS] * 3
    assert capsys.readouterr().err == ""


def test_crlf_file_bom_and_lone_cr() -> None:
    data = "\ufeff物业费是多少钱一平\r\n厨房水管爆了\r\n\r\n你好\r有煤气味\r\n".encode()
    code, objects = run_bytes(data)
    assert code == 0
    texts = ["物业费是多少钱一平", "厨房水管爆了", "", "你好", "有煤气味"]
    assert [o["text"] for o in objects] == texts  # BOM dropped, no stray \r
    assert [o["intent"] for o in objects] == ["fee", "repair", "other", "other", "emergency"]


def test_bom_only_on_the_first_line_is_dropped() -> None:
    code, objects = run_bytes("你好\n\ufeff你好\n".encode())
    assert code == 0
    assert [o["text"] for o in objects] == ["你好", "\ufeff你好"]


def test_ten_thousand_character_line(capsys: pytest.CaptureFixture[str]) -> None:
    long_line = "电梯坏了" + "啊" * 9_996
    bad_long = "电梯".encode() * 2_000 + b"\xff" + "坏了".encode() * 2_000
    code, objects = run_bytes(long_line.encode() + b"\n" + bad_long + b"\n")
    assert code == 2
    assert objects[0]["text"] == long_line and len(long_line) == 10_000
    _, as_text = run(["--now", "2026-11-24T10:00:00"], long_line + "\n")
    assert objects[0] == json.loads(as_text)  # same answer as the already decoded text
    assert objects[1] == {"line": 2, "error": "invalid UTF-8", **INVALID}
    err = capsys.readouterr().err
    assert "line 2" in err and "at byte 12001" in err and len(err) < 200


def test_real_stdin_with_invalid_bytes() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "intents.cli", "--now", "2026-11-24T10:00:00"],
        input="好的\n".encode() + b"\xff\xfe" + "坏\n".encode() + "厨房水管爆了\r\n".encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 3
    assert json.loads(lines[1]) == {"line": 2, "error": "invalid UTF-8", **INVALID}
    assert b"guanjia classify: line 2 is not valid UTF-8 (" in proc.stderr
    assert proc.stderr.count(b"\n") == 1


def test_eval_is_unaffected_by_stdin_decoding(tmp_path: Path) -> None:
    tsv = tmp_path / "small.tsv"
    tsv.write_text("intent\turgency\ttext\nrepair\turgent\t厨房水管爆了\n", encoding="utf-8")
    out = io.StringIO()
    code = main(["--eval", str(tsv)], stdin=io.BytesIO(b"\xff\n"), stdout=out)
    assert code == 0
    assert "accuracy: 1.000" in out.getvalue()
