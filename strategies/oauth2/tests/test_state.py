"""State: bound to the session, single use, expiring, parallel flows capped; custom stores."""

from __future__ import annotations

import pytest
from oauth2_helpers import SESSION_KEY

import passport.strategies.oauth2._state as state_module
from passport.core import SessionError
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

UNABLE = "Unable to verify authorization request state."
INVALID = "Invalid authorization request state."


def test_a_callback_in_another_session_is_refused_before_any_token_request(make_strategy, provider, browser):
    strategy = make_strategy()
    victim, attacker = {}, {}
    first = browser.start(strategy, attacker)
    location = browser.consent(first.url)  # the attacker's own code and state
    result = browser.callback(strategy, location, victim)
    assert (result.action, result.status, result.message) == ("fail", 403, UNABLE)
    assert provider.token_requests == []
    # ...and the attacker's flow is still usable by the attacker only.
    assert browser.callback(strategy, location, attacker).action == "success"


def test_a_replayed_callback_is_refused(make_strategy, provider, browser):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    assert browser.callback(strategy, location, session).action == "success"
    replay = browser.callback(strategy, location, session)
    assert (replay.action, replay.status) == ("fail", 403)
    assert replay.message in (UNABLE, INVALID)
    assert len(provider.token_requests) == 1


def test_a_wrong_state_is_refused_and_still_consumes_the_pending_flow(make_strategy, provider, browser, qs):
    strategy = make_strategy()
    session = {SESSION_KEY: {"keep": "me"}}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    forged = location.replace(qs(location)["state"], "forged-state-value")
    result = browser.callback(strategy, forged, session)
    assert (result.action, result.status, result.message) == ("fail", 403, INVALID)
    assert session[SESSION_KEY] == {"keep": "me"}  # other data in the slot is left alone
    assert browser.callback(strategy, location, session).message == UNABLE  # consumed: the real one fails now
    assert provider.token_requests == []


@pytest.mark.parametrize(
    "query",
    ["code=abc", "code=abc&state=", "code=abc&state=a&state=b", "code=abc&state=" + "x" * 5000],
)
def test_missing_empty_repeated_or_overlong_state_is_refused(make_strategy, provider, browser, query):
    strategy = make_strategy()
    session = {}
    browser.start(strategy, session)
    result = browser.callback(strategy, "http://app.test/auth/provider/callback?" + query, session)
    assert (result.action, result.status, result.message) == ("fail", 403, INVALID)
    assert provider.token_requests == []


def test_a_callback_with_no_pending_flow_is_unable_to_verify(make_strategy, provider, browser):
    result = browser.callback(make_strategy(), "http://app.test/cb?code=abc&state=xyz", {})
    assert (result.action, result.status, result.message) == ("fail", 403, UNABLE)


def test_an_expired_state_is_refused(make_strategy, provider, browser, monkeypatch):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    later = state_module.time.time() + 601
    monkeypatch.setattr(state_module, "_now", lambda: later)
    result = browser.callback(strategy, location, session)
    assert (result.action, result.status, result.message) == ("fail", 403, UNABLE)
    assert provider.token_requests == []
    assert SESSION_KEY not in session


def test_a_state_just_under_ten_minutes_old_still_works(make_strategy, browser, monkeypatch):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    location = browser.consent(first.url)
    later = state_module.time.time() + 590
    monkeypatch.setattr(state_module, "_now", lambda: later)
    assert browser.callback(strategy, location, session).action == "success"


def test_parallel_flows_in_one_session_each_complete_once(make_strategy, provider, browser):
    strategy = make_strategy()
    session = {}
    tabs = [browser.start(strategy, session) for _ in range(3)]
    locations = [browser.consent(tab.url) for tab in tabs]
    for location in reversed(locations):
        assert browser.callback(strategy, location, session).action == "success"
    assert SESSION_KEY not in session
    assert len(provider.token_requests) == 3


def test_pending_flows_are_capped_and_the_oldest_is_dropped(make_strategy, browser):
    strategy = make_strategy()
    session = {}
    tabs = [browser.start(strategy, session) for _ in range(7)]
    assert len(session[SESSION_KEY]["pending"]) == 5
    oldest = browser.callback(strategy, browser.consent(tabs[0].url), {**session})
    assert oldest.action == "fail"
    assert browser.callback(strategy, browser.consent(tabs[6].url), session).action == "success"


