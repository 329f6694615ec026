"""Wire-level fakes of the services the gateways talk to: Telegram Bot API, WhatsApp Graph API, Rasa.

Each is a real HTTP server on 127.0.0.1 (random port) running in its own thread, so the code under
test uses its real HTTP clients. Usable from integration and end-to-end tests.
"""

from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.rasa import FakeRasa
from tests.fakes.telegram_bot_api import FakeTelegramBotAPI

__all__ = ["FakeGraphAPI", "FakeRasa", "FakeTelegramBotAPI"]
