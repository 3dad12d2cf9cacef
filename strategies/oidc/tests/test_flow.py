"""The rest of the flow: async mode, pass_request, state and nonce bound to the flow, logout."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from conftest import alogin
from conftest import consent
from conftest import login
from oidc_provider import CLIENT_ID

from passport.strategies.oauth2 import TokenSet
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy


async def test_async_verify_in_async_mode(make_oidc, op):
    seen = []

    async def verify(claims, userinfo, tokens):
        seen.append((claims["sub"], userinfo["sub"], isinstance(tokens, TokenSet)))
        return {"sub": claims["sub"]}

    result = await alogin(make_oidc(verify, userinfo=True))
    assert result.action == "success", result.error
    assert seen == [("user-248289761001", "user-248289761001", True)]


async def test_a_def_verify_and_a_forged_token_in_async_mode(make_oidc, op):
    assert (await alogin(make_oidc())).action == "success"
    op.forge = lambda claims, header, body: op.sign({**claims, "nonce": "x"})
    result = await alogin(make_oidc())
    assert result.action == "error" and result.error.reason == "nonce"


async def test_an_async_callable_object_as_verify(make_oidc, op):
    class Verify:
        async def __call__(self, claims, userinfo, tokens):
            return {"sub": claims["sub"]}

    assert (await alogin(make_oidc(Verify()))).user == {"sub": "user-248289761001"}


def test_pass_request(make_oidc, op):
    def verify(request, claims, userinfo, tokens):
        return {"sub": claims["sub"], "path": request.path}

    result = login(make_oidc(verify, pass_request=True))
    assert result.user == {"sub": "user-248289761001", "path": "/auth/oidc/callback"}


def test_verify_refusing_is_a_401_failure(make_oidc, op):
    result = login(make_oidc(lambda claims, userinfo, tokens: (None, "Account disabled")))
    assert (result.action, result.message) == ("fail", "Account disabled")  # status: the default 401


def test_each_login_sends_a_new_nonce_kept_with_its_flow(make_oidc, op):
    strategy = make_oidc()
    session = {}
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    second = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    nonces = [parse_qs(urlsplit(r.url).query)["nonce"][0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    # Two tabs: each callback carries its own flow's nonce, and both complete.
    for redirect in (second, first):
        assert run_strategy(strategy, make_request(url=consent(redirect.url), session=session)).action == "success"


def test_a_replayed_callback_is_refused_before_any_token_request(make_oidc, op):
    strategy = make_oidc()
    session = {}
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    back = consent(first.url)
    assert run_strategy(strategy, make_request(url=back, session=session)).action == "success"
    again = run_strategy(strategy, make_request(url=back, session=session))
    assert (again.action, again.status) == ("fail", 403)
    assert op.count("/token") == 1


def test_a_callback_from_another_issuer_is_refused(make_oidc, op):
    """RFC 9207 through oauth2: an ``iss`` in the callback must be the issuer."""
    strategy = make_oidc()
    session = {}
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session=session))
    result = run_strategy(strategy, make_request(url=consent(first.url) + "&iss=https://evil.test", session=session))
    assert (result.action, result.status) == ("fail", 403)


def test_route_options_prompt_and_login_hint(make_oidc, op):
    first = run_strategy(
        make_oidc(),
        make_request(url="http://app.test/auth/oidc", session={}),
        {"prompt": "login", "login_hint": "jane"},
    )
    query = parse_qs(urlsplit(first.url).query)
    assert query["prompt"] == ["login"] and query["login_hint"] == ["jane"]


def test_logout_url(make_oidc, op):
    strategy = make_oidc()
    id_token = login(strategy).user["id_token"]
    url = strategy.logout_url(id_token, "http://app.test/signed-out", state="s1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == op.url + "/logout"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "ui": "1",
        "id_token_hint": id_token,
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "http://app.test/signed-out",
        "state": "s1",
    }


@pytest.mark.parametrize(
    "target",
    ["https://app.test/signed-out", "http://evil.test/", "http://app.test:8080/", "//evil.test/", "/relative"],
)
def test_logout_redirects_stay_on_the_app_origin(make_oidc, op, target):
    with pytest.raises(ValueError, match="origin"):
        make_oidc().logout_url("a.b.c", target)


def test_logout_needs_the_id_token_and_an_end_session_endpoint(make_oidc, op):
    with pytest.raises(ValueError, match="id_token_hint"):
        make_oidc().logout_url("")
    op.discovery_overrides = {"end_session_endpoint": None}
    with pytest.raises(ValueError, match="end_session_endpoint"):
        make_oidc().logout_url("a.b.c")


def test_concurrent_logins_share_one_strategy_and_one_jwks_fetch(make_oidc, op):
    from concurrent.futures import ThreadPoolExecutor

    strategy = make_oidc(jwks_options={"min_refetch_interval": 10})
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: login(strategy), range(16)))
    assert [r.action for r in results] == ["success"] * 16
    assert len({r.user["id_token"] for r in results}) == 16
    assert op.count("/jwks") == 1


def test_max_age_requires_a_recent_auth_time(make_oidc, op):
    import time

    from conftest import refused

    strategy = make_oidc()
    first = run_strategy(strategy, make_request(url="http://app.test/auth/oidc", session={}), {"max_age": 300})
    assert parse_qs(urlsplit(first.url).query)["max_age"] == ["300"]
    assert login(strategy, options={"max_age": 300}).action == "success"  # Authlib's auth_time: now
    op.forge = lambda claims, header, body: op.sign({**claims, "auth_time": int(time.time()) - 1000})
    refused(login(strategy, options={"max_age": 300}), "auth_time")
    assert login(strategy).action == "success"  # without max_age, auth_time is not a condition
    op.forge = lambda claims, header, body: op.sign({k: v for k, v in claims.items() if k != "auth_time"})
    refused(login(strategy, options={"max_age": 300}), "auth_time")
