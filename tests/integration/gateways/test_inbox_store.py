"""The inbox table and its queries on both supported databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from lapor_aman.storage.db import make_engine, make_session_factory
from lapor_aman.storage.inbox import InboxMessage, InboxStatus, InboxStore, NewInboxMessage, utcnow

pytestmark = pytest.mark.integration

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('inbox') / 'inbox.db'}"
        return
    name = f"lapor_gw_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(engine_url: str) -> Iterator[InboxStore]:
    engine = make_engine(engine_url)
    InboxMessage.metadata.create_all(engine, tables=[InboxMessage.__table__])  # type: ignore[list-item]
    factory: sessionmaker[Session] = make_session_factory(engine)
    yield InboxStore(factory)
    with factory() as session:
        session.execute(delete(InboxMessage))
        session.commit()
    engine.dispose()


def message(dedup_key: str, sender: str = "tg:aaaa", text: str = "halo") -> NewInboxMessage:
    return NewInboxMessage(
        channel="telegram",
        dedup_key=dedup_key,
        sender_key=sender,
        kind="text",
        text=text,
        routing={"chat_id": 700_000_301, "message_id": 5},
        media=None,
        sent_at=datetime(2026, 1, 5, 21, 30, tzinfo=UTC),
    )


def test_the_same_platform_message_is_stored_once(store: InboxStore) -> None:
    first = store.insert(message("k1"), timedelta(seconds=60))
    again = store.insert(message("k1"), timedelta(seconds=60))

    assert first is not None and again is None


def test_open_messages_of_a_sender_come_oldest_first(store: InboxStore) -> None:
    ids = [store.insert(message(f"k{n}", text=f"m{n}"), timedelta(seconds=60)) for n in range(3)]
    store.insert(message("other", sender="tg:bbbb"), timedelta(seconds=60))
    store.finish(ids[0])  # type: ignore[arg-type]

    open_items = store.open_for_sender("telegram", "tg:aaaa")

    assert [item.text for item in open_items] == ["m1", "m2"]
    assert open_items[0].sent_at == datetime(2026, 1, 5, 21, 30, tzinfo=UTC)


def test_finishing_erases_text_reply_address_and_outbox(store: InboxStore) -> None:
    inbox_id = store.insert(message("k1", text="cerita pribadi"), timedelta(seconds=60))
    assert inbox_id is not None
    store.record_answer(inbox_id, [{"text": "jawaban"}])

    store.finish(inbox_id)

    item = store.get(inbox_id)
    assert item is not None and item.status == InboxStatus.DONE.value
    assert (item.text, item.routing, item.outbox) == (None, {}, None)
    assert item.attempts == 1


def test_due_rows_and_never_tried_rows_are_found_for_requeueing(store: InboxStore) -> None:
    due_id = store.insert(message("due"), timedelta(seconds=-1))
    later_id = store.insert(message("later"), timedelta(hours=1))
    failed_id = store.insert(message("failed"), timedelta(seconds=-1))
    assert due_id and later_id and failed_id
    store.record_failure(
        failed_id, "rasa_http_503", utcnow() + timedelta(hours=1), apology_sent=True
    )

    regular = {item.id for item in store.due("telegram", utcnow(), 100)}
    at_start = {item.id for item in store.due("telegram", utcnow(), 100, include_unattempted=True)}

    assert regular == {due_id}
    assert at_start == {due_id, later_id}  # the failed one waits for its backoff
    store.postpone([due_id], utcnow() + timedelta(hours=1))
    assert store.due("telegram", utcnow(), 100) == []


def test_retention_purges_only_closed_rows_older_than_the_cutoff(store: InboxStore) -> None:
    old_done = store.insert(message("old"), timedelta(seconds=60))
    still_open = store.insert(message("open"), timedelta(seconds=60))
    assert old_done and still_open
    store.finish(old_done)

    purged = store.purge_closed(utcnow() + timedelta(seconds=1))

    assert purged == 1
    assert store.get(old_done) is None and store.get(still_open) is not None