def test_verifiers_never_cross_between_parallel_flows(make_strategy, provider, browser):
    strategy = make_strategy()
    session = {}
    first, second = browser.start(strategy, session), browser.start(strategy, session)
    verifiers = [strategy._flow_key.derive(e["pkce"]) for e in session[SESSION_KEY]["pending"]]
    assert browser.callback(strategy, browser.consent(second.url), session).action == "success"
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"
    assert [r.form["code_verifier"] for r in provider.token_requests] == verifiers[::-1]


def test_a_missing_session_is_an_error_when_redirecting(make_strategy, browser):
    result = browser.start(make_strategy(), None)
    assert result.action == "error"
    assert isinstance(result.error, SessionError)
    assert "session support" in str(result.error)


def test_a_missing_session_is_an_error_on_the_callback(make_strategy, provider, browser):
    result = browser.callback(make_strategy(), "http://app.test/cb?code=abc&state=xyz", None)
    assert result.action == "error"
    assert isinstance(result.error, SessionError)
    assert provider.token_requests == []


def test_other_session_data_is_kept_when_a_flow_starts(make_strategy, browser):
    session = {"cart": [1], SESSION_KEY: {"mine": True}}
    browser.start(make_strategy(), session)
    assert session["cart"] == [1]
    assert session[SESSION_KEY]["mine"] is True


def test_garbage_in_the_session_slot_is_ignored(make_strategy, browser):
    strategy = make_strategy()
    session = {SESSION_KEY: {"pending": ["junk", {"handle": 3}, {"handle": "h"}]}}
    first = browser.start(strategy, session)
    assert len(session[SESSION_KEY]["pending"]) == 1
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


def test_a_custom_session_key_is_used_for_store_and_verify(make_strategy, browser):
    strategy = make_strategy(session_key="oauth2:example")
    session = {}
    first = browser.start(strategy, session)
    assert list(session) == ["oauth2:example"]
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


def test_with_state_off_no_state_is_sent_or_checked(make_strategy, browser, qs):
    strategy = make_strategy(state=False, pkce=False)
    session = {}
    first = browser.start(strategy, session)
    assert "state" not in qs(first.url)
    assert session == {}
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


class MemoryStore:
    """A custom store keyed by handle (for instance a server-side cache), def methods."""

    def __init__(self, *, app_state=None):
        self.flows = {}
        self.metas = []
        self.app_state = app_state

    def store(self, request, meta):
        self.metas.append(dict(meta))
        handle = f"h{len(self.flows)}"
        self.flows[handle] = meta["code_verifier"]
        return handle

    def verify(self, request, handle, meta):
        if handle not in self.flows:
            return False, None, {"message": "Custom refusal."}
        return True, self.flows.pop(handle), self.app_state


def test_a_custom_store_receives_meta_and_its_handle_is_the_state(make_strategy, provider, browser, qs):
    store = MemoryStore()
    strategy = make_strategy(store=store)
    session = {}
    first = browser.start(strategy, session)
    assert qs(first.url)["state"] == "h0"
    assert store.metas[0]["token_url"] == provider.token_url
    assert store.metas[0]["callback_url"] == "http://app.test/auth/provider/callback"
    assert store.metas[0]["client_id"] == "client-abc123"
    assert session == {}
    result = browser.callback(strategy, browser.consent(first.url), session)
    assert result.action == "success", result.error
    assert result.info == {}


def test_a_custom_store_refusal_is_a_403_with_its_info(make_strategy, provider, browser):
    result = browser.callback(make_strategy(store=MemoryStore()), "http://app.test/cb?code=abc&state=nope", {})
    assert (result.action, result.status, result.message) == ("fail", 403, "Custom refusal.")
    assert provider.token_requests == []


def test_a_custom_store_app_state_becomes_info_state(make_strategy, browser):
    strategy = make_strategy(store=MemoryStore(app_state={"return_to": "/x"}))
    assert browser.login(strategy, {}).info == {"state": {"return_to": "/x"}}


def test_async_custom_store_methods_work(make_strategy, browser):
    class AsyncStore(MemoryStore):
        async def store(self, request, meta):
            return MemoryStore.store(self, request, meta)

        async def verify(self, request, handle, meta):
            return MemoryStore.verify(self, request, handle, meta)

    assert browser.login(make_strategy(store=AsyncStore()), {}).action == "success"


def test_a_custom_store_that_raises_is_an_error(make_strategy, browser):
    class Broken(MemoryStore):
        def store(self, request, meta):
            raise RuntimeError("cache down")

    result = browser.start(make_strategy(store=Broken()), {})
    assert result.action == "error"
    assert str(result.error) == "cache down"


