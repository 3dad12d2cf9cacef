"""The token request is oauthlib's, and oauthlib validates the answer, with our limits and secrecy kept.

The body of the token request must be byte for byte what ``oauthlib.oauth2.WebApplicationClient``
prepares; a successful answer passes oauthlib's validation and then our stricter checks; and
nothing secret reaches the ``oauthlib`` or ``requests_oauthlib`` loggers.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from urllib.parse import parse_qs
from urllib.parse import unquote_plus

import pytest
from oauth2_helpers import SESSION_KEY
from oauthlib.oauth2 import WebApplicationClient

from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import TokenError
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

CLIENT = "client-7"
SECRET = "client-secret-canary-41"
CODE = "code-canary-88"
ACCESS = "access-canary-5150"
REFRESH = "refresh-canary-2112"
CALLBACK = "http://app.test/cb"
OAUTHLIB_LOGGERS = ("oauthlib", "requests_oauthlib")


def verify(access_token, refresh_token, params, profile):
    return {"id": "u", "tokens": (access_token, refresh_token), "params": params}


class Flow:
    """One login against the fault server: the first leg, then a callback with ``CODE``."""

    def __init__(self, faults, cls=OAuth2Strategy, **options):
        options.setdefault("client_secret", SECRET)
        options.setdefault("callback_url", CALLBACK)
        options.setdefault("verify_params", True)
        options.setdefault("timeout", 2.0)
        self.faults = faults
        self.strategy = cls(
            verify,
            authorization_url=faults.url + "/authorize",
            token_url=faults.url + "/token",
            client_id=CLIENT,
            **options,
        )
        self.verifier = None

    def run(self, options=None):
        session = {}
        first = run_strategy(self.strategy, make_request(url="http://app.test/login", session=session))
        pending = session.get(SESSION_KEY, {}).get("pending", [])
        self.verifier = self.strategy._flow_key.derive(pending[0].get("pkce")) if pending else None
        state = parse_qs(first.url.split("?", 1)[1]).get("state", [""])[0]
        url = f"http://app.test/cb?code={CODE}&state={state}"
        return run_strategy(self.strategy, make_request(url=url, session=session), options)

    def sent(self):
        """(headers, body) of the one token request the fault server received."""
        assert len(self.faults.received) == 1
        head, _, body = self.faults.received[0].partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        return headers, body.decode()


def grant_answer(faults, **extra):
    faults.respond("200 OK", json.dumps({"access_token": ACCESS, "token_type": "Bearer", **extra}).encode())


def assert_clean(error):
    text = "".join(traceback.format_exception(error)) + repr(error) + str(error)
    for secret in (SECRET, CODE, ACCESS, REFRESH):
        assert secret not in text


# -- the request ------------------------------------------------------------------------------


def test_the_token_request_body_is_what_oauthlib_prepares(faults):
    grant_answer(faults)
    flow = Flow(faults)
    assert flow.run().action == "success"
    headers, body = flow.sent()
    expected = WebApplicationClient(CLIENT).prepare_request_body(
        code=CODE, redirect_uri=CALLBACK, code_verifier=flow.verifier, include_client_id=True, client_secret=SECRET
    )
    assert body == expected
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in headers
    fields = parse_qs(body, keep_blank_values=True)
    assert fields == {
        "grant_type": ["authorization_code"],
        "code": [CODE],
        "redirect_uri": [CALLBACK],
        "code_verifier": [flow.verifier],
        "client_id": [CLIENT],
        "client_secret": [SECRET],
    }
    assert len(flow.verifier) >= 43


def test_client_secret_basic_sends_neither_id_nor_secret_in_the_body(faults):
    grant_answer(faults)
    flow = Flow(faults, client_auth="client_secret_basic", client_secret="s3cret/with+chars")
    assert flow.run().action == "success"
    headers, body = flow.sent()
    expected = WebApplicationClient(CLIENT).prepare_request_body(
        code=CODE, redirect_uri=CALLBACK, code_verifier=flow.verifier, include_client_id=False
    )
    assert body == expected
    assert "client_id" not in parse_qs(body) and "client_secret" not in parse_qs(body)
    scheme, _, credentials = headers["authorization"].partition(" ")
    user, _, password = base64.b64decode(credentials).decode().partition(":")
    assert scheme == "Basic"
    assert (unquote_plus(user), unquote_plus(password)) == (CLIENT, "s3cret/with+chars")  # RFC 6749 §2.3.1


def test_a_public_client_sends_its_id_and_no_secret(faults):
    grant_answer(faults)
    flow = Flow(faults, client_secret=None)
    assert flow.run().action == "success"
    _, body = flow.sent()
    fields = parse_qs(body)
    assert fields["client_id"] == [CLIENT]
    assert "client_secret" not in fields


def test_without_pkce_or_callback_url_oauthlib_leaves_those_fields_out(faults):
    grant_answer(faults)
    flow = Flow(faults, pkce=False, callback_url=None)
    assert flow.run().action == "success"
    _, body = flow.sent()
    assert body == WebApplicationClient(CLIENT).prepare_request_body(code=CODE, client_secret=SECRET)
    assert set(parse_qs(body)) == {"grant_type", "code", "client_id", "client_secret"}


class Extras(OAuth2Strategy):
    def token_params(self, options):
        return {
            "audience": "api",
            "scope": "a b",
            "body": "not-a-body",
            "include_client_id": "no",
            "grant_type": "password",
            "code": "forged",
            "client_id": "other",
            "client_secret": "other",
            "redirect_uri": "https://evil.test/",
            "code_verifier": "forged",
            "blank": "",
        }


def test_token_params_come_first_and_never_replace_the_grants_fields(faults):
    grant_answer(faults)
    flow = Flow(faults, cls=Extras)
    assert flow.run().action == "success"
    _, body = flow.sent()
    assert body.startswith("audience=api&scope=a+b&body=not-a-body&include_client_id=no&blank=&grant_type=")
    fields = parse_qs(body, keep_blank_values=True)
    assert fields["grant_type"] == ["authorization_code"]
    assert fields["code"] == [CODE]
    assert fields["client_id"] == [CLIENT]
    assert fields["client_secret"] == [SECRET]
    assert fields["redirect_uri"] == [CALLBACK]
    assert fields["code_verifier"] == [flow.verifier]
    assert fields["blank"] == [""]


# -- the answer -------------------------------------------------------------------------------


def test_verify_gets_the_providers_fields_as_sent_not_oauthlibs_rewrite(faults):
    grant_answer(faults, refresh_token=REFRESH, scope="read write", expires_in="3600", id_token="x.y.z")
    result = Flow(faults).run()
    assert result.action == "success", result.error
    assert result.user["tokens"] == (ACCESS, REFRESH)
    assert result.user["params"] == {
        "access_token": ACCESS,
        "token_type": "Bearer",
        "scope": "read write",
        "expires_in": "3600",
        "id_token": "x.y.z",
    }


@pytest.mark.parametrize(
    "fields",
    [{"expires_in": "soon " + ACCESS}, {"expires_in": [1]}, {"expires_in": float("nan")}, {"scope": {"a": ACCESS}}],
    ids=["word-expires-in", "list-expires-in", "nan-expires-in", "object-scope"],
)
def test_fields_oauthlib_cannot_read_are_an_internal_oauth_error(faults, fields):
    grant_answer(faults, **fields)
    result = Flow(faults).run()
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error) == "Failed to obtain access token (malformed token response)"
    assert result.error.upstream_status == 200
    assert result.error.__cause__ is None and result.error.__context__ is None  # oauthlib's text may quote values
    assert_clean(result.error)


def test_an_infinite_expires_in_is_an_internal_oauth_error(faults):
    faults.respond("200 OK", b'{"access_token": "' + ACCESS.encode() + b'", "expires_in": 1e400}')
    result = Flow(faults).run()
    assert str(result.error) == "Failed to obtain access token (malformed token response)"


def test_a_missing_access_token_is_oauthlibs_missing_token_mapped_to_an_internal_error(faults):
    faults.respond("200 OK", b'{"token_type": "bearer", "refresh_token": "' + REFRESH.encode() + b'"}')
    result = Flow(faults).run()
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error) == "Failed to obtain access token"
    assert result.error.__context__ is None
    assert_clean(result.error)


def test_a_missing_token_type_is_accepted_unless_oauthlibs_strict_variable_is_set(faults, monkeypatch):
    faults.respond("200 OK", json.dumps({"access_token": ACCESS}).encode())
    monkeypatch.delenv("OAUTHLIB_STRICT_TOKEN_TYPE", raising=False)
    assert Flow(faults).run().action == "success"
    faults.received.clear()
    monkeypatch.setenv("OAUTHLIB_STRICT_TOKEN_TYPE", "1")
    result = Flow(faults).run()
    assert isinstance(result.error, InternalOAuthError)
    assert str(result.error) == "Failed to obtain access token (missing token_type)"


def test_a_changed_scope_is_not_refused(faults, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    grant_answer(faults, scope="read:user,user:email")  # GitHub's comma list, not what was asked
    result = Flow(faults, scope=["read:user"]).run()
    assert result.action == "success", result.error


def test_a_200_error_with_fields_oauthlib_cannot_read_is_still_a_token_error(faults):
    faults.respond("200 OK", b'{"error": "invalid_grant", "error_description": "expired", "expires_in": "x"}')
    result = Flow(faults).run()
    assert isinstance(result.error, TokenError)
    assert (result.error.code, result.error.message) == ("invalid_grant", "expired")


def test_a_bare_error_code_gets_no_stock_description_from_oauthlib(faults):
    faults.respond("400 Bad Request", b'{"error": "invalid_request"}')  # oauthlib would say "Invalid client_id..."
    result = Flow(faults).run()
    assert isinstance(result.error, TokenError)
    assert (result.error.code, result.error.message, result.error.uri) == ("invalid_request", None, None)


# -- logs -------------------------------------------------------------------------------------


def oauthlib_log_text(caplog):
    lines = []
    for record in caplog.records:
        if record.name.split(".")[0] in OAUTHLIB_LOGGERS:
            lines.append(f"{record.name} {record.getMessage()} {record.args!r}")
            if record.exc_info:
                lines.append("".join(traceback.format_exception(*record.exc_info)))
    return "\n".join(lines)


@pytest.mark.parametrize("answer", ["tokens", "oauth-error", "missing-token", "malformed"])
def test_oauthlib_and_requests_oauthlib_debug_logs_hold_no_canary(faults, debug_logs, answer):
    assert logging.getLogger("oauthlib").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("requests_oauthlib").isEnabledFor(logging.DEBUG)
    if answer == "tokens":
        grant_answer(faults, refresh_token=REFRESH)
    elif answer == "oauth-error":
        faults.respond("400 Bad Request", b'{"error": "invalid_grant", "error_description": "' + CODE.encode() + b'"}')
    elif answer == "missing-token":
        faults.respond("200 OK", b'{"refresh_token": "' + REFRESH.encode() + b'"}')
    else:
        grant_answer(faults, expires_in="never " + ACCESS, refresh_token=REFRESH)
    flow = Flow(faults, client_auth="client_secret_post")
    flow.run()
    text = oauthlib_log_text(debug_logs)
    for secret in (SECRET, CODE, ACCESS, REFRESH, flow.verifier):
        assert secret not in text


def test_a_full_login_with_the_real_provider_leaves_oauthlib_loggers_without_a_canary(
    make_strategy, provider, browser, debug_logs
):
    provider.extra_token_fields = {"refresh_token": REFRESH}
    seen = {}

    def remember(access_token, refresh_token, profile):
        seen["access"] = access_token
        return {"id": 1}

    session = {}
    strategy = make_strategy(remember)
    first = browser.start(strategy, session)
    verifier = strategy._flow_key.derive(session[SESSION_KEY]["pending"][0]["pkce"])
    location = browser.consent(first.url)
    code = parse_qs(location.split("?", 1)[1])["code"][0]
    result = browser.callback(strategy, location, session)
    assert result.action == "success", result.error
    text = oauthlib_log_text(debug_logs)
    for secret in (provider.client_secret, code, verifier, seen["access"], REFRESH):
        assert secret not in text
