"""The FastAPI application factory: health endpoints and the channel routes.

``/healthz`` says the process is alive; ``/readyz`` says it can do work, which for this service
means the database answers. ``/webhooks/telegram`` (served ahead of FastAPI, see
:mod:`webhooks.telegram_route`) works when a bot token is configured; the web
chat (``/`` and ``/api/web/...``) is always there, so a newcomer can try the bot without one.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from storage.engine import DatabaseUnavailable, check_connection
from webhooks.runtime import Runtime
from webhooks.settings import Settings
from webhooks.telegram_gateway import TelegramGateway
from webhooks.telegram_route import TelegramWebhookRoute
from webhooks.webchat import WebChat, mount_webchat

log = logging.getLogger("guanjia.app")


class GuanjiaApp(FastAPI):
    """FastAPI, with Telegram's webhook answered before any of FastAPI's own per-request work.

    As a middleware the route still ran behind FastAPI's entry point, which checks for an
    OpenTelemetry provider on every request (reading the environment: 5 % of the server's CPU
    under webhook load, measured with py-spy), and behind Starlette's middleware stack.
    """

    telegram_route: TelegramWebhookRoute | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The route answers its own path and hands every other request to `fallback`.
        route = self.telegram_route
        if route is None:
            await super().__call__(scope, receive, send)
        else:
            await route(scope, receive, send)

    async def fallback(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from bot.adapters.web import WebHub, WebSender
        from webhooks.services import Services
        from workflows.estate import Platform

        owned = runtime is None
        rt = runtime or Runtime.build(settings)
        app.state.runtime = rt
        hub = WebHub()
        services = await Services.start(rt, extra_senders={Platform.WEB: WebSender(hub)})
        app.state.services = services
        app.state.webchat = WebChat(settings=rt.settings, runtime=rt, services=services, hub=hub)
        channels = "web chat"
        if services.telegram:
            channels += ", Telegram (" + settings.telegram_driver + ")"
        else:
            log.info("no Telegram token (GUANJIA_TELEGRAM_TOKEN): serving the web chat only")
        log.info("guanjia started; chat channels: %s; %s", channels, rt.settings.redacted())
        try:
            yield
        finally:
            hub.close()  # end the open event streams first, so shutdown does not wait on tabs
            app.state.webchat = None
            await services.stop()
            app.state.services = None
            if owned:
                await rt.close()

    app = GuanjiaApp(title="guanjia", version="0.1.0", lifespan=lifespan, docs_url=None)
    app.state.services = None
    app.state.webchat = None
    if runtime is not None:
        app.state.runtime = runtime  # usable without lifespan events (tests, embedding)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        rt: Runtime = request.app.state.runtime
        try:
            await check_connection(rt.engine)
        except DatabaseUnavailable as exc:
            log.warning("not ready: %s", exc)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    def gateway() -> TelegramGateway | None:
        services = app.state.services
        return services.gateway if services is not None else None

    app.telegram_route = TelegramWebhookRoute(app.fallback, gateway)
    mount_webchat(app)
    return app
