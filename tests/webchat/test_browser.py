"""The page in real headless Chromium: pick a resident, report a leak, claim it as the steward.

Playwright drives the system's Chromium (``GUANJIA_CHROMIUM`` or ``chromium`` on the PATH); no
browser is ever downloaded, and every request that is not to this loopback server is aborted.
A screenshot of each step lands in ``artifacts/browser/``. Without Chromium or Playwright the
test is skipped with the reason, unless ``GUANJIA_REQUIRE_BROWSER=1`` (CI), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.webchat.harness import TICKET, WebService
from tests.webchat.test_resident_chat import resident_id

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_or_skip() -> str:
    required = os.environ.get("GUANJIA_REQUIRE_BROWSER") == "1"
    reason = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        reason = "Playwright for Python is not installed (pip install -e '.[test]')"
    executable = os.environ.get("GUANJIA_CHROMIUM") or shutil.which("chromium")
    if reason is None and not executable:
        reason = "no Chromium: install the chromium package or set GUANJIA_CHROMIUM"
    if reason is not None:
        if required:
            pytest.fail(f"{reason}; GUANJIA_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(reason)
    assert executable is not None
    return executable


async def answer_until_ticket(page: Any) -> str:
    """Answer each follow-up question with its first choice until a ticket number shows."""
    answered: set[str] = set()
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        for text in await page.locator("#messages li.bot").all_inner_texts():
            if found := TICKET.search(text):
                return found[0]
        asking = page.locator("#messages li.bot:has(.inline-buttons)")
        for index in range(await asking.count()):
            item = asking.nth(index)
            key = await item.get_attribute("data-key")
            if key and key not in answered:
                answered.add(key)
                await item.locator(".inline-buttons button").first.click()
        await page.wait_for_timeout(150)
    raise AssertionError("no ticket number appeared in the chat")


async def test_resident_reports_and_steward_claims_in_a_real_browser(demo: WebService) -> None:
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright, expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    rid = await resident_id(demo)
    dialogs: list[str] = []
    errors: list[str] = []

    async def local_only(route: Any) -> None:
        if route.request.url.startswith(demo.base_url):
            await route.continue_()
        else:
            await route.abort()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2
            )
            await context.route("**/*", local_only)
            page = await context.new_page()
            page.set_default_timeout(20_000)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))

            async def shot(name: str) -> None:
                await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

            await page.goto(demo.base_url + "/")
            await expect(page.locator("#estate-name")).to_contain_text("兰亭苑")
            await page.select_option("#resident-select", str(rid))
            await shot("01-pick-resident")

            await page.click("#start-chat")
            await expect(page.locator("#messages li.bot").first).to_contain_text("绑定成功")
            await expect(page.locator("#menu button", has_text="报修")).to_be_visible()
            await shot("02-bound")

            await page.fill("#text", "卫生间漏水了")
            await page.press("#text", "Enter")
            await expect(page.locator("#messages li.user").last).to_have_text("卫生间漏水了")
            number = await answer_until_ticket(page)
            await expect(page.locator("#messages li.bot", has_text=number).first).to_be_visible()
            await shot("03-ticket-number")

            await page.click(".tabs button[data-pane=staff]")
            card = page.locator("#cards li", has_text=number)
            await expect(card).to_contain_text("待接单")
            await expect(page.locator("#actor-select")).to_have_value("s-wang")
            await shot("04-steward-view")

            await card.get_by_role("button", name="接单").click()
            await expect(page.locator("#toast")).to_contain_text("已接单")
            await expect(card).to_contain_text("负责人：王丽娟")
            await expect(card.get_by_role("button", name="已到场")).to_be_visible()
            await shot("05-claimed")

            await page.click(".tabs button[data-pane=chat]")
            pushed = page.locator("#messages li.bot", has_text=re.compile("王丽娟 接单"))
            await expect(pushed).to_contain_text(number)
            await shot("06-resident-sees-claim")

            attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
            await page.fill("#text", attack)
            await page.press("#text", "Enter")
            await expect(page.locator("#messages li.user").last).to_have_text(attack)
            await page.wait_for_timeout(1500)  # let the bot answer it too
            assert await page.evaluate("window.__xss") is None
            assert await page.locator("#messages img, #messages script").count() == 0
            await shot("07-markup-shown-as-text")

            await page.fill("#text", "漏" * 2001)
            await page.press("#text", "Enter")
            await expect(page.locator("#toast")).to_contain_text("太长")
            await shot("08-too-long")
        finally:
            await browser.close()
    assert not dialogs and not errors, (dialogs, errors)
    assert len(list(ARTIFACTS.glob("*.png"))) == 8
