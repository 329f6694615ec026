"""Keep personal data and secrets out of third-party logs.

httpx logs every request URL at INFO (the Bot API URL carries the bot token) and
python-telegram-bot logs every call's parameters at DEBUG (chat ids, message texts). The gateways
raise those loggers to WARNING when they start; our own logs carry hashed sender ids only.
"""

from __future__ import annotations

import logging

CHATTY_LOGGERS = ("httpx", "httpcore", "telegram", "hpack")


def quiet_third_party_loggers() -> None:
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
