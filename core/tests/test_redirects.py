"""Redirect targets: success_return_to_or_redirect and the same-origin rule for returnTo."""

from __future__ import annotations

import pytest
from _fakes import RECENT

from passport.core.adapters import is_safe_redirect
from passport.strategy_runner import make_request

HOSTILE = {
    "protocol-relative": "//evil.example/",
    "triple-slash": "///evil.example/",
    "backslash": "/\\evil.example/",
    "backslash-backslash": "\\\\evil.example/",
    "absolute-https": "https://evil.example/",
    "absolute-http": "http://evil.example/",
    "javascript": "javascript:alert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "tab-in-slashes": "/\t/evil.example/",
    "newline-in-slashes": "/\n/evil.example/",
    "carriage-return": "/\r/evil.example/",
    "leading-tab": "\t//evil.example/",
    "leading-space": " /account",
    "nul": "/account\x00",
    "del": "/\x7f/evil.example",
    "header-injection": "/ok\r\nSet-Cookie: x=1",
    "relative-no-slash": "evil.example",
    "scheme-relative-colon": "https:evil.example",
    "empty": "",
    "ten-kilobytes": "/" + "a" * 10_240,
}

SAFE = [
    "/",
    "/javascript:alert(1)",
    "/account",
    "/a/b/c",
    "/search?q=//evil.example",
    "/page#//frag",
    "/%2F%2Fevil.example",
]


@pytest.mark.parametrize("target", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_targets_are_not_safe_redirects(target):
    assert is_safe_redirect(target) is False


@pytest.mark.parametrize("target", [None, 42, b"/account", ["/account"], {"url": "/account"}])
def test_non_string_targets_are_not_safe_redirects(target):
    assert is_safe_redirect(target) is False


@pytest.mark.parametrize("target", SAFE)
def test_same_origin_relative_paths_are_safe_redirects(target):
    assert is_safe_redirect(target) is True


# -- success_return_to_or_redirect -----------------------------------------------------------


def test_return_to_in_the_session_is_followed_and_removed(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/account/settings"})
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None
    assert (response.status, response.header("Location")) == (302, "/account/settings")
    assert "returnTo" not in request.session
    assert request.session["passport"] == {"user": "ann", "auth_time": RECENT}


def test_without_return_to_the_configured_url_is_used(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(make_request())
    assert response is not None and response.header("Location") == "/home"


# -- the framework's own return target (the optional ``return_to`` request capability) -----------


def test_the_requests_return_to_is_followed_before_the_sessions(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/saved"}, return_to="/next/page?x=1")
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/next/page?x=1"
    assert "returnTo" not in request.session  # used up either way


def test_a_return_to_of_none_falls_back_to_the_sessions(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/saved"}, return_to=None)
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/saved"


@pytest.mark.parametrize("target", list(HOSTILE.values()), ids=list(HOSTILE))
def test_an_unsafe_return_to_falls_back_to_the_configured_url(passport, scripted, ann, target):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/saved"}, return_to=target)
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/home"


def test_return_to_is_ignored_by_routes_without_success_return_to_or_redirect(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(return_to="/next")
    response = passport.authenticate("a", success_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/home"
    assert passport.authenticate("a", session=False).run(make_request(return_to="/next")) is None


def test_return_to_survives_the_login_regeneration(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    old = {"returnTo": "/cart"}
    request = make_request(session=old)
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert request.session_regenerations == 1
    assert request.session is not old
    assert response is not None and response.header("Location") == "/cart"


def test_return_to_is_followed_and_removed_with_keep_session_info(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/cart", "cart": [1]})
    response = passport.authenticate("a", success_return_to_or_redirect="/home", keep_session_info=True).run(request)
    assert response is not None and response.header("Location") == "/cart"
    assert request.session == {"cart": [1], "passport": {"user": "ann", "auth_time": RECENT}}


def test_return_to_is_followed_with_a_session_that_cannot_regenerate(passport, scripted, ann, plain_request):
    passport.use(scripted("a", "success", ann))
    request = plain_request(session={"returnTo": "/cart"})
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None and response.header("Location") == "/cart"
    assert request.session == {"passport": {"user": "ann", "auth_time": RECENT}}


def test_return_to_is_followed_with_session_false(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/cart"})
    response = passport.authenticate("a", success_return_to_or_redirect="/home", session=False).run(request)
    assert response is not None and response.header("Location") == "/cart"
    assert request.session == {}


def test_return_to_without_session_support_uses_the_configured_url(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session=None)
    response = passport.authenticate("a", success_return_to_or_redirect="/home", session=False).run(request)
    assert response is not None and response.header("Location") == "/home"


@pytest.mark.parametrize("target", [*HOSTILE.values(), 42, None, ["/x"]], ids=[*HOSTILE.keys(), "int", "none", "list"])
def test_a_hostile_return_to_falls_back_to_the_configured_url(passport, scripted, ann, target):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": target})
    response = passport.authenticate("a", success_return_to_or_redirect="/home").run(request)
    assert response is not None
    assert response.header("Location") == "/home"
    assert "returnTo" not in request.session


def test_success_return_to_or_redirect_wins_over_success_redirect(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    request = make_request(session={"returnTo": "/cart"})
    guard = passport.authenticate("a", success_return_to_or_redirect="/home", success_redirect="/other")
    response = guard.run(request)
    assert response is not None and response.header("Location") == "/cart"


def test_configured_urls_are_trusted_as_given(passport, scripted, ann):
    passport.use(scripted("a", "success", ann))
    response = passport.authenticate("a", success_redirect="https://app.example/home").run(make_request())
    assert response is not None and response.header("Location") == "https://app.example/home"


@pytest.mark.parametrize("option", ["success_redirect", "failure_redirect", "success_return_to_or_redirect"])
@pytest.mark.parametrize("value", ["/home\r\nSet-Cookie: x=1", "", 42])
def test_a_configured_url_with_cr_lf_or_of_the_wrong_type_is_refused_at_build_time(passport, option, value):
    with pytest.raises(TypeError, match=option):
        passport.authenticate("a", **{option: value})
