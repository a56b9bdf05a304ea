"""The conformance suite: the same scripted conversations through each Telegram driver, over
HTTP, against the fake Bot API. A behaviour that differs between drivers fails here."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
from sqlalchemy import func, select

from storage.schema import InboundUpdateRow, TicketRow
from tests.fakes import telegram_updates as tg
from tests.webhooks.telegram_harness import TOKEN, next_update_id, running_service

RESIDENT = 800000001  # 张伟, bound to 1-1-1502 in the demo estate
STEWARD = 700000001  # 王丽娟, grid 1-2
OUTSIDER = 123456789
GRID = -1001000000101
SUPERVISORS = -1001000000201

pytestmark = pytest.mark.parametrize("driver", ["aiogram", "ptb"])


@pytest.fixture
async def service(db_url, demo_estate, driver):
    async with running_service(db_url, driver) as running:
        yield running


async def count(service, model) -> int:
    async with service.runtime.uow() as tx:
        return int(await tx.session.scalar(select(func.count()).select_from(model)))


async def test_webhook_is_registered_with_secret_and_allowed_updates(service, driver):
    hook = service.api.webhook
    assert hook["url"].endswith("/webhooks/telegram")
    assert hook["secret_token"] and hook["secret_token"] not in TOKEN
    assert set(hook["allowed_updates"]) == {"message", "callback_query", "my_chat_member"}


async def test_repair_from_report_to_claimed(service, driver):
    await service.deliver(tg.text_message(next_update_id(), RESIDENT, RESIDENT, "厨房水管爆了"))
    await service.wait_text(RESIDENT, "照片")
    await service.deliver(tg.callback_query(next_update_id(), RESIDENT, RESIDENT, 1, "skip:photo"))
    confirmation = await service.wait_text(RESIDENT, r"BX-\d{8}-\d{4}")
    number = re.search(r"BX-\d{8}-\d{4}", confirmation)[0]
    assert "20 分钟内到场" in confirmation
    card = await service.wait_text(GRID, number)
    assert "张*" in card and "139****0218" in card and "13905710218" not in card
    keyboard = service.last_markup(GRID)["inline_keyboard"]
    claim = keyboard[0][0]
    assert claim["text"] == "接单"
    card_call = next(c for c in service.api.calls_of("sendMessage", chat_id=GRID))
    card_id = card_call.result["message_id"]
    await service.deliver(
        tg.callback_query(next_update_id(), STEWARD, GRID, card_id, claim["callback_data"])
    )
    await service.wait_text(RESIDENT, "接单")
    edited = await service.wait_text(GRID, "已接单")
    assert number in edited
    answers = service.api.calls_of("answerCallbackQuery")
    assert any("已接单" in str(a.params.get("text", "")) for a in answers)


async def test_an_outsider_pressing_a_staff_button_gets_an_alert(service, driver):
    await service.deliver(tg.text_message(next_update_id(), RESIDENT, RESIDENT, "楼道里着火了！"))
    card = await service.wait_text(GRID, r"JJ-\d{8}-\d{4}")
    await service.wait_text(SUPERVISORS, r"JJ-\d{8}-\d{4}")
    ticket_id = re.search(r"t:(\d+):claim", json.dumps(service.last_markup(GRID)))[1]
    await service.deliver(
        tg.callback_query(next_update_id(), OUTSIDER, GRID, 1, f"t:{ticket_id}:claim")
    )
    await service.api.wait_for("answerCallbackQuery")
    answer = service.api.calls_of("answerCallbackQuery")[-1]
    assert answer.params.get("show_alert") in (True, "true") and "权限" in answer.params["text"]
    async with service.runtime.uow() as tx:
        ticket = await tx.session.get(TicketRow, int(ticket_id))
        assert ticket is not None and ticket.status == "new"
    assert "紧急" in card


async def test_wrong_secret_malformed_and_replayed_updates(service, driver):
    url = f"{service.base_url}/webhooks/telegram"
    update = tg.text_message(next_update_id(), RESIDENT, RESIDENT, "在吗")
    async with httpx.AsyncClient() as client:
        wrong = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
        )
        missing = await client.post(url, json=update)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        assert await count(service, InboundUpdateRow) == 0
        secret = service.api.webhook["secret_token"]
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        broken = await client.post(url, content=b"{not json", headers=headers)
        no_id = await client.post(url, json={"message": {}}, headers=headers)
        assert (broken.status_code, no_id.status_code) == (400, 400)
        assert (await client.post(url, json=update, headers=headers)).status_code == 200
        await service.wait_text(RESIDENT, "您好")
        assert (await client.post(url, json=update, headers=headers)).status_code == 200
    await asyncio.sleep(0.5)  # a duplicate reply, if any, would have been sent by now
    assert len(service.api.calls_of("sendMessage", chat_id=RESIDENT)) == 1
    assert await count(service, InboundUpdateRow) == 1


async def test_unknown_update_types_and_unsupported_content(service, driver):
    assert await service.deliver({"update_id": next_update_id(), "poll": {"id": "1"}}) == 200
    assert await service.deliver(tg.sticker_message(next_update_id(), RESIDENT, RESIDENT)) == 200
    await service.wait_text(RESIDENT, "文字、照片和位置")


async def test_a_429_is_waited_out_and_the_message_still_arrives(service, driver):
    service.api.fail_next("sendMessage", status=429, retry_after=1, chat_id=RESIDENT)
    await service.deliver(tg.text_message(next_update_id(), RESIDENT, RESIDENT, "你好"))
    await service.wait_text(RESIDENT, "您好", timeout=20)
    attempts = service.api.calls_of("sendMessage", chat_id=RESIDENT)
    assert [a.status for a in attempts][:2] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 0.9


async def test_binding_through_the_contact_button(service, driver):
    newcomer = 424242
    await service.deliver(tg.command(next_update_id(), newcomer, newcomer, "/start", "lt-b1"))
    await service.wait_text(newcomer, "分享手机号")
    markup = service.last_markup(newcomer)
    assert markup["keyboard"][0][0]["request_contact"] is True
    await service.deliver(
        tg.contact_message(next_update_id(), newcomer, newcomer, "13805713346", OUTSIDER)
    )
    await service.wait_text(newcomer, "本人的手机号")
    await service.deliver(
        tg.contact_message(next_update_id(), newcomer, newcomer, "+8613805713346", newcomer)
    )
    await service.wait_text(newcomer, "绑定成功")


async def test_html_in_a_message_is_shown_as_text(service, driver):
    await service.deliver(
        tg.text_message(
            next_update_id(), RESIDENT, RESIDENT, "<b>投诉</b><script>x</script> 垃圾站太臭了"
        )
    )
    card = await service.wait_text(GRID, r"TS-\d{8}")
    assert "&lt;script&gt;" in card and "<script>" not in card
