"""Security items 10 and 24: the PKCE verifier is derived with the strategy's ``flow_key``, never kept.

Real Flask and Starlette (FastAPI) apps with their cookie sessions sign users in at the Authlib
provider on 127.0.0.1. While a flow is pending the test base64-decodes the session cookie, as
anyone holding it could, and finds neither the verifier nor anything that computes it; the
provider, which checks PKCE itself, receives a verifier of the right form whose S256 is the
challenge. Instances sharing a ``flow_key`` complete each other's flows; instances that do not
fail the callback before any token request, with an explained error and log line.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import secrets
import zlib
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import Depends
from fastapi import FastAPI
from flask import Flask
from oauth2_helpers import CALLBACK
from oauth2_helpers import SESSION_KEY
from starlette.middleware.sessions import SessionMiddleware

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.strategies.oauth2 import FlowKeyError
from passport.strategies.oauth2 import OAuth2Strategy

UNRESERVED_43_128 = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
MISMATCH_HINT = "set OAuth2Strategy(flow_key=...) to the same value on every instance"
FLASK_SECRET = "flask-session-secret-for-tests"
STARLETTE_SECRET = "starlette-session-secret-for-tests"


def s256(value: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest()).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_flask_cookie(value: str) -> Any:
    """What anyone holding a Flask session cookie reads in it, without the secret key."""
    compressed = value.startswith(".")
    payload = b64decode(value.lstrip(".").split(".")[0])
    return json.loads(zlib.decompress(payload) if compressed else payload)


def read_starlette_cookie(value: str) -> Any:
    """What anyone holding a Starlette session cookie reads in it, without the secret key."""
    return json.loads(base64.b64decode(value.split(".")[0]))


def strings_in(value: Any) -> list[str]:
    """Every string in a decoded session, keys included, and each dot-separated piece of it."""
    found: list[str] = []
    if isinstance(value, str):
        found += [value, *value.split(".")]
    elif isinstance(value, dict):
        for k, v in value.items():
            found += strings_in(k) + strings_in(v)
    elif isinstance(value, list):
        for item in value:
            found += strings_in(item)
    return found


def assert_nothing_computes_the_verifier(session: Any, verifier: str, challenge: str) -> None:
    text = json.dumps(session)
    assert verifier not in text
    assert "code_verifier" not in text
    for piece in strings_in(session):
        assert piece != verifier
        assert s256(piece) != challenge  # no stored value is a verifier of this flow
        for candidate in (piece.encode(), *raw_bytes(piece)):
            digest = base64.urlsafe_b64encode(hashlib.sha256(candidate).digest()).rstrip(b"=").decode()
            assert digest != verifier  # nor hashes to it without a key


def raw_bytes(piece: str) -> list[bytes]:
    """The bytes a base64url piece of the cookie stands for (none when it is not base64url)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", piece) or len(piece) % 4 == 1:
        return []
    return [b64decode(piece)]


@pytest.fixture
def another_process(monkeypatch: pytest.MonkeyPatch):
    """From here on, strategies built without ``flow_key`` get the key another process would make.

    The default key is made once per process, so two app objects in this test process share it;
    this stands in for the instance started separately (another server, a worker not forked from
    a common parent).
    """
    import passport.strategies.oauth2._pkce as pkce

    def switch() -> None:
        monkeypatch.setattr(pkce, "_PROCESS_KEY", secrets.token_bytes(32))

    return switch


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def callback_path(location: str) -> str:
    return "/auth/provider/callback?" + urlsplit(location).query


def make_passport(provider, **options: Any) -> Passport:
    passport = Passport()
    passport.use(
        OAuth2Strategy(
            lambda access_token, refresh_token, profile: {"id": "u-1"},
            authorization_url=provider.authorization_url,
            token_url=provider.token_url,
            client_id="client-abc123",
            client_secret=provider.client_secret,
            callback_url=CALLBACK,
            **options,
        )
    )
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: {"id": user_id})
    return passport


def flask_app(provider, **options: Any) -> Flask:
    app = Flask(f"pkce-{secrets.token_hex(4)}")
    app.secret_key = FLASK_SECRET
    auth = PassportFlask(make_passport(provider, **options), app)

    @app.get("/auth/provider")
    @auth.authenticate("oauth2")
    def login() -> str:
        return ""

    @app.get("/auth/provider/callback")
    @auth.authenticate("oauth2", failure_redirect="/login", success_redirect="/")
    def callback() -> str:
        return ""

    @app.get("/")
    def home() -> str:
        return f"user {current_user['id']}" if current_user else "anonymous"

    return app


