"""Ticket storage: the document is validated on every read and re-sealed when keys rotate."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from lapor_aman.crypto import DataCipher, generate_key
from lapor_aman.storage.db import session_scope
from lapor_aman.storage.tickets import Actor, TicketRecord, TicketRepository
from lapor_aman.tickets.schema import TicketStatus

from .conftest import BridgeHarness, SubmitFn, submission


async def test_key_rotation_reseals_documents_and_notes(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    reference = (await submit(submission(narrative="Kronologi untuk rotasi kunci."))).json()[
        "reference"
    ]
    old = harness.bridge.context.cipher
    with session_scope(harness.session_factory) as session:
        TicketRepository(session, old).change_status(
            reference, TicketStatus.CONTACTED, Actor("staff"), "catatan"
        )

    new_key = generate_key()
    old_key = harness.settings.data_encryption_key.get_secret_value()
    rotated = DataCipher.from_setting(f"{new_key},{old_key}")
    with session_scope(harness.session_factory) as session:
        assert TicketRepository(session, rotated).reencrypt_all() == 2  # one document, one note

    only_new = DataCipher.from_setting(new_key)
    with session_scope(harness.session_factory) as session:
        tickets = TicketRepository(session, only_new)
        assert tickets.get(reference).ticket.narrative == "Kronologi untuk rotasi kunci."
        assert [c.note for c in tickets.history(reference)] == [None, "catatan"]
        assert tickets.reencrypt_all() == 0


async def test_a_document_that_is_not_a_valid_ticket_is_refused_on_read(
    harness: BridgeHarness, submit: SubmitFn
) -> None:
    reference = (await submit(submission())).json()["reference"]
    cipher = harness.bridge.context.cipher
    forged = cipher.seal_text(
        '{"reference": "LA-2222-2222", "status": "lost"}', f"ticket:{reference}"
    )
    with session_scope(harness.session_factory) as session:
        session.execute(
            update(TicketRecord)
            .where(TicketRecord.reference == reference)
            .values(document=forged.blob)
        )
    with session_scope(harness.session_factory) as session, pytest.raises(ValidationError):
        TicketRepository(session, cipher).get(reference)


def test_nothing_personal_in_clear_columns() -> None:
    personal = {"narrative", "phone", "name", "code_word", "victim", "reporter", "contact"}
    assert not {column.name for column in TicketRecord.__table__.columns} & personal
