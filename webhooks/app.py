"""The FastAPI application factory: health endpoints now, channel routes as they arrive.

``/healthz`` says the process is alive; ``/readyz`` says it can do work, which for this service
means the database answers. Load balancers route on the second.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from storage.engine import DatabaseUnavailable, check_connection
from webhooks.runtime import Runtime
from webhooks.settings import Settings

log = logging.getLogger("guanjia.app")


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        app.state.runtime = runtime or Runtime.build(settings)
        log.info("guanjia started with %s", app.state.runtime.settings.redacted())
        try:
            yield
        finally:
            if owned:
                await app.state.runtime.close()

    app = FastAPI(title="guanjia", version="0.1.0", lifespan=lifespan, docs_url=None)
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

    return app