def starlette_app(provider, **options: Any) -> FastAPI:
    passport = make_passport(provider, **options)
    api = FastAPI()
    api.add_middleware(PassportMiddleware, passport=passport)
    api.add_middleware(SessionMiddleware, secret_key=STARLETTE_SECRET, same_site="lax")
    auth = PassportStarlette(passport)
    start = Depends(auth.authenticate("oauth2"))
    finish = Depends(auth.authenticate("oauth2", failure_redirect="/login", success_redirect="/"))

    @api.get("/auth/provider")
    async def login(user: Any = start) -> None: ...

    @api.get("/auth/provider/callback")
    async def callback(user: Any = finish) -> None: ...

    return api


def starlette_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app.test")


# -- the cookie while a flow is pending -------------------------------------------------------------


def test_10_24_a_flask_cookie_session_holds_no_verifier_while_a_flow_is_pending(provider, browser):
    client = flask_app(provider).test_client()
    start = client.get("/auth/provider")
    assert start.status_code == 302
    location = start.headers["Location"]
    challenge = query(location)["code_challenge"]
    pending = read_flask_cookie(client.get_cookie("session").value)
    assert pending[SESSION_KEY]["pending"]  # the flow is in the cookie, readable

    done = client.get(callback_path(browser.consent(location)))
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert client.get("/").text == "user u-1"
    verifier = provider.token_requests[-1].form["code_verifier"]
    assert UNRESERVED_43_128.fullmatch(verifier)
    assert s256(verifier) == challenge
    assert verifier not in location
    assert_nothing_computes_the_verifier(pending, verifier, challenge)


async def test_10_24_a_starlette_cookie_session_holds_no_verifier_while_a_flow_is_pending(provider, browser):
    async with starlette_client(starlette_app(provider)) as client:
        start = await client.get("/auth/provider")
        assert start.status_code == 302
        location = start.headers["location"]
        challenge = query(location)["code_challenge"]
        pending = read_starlette_cookie(client.cookies["session"])
        assert pending[SESSION_KEY]["pending"]

        consented = await asyncio.to_thread(browser.consent, location)
        done = await client.get(callback_path(consented))
        assert (done.status_code, done.headers["location"]) == (302, "/")
    verifier = provider.token_requests[-1].form["code_verifier"]
    assert UNRESERVED_43_128.fullmatch(verifier)
    assert s256(verifier) == challenge
    assert verifier not in location
    assert_nothing_computes_the_verifier(pending, verifier, challenge)


# -- several instances ------------------------------------------------------------------------------


def move_flask_cookie(source, target) -> None:
    """The browser's cookie, sent to another instance (another app object) behind a balancer."""
    target.set_cookie("session", source.get_cookie("session").value)


def test_24_flask_instances_sharing_a_flow_key_complete_each_others_flows(provider, browser):
    key = secrets.token_urlsafe(32)
    first, second = flask_app(provider, flow_key=key).test_client(), flask_app(provider, flow_key=key).test_client()
    start = first.get("/auth/provider")
    challenge = query(start.headers["Location"])["code_challenge"]
    move_flask_cookie(first, second)
    done = second.get(callback_path(browser.consent(start.headers["Location"])))
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert second.get("/").text == "user u-1"
    assert s256(provider.token_requests[-1].form["code_verifier"]) == challenge


async def test_24_starlette_instances_sharing_a_flow_key_complete_each_others_flows(provider, browser):
    key = secrets.token_bytes(32)
    async with (
        starlette_client(starlette_app(provider, flow_key=key)) as first,
        starlette_client(starlette_app(provider, flow_key=key)) as second,
    ):
        start = await first.get("/auth/provider")
        second.cookies.set("session", first.cookies["session"])
        consented = await asyncio.to_thread(browser.consent, start.headers["location"])
        done = await second.get(callback_path(consented))
        assert (done.status_code, done.headers["location"]) == (302, "/")
    assert s256(provider.token_requests[-1].form["code_verifier"]) == query(start.headers["location"])["code_challenge"]


