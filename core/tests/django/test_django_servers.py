"""passport.django under real servers on 127.0.0.1: Django's ASGI app under uvicorn and its WSGI
app under waitress, sharing one SQLite database (users and sessions)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import httpx
import pytest
from app_servers import AppServer
from djproject.testing import HERE
from djproject.testing import PASSWORD


@pytest.fixture
def servers(users) -> Iterator[tuple[AppServer, AppServer]]:  # noqa: ARG001  # the users exist first
    env = {"PASSPORT_DJANGO_DB": os.environ["PASSPORT_DJANGO_DB"], "DJANGO_SETTINGS_MODULE": "djproject.settings"}
    asgi = AppServer("djproject.asgi:application", kind="asgi", env=env, cwd=str(HERE)).start()
    try:
        wsgi = AppServer("djproject.wsgi:application", kind="wsgi", env=env, cwd=str(HERE)).start()
    except BaseException:
        asgi.stop()
        raise
    yield asgi, wsgi
    asgi.stop()
    wsgi.stop()


def csrf(server: AppServer, cookies: dict[str, str]) -> dict[str, str]:
    """A form token and its cookie, as a browser gets them from the login page."""
    page = httpx.get(f"{server.url}/login/", cookies=cookies, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    cookies = {**cookies, "csrftoken": page.cookies.get("csrftoken") or cookies["csrftoken"]}
    return {"token": token, **cookies}


def post_form(server: AppServer, path: str, cookies: dict[str, str], data: dict[str, str]) -> httpx.Response:
    got = csrf(server, cookies)
    token = got.pop("token")
    return httpx.post(f"{server.url}{path}", data={**data, "csrfmiddlewaretoken": token}, cookies=got, timeout=10)


def test_log_in_under_asgi_use_and_log_out_under_wsgi(servers):
    asgi, wsgi = servers
    login = post_form(asgi, "/alogin/", {}, {"username": "ann", "password": PASSWORD})
    assert login.status_code == 200, login.text
    session = login.cookies["sessionid"]
    assert httpx.get(f"{wsgi.url}/me/", cookies={"sessionid": session}, timeout=10).json() == {"user": "ann"}
    api = httpx.get(f"{asgi.url}/aapi/", headers={"Authorization": "Bearer token-for-ann"}, timeout=10)
    assert api.json() == {"user": "ann"} and "sessionid" not in api.cookies
    sync_api = httpx.get(f"{wsgi.url}/api/", headers={"X-API-Key": "key-for-bob"}, timeout=10)
    assert sync_api.json()["user"] == "bob"
    assert httpx.get(f"{wsgi.url}/api/", timeout=10).status_code == 401

    logout = post_form(wsgi, "/logout/", {"sessionid": session}, {})
    assert logout.status_code == 200, logout.text
    for server in (asgi, wsgi):
        me = httpx.get(f"{server.url}/me/", cookies={"sessionid": session}, timeout=10)
        assert me.status_code == 302, "the logged-out session is dead under both servers"
