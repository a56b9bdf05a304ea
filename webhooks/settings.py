"""All configuration in one place: environment variables prefixed ``GUANJIA_``, or a ``.env``.

Read once at start-up by the composition root; nothing below ``webhooks`` reads the environment.
Every field is listed, with its default, in the README's configuration table (a test checks).
"""

from __future__ import annotations

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
