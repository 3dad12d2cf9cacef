"""Security checklist items 29 and 35 through the running demo: a real server, a real provider."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import urlsplit

import requests


def started_flow(demo: Any) -> tuple[requests.Session, str, str]:
    """A browser that began "Sign in with the demo provider": its session, the callback URL, the state."""
    browser = requests.Session()
    start = browser.get(demo.url + "/auth/provider", allow_redirects=False, timeout=5)
    assert start.status_code == 302
    consent = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)  # the provider approves
    callback = consent.headers["Location"]
    return browser, callback, parse_qs(urlsplit(callback).query)["state"][0]


def test_35_an_error_callback_consumes_the_flow_so_its_code_cannot_log_in_later(demo: Any) -> None:
    browser, callback, state = started_flow(demo)
    error = browser.get(
        f"{demo.url}/auth/provider/callback?error=server_error&state={state}", allow_redirects=False, timeout=5
    )
    assert error.status_code == 502  # the provider's fault, answered with its status, not a 500
    assert "Set-Cookie" in error.headers  # the consumed state reaches the cookie session
    late = browser.get(callback, allow_redirects=False, timeout=5)
    assert (late.status_code, late.headers["Location"]) == (302, "/")  # the failure redirect
    assert browser.get(demo.url + "/profile", allow_redirects=False, timeout=5).status_code == 302


def test_29_an_error_callback_nobody_started_plants_no_message(demo: Any) -> None:
    victim = requests.Session()
    planted = "Your account is locked - call +1 555 0100"
    link = f"{demo.url}/auth/provider/callback?error=access_denied&error_description={quote(planted)}"
    response = victim.get(link, allow_redirects=False, timeout=5)
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    page = victim.get(demo.url + "/", timeout=5).text
    assert "locked" not in page and "555" not in page


def test_20_a_callback_replayed_with_the_cookie_from_before_it_logs_nobody_in(demo: Any) -> None:
    browser, callback, _ = started_flow(demo)
    before = browser.cookies.copy()  # the cookie session with the flow still pending in it
    done = browser.get(callback, allow_redirects=False, timeout=5)
    assert (done.status_code, done.headers["Location"]) == (302, "/profile")
    attacker = requests.Session()
    attacker.cookies.update(before)
    replay = attacker.get(callback, allow_redirects=False, timeout=5)
    assert (replay.status_code, replay.headers["Location"]) == (302, "/")  # refused before any token request
    assert attacker.get(demo.url + "/profile", allow_redirects=False, timeout=5).status_code == 302


def test_22_a_sign_in_started_in_another_tab_still_completes_after_the_first_one(demo: Any) -> None:
    browser = requests.Session()
    callbacks = []
    for _ in range(2):  # two tabs of one browser start "Sign in with the demo provider"
        start = browser.get(demo.url + "/auth/provider", allow_redirects=False, timeout=5)
        callbacks.append(requests.get(start.headers["Location"], allow_redirects=False, timeout=5).headers["Location"])
    second = browser.get(callbacks[1], allow_redirects=False, timeout=5)
    assert (second.status_code, second.headers["Location"]) == (302, "/profile")
    first = browser.get(callbacks[0], allow_redirects=False, timeout=5)
    assert (first.status_code, first.headers["Location"]) == (302, "/profile")
