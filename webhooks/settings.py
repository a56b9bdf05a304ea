"""All configuration in one place: environment variables prefixed ``GUANJIA_``, or a ``.env``.

Read once at start-up by the composition root; nothing below ``webhooks`` reads the environment.
Every field is listed, with its default, in the README's configuration table (a test checks).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GUANJIA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///./guanjia.db",
        description="SQLAlchemy URL; sqlite:///path or postgresql://user@host/db",
    )
    estate: str | None = Field(
        None, description="estate code used by imports when the database holds several estates"
    )
    host: str = Field("127.0.0.1", description="address `guanjia serve` listens on")
    port: int = Field(8000, ge=1, le=65535, description="port `guanjia serve` listens on")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="log level of every logger"
    )
    timezone: str = Field(
        "Asia/Shanghai", description="default time zone for estates that do not set one"
    )
    telegram_token: SecretStr | None = Field(None, description="Telegram bot token; never logged")
    telegram_driver: Literal["aiogram", "ptb"] = Field(
        "aiogram", description="which Telegram library drives the bot in this process"
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org",
        description="Bot API base URL (a self-hosted Bot API server or a test double)",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None,
        description="secret Telegram sends with each webhook call; derived from the token if unset",
    )
    public_url: str | None = Field(
        None,
        description="public https URL of this service; when set, the Telegram webhook is "
        "registered at PUBLIC_URL/webhooks/telegram",
    )
    run_dispatcher: bool = Field(
        True, description="send outbox messages from this process (false on extra replicas)"
    )
    demo: bool = Field(
        False,
        description="demo mode (`serve --demo`): the web chat offers demo residents and the "
        "steward view without a staff login",
    )
    web_staff_token: SecretStr | None = Field(
        None, description="bearer token that opens the web staff view outside demo mode"
    )
    run_scheduler: bool = Field(
        True, description="sweep due timers from this process (`serve --no-scheduler` disables)"
    )
    scheduler_interval_seconds: float = Field(
        5.0, gt=0, le=300, description="how often the in-process scheduler sweeps due timers"
    )

    def webhook_secret(self) -> str | None:
        """The configured secret, or one derived from the token (same in every process)."""
        if self.telegram_webhook_secret is not None:
            return self.telegram_webhook_secret.get_secret_value()
        if self.telegram_token is None:
            return None
        token = self.telegram_token.get_secret_value().encode()
        return hmac.new(token, b"guanjia-webhook", hashlib.sha256).hexdigest()

    def redacted(self) -> dict[str, object]:
        """Settings safe to log: secrets masked, database password hidden."""
        from storage.engine import safe_url

        values = self.model_dump()
        values["database_url"] = safe_url(self.database_url)
        for name, value in values.items():
            if isinstance(value, SecretStr):
                values[name] = "**********"
        return values


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
