"""Assembling the running service: classifier, core, dispatcher, Telegram driver and gateway.

Everything here is built once per process at start-up (never per update); the chosen Telegram
library is the only one imported.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from dataclasses import dataclass, field

from bot.adapters.telegram import TelegramDriver
from bot.core.dispatcher import OutboxDispatcher
from bot.core.engine import ConversationCore
from bot.core.inbound import Inbound, Outcome
from bot.core.sending import Sender
from storage.availability import database_away
from webhooks.runtime import Runtime
from webhooks.scheduler import Scheduler
from webhooks.telegram_gateway import TelegramGateway
from workflows.estate import Platform
from workflows.messaging import InboundUpdate

log = logging.getLogger("guanjia.services")
MAX_POLLED_WAIT = 30.0  # seconds between tries while the database is away (long polling)


def build_core(runtime: Runtime) -> ConversationCore:
    import intents
    from intents.textlibs import segmenter

    intents.load_classifier()
    # Group commit pays on SQLite (commits dominate); on PostgreSQL turns overlap their
    # round trips on several connections instead (see bot.core.batching).
    return ConversationCore(
        runtime.uow,
        runtime.clock,
        intents.classify,
        segmenter().cut,
        group_commit=runtime.engine.dialect.name == "sqlite",
    )


def build_telegram_driver(runtime: Runtime, handle: object) -> TelegramDriver | None:
    settings = runtime.settings
    if settings.telegram_token is None:
        return None
    token = settings.telegram_token.get_secret_value()
    if settings.telegram_driver == "ptb":
        os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to PTB 22's timedelta API
        from bot.adapters.ptb_driver import build_driver as build_ptb

        return build_ptb(token, settings.telegram_api_url, handle)  # type: ignore[arg-type]
    from bot.adapters.aiogram_driver import build_driver as build_aiogram

    return build_aiogram(token, settings.telegram_api_url, handle)  # type: ignore[arg-type]


@dataclass
class Services:
    runtime: Runtime
    core: ConversationCore
    dispatcher: OutboxDispatcher
    telegram: TelegramDriver | None = None
    gateway: TelegramGateway | None = None
    senders: dict[Platform, Sender] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    scheduler: Scheduler | None = None
    polling: bool = False

    async def handle(self, inbound: Inbound) -> Outcome:
        if self.polling:
            return await self._handle_polled(inbound)
        return await self._handle(inbound)

    async def _handle(self, inbound: Inbound) -> Outcome:
        outcome = await self.core.handle(inbound)
        self.dispatcher.wake.set()
        return outcome

    async def _handle_polled(self, inbound: Inbound, *, first_wait: float = 0.5) -> Outcome:
        """Long polling confirms an update by asking for the next ones, and the drivers log a
        failed update and go on: an update that fails because the database is away would be
        lost. So it waits here for the database, holding the poll loop (later updates stay
        with Telegram, in order) — unlike an error in the work itself, which is raised."""
        wait = first_wait
        while True:
            try:
                await self._record_polled(inbound)
                return await self._handle(inbound)
            except Exception as error:
                if not database_away(error):
                    raise
                log.warning(
                    "database unavailable (%s): update %s waits, next try in %.1f s",
                    type(error).__name__,
                    inbound.update_id,
                    wait,
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, MAX_POLLED_WAIT)

    async def _record_polled(self, inbound: Inbound) -> None:
        """Long polling has no webhook gateway: the update id is recorded here, so an update
        Telegram hands out again after a restart is recognised as a replay."""
        async with self.runtime.uow() as uow:
            await uow.inbound.record(
                InboundUpdate(
                    channel=inbound.channel,
                    update_id=inbound.update_id,
                    payload={},
                    received_at=self.runtime.clock.now(),
                )
            )
            await uow.commit()

    @classmethod
    async def start(
        cls,
        runtime: Runtime,
        *,
        extra_senders: dict[Platform, Sender] | None = None,
        polling: bool = False,
    ) -> Services:
        core = build_core(runtime)
        senders: dict[Platform, Sender] = dict(extra_senders or {})
        dispatcher = OutboxDispatcher(
            runtime.uow, runtime.clock, senders, worker=f"{os.uname().nodename}:{os.getpid()}"
        )
        services = cls(runtime, core, dispatcher, senders=senders, polling=polling)
        driver = build_telegram_driver(runtime, services.handle)
        if driver is not None:
            await driver.start()
            senders[Platform.TELEGRAM] = driver.sender
            dispatcher.register(Platform.TELEGRAM, driver.sender)
            secret = runtime.settings.webhook_secret()
            assert secret is not None
            services.telegram = driver
            services.gateway = TelegramGateway(
                driver=driver,
                uow=runtime.uow,
                clock=runtime.clock,
                secret=secret,
                on_processed=dispatcher.wake.set,
            )
            if runtime.settings.public_url and not polling:
                url = runtime.settings.public_url.rstrip("/") + "/webhooks/telegram"
                await driver.set_webhook(url, secret=secret)
        if runtime.settings.run_dispatcher:
            services.tasks.append(asyncio.create_task(dispatcher.run_forever()))
        if services.gateway is not None and not polling:
            services.tasks.append(asyncio.create_task(services._recovery_loop()))
        if runtime.settings.run_scheduler:
            services.scheduler = Scheduler(
                runtime, every_seconds=runtime.settings.scheduler_interval_seconds
            )
            services.scheduler.on_sweep.append(dispatcher.wake.set)
            services.scheduler.start()
        gc.collect()
        gc.freeze()  # the start-up heap never changes: keep full collections off the hot path
        return services

    async def _recovery_loop(self, every: float = 30.0, first_grace: float = 5.0) -> None:
        """Updates recorded (and answered 200) but never processed, as after a crash.

        The first pass, at start-up, takes everything older than a few seconds: this process
        has nothing in flight yet, so a resident whose message was answered just before a
        crash hears back within seconds of the restart, not after the usual grace period
        (which keeps the sweep off updates another process is working on right now).
        """
        assert self.gateway is not None
        grace = first_grace
        while True:
            try:
                await self.gateway.recover(grace_seconds=grace)
            except Exception:
                log.exception("recovery sweep failed")
            grace = every
            await asyncio.sleep(every)

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.gateway is not None:
            await self.gateway.drain()
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            # Bounded: a loop that ignored its cancellation must not hold up the shutdown.
            done, pending = await asyncio.wait(self.tasks, timeout=5)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error("%s ended with %r", task.get_name(), task.exception())
            for task in pending:
                log.warning("%s did not stop within 5 s of being cancelled", task.get_name())
        if self.telegram is not None:
            await self.telegram.close()
