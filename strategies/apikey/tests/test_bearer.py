"""BearerStrategy: passport-http-bearer's scenarios (strategy and verify), plus the RFC 6750 400s."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from passport.core import Passport
from passport.strategies.apikey import BearerStrategy
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

TOKEN = "vF9dft4qmT"
USER = {"id": "1234"}
INVALID_REQUEST = 'Bearer realm="Users", error="invalid_request"'


class Spy:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.answer(*args) if callable(self.answer) else self.answer


def accept(token: str) -> Any:
    return (USER, {"scope": "read"}) if token == TOKEN else None


def request(headers: Any = None, body: Any = None, url: str = "/") -> dict[str, Any]:
    fields: dict[str, Any] = {"method": "POST" if body is not None else "GET", "url": url}
    if headers is not None:
        fields["headers"] = headers
    if body is not None:
        fields["body"] = body
    return fields


def assert_bad_request(result: Any, challenge: str = INVALID_REQUEST) -> None:
    assert (result.action, result.status, result.challenge) == ("fail", 400, challenge)


# -- strategy.test.js --------------------------------------------------------------------------


def test_a_token_in_the_authorization_header_authenticates() -> None:
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify), request({"Authorization": f"Bearer {TOKEN}"}))
    assert (result.action, result.user, result.info) == ("success", USER, {"scope": "read"})
    assert verify.calls == [(TOKEN,)]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_case_insensitive(scheme: str) -> None:
    assert run_strategy(BearerStrategy(accept), request({"Authorization": f"{scheme} {TOKEN}"})).user == USER


def test_a_token_in_the_form_body_authenticates_when_the_app_allows_it() -> None:
    result = run_strategy(BearerStrategy(accept, allow_body=True), request(body={"access_token": TOKEN}))
    assert (result.action, result.user) == ("success", USER)


def test_a_token_in_the_query_authenticates_when_the_app_allows_it() -> None:
    result = run_strategy(BearerStrategy(accept, allow_query=True), request(url=f"/?access_token={TOKEN}"))
    assert (result.action, result.user) == ("success", USER)


@pytest.mark.parametrize(
    ("body", "url"),
    [
        pytest.param({"access_token": TOKEN}, "/", id="form body"),
        pytest.param(None, f"/?access_token={TOKEN}", id="query"),
    ],
)
def test_51_by_default_a_token_outside_the_header_is_not_read(body: Any, url: str) -> None:
    """RFC 6750 §2.3: a token in a URL ends in access logs; body and query are opt-in."""
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify), request(body=body, url=url))
    assert (result.action, result.challenge, result.status) == ("fail", 'Bearer realm="Users"', None)
    assert verify.calls == []


def test_51_a_query_token_beside_a_header_token_is_ignored_unless_allowed() -> None:
    result = run_strategy(BearerStrategy(accept), request({"Authorization": f"Bearer {TOKEN}"}, url="/?access_token=x"))
    assert result.user == USER


def test_no_credentials_fail_with_the_realm_challenge_and_no_status() -> None:
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify), request())
    assert (result.action, result.challenge, result.status) == ("fail", 'Bearer realm="Users"', None)
    assert verify.calls == []


def test_the_realm_option_names_the_realm() -> None:
    result = run_strategy(BearerStrategy(accept, realm="example"), request())
    assert result.challenge == 'Bearer realm="example"'


def test_a_scope_list_is_named_space_separated() -> None:
    result = run_strategy(BearerStrategy(accept, scope=["profile", "email"]), request())
    assert result.challenge == 'Bearer realm="Users", scope="profile email"'


def test_a_scope_string_is_one_scope() -> None:
    result = run_strategy(BearerStrategy(accept, scope="profile"), request())
    assert result.challenge == 'Bearer realm="Users", scope="profile"'


@pytest.mark.parametrize("scope", [None, "", [], ()])
def test_an_empty_scope_means_no_scope(scope: Any) -> None:
    assert run_strategy(BearerStrategy(accept, scope=scope), request()).challenge == 'Bearer realm="Users"'


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", id="Basic"),
        pytest.param(f"Bearer2 {TOKEN}", id="Bearer2"),
        pytest.param(f"XBearer {TOKEN}", id="XBearer"),
        pytest.param(f"Bearer: {TOKEN}", id="Bearer colon"),
        pytest.param(" ", id="a single space"),
    ],
)
def test_another_two_part_scheme_is_not_ours_and_fails_with_the_plain_challenge(header: str) -> None:
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify), request({"Authorization": header}))
    assert (result.action, result.challenge, result.status) == ("fail", 'Bearer realm="Users"', None)
    assert verify.calls == []


def test_another_two_part_scheme_does_not_block_a_body_token() -> None:
    strategy = BearerStrategy(accept, allow_body=True)
    result = run_strategy(strategy, request({"Authorization": "Basic abc"}, {"access_token": TOKEN}))
    assert result.user == USER


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer", id="Bearer without a token"),
        pytest.param(f"Bearer  {TOKEN}", id="two spaces"),
        pytest.param(f"Bearer {TOKEN} extra", id="three parts"),
        pytest.param('Digest username="ann", realm="x"', id="multi-part other scheme"),
        pytest.param(f"Bearer\t{TOKEN}", id="tab instead of space"),
        pytest.param("Bearer ", id="empty token"),
        pytest.param(f" Bearer {TOKEN}", id="leading space"),
    ],
)
def test_a_malformed_authorization_header_is_a_400_invalid_request(header: str) -> None:
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify), request({"Authorization": header}))
    assert_bad_request(result)
    assert verify.calls == []


@pytest.mark.parametrize(
    ("headers", "body", "url"),
    [
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, {"access_token": TOKEN}, "/", id="header and body"),
        pytest.param({"Authorization": f"Bearer {TOKEN}"}, None, f"/?access_token={TOKEN}", id="header and query"),
        pytest.param(None, {"access_token": TOKEN}, f"/?access_token={TOKEN}", id="body and query"),
        pytest.param({"Authorization": "Bearer "}, {"access_token": TOKEN}, "/", id="empty header token and body"),
    ],
)
def test_a_token_in_more_than_one_place_is_a_400_invalid_request(headers: Any, body: Any, url: str) -> None:
    verify = Spy(accept)
    result = run_strategy(BearerStrategy(verify, allow_body=True, allow_query=True), request(headers, body, url))
    assert_bad_request(result)
    assert verify.calls == []


def test_the_400_challenge_names_the_configured_realm_and_scope() -> None:
    strategy = BearerStrategy(accept, realm="api", scope=["read"])
    result = run_strategy(strategy, request({"Authorization": "Bearer"}))
    assert_bad_request(result, 'Bearer realm="api", scope="read", error="invalid_request"')


@pytest.mark.parametrize(
    ("body", "url"),
    [
        pytest.param({"access_token": [TOKEN, TOKEN]}, "/", id="repeated body field"),
        pytest.param(None, f"/?access_token={TOKEN}&access_token={TOKEN}", id="repeated query parameter"),
        pytest.param({"access_token": 12345}, "/", id="JSON number"),
        pytest.param({"access_token": {"$ne": ""}}, "/", id="JSON object"),
        pytest.param({"access_token": True}, "/", id="JSON true"),
    ],
)
def test_a_token_that_is_not_one_string_is_a_400_invalid_request(body: Any, url: str) -> None:
    verify = Spy(accept)
    strategy = BearerStrategy(verify, allow_body=True, allow_query=True)
    assert_bad_request(run_strategy(strategy, request(body=body, url=url)))
    assert verify.calls == []


@pytest.mark.parametrize("value", ["", None, 0, False, []])
def test_an_empty_body_or_query_token_counts_as_absent(value: Any) -> None:
    result = run_strategy(
        BearerStrategy(accept), request({"Authorization": f"Bearer {TOKEN}"}, {"access_token": value})
    )
    assert result.user == USER


def test_route_realm_and_scope_options_are_ignored() -> None:
    result = run_strategy(BearerStrategy(accept), request(), options={"realm": "other", "scope": "x"})
    assert result.challenge == 'Bearer realm="Users"'


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"realm": ""}, TypeError),
        ({"realm": None}, TypeError),
        ({"realm": "a\r\nSet-Cookie: x=1"}, ValueError),
        ({"realm": "caf\u00e9"}, ValueError),
        ({"scope": 5}, TypeError),
        ({"scope": b"read"}, TypeError),
        ({"scope": ["read", 5]}, TypeError),
        ({"scope": ["read", ""]}, TypeError),
        ({"scope": ["read\n"]}, ValueError),
        ({"pass_request": "yes"}, TypeError),
        ({"allow_body": 1}, TypeError),
        ({"allow_query": "yes"}, TypeError),
    ],
)
def test_malformed_options_are_refused_at_construction(options: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        BearerStrategy(accept, **options)


def test_the_configuration_is_readable() -> None:
    strategy = BearerStrategy(accept, realm="api", scope="read")
    assert (strategy.realm, strategy.scope) == ("api", ("read",))
    assert repr(strategy) == "<BearerStrategy realm='api' scope=['read'] allow_body=False allow_query=False>"


# -- verify.test.js ----------------------------------------------------------------------------


def test_a_user_without_info_succeeds_with_info_none() -> None:
    result = run_strategy(BearerStrategy(lambda t: USER), request({"Authorization": f"Bearer {TOKEN}"}))
    assert (result.action, result.user, result.info) == ("success", USER, None)


def test_a_user_with_scope_info_succeeds_with_that_info() -> None:
    result = run_strategy(
        BearerStrategy(lambda t: (USER, {"scope": ["read"]})), request({"Authorization": f"Bearer {TOKEN}"})
    )
    assert result.info == {"scope": ["read"]}


def test_pass_request_hands_verify_the_request_first() -> None:
    def verify(req: Any, token: str) -> Any:
        return {"url": req.url, "path": req.path, "token_ok": token == TOKEN}

    result = run_strategy(BearerStrategy(verify, pass_request=True), request({"Authorization": f"Bearer {TOKEN}"}))
    assert result.user == {"url": "http://testserver/", "path": "/", "token_ok": True}


@pytest.mark.parametrize("answer", [None, False, (False, None), (None, {})])
def test_a_rejected_token_fails_with_invalid_token(answer: Any) -> None:
    result = run_strategy(BearerStrategy(lambda t: answer), request({"Authorization": f"Bearer {TOKEN}"}))
    assert (result.action, result.status) == ("fail", None)
    assert result.challenge == 'Bearer realm="Users", error="invalid_token"'


@pytest.mark.parametrize(
    "info", [{"message": "The access token expired"}, "The access token expired"], ids=["object", "string"]
)
def test_a_rejection_message_becomes_the_error_description(info: Any) -> None:
    result = run_strategy(BearerStrategy(lambda t: (False, info)), request({"Authorization": f"Bearer {TOKEN}"}))
    assert result.challenge == (
        'Bearer realm="Users", error="invalid_token", error_description="The access token expired"'
    )
    assert result.status is None


def test_a_rejection_challenge_names_the_configured_scope() -> None:
    strategy = BearerStrategy(lambda t: None, scope=["read", "write"])
    result = run_strategy(strategy, request({"Authorization": f"Bearer {TOKEN}"}))
    assert result.challenge == 'Bearer realm="Users", scope="read write", error="invalid_token"'


@pytest.mark.parametrize("message", ["", None, 42, ["expired"]])
def test_an_empty_or_non_string_message_adds_no_description(message: Any) -> None:
    result = run_strategy(
        BearerStrategy(lambda t: (None, {"message": message})), request({"Authorization": f"Bearer {TOKEN}"})
    )
    assert result.challenge == 'Bearer realm="Users", error="invalid_token"'


def test_verify_raising_is_the_error_action() -> None:
    boom = TimeoutError("introspection endpoint timed out")

    def verify(token: str) -> Any:
        raise boom

    result = run_strategy(BearerStrategy(verify), request({"Authorization": f"Bearer {TOKEN}"}))
    assert (result.action, result.error) == ("error", boom)


# -- sync and async verify ---------------------------------------------------------------------


async def async_accept(token: str) -> Any:
    await asyncio.sleep(0)
    return accept(token)


@pytest.mark.parametrize("verify", [accept, async_accept], ids=["def", "async def"])
def test_either_kind_of_verify_works_in_sync_mode(verify: Any) -> None:
    ok = run_strategy(BearerStrategy(verify), request({"Authorization": f"Bearer {TOKEN}"}))
    wrong = run_strategy(BearerStrategy(verify), request({"Authorization": "Bearer nope"}))
    assert (ok.action, ok.user) == ("success", USER)
    assert wrong.challenge == 'Bearer realm="Users", error="invalid_token"'


@pytest.mark.parametrize("verify", [accept, async_accept], ids=["def", "async def"])
async def test_either_kind_of_verify_works_in_async_mode(verify: Any) -> None:
    ok = await arun_strategy(BearerStrategy(verify), request({"Authorization": f"Bearer {TOKEN}"}))
    wrong = await arun_strategy(BearerStrategy(verify), request({"Authorization": "Bearer nope"}))
    bad = await arun_strategy(BearerStrategy(verify), request({"Authorization": "Bearer"}))
    assert (ok.action, ok.user) == ("success", USER)
    assert wrong.challenge == 'Bearer realm="Users", error="invalid_token"'
    assert_bad_request(bad)


async def test_an_async_verify_with_pass_request_in_async_mode() -> None:
    async def verify(req: Any, token: str) -> Any:
        return None, f"token for {req.path} revoked"

    result = await arun_strategy(
        BearerStrategy(verify, pass_request=True), request({"Authorization": f"Bearer {TOKEN}"}, url="/x")
    )
    assert result.challenge == 'Bearer realm="Users", error="invalid_token", error_description="token for /x revoked"'


async def test_one_instance_serves_concurrent_requests_without_mixing_them() -> None:
    async def verify(token: str) -> Any:
        await asyncio.sleep(0.001 * (len(token) % 4))
        return {"token": token}

    strategy = BearerStrategy(verify)
    tokens = [f"tok{i}" for i in range(40)]
    results = await asyncio.gather(
        *(arun_strategy(strategy, request({"Authorization": f"Bearer {t}"})) for t in tokens)
    )
    assert [r.user["token"] for r in results] == tokens


# -- behind a guard ----------------------------------------------------------------------------


@pytest.fixture
def passport() -> Passport:
    passport = Passport()
    passport.use(BearerStrategy(accept, scope="read"))
    return passport


def test_a_guarded_call_without_a_token_answers_401_with_the_challenge_header(passport: Passport) -> None:
    response = passport.authenticate("bearer", session=False).run(make_request())
    assert response is not None
    assert response.status == 401
    assert response.header_list("WWW-Authenticate") == ['Bearer realm="Users", scope="read"']


def test_a_guarded_call_with_a_bad_token_answers_401_invalid_token(passport: Passport) -> None:
    response = passport.authenticate("bearer", session=False).run(make_request(headers={"Authorization": "Bearer x"}))
    assert response is not None
    assert response.header_list("WWW-Authenticate") == ['Bearer realm="Users", scope="read", error="invalid_token"']


def test_a_guarded_malformed_call_answers_400_and_attempt_shows_the_challenge(passport: Passport) -> None:
    guard = passport.authenticate("bearer", session=False)
    req = make_request(headers={"Authorization": "Bearer"})
    response = guard.run(req)
    assert response is not None and (response.status, response.body) == (400, "Bad Request")
    outcome = guard.attempt(req)
    assert (outcome.info, outcome.status) == ('Bearer realm="Users", scope="read", error="invalid_request"', 400)


def test_a_guarded_call_with_a_good_token_sets_user_and_auth_info(passport: Passport) -> None:
    req = make_request(headers={"Authorization": f"Bearer {TOKEN}"})
    assert passport.authenticate("bearer", session=False).run(req) is None
    assert (req.user, req.auth_info) == (USER, {"scope": "read"})


# -- required_scope: 403 insufficient_scope (RFC 6750 section 3.1) ------------------------------


def granting(scope: Any) -> Any:
    def verify(token: str) -> Any:
        return (USER, {"scope": scope} if scope is not ... else None) if token == TOKEN else None

    return verify


WITH_TOKEN = request({"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.parametrize(
    ("granted", "required"),
    [
        (["read", "write"], "write"),
        ("read write", ["write", "read"]),  # a space-separated string, as token responses carry it
        (("write",), ["write"]),
        (["read"], []),  # nothing required
    ],
)
def test_a_token_granted_the_required_scope_passes(granted: Any, required: Any) -> None:
    result = run_strategy(BearerStrategy(granting(granted)), WITH_TOKEN, options={"required_scope": required})
    assert (result.action, result.user) == ("success", USER)


@pytest.mark.parametrize(
    "granted",
    [["read"], "read", "write-all", "Write", [], ..., 5, [b"write"], {"write": True}],
    ids=["other", "other str", "prefix", "case", "empty", "no info", "number", "bytes", "mapping"],
)
def test_a_token_without_the_required_scope_is_a_403_insufficient_scope(granted: Any) -> None:
    strategy = BearerStrategy(granting(granted), realm="api", scope="read")
    result = run_strategy(strategy, WITH_TOKEN, options={"required_scope": ["write"]})
    assert (result.action, result.status) == ("fail", 403)
    assert result.challenge == 'Bearer realm="api", error="insufficient_scope", scope="write"'


def test_every_required_scope_must_be_granted_and_all_are_named() -> None:
    strategy = BearerStrategy(granting(["read", "write"]))
    result = run_strategy(strategy, WITH_TOKEN, options={"required_scope": ["read", "write", "admin"]})
    assert (result.status, result.challenge) == (
        403,
        'Bearer realm="Users", error="insufficient_scope", scope="read write admin"',
    )


@pytest.mark.parametrize("required", ["a\r\nSet-Cookie: x=1", 5, ["ok", ""]])
def test_an_invalid_required_scope_is_the_routes_bug_not_the_clients(required: Any) -> None:
    result = run_strategy(BearerStrategy(granting(["read"])), WITH_TOKEN, options={"required_scope": required})
    assert result.action == "error"
    assert isinstance(result.error, (TypeError, ValueError))


async def test_required_scope_works_in_async_mode() -> None:
    async def verify(token: str) -> Any:
        await asyncio.sleep(0)
        return USER, {"scope": ["read"]}

    result = await arun_strategy(BearerStrategy(verify), WITH_TOKEN, options={"required_scope": "write"})
    assert (result.action, result.status) == ("fail", 403)


def test_a_guarded_call_without_the_required_scope_answers_403(passport: Passport) -> None:
    guard = passport.authenticate("bearer", session=False, required_scope="write")
    req = make_request(headers={"Authorization": f"Bearer {TOKEN}"})
    response = guard.run(req)
    assert response is not None and (response.status, response.body) == (403, "Forbidden")
    # RFC 6750 §3 (DESIGN's one exception to "challenges only on a 401"): the 403 carries it.
    assert response.header_list("WWW-Authenticate") == [
        'Bearer realm="Users", error="insufficient_scope", scope="write"'
    ]
    assert req.user is None
    outcome = guard.attempt(make_request(headers={"Authorization": f"Bearer {TOKEN}"}))
    assert (outcome.info, outcome.status) == ('Bearer realm="Users", error="insufficient_scope", scope="write"', 403)
    read = make_request(headers={"Authorization": f"Bearer {TOKEN}"})
    assert passport.authenticate("bearer", session=False, required_scope="read").run(read) is None
    assert read.user == USER
