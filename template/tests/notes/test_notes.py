"""Notes through the API: each user's own, and nobody else's one changed id away."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import signed_in

Headers = dict[str, str]


async def create(client: AsyncClient, headers: Headers, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/notes", json={"title": "Groceries", **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    note: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/api/v1/notes/{note['id']}"
    return note


async def test_a_note_is_created_read_listed_changed_and_deleted(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    _, user = await signed_in(db_session)
    note = await create(client, user, body="eggs")
    url = f"/api/v1/notes/{note['id']}"

    assert (await client.get(url, headers=user)).json() == note
    listed = await client.get("/api/v1/notes", headers=user)
    assert [item["id"] for item in listed.json()["items"]] == [note["id"]]

    changed = await client.patch(url, json={"title": "Shopping"}, headers=user)
    assert changed.status_code == 200
    assert changed.json()["title"] == "Shopping"
    assert changed.json()["body"] == "eggs"  # left out, so kept
    assert changed.json()["updated_at"] >= note["updated_at"]

    assert (await client.delete(url, headers=user)).status_code == 204
    assert (await client.get(url, headers=user)).status_code == 404
    assert (await client.delete(url, headers=user)).status_code == 404


async def test_someone_elses_note_is_404_and_stays_as_it_was(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    _, owner = await signed_in(db_session)
    _, other = await signed_in(db_session)
    note = await create(client, owner, body="private")
    url = f"/api/v1/notes/{note['id']}"

    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.patch(url, json={"body": "mine now"}, headers=other)).status_code == 404
    assert (await client.delete(url, headers=other)).status_code == 404
    listed = await client.get("/api/v1/notes", headers=other)
    assert listed.json()["items"] == []

    assert (await client.get(url, headers=owner)).json() == note


async def test_a_missing_note_answers_like_someone_elses(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    _, owner = await signed_in(db_session)
    _, other = await signed_in(db_session)
    note = await create(client, owner)
    theirs = await client.get(f"/api/v1/notes/{note['id']}", headers=other)
    missing = await client.get(f"/api/v1/notes/{2**62}", headers=other)
    assert (theirs.status_code, theirs.json()["detail"]) == (
        missing.status_code,
        missing.json()["detail"],
    )


@pytest.mark.parametrize(
    "change",
    [{}, {"title": None}, {"body": None}, {"title": ""}, {"owner_id": 1}, {"id": 7}],
    ids=["nothing", "null-title", "null-body", "empty-title", "owner", "id"],
)
async def test_a_change_that_makes_no_sense_is_422(
    client: AsyncClient, db_session: AsyncSession, change: dict[str, Any]
) -> None:
    _, user = await signed_in(db_session)
    note = await create(client, user)
    url = f"/api/v1/notes/{note['id']}"
    response = await client.patch(url, json=change, headers=user)
    assert response.status_code == 422
    assert (await client.get(url, headers=user)).json() == note


async def test_notes_cannot_be_created_for_someone_else(
    client: AsyncClient, db_session: AsyncSession
) -> None:
    owner, _ = await signed_in(db_session)
    _, other = await signed_in(db_session)
    response = await client.post(
        "/api/v1/notes", json={"title": "planted", "owner_id": owner.id}, headers=other
    )
    assert response.status_code == 422
