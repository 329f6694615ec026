"""What every request handler of the bridge needs, built once per :class:`Bridge`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the services import the request dependencies, which import this module
    from redis.asyncio import Redis
    from sqlalchemy.orm import Session, sessionmaker

    from integrations.bridge.handoff import HandoffStream
    from integrations.bridge.oncall import OnCallEscalator
    from lapor_aman.config import Settings
    from lapor_aman.crypto import DataCipher
    from lapor_aman.routing import UnitDirectory
    from lapor_aman.storage.staff import TokenVerifier


@dataclass
class BridgeContext:
    settings: Settings
    session_factory: sessionmaker[Session]
    redis: Redis
    cipher: DataCipher
    units: UnitDirectory
    verifier: TokenVerifier
    handoff: HandoffStream
    escalator: OnCallEscalator
    clock: Callable[[], datetime]