# -- rotating the key ---------------------------------------------------------------------------------


def test_24_a_flow_started_under_the_old_key_completes_after_a_rotation(provider, browser):
    old, new = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    before = flask_app(provider, flow_key=old).test_client()
    start = before.get("/auth/provider")  # pending when the new configuration is deployed
    challenge = query(start.headers["Location"])["code_challenge"]
    after = flask_app(provider, flow_key=new, previous_flow_keys=[old]).test_client()
    move_flask_cookie(before, after)
    done = after.get(callback_path(browser.consent(start.headers["Location"])))
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert after.get("/").text == "user u-1"
    assert s256(provider.token_requests[-1].form["code_verifier"]) == challenge


def test_24_new_flows_start_under_the_new_key_only(make_strategy, browser):
    old, new = "o" * 32, "n" * 32
    rotated = make_strategy(flow_key=new, previous_flow_keys=[old])
    session: dict = {}
    browser.start(rotated, session)
    (entry,) = session[SESSION_KEY]["pending"]
    assert make_strategy(flow_key=new)._flow_key.derive(entry["pkce"]) == rotated._flow_key.derive(entry["pkce"])
    with pytest.raises(FlowKeyError):  # an instance still on the old key alone cannot finish it
        make_strategy(flow_key=old)._flow_key.derive(entry["pkce"])


def test_24_a_key_dropped_from_previous_flow_keys_no_longer_completes_its_flows(make_strategy, browser):
    old, new = "o" * 32, "n" * 32
    session: dict = {}
    browser.start(make_strategy(flow_key=old), session)
    (entry,) = session[SESSION_KEY]["pending"]
    assert make_strategy(flow_key=new, previous_flow_keys=["x" * 32, old])._flow_key.derive(entry["pkce"])
    with pytest.raises(FlowKeyError):
        make_strategy(flow_key=new, previous_flow_keys=["x" * 32])._flow_key.derive(entry["pkce"])


@pytest.mark.parametrize(
    ("previous", "error", "match"),
    [
        ("o" * 32, TypeError, "a list of keys, not one key"),
        (b"o" * 32, TypeError, "a list of keys, not one key"),
        ([None], TypeError, "not None"),
        (["short"], ValueError, "at least 32 bytes"),
        ([42], TypeError, "str or bytes"),
    ],
)
def test_24_previous_flow_keys_are_checked_like_the_key(make_strategy, previous, error, match):
    with pytest.raises(error, match=match):
        make_strategy(flow_key="n" * 32, previous_flow_keys=previous)


KEYS = {
    "different keys": ("a" * 32, "b" * 32),
    "no key on either": (None, None),
    "a key on one only": ("c" * 40, None),
}


