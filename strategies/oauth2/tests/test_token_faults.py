"""Token endpoint faults a real provider will not produce on demand, from a raw socket on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
import traceback

import pytest

from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import TokenError
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

CANARY = "canary-access-token-5b1d"
FAST = 0.6  # seconds: connect, read and overall deadline in these tests


def verify(access_token, refresh_token, profile):
    return {"id": "u", "token": access_token}


@pytest.fixture
def exchange(faults):
    """``exchange(**options)``: run a first leg, then a callback whose token request hits the fault server."""

    def run(**options):
        options.setdefault("timeout", FAST)
        strategy = OAuth2Strategy(
            verify,
            authorization_url=faults.url + "/authorize",
            token_url=faults.url + "/token",
            client_id="client",
            client_secret="client-secret-canary",
            callback_url="http://app.test/cb",
            **options,
        )
        session = {}
        first = run_strategy(strategy, make_request(url="http://app.test/login", session=session))
        state = first.url.split("state=")[1].split("&")[0]
        request = make_request(url=f"http://app.test/cb?code=code-canary-77&state={state}", session=session)
        start = time.monotonic()
        result = run_strategy(strategy, request)
        return result, time.monotonic() - start

    return run


def assert_clean(error):
    text = "".join(traceback.format_exception(error)) + repr(error)
    for secret in (CANARY, "client-secret-canary", "code-canary-77"):
        assert secret not in text


def test_a_silent_token_endpoint_times_out(exchange, faults):
    faults.behave(faults.silence)
    result, took = exchange()
    assert isinstance(result.error, InternalOAuthError)
    assert "timed out" in str(result.error)
    assert took < FAST + 1.0


def test_a_body_trickled_byte_by_byte_is_cut_at_the_deadline(exchange, faults):
    body = json.dumps({"access_token": CANARY, "token_type": "bearer"}).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    faults.trickle(head, body, interval=0.25)  # each byte well inside the read timeout
    result, took = exchange()
    assert isinstance(result.error, InternalOAuthError)
    assert "timed out" in str(result.error)
    assert took < FAST + 1.0
    assert_clean(result.error)


def test_headers_trickled_byte_by_byte_are_cut_at_the_deadline(exchange, faults):
    faults.trickle(b"", b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}", interval=0.25)
    result, took = exchange()
    assert "timed out" in str(result.error)
    assert took < FAST + 1.0


def test_a_declared_50_mb_body_is_refused_without_reading_it(exchange, faults):
    def huge(conn, _request):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n")
        try:
            for _ in range(50 * 16):
                conn.sendall(b"0" * 65536)
        except OSError:
            pass

    faults.behave(huge)
    result, took = exchange()
    assert "too large" in str(result.error)
    assert took < 2


@pytest.mark.parametrize("framing", ["close-delimited", "chunked"])
def test_an_undeclared_50_mb_body_is_abandoned_past_the_cap(exchange, faults, framing):
    def huge(conn, _request):
        chunked = framing == "chunked"
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + (b"Transfer-Encoding: chunked\r\n" if chunked else b"Connection: close\r\n")
            + b"\r\n"
        )
        block = b"[" * 65536
        try:
            for _ in range(50 * 16):
                conn.sendall(b"10000\r\n" + block + b"\r\n" if chunked else block)
        except OSError:
            pass

    faults.behave(huge)
    result, took = exchange(timeout=5.0)
    assert "too large" in str(result.error)
    assert took < 3


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"garbage", "application/json"),
        (b"<html><body>Bad Gateway " + CANARY.encode() + b"</body></html>", "text/html"),
        (b'{"access_token": "' + CANARY.encode() + b'", "tok', "application/json"),
        (b'["' + CANARY.encode() + b'"]', "application/json"),
        (b'"' + CANARY.encode() + b'"', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\xfa" + CANARY.encode(), "application/json"),
        (b"{}", "application/json"),
        (b'{"access_token": ""}', "application/json"),
        (b'{"access_token": 12345}', "application/json"),
        (b'{"access_token": ["' + CANARY.encode() + b'"]}', "application/json"),
        (b'{"access_token": "' + CANARY.encode() + b'", "token_type": "mac"}', "application/json"),
        (b'{"access_token": "' + CANARY.encode() + b'", "token_type": 7}', "application/json"),
        (b'{"access_token": "' + CANARY.encode() + b'", "refresh_token": {"x": 1}}', "application/json"),
        (b"[" * 100000 + b"]" * 100000, "application/json"),
        (b"access_token=" + CANARY.encode(), "text/plain"),
    ],
    ids=[
        "garbage",
        "html",
        "truncated-json",
        "json-array",
        "json-string",
        "empty",
        "invalid-utf8",
        "empty-object",
        "empty-token",
        "numeric-token",
        "list-token",
        "mac-token-type",
        "numeric-token-type",
        "object-refresh-token",
        "deep-nesting",
        "form-body-as-text",
    ],
)
def test_an_unusable_200_answer_is_an_internal_oauth_error(exchange, faults, body, content_type):
    faults.respond("200 OK", body, {"Content-Type": content_type})
    result, _ = exchange()
    assert result.action == "error"
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error).startswith("Failed to obtain access token")
    assert result.error.status == 502
    assert_clean(result.error)


def test_a_200_carrying_an_oauth_error_is_a_token_error(exchange, faults):
    faults.respond("200 OK", b'{"error": "invalid_grant", "error_description": "Code expired"}')
    result, _ = exchange()
    assert isinstance(result.error, TokenError)
    assert (result.error.code, result.error.message) == ("invalid_grant", "Code expired")


def test_an_error_description_echoing_a_secret_is_redacted(exchange, faults):
    faults.respond("400 Bad Request", b'{"error": "invalid_grant", "error_description": "code code-canary-77 is bad"}')
    result, _ = exchange()
    assert isinstance(result.error, TokenError)
    assert result.error.message == "code [redacted] is bad"
    assert_clean(result.error)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        ("500 Internal Server Error", b'{"error": "server_error"}'),
        ("503 Service Unavailable", b"<html>down</html>"),
        ("400 Bad Request", b'{"message": "not oauth"}'),
        ("401 Unauthorized", b"nope"),
    ],
)
def test_non_oauth_error_answers_are_internal_oauth_errors(exchange, faults, status, body):
    faults.respond(status, body)
    result, _ = exchange()
    assert isinstance(result.error, InternalOAuthError)
    assert result.error.upstream_status == int(status.split()[0])
    assert str(result.error) == "Failed to obtain access token"


def test_a_connection_reset_is_an_internal_oauth_error(exchange, faults):
    faults.behave(faults.reset)
    result, _ = exchange()
    assert isinstance(result.error, InternalOAuthError)
    assert "connection failed" in str(result.error)
    assert result.error.__cause__ is not None
    assert_clean(result.error)


def test_a_refused_connection_is_an_internal_oauth_error(faults):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    strategy = OAuth2Strategy(
        verify,
        authorization_url=f"http://127.0.0.1:{port}/authorize",
        token_url=f"http://127.0.0.1:{port}/token",
        client_id="client",
        state=False,
        pkce=False,
        timeout=FAST,
    )
    result = run_strategy(strategy, make_request(url="http://app.test/cb?code=abc"))
    assert isinstance(result.error, InternalOAuthError)


def test_a_false_content_length_is_an_internal_oauth_error(exchange, faults):
    faults.respond("200 OK", b'{"access_token": "x"}', {"Content-Length": "500"})
    result, _ = exchange()
    assert isinstance(result.error, InternalOAuthError)


@pytest.mark.parametrize("status", ["307 Temporary Redirect", "302 Found", "308 Permanent Redirect"])
def test_a_redirect_from_the_token_endpoint_is_not_followed(exchange, faults, status):
    faults.respond(status, b"", {"Location": faults.url + "/stolen"})
    result, _ = exchange()
    assert isinstance(result.error, InternalOAuthError)
    assert "redirects are not followed" in str(result.error)
    assert faults.connections == 1
    assert len(faults.received) == 1
    assert_clean(result.error)


def test_a_mixed_case_bearer_token_type_is_accepted(exchange, faults):
    faults.respond("200 OK", b'{"access_token": "tok", "token_type": "BeArEr", "refresh_token": "rt"}')
    result, _ = exchange()
    assert result.action == "success", result.error
    assert result.user["token"] == "tok"


def test_a_form_encoded_answer_is_accepted_when_labelled_so(exchange, faults):
    faults.respond(
        "200 OK", b"access_token=tok&token_type=bearer", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    result, _ = exchange()
    assert result.action == "success", result.error


def test_the_token_request_has_the_expected_shape(exchange, faults):
    faults.respond("200 OK", b'{"access_token": "tok"}')
    exchange(custom_headers={"X-Custom": "yes"})
    head, _, body = faults.received[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /token HTTP/1.1"
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["accept"] == "application/json"
    assert headers["x-custom"] == "yes"
    assert headers["user-agent"].startswith("passport-strategy-oauth2/")
    assert b"client_secret=client-secret-canary" in body
    assert b"code_verifier=" in body


@pytest.mark.parametrize("fault", ["redirect", "reset", "html", "trickle", "oauth-error"])
def test_faults_log_no_secret_at_debug(exchange, faults, debug_logs, fault):
    if fault == "redirect":
        faults.respond("307 Temporary Redirect", b"", {"Location": faults.url + "/stolen?code=code-canary-77"})
    elif fault == "reset":
        faults.behave(faults.reset)
    elif fault == "html":
        faults.respond("502 Bad Gateway", b"<html>" + CANARY.encode() + b"</html>", {"Content-Type": "text/html"})
    elif fault == "trickle":
        faults.trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n", b'{"access_token": "' + CANARY.encode(), 0.2)
    else:
        faults.respond(
            "400 Bad Request", b'{"error": "invalid_grant", "error_description": "' + CANARY.encode() + b'"}'
        )
    result, _ = exchange()
    assert result.action == "error"
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in debug_logs.records)
    for secret in ("client-secret-canary", "code-canary-77"):
        assert secret not in logged
    assert CANARY not in logged


def test_a_silent_profile_endpoint_times_out_too(provider, browser, faults):
    faults.behave(faults.silence)

    class SlowProfile(OAuth2Strategy):
        def user_profile(self, access_token):
            return self.fetch_json(faults.url + "/user", access_token)

    strategy = SlowProfile(
        verify,
        authorization_url=provider.authorization_url,
        token_url=provider.token_url,
        client_id="client-abc123",
        client_secret=provider.client_secret,
        callback_url="http://app.test/auth/provider/callback",
        timeout=FAST,
    )
    start = time.monotonic()
    result = browser.login(strategy, {})
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error) == "Failed to fetch user profile (timed out)"
    assert time.monotonic() - start < FAST + 1.5


def test_a_close_delimited_body_cut_by_the_deadline_is_not_taken_as_complete(exchange, faults):
    faults.trickle(  # valid JSON at once, then whitespace that never ends in time
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"access_token": "tok"}',
        b" " * 40,
        interval=0.05,
    )
    result, took = exchange(timeout=0.5)
    assert isinstance(result.error, InternalOAuthError)
    assert "timed out" in str(result.error)
