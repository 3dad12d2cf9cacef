"""passport.django through Django's test client: logins are Django logins, API views stay stateless."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import AsyncClient
from django.test import Client
from django.test import override_settings
from djproject.testing import PASSWORD

CREDENTIALS = {"username": "ann", "password": PASSWORD}


def csrf_login(client: Client, username: str = "ann", password: str = PASSWORD) -> Any:
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    return client.post("/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password})


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"])
def test_a_passport_login_is_a_django_login_with_key_and_csrf_rotation(users, engine):
    with override_settings(SESSION_ENGINE=engine):
        client = Client(enforce_csrf_checks=True)
        client.get("/login/")
        anonymous = client.session  # an anonymous session exists before login, as in a real browser
        anonymous["cart"] = [1]
        anonymous.save()
        before_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        before_csrf = client.cookies["csrftoken"].value
        response = csrf_login(client)
        assert (response.status_code, response["Location"]) == (302, "/me/")
        session = client.session
        assert session["_auth_user_id"] == str(users["ann"].pk)
        assert "_auth_user_hash" in session
        assert client.cookies[settings.SESSION_COOKIE_NAME].value != before_key, "cycle_key: a new id"
        assert session["cart"] == [1], "Django keeps the anonymous session's data through login"
        assert client.cookies["csrftoken"].value != before_csrf, "login rotates the CSRF token"
        assert client.get("/me/").json() == {"user": "ann"}  # @login_required: Django's own


def test_the_login_form_is_csrf_protected(users):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    assert client.post("/login/", CREDENTIALS).status_code == 403


def test_a_wrong_password_flashes_through_django_messages(users):
    client = Client()
    response = client.post("/login/", {"username": "ann", "password": "wrong"})
    assert (response.status_code, response["Location"]) == (302, "/login/")
    page = client.get("/login/").content.decode()
    assert '<p id="flashes">error:Invalid username or password.</p>' in page
    assert client.get("/me/")["Location"].startswith("/login/")


def test_the_admin_and_permissions_work_for_a_passport_login(users):
    client = Client()
    client.post("/login/", CREDENTIALS)
    assert client.get("/admin/").status_code == 200  # ann is staff
    other = Client()
    other.post("/login/", {"username": "bob", "password": PASSWORD})
    assert other.get("/admin/").status_code == 302  # bob is not: the admin's own login page


def test_a_password_change_ends_the_other_sessions(users):
    laptop, phone = Client(), Client()
    laptop.post("/login/", CREDENTIALS)
    phone.post("/login/", CREDENTIALS)
    assert phone.get("/me/").status_code == 200
    laptop.post("/password/", {"password": "new secret horse", "keep": "1"})
    assert laptop.get("/me/").status_code == 200
    assert phone.get("/me/").status_code == 302, "the session auth hash no longer matches"


def test_logout_through_passport_flushes_the_django_session(users):
    client = Client()
    client.post("/login/", CREDENTIALS)
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/logout/")
    assert client.get("/me/").status_code == 302
    assert Client(cookies={settings.SESSION_COOKIE_NAME: old}).get("/me/").status_code == 302  # type: ignore[call-arg]


@pytest.mark.parametrize("path", ["/api/", "/aapi/"])
def test_api_views_authenticate_without_touching_the_session(users, path):
    client = Client()
    ok = client.get(path, HTTP_AUTHORIZATION="Bearer token-for-ann")
    assert ok.status_code == 200 and ok.json()["user"] == "ann"
    assert settings.SESSION_COOKIE_NAME not in ok.cookies
    key = client.get(path, HTTP_X_API_KEY="key-for-bob")
    assert key.json()["user"] == "bob"
    denied = client.get(path, HTTP_AUTHORIZATION="Bearer nope")
    assert denied.status_code == 401
    assert denied["WWW-Authenticate"].startswith('Bearer realm="Users"')
    both = client.get(path, HTTP_AUTHORIZATION="Bearer token-for-ann", HTTP_X_API_KEY="key-for-bob")
    assert both.status_code == 400
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 0


def test_an_anonymous_api_request_gets_the_challenge(users):
    response = Client().get("/api/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Users"'


def test_several_challenges_go_out_as_one_comma_separated_header():
    from passport.core import Response
    from passport.django._responses import to_django

    answer = to_django(Response(401, [("WWW-Authenticate", 'Bearer realm="a"'), ("WWW-Authenticate", "Basic")]))
    assert answer["WWW-Authenticate"] == 'Bearer realm="a", Basic'


def test_fail_with_error_goes_through_django_error_handling(users):
    response = Client().get("/strict/", HTTP_X_API_KEY="wrong")
    assert response.status_code == 401


@pytest.mark.parametrize(("path", "kind"), [("/cbv/", "sync"), ("/acbv/", "async")])
def test_class_based_views_with_the_mixin(users, path, kind):
    client = Client()
    assert client.get(path).status_code == 401
    assert client.get(path, HTTP_AUTHORIZATION="Bearer token-for-ann").json() == {"user": "ann", "view": kind}


async def test_async_views_log_in_with_django_alogin(users):
    client = AsyncClient()
    response = await client.post("/alogin/", CREDENTIALS)
    assert response.status_code == 200 and response.json() == {"user": "ann"}
    me = await client.get("/me/")
    assert me.status_code == 200 and me.json() == {"user": "ann"}


def test_a_malformed_login_body_is_a_400_not_a_500(users):
    response = Client().post("/login/", '{"username": [1]', content_type="application/json")
    assert response.status_code == 400


def test_headers_are_read_from_meta_case_insensitively_and_never_shown():
    from passport.django._request import MetaHeaders

    headers = MetaHeaders(
        {"HTTP_X_API_KEY": "secret", "CONTENT_TYPE": "text/plain", "REMOTE_ADDR": "1.2.3.4", "HTTP_N": 1}
    )
    assert headers.get("x-api-key") == headers["X-Api-Key"] == "secret"
    assert headers.get("content-type") == "text/plain" and "Content-Type" in headers
    assert headers.get("remote-addr") is None and "n" not in headers
    assert sorted(headers) == ["content-type", "x-api-key"] and len(headers) == 2
    assert "secret" not in repr(headers)


def test_passport_django_imports_before_django_is_set_up():
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", "import passport.django"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_system_checks_pass_for_the_project_and_catch_misconfiguration():
    from django.core import checks
    from django.test import override_settings

    from passport.django.apps import check_settings

    assert [m.id for m in checks.run_checks() if m.id.startswith("passport")] == []
    middleware = list(settings.MIDDLEWARE)
    with override_settings(MIDDLEWARE=[middleware[-1], *middleware[:-1]]):  # passport's first
        assert sorted(m.id for m in check_settings()) == ["passport.E002", "passport.E002"]
    with override_settings(MIDDLEWARE=middleware[:-1]):
        assert [m.id for m in check_settings()] == ["passport.W001"]
    with override_settings(PASSPORT="djproject.nowhere.passport"):
        assert [m.id for m in check_settings()] == ["passport.E001"]


# -- ?next=: the page @login_required sent the user from -----------------------------------------


@pytest.mark.parametrize("login", ["/login/next/", "/alogin/next/"])
def test_login_returns_to_the_next_page_login_required_sent_the_user_from(users, login):
    client = Client()
    sent = client.get("/me/")
    assert sent.status_code == 302
    assert sent["Location"] == "/login/?next=/me/"  # Django's own @login_required
    response = client.post(f"{login}?next=/me/", CREDENTIALS)
    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert client.get("/me/").json() == {"user": "ann"}


def test_next_in_the_login_forms_body_is_followed_too(users):
    response = Client().post("/login/next/", {**CREDENTIALS, "next": "/me/?tab=a%20b"})
    assert (response.status_code, response["Location"]) == (302, "/me/?tab=a%20b")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b"],
)
def test_an_unsafe_next_falls_back_to_the_routes_page(users, target):
    response = Client().post("/login/next/", {**CREDENTIALS, "next": target})
    assert (response.status_code, response["Location"]) == (302, "/home/")


def test_without_next_the_routes_page_is_used_and_a_failed_login_goes_back(users):
    client = Client()
    assert client.post("/login/next/", CREDENTIALS)["Location"] == "/home/"
    failed = Client().post("/login/next/?next=/me/", {"username": "ann", "password": "wrong"})
    assert (failed.status_code, failed["Location"]) == (302, "/login/")


@pytest.mark.parametrize(
    "page", ["/pages/%D0%BA%D0%BB", "/pages/caf%C3%A9?q=%D0%BB&x=1", "/pages/a%20b?next=%2F%2Fevil.example"]
)
def test_a_non_ascii_next_page_comes_back_percent_encoded_and_opens(users, page):
    from urllib.parse import parse_qs
    from urllib.parse import urlsplit

    client = Client()
    sent = client.get(page)
    assert sent.status_code == 302
    login_url = urlsplit(sent["Location"])
    assert login_url.path == "/login/"
    # The browser posts the form to the login page it was sent to, its ?next= as Django wrote it.
    response = client.post(f"/login/next/?{login_url.query}", CREDENTIALS)
    assert response.status_code == 302
    location = response["Location"]
    assert location.isascii() and location == page == parse_qs(login_url.query)["next"][0]
    opened = client.get(location)
    assert opened.status_code == 200
    assert opened.json()["user"] == "ann"
