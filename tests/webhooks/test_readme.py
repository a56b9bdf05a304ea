"""The README stays true: every setting is documented, the two set-up commands are there."""

from __future__ import annotations

from pathlib import Path

from webhooks.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    for name, field in Settings.model_fields.items():
        variable = f"`GUANJIA_{name.upper()}`"
        assert variable in README, f"{variable} missing from the README"
        default = field.default
        shown = "(none)" if default is None else f"`{default}`"
        row = next(line for line in README.splitlines() if line.startswith(f"| {variable}"))
        assert shown in row, f"README default for {variable} should be {shown}: {row}"


def test_quickstart_has_exactly_the_two_commands():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [
        line for line in quickstart.splitlines() if line.startswith("python3 -m venv .venv")
    ]
    assert len(commands) == 2
    assert commands[0].endswith("guanjia serve --demo")
    assert commands[1].endswith("python -m pytest")
