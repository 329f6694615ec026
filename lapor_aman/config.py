"""The one settings object. Nothing else in the app reads ``os.environ``.

Every variable is documented in README.md ("Configuration"). Names are prefixed ``LAPOR_``
except the two that operators expect by their conventional names: ``DATABASE_URL`` and
``REDIS_URL``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAPOR_", env_file=None, extra="ignore")

    # --- storage -------------------------------------------------------------------------
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'lapor_aman.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "LAPOR_DATABASE_URL"),
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL", "LAPOR_REDIS_URL"),
    )
    # Every key this app writes starts with this, so several deployments (or tests) can share one Redis.
    redis_prefix: str = "lapor:"

    # --- services ------------------------------------------------------------------------
    rasa_url: str = "http://127.0.0.1:5005"
    bridge_url: str = "http://127.0.0.1:8000"
    bridge_host: str = "127.0.0.1"
    bridge_port: int = 8000
    # Public https base URL the messaging platforms call (webhooks); empty = do not register.
    public_base_url: str = ""
    # Shared secret the action server uses to hand tickets to the bridge.
    internal_token: SecretStr = SecretStr("dev-internal-token-change-me")
    # Bootstrap token for the first administrator; staff accounts are then managed in the database.
    admin_token: SecretStr = SecretStr("dev-admin-token-change-me")
    # AES-256-GCM key (base64 of 32 bytes) for the personal data in stored tickets. The default is for
    # development only; `make run` warns while it is in use.
    data_encryption_key: SecretStr = SecretStr("ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=")
    # Key for the HMAC that turns platform user ids (phone numbers, Telegram ids) into opaque sender ids.
    sender_id_secret: SecretStr = SecretStr("dev-sender-secret-change-me")

    # --- deployment ----------------------------------------------------------------------
    # The unit whose hours and phone numbers the assistant quotes before it knows where the victim lives.
    default_unit_id: str = "sapa129"

    # --- Telegram ------------------------------------------------------------------------
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_secret: SecretStr = SecretStr("")

    # --- WhatsApp Cloud API ----------------------------------------------------------------
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_app_secret: SecretStr = SecretStr("")
    whatsapp_verify_token: SecretStr = SecretStr("")
    whatsapp_phone_number_id: str = ""
    whatsapp_graph_base_url: str = "https://graph.facebook.com/v21.0"

    # --- gateways ------------------------------------------------------------------------
    # Messages one sender may send per minute before being asked to slow down (never dropped silently).
    gateway_rate_limit_per_minute: int = 30
    # Concurrent consumers per gateway (different senders in parallel, one sender always in order).
    gateway_worker_concurrency: int = 4

    # --- conversation ----------------------------------------------------------------------
    # Rasa trackers expire after this many seconds of silence (they hold the conversation text).
    tracker_ttl_seconds: int = 7 * 24 * 3600


@lru_cache
def get_settings() -> Settings:
    return Settings()
