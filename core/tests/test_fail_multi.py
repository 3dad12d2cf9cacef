"""Several strategies failing (Passport's authenticate.fail.multi.test.js)."""

from __future__ import annotations

from passport.strategy_runner import make_request


def test_every_string_challenge_is_sent_in_chain_order(passport, scripted):
    passport.use(scripted("basic", "fail", "BASIC challenge"))
    passport.use(scripted("none", "fail"))
    passport.use(scripted("object", "fail", {"message": "nope"}))
    passport.use(scripted("digest", "fail", "DIGEST challenge"))
    response = passport.authenticate(["basic", "none", "object", "digest"]).run(make_request())
    assert response is not None
    assert (response.status, response.body) == (401, "Unauthorized")
    assert response.header_list("WWW-Authenticate") == ["BASIC challenge", "DIGEST challenge"]


def test_the_first_status_given_wins(passport, scripted):
    passport.use(scripted("a", "fail", "BASIC", 400))
    passport.use(scripted("b", "fail", 402))
    passport.use(scripted("c", "fail", "DIGEST", 403))
    response = passport.authenticate(["a", "b", "c"]).run(make_request())
    assert response is not None
    assert (response.status, response.body) == (400, "Bad Request")
    assert response.header_list("WWW-Authenticate") == []


def test_a_status_after_statusless_failures_still_wins(passport, scripted):
    passport.use(scripted("a", "fail", "BASIC")).use(scripted("b", "fail", 403))
    response = passport.authenticate(["a", "b"]).run(make_request())
    assert response is not None
    assert response.status == 403
    assert response.header_list("WWW-Authenticate") == []


def test_an_explicit_401_keeps_the_challenges(passport, scripted):
    passport.use(scripted("a", "fail", "BASIC", 401)).use(scripted("b", "fail", "DIGEST"))
    response = passport.authenticate(["a", "b"]).run(make_request())
    assert response is not None
    assert response.header_list("WWW-Authenticate") == ["BASIC", "DIGEST"]


def test_failure_flash_uses_the_first_failure(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "First"})).use(scripted("b", "fail", {"message": "Second"}))
    request = make_request()
    response = passport.authenticate(["a", "b"], failure_flash=True, failure_redirect="/login").run(request)
    assert request.flashes == [("error", "First")]
    assert response is not None and response.header("Location") == "/login"


def test_failure_message_uses_the_first_failure(passport, scripted):
    passport.use(scripted("a", "fail", {"message": "First"})).use(scripted("b", "fail", {"message": "Second"}))
    request = make_request()
    passport.authenticate(["a", "b"], failure_message=True).run(request)
    assert request.session["messages"] == ["First"]


def test_failure_flash_of_a_first_failure_without_message_flashes_nothing(passport, scripted):
    passport.use(scripted("a", "fail")).use(scripted("b", "fail", {"message": "Second"}))
    request = make_request()
    passport.authenticate(["a", "b"], failure_flash=True).run(request)
    assert request.flashes == []