def assert_explained(caplog: pytest.LogCaptureFixture, *secret_values: str | None) -> None:
    lines = [r for r in caplog.records if r.name == "passport.strategies.oauth2" and MISMATCH_HINT in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.ERROR
    # httpx's own INFO line is the test's client logging the URL it requested, not the app.
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    for value in secret_values:
        if value:
            assert value not in text


@pytest.mark.parametrize("keys", KEYS.values(), ids=KEYS.keys())
def test_24_flask_instances_without_a_shared_key_fail_the_callback_explained(
    provider, browser, caplog, another_process, keys
):
    first_key, second_key = keys
    first = flask_app(provider, flow_key=first_key).test_client()
    another_process()
    second = flask_app(provider, flow_key=second_key).test_client()
    start = first.get("/auth/provider")
    move_flask_cookie(first, second)
    location = browser.consent(start.headers["Location"])
    with caplog.at_level(logging.DEBUG):
        done = second.get(callback_path(location))
    assert done.status_code == 500  # the deployment's configuration, not the user's doing
    assert provider.token_requests == []  # stopped before the provider could answer invalid_grant
    body = done.get_data(as_text=True)
    for value in (first_key, second_key, query(location)["code"], query(location)["state"]):
        assert not value or value not in body
    assert_explained(caplog, first_key, second_key, query(location)["code"], query(location)["state"])
    assert second.get("/").text == "anonymous"


async def test_24_starlette_instances_without_a_shared_key_fail_the_callback_explained(
    provider, browser, caplog, another_process
):
    first_app = starlette_app(provider)
    another_process()
    async with starlette_client(first_app) as first, starlette_client(starlette_app(provider)) as second:
        start = await first.get("/auth/provider")
        second.cookies.set("session", first.cookies["session"])
        location = await asyncio.to_thread(browser.consent, start.headers["location"])
        with caplog.at_level(logging.DEBUG):
            done = await second.get(callback_path(location))
    assert done.status_code == 500
    assert provider.token_requests == []
    for value in (query(location)["code"], query(location)["state"]):
        assert value not in done.text
    assert_explained(caplog, query(location)["code"], query(location)["state"])


def test_24_the_mismatch_is_a_typed_error_for_the_developer(make_strategy, browser, another_process):
    first = make_strategy()
    another_process()
    second = make_strategy()
    session: dict = {}
    location = browser.consent(browser.start(first, session).url)
    result = browser.callback(second, location, session)
    assert result.action == "error"
    assert isinstance(result.error, FlowKeyError)
    assert result.error.status == 500
    assert MISMATCH_HINT in str(result.error)
    # The flow was consumed: the right instance cannot complete it afterwards either.
    assert browser.callback(first, location, session).action == "fail"


# -- the verifier itself ---------------------------------------------------------------------------


def test_24_a_thousand_flows_have_a_thousand_distinct_verifiers(make_strategy, browser):
    strategy = make_strategy()
    challenges, references, verifiers = set(), set(), set()
    for _ in range(1000):
        session: dict = {}
        first = browser.start(strategy, session)
        challenges.add(query(first.url)["code_challenge"])
        (entry,) = session[SESSION_KEY]["pending"]
        references.add(entry["pkce"])
        verifiers.add(strategy._flow_key.derive(entry["pkce"]))
    assert len(challenges) == len(references) == len(verifiers) == 1000
    assert all(UNRESERVED_43_128.fullmatch(v) and len(v) == 43 for v in verifiers)
    assert {s256(v) for v in verifiers} == challenges


def test_24_the_verifier_depends_on_the_key_not_only_on_what_the_session_keeps(make_strategy, browser):
    key = "k" * 32
    one, same, other = make_strategy(flow_key=key), make_strategy(flow_key=key), make_strategy(flow_key="o" * 32)
    session: dict = {}
    browser.start(one, session)
    (entry,) = session[SESSION_KEY]["pending"]
    assert same._flow_key.derive(entry["pkce"]) == one._flow_key.derive(entry["pkce"])
    with pytest.raises(FlowKeyError):
        other._flow_key.derive(entry["pkce"])


@pytest.mark.parametrize(
    "reference",
    ["", "pkce1", "pkce2.AAAAAAAAAAA." + "A" * 43, "pkce1.AAAAAAAAAAA." + "A" * 42, "pkce1.AAAA!AAAAAA." + "A" * 43],
)
def test_24_a_tampered_reference_fails_the_callback_with_403_before_the_token_request(
    make_strategy, provider, browser, reference
):
    strategy = make_strategy()
    session: dict = {}
    first = browser.start(strategy, session)
    session[SESSION_KEY]["pending"][0]["pkce"] = reference
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert (result.action, result.status) == ("fail", 403)
    assert provider.token_requests == []


def test_10_a_custom_store_gets_a_reference_it_can_keep_anywhere_never_the_verifier(make_strategy, provider, browser):
    class DictStore:
        def __init__(self) -> None:
            self.flows: dict[str, str] = {}

        def store(self, request, meta):
            handle = secrets.token_urlsafe(32)
            self.flows[handle] = meta["code_verifier"]
            return handle

        def verify(self, request, handle, meta):
            kept = self.flows.pop(handle, None) if handle else None
            return (kept is not None), kept, (None if kept is not None else {"message": "no"})

    store = DictStore()
    strategy = make_strategy(store=store)
    first = browser.start(strategy, {})
    (reference,) = store.flows.values()
    assert browser.callback(strategy, browser.consent(first.url), {}).action == "success"
    verifier = provider.token_requests[-1].form["code_verifier"]
    assert reference != verifier and verifier not in reference
    assert s256(verifier) == query(first.url)["code_challenge"]


# -- the key ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["x" * 31, b"x" * 31, "", b""])
def test_24_a_flow_key_shorter_than_32_bytes_is_refused_without_echoing_it(make_strategy, key):
    with pytest.raises(ValueError, match="at least 32 bytes") as caught:
        make_strategy(flow_key=key)
    if key:
        assert (key.decode() if isinstance(key, bytes) else key) not in str(caught.value)


def test_24_a_multibyte_key_is_measured_in_bytes(make_strategy):
    make_strategy(flow_key="é" * 16)  # 32 bytes in UTF-8
    with pytest.raises(ValueError):
        make_strategy(flow_key="é" * 15)


@pytest.mark.parametrize("key", [12345678901234567890123456789012, bytearray(32), ["k" * 32]])
def test_24_a_flow_key_of_another_type_is_a_type_error(make_strategy, key):
    with pytest.raises(TypeError, match="flow_key must be a str or bytes"):
        make_strategy(flow_key=key)


def test_24_the_key_is_in_no_repr(make_strategy):
    key = "secret-flow-key-" + "z" * 32
    strategy = make_strategy(flow_key=key)
    assert key not in repr(strategy) and key not in repr(strategy._flow_key)
    assert key not in repr(vars(strategy))


def test_24_without_flow_key_strategies_of_one_process_share_its_key(provider, browser):
    first, second = flask_app(provider).test_client(), flask_app(provider).test_client()  # an app factory, twice
    start = first.get("/auth/provider")
    move_flask_cookie(first, second)
    done = second.get(callback_path(browser.consent(start.headers["Location"])))
    assert (done.status_code, done.headers["Location"]) == (302, "/")


# -- a real second process ---------------------------------------------------------------------------

SERVE = """
import logging, os, sys
from types import SimpleNamespace
from werkzeug.serving import make_server
import test_pkce

logging.basicConfig(stream=sys.stderr, level=logging.INFO)
provider = SimpleNamespace(authorization_url=sys.argv[1], token_url=sys.argv[2], client_secret=sys.argv[3])
app = test_pkce.flask_app(provider, flow_key=os.environ.get("TEST_FLOW_KEY") or None)
server = make_server("127.0.0.1", 0, app)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture
def second_process(provider):
    """Run the same Flask app in another Python process on 127.0.0.1; yields ``start(flow_key)``."""
    import os
    import pathlib
    import subprocess
    import sys

    started: list[subprocess.Popen[str]] = []

    def start(flow_key: str | None) -> tuple[str, subprocess.Popen[str]]:
        env = dict(os.environ, PYTHONPATH=str(pathlib.Path(__file__).parent), TEST_FLOW_KEY=flow_key or "")
        args = [sys.executable, "-c", SERVE, provider.authorization_url, provider.token_url, provider.client_secret]
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read() if process.stderr else ""
        return f"http://127.0.0.1:{port}", process

    yield start
    for process in started:
        process.kill()
        process.communicate(timeout=30)


def callback_in(process_url: str, location: str, cookie: str) -> Any:
    import requests

    url = process_url + callback_path(location)
    return requests.get(url, headers={"Cookie": f"session={cookie}"}, allow_redirects=False, timeout=30)


def test_24_another_process_with_the_same_flow_key_completes_the_flow(provider, browser, second_process):
    key = secrets.token_urlsafe(32)
    url, _process = second_process(key)
    here = flask_app(provider, flow_key=key).test_client()
    start = here.get("/auth/provider")
    done = callback_in(url, browser.consent(start.headers["Location"]), here.get_cookie("session").value)
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert s256(provider.token_requests[-1].form["code_verifier"]) == query(start.headers["Location"])["code_challenge"]


def test_24_another_process_without_flow_key_refuses_the_callback_and_says_why(provider, browser, second_process):
    url, process = second_process(None)
    here = flask_app(provider).test_client()
    start = here.get("/auth/provider")
    location = browser.consent(start.headers["Location"])
    done = callback_in(url, location, here.get_cookie("session").value)
    assert done.status_code == 500
    assert provider.token_requests == []
    process.kill()
    _out, err = process.communicate(timeout=30)
    assert MISMATCH_HINT in err
    hint_lines = [line for line in err.splitlines() if MISMATCH_HINT in line]
    assert hint_lines[0].startswith("ERROR:passport.strategies.oauth2:")
    for value in (query(location)["code"], query(location)["state"]):
        assert value not in "\n".join(hint_lines) and value not in done.text
