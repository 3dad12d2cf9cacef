"""The demo through Flask's test client: the API with a bearer token and an API key, and the forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from passport_demo import Settings


def csrf(client: Any) -> str:
    client.get("/")  # renders the forms, which puts a token in the session
    with client.session_transaction() as session:
        return str(session["csrf"])


def sign_in(client: Any, settings: Settings, password: str | None = None) -> Any:
    data = {"csrf_token": csrf(client), "username": settings.username, "password": password or settings.password}
    return client.post("/login", data=data)


def test_the_api_accepts_the_bearer_token(client: Any, settings: Settings) -> None:
    response = client.get("/api/me", headers={"Authorization": f"Bearer {settings.bearer_token}"})
    assert response.status_code == 200
    assert response.get_json() == {"id": "alice", "name": "Alice Liddell"}


def test_the_api_accepts_the_api_key(client: Any, settings: Settings) -> None:
    response = client.get("/api/me", headers={"X-API-Key": settings.api_key})
    assert response.get_json() == {"id": "alice", "name": "Alice Liddell"}


def test_the_api_sets_no_session_cookie(client: Any, settings: Settings) -> None:
    response = client.get("/api/me", headers={"X-API-Key": settings.api_key})
    assert "Set-Cookie" not in response.headers


def test_the_api_without_credentials_is_a_401_with_the_bearer_challenge(client: Any) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.headers.getlist("WWW-Authenticate") == ['Bearer realm="passport-demo"']
    assert response.headers["Cache-Control"] == "no-store"


def test_the_api_refuses_a_wrong_token_and_a_wrong_key(client: Any) -> None:
    bad_token = client.get("/api/me", headers={"Authorization": "Bearer nope"})
    assert bad_token.status_code == 401
    assert 'error="invalid_token"' in bad_token.headers["WWW-Authenticate"]
    assert client.get("/api/me", headers={"X-API-Key": "nope"}).status_code == 401


def test_the_api_refuses_a_non_ascii_key_cleanly(client: Any) -> None:
    assert client.get("/api/me", headers={"X-API-Key": "ключ"}).status_code in (400, 401)  # malformed, not a 500


def test_a_password_login_opens_the_profile(client: Any, settings: Settings) -> None:
    response = sign_in(client, settings)
    assert (response.status_code, response.headers["Location"]) == (302, "/profile")
    page = client.get("/profile").get_data(as_text=True)
    assert "Alice Liddell" in page
    assert "Signed in with your password." in page


def test_a_wrong_password_flashes_one_generic_message(client: Any, settings: Settings) -> None:
    response = sign_in(client, settings, password="wrong")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Invalid username or password." in client.get("/").get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_login_without_the_csrf_token_is_refused(client: Any, settings: Settings) -> None:
    response = client.post("/login", data={"username": settings.username, "password": settings.password})
    assert response.status_code == 403


def test_logout_is_a_post_with_a_csrf_token(client: Any, settings: Settings) -> None:
    sign_in(client, settings)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/logout", data={"csrf_token": csrf(client)}).headers["Location"] == "/"
    assert client.get("/profile").status_code == 302


def test_the_profile_needs_a_login(client: Any) -> None:
    response = client.get("/profile")
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_the_provider_sign_in_starts_with_state_and_pkce(client: Any, settings: Settings) -> None:
    response = client.get("/auth/provider")
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == settings.provider_url
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [settings.callback_url]
    assert len(query["state"][0]) >= 22


def test_a_callback_without_a_started_flow_fails_with_a_flash(client: Any) -> None:
    response = client.get("/auth/provider/callback?code=abc&state=forged")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert client.get("/profile").status_code == 302


def test_get_login_sends_the_browser_to_the_sign_in_forms(client: Any) -> None:
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