def test_a_custom_store_with_a_malformed_answer_is_an_error(make_strategy, browser):
    class Malformed(MemoryStore):
        def verify(self, request, handle, meta):
            return True

    result = browser.callback(make_strategy(store=Malformed()), "http://app.test/cb?code=abc&state=h0", {})
    assert result.action == "error"
    assert isinstance(result.error, TypeError)


def test_a_verified_state_without_a_verifier_fails_when_pkce_is_on(make_strategy, provider):
    class NoVerifier(MemoryStore):
        def verify(self, request, handle, meta):
            return True, None, None

    result = run_strategy(make_strategy(store=NoVerifier()), make_request(url="http://app.test/cb?code=abc&state=x"))
    assert (result.action, result.status, result.message) == ("fail", 403, UNABLE)
    assert provider.token_requests == []


def test_a_custom_store_verify_that_raises_is_an_error(make_strategy, provider, browser):
    class Broken(MemoryStore):
        def verify(self, request, handle, meta):
            raise RuntimeError("cache down")

    result = browser.callback(make_strategy(store=Broken()), "http://app.test/cb?code=abc&state=h0", {})
    assert (result.action, str(result.error)) == ("error", "cache down")
    assert provider.token_requests == []


def test_an_error_callback_without_state_leaves_pending_flows_alone(make_strategy, browser):
    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    refused = browser.callback(strategy, "http://app.test/cb?error=access_denied", session)
    assert (refused.action, refused.status) == ("fail", 403)
    assert browser.callback(strategy, browser.consent(first.url), session).action == "success"


def test_the_capped_slot_stays_small_enough_for_a_cookie_session(make_strategy, browser):
    import json

    strategy = make_strategy()
    session = {}
    for _ in range(20):
        browser.start(strategy, session, {"state": {"return_to": "/settings"}})
    assert len(json.dumps(session)) < 1200  # five flows, PKCE references and app state included


def test_20_a_callback_replayed_with_the_cookie_from_before_it_is_refused(make_strategy, provider, browser):
    import copy

    strategy = make_strategy()
    session = {}
    first = browser.start(strategy, session)
    callback = browser.consent(first.url)
    before = copy.deepcopy(session)  # what a cookie session held before the callback
    assert browser.callback(strategy, callback, session).action == "success"
    replay = browser.callback(strategy, callback, before)
    assert (replay.action, replay.status, replay.message) == ("fail", 403, "Invalid authorization request state.")
    assert len(provider.token_requests) == 1  # the provider never saw the replayed code


def test_the_memory_of_spent_states_is_bounded(make_strategy, browser):
    from passport.strategies.oauth2 import SessionStateStore

    store = SessionStateStore("oauth2:bounded", max_spent=10)
    strategy = make_strategy(store=store)
    for _ in range(25):
        session = {}
        browser.callback(strategy, browser.consent(browser.start(strategy, session).url), session)
    assert len(store._spent) <= 10


def test_max_spent_must_be_positive():
    from passport.strategies.oauth2 import SessionStateStore

    with pytest.raises(ValueError):
        SessionStateStore("k", max_spent=0)


def test_22_a_flow_started_in_another_tab_survives_the_login_of_the_first(make_strategy, browser):
    from passport.core import Passport
    from passport.strategy_runner import make_request

    strategy = make_strategy()
    passport = Passport().use(strategy)
    passport.serializer(lambda user: user["id"])
    session = {}
    tab_one = browser.start(strategy, session)
    tab_two = browser.start(strategy, session)
    second = make_request(url=browser.consent(tab_two.url), session=session)
    assert passport.authenticate("oauth2").run(second) is None  # logged in: the session regenerated
    assert second.session_regenerations == 1
    first = make_request(url=browser.consent(tab_one.url), session=second.session)
    assert passport.authenticate("oauth2").run(first) is None
    assert first.user is not None


def test_22_only_the_strategys_own_slot_survives_the_login(make_strategy, browser):
    from passport.core import Passport
    from passport.strategy_runner import make_request

    strategy = make_strategy()
    passport = Passport().use(strategy)
    passport.serializer(lambda user: user["id"])
    session = {"planted": "by someone before the login"}
    start = browser.start(strategy, session)
    request = make_request(url=browser.consent(start.url), session=session)
    assert passport.authenticate("oauth2").run(request) is None
    assert "planted" not in request.session
