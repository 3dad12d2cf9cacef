"""The login throttle in the demo, with its embedded memory default: a wrong password six times."""

from __future__ import annotations

from typing import Any

from passport_demo import Settings


def api_login(client: Any, settings: Settings, password: str, address: str = "127.0.0.1") -> Any:
    data = {"username": settings.username, "password": password}
    return client.post("/api/login", data=data, environ_base={"REMOTE_ADDR": address})


def test_the_sixth_wrong_password_is_a_429_with_retry_after(client: Any, settings: Settings) -> None:
    assert [api_login(client, settings, "wrong").status_code for _ in range(5)] == [401] * 5
    refused = api_login(client, settings, "wrong")
    assert refused.status_code == 429
    assert 299 <= int(refused.headers["Retry-After"]) <= 300
    assert api_login(client, settings, settings.password).status_code == 429  # even the right one waits


def test_another_client_still_signs_in(client: Any, settings: Settings) -> None:
    for _ in range(6):
        api_login(client, settings, "wrong", address="198.51.100.66")
    answer = api_login(client, settings, settings.password, address="203.0.113.7")
    assert answer.status_code == 200
    assert answer.get_json() == {"id": "alice", "name": "Alice Liddell"}


def test_the_form_flashes_the_refusal_after_five_wrong_passwords(client: Any, settings: Settings) -> None:
    for _ in range(5):
        client.get("/")
        with client.session_transaction() as session:
            token = session["csrf"]
        client.post("/login", data={"csrf_token": token, "username": settings.username, "password": "wrong"})
    client.get("/")
    with client.session_transaction() as session:
        token = session["csrf"]
    answer = client.post("/login", data={"csrf_token": token, "username": settings.username, "password": "x"})
    assert answer.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Too many failed attempts. Try again in" in page
