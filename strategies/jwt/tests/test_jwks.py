"""JWKS against a real HTTP server on 127.0.0.1: caching, rotation, the refetch bound, failures."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import jwt
import pytest
from conftest import FakeClock
from conftest import JWKSServer
from jwt_helpers import AUDIENCE
from jwt_helpers import bearer
from jwt_helpers import ec_key
from jwt_helpers import public_jwk
from jwt_helpers import rsa_key
from jwt_helpers import token
from jwt_helpers import verify

from passport.strategies.jwt import JWKS
from passport.strategies.jwt import JWKSError
from passport.strategies.jwt import JWTStrategy
from passport.strategies.jwt import UnknownKeyError
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import run_strategy

UNKNOWN = 'Bearer realm="Users", error="invalid_token", error_description="The token\'s signing key is unknown"'


def strategy_for(keys: JWKS, **options: Any) -> JWTStrategy:
    return JWTStrategy(verify, key=keys, algorithms=["RS256", "ES256"], audience=AUDIENCE, **options)


def rs(kid: str | None, name: str = "a", **overrides: Any) -> str:
    return token(key=rsa_key(name), alg="RS256", kid=kid, **overrides)


def test_the_first_token_fetches_and_later_ones_use_the_cache(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = JWTStrategy(verify, jwks_url=jwks_server.url, algorithms=["RS256"], audience=AUDIENCE)
    for _ in range(20):
        assert run_strategy(strategy, request=bearer(rs("a"))).action == "success"
    assert jwks_server.hits == 1


async def test_the_cache_serves_async_mode_without_network_too(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = strategy_for(JWKS(jwks_server.url))
    for _ in range(20):
        assert (await arun_strategy(strategy, request=bearer(rs("a")))).action == "success"
    assert jwks_server.hits == 1


def test_the_set_is_refetched_after_its_ttl(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = strategy_for(JWKS(jwks_server.url, ttl=300, clock=clock))
    run_strategy(strategy, request=bearer(rs("a")))
    clock.advance(299)
    run_strategy(strategy, request=bearer(rs("a")))
    assert jwks_server.hits == 1
    clock.advance(2)
    assert run_strategy(strategy, request=bearer(rs("a"))).action == "success"
    assert jwks_server.hits == 2


def test_a_rotated_key_is_found_by_one_refetch(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = strategy_for(JWKS(jwks_server.url, clock=clock))
    assert run_strategy(strategy, request=bearer(rs("a"))).action == "success"
    # The provider rotates: b is added, a retired.
    jwks_server.publish(public_jwk(rsa_key("b"), "b"))
    clock.advance(11)
    assert run_strategy(strategy, request=bearer(rs("b", "b"))).action == "success"
    assert jwks_server.hits == 2
    # The retired key is gone with the refetch: its tokens fail (after one more allowed refetch).
    clock.advance(11)
    assert run_strategy(strategy, request=bearer(rs("a"))).challenge == UNKNOWN
    assert jwks_server.hits == 3


def test_a_flood_of_unknown_kids_costs_one_fetch_per_interval(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = strategy_for(JWKS(jwks_server.url, min_refetch_interval=10, clock=clock))
    run_strategy(strategy, request=bearer(rs("a")))
    clock.advance(11)
    for i in range(500):
        result = run_strategy(strategy, request=bearer(rs(f"random-{i}")))
        assert result.challenge == UNKNOWN
    assert jwks_server.hits == 2  # the first, then one refetch for the whole flood
    clock.advance(11)
    run_strategy(strategy, request=bearer(rs("random-x")))
    assert jwks_server.hits == 3
    assert run_strategy(strategy, request=bearer(rs("a"))).action == "success"  # good tokens still pass


def test_random_kids_do_not_grow_the_lookup_memo(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    keys = JWKS(jwks_server.url, clock=clock)
    keys.get_key("a", "RS256")
    for i in range(1000):
        assert keys.cached_key(f"k{i}", "RS256") is None
    assert keys._snapshot is not None and len(keys._snapshot.memo) <= 20


def test_an_unknown_kid_right_after_a_fetch_is_not_refetched(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    keys = JWKS(jwks_server.url, clock=clock)
    with pytest.raises(UnknownKeyError) as caught:
        keys.get_key("nope", "RS256")
    assert (caught.value.kid, caught.value.alg, jwks_server.hits) == ("nope", "RS256", 1)


def test_a_token_without_kid_uses_the_only_fitting_key(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"), public_jwk(ec_key("a"), "e"))
    strategy = strategy_for(JWKS(jwks_server.url))
    assert run_strategy(strategy, request=bearer(rs(None))).action == "success"
    assert run_strategy(strategy, request=bearer(token(key=ec_key(), alg="ES256"))).action == "success"


def test_a_token_without_kid_is_refused_when_several_keys_fit(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"), public_jwk(rsa_key("b"), "b"))
    strategy = strategy_for(JWKS(jwks_server.url))
    assert run_strategy(strategy, request=bearer(rs(None))).challenge == UNKNOWN


def test_a_key_is_used_only_for_its_own_family_and_alg(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a", alg="RS512"), public_jwk(ec_key("a"), "e"))
    strategy = JWTStrategy(verify, key=JWKS(jwks_server.url), algorithms=["RS256", "RS512", "ES256"], audience=AUDIENCE)
    assert run_strategy(strategy, request=bearer(rs("a"))).challenge == UNKNOWN  # the JWK says RS512
    assert run_strategy(strategy, request=bearer(token(key=rsa_key("a"), alg="RS512", kid="a"))).action == "success"
    assert run_strategy(strategy, request=bearer(token(key=ec_key(), alg="ES256", kid="a"))).challenge == UNKNOWN


def test_a_forged_signature_with_a_known_kid_is_a_bad_signature(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    result = run_strategy(strategy_for(JWKS(jwks_server.url)), request=bearer(rs("a", "forger")))
    assert result.challenge.endswith('error_description="The token\'s signature is invalid"')


@pytest.mark.parametrize(
    ("entry", "usable"),
    [
        ({"kty": "oct", "k": "c2VjcmV0", "kid": "a"}, False),
        ({"use": "enc"}, False),
        ({"key_ops": ["encrypt"]}, False),
        ({"key_ops": ["verify"]}, True),
        ({"alg": "HS256"}, False),
        ({"kid": 5}, False),
        ({"d": "private-part"}, False),
        ({}, True),
    ],
)
def test_keys_that_cannot_check_signatures_are_skipped(
    jwks_server: JWKSServer, entry: dict[str, Any], usable: bool
) -> None:
    jwk = {**public_jwk(rsa_key("a"), "a"), **entry}
    jwks_server.publish(jwk, public_jwk(rsa_key("b"), "b"))
    keys = JWKS(jwks_server.url)
    if usable:
        assert keys.get_key("a", "RS256").key_id == "a"
    else:
        with pytest.raises(UnknownKeyError):
            keys.get_key("a", "RS256")
    assert keys.get_key("b", "RS256").key_id == "b"  # one bad entry never spoils the set


def test_a_small_rsa_key_in_the_set_is_not_used(jwks_server: JWKSServer) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwks_server.publish(public_jwk(small, "small"))
    with pytest.raises(UnknownKeyError):
        JWKS(jwks_server.url).get_key("small", "RS256")


@pytest.mark.parametrize("mode", ["not-json", "status", "redirect"])
def test_an_unusable_answer_before_any_key_is_a_502_error(jwks_server: JWKSServer, mode: str) -> None:
    jwks_server.mode, jwks_server.status = mode, 503
    result = run_strategy(strategy_for(JWKS(jwks_server.url)), request=bearer(rs("a")))
    assert result.action == "error"
    assert isinstance(result.error, JWKSError) and result.error.status == 502
    assert rs("a") not in str(result.error)


def test_too_many_keys_is_refused(jwks_server: JWKSServer) -> None:
    jwks_server.publish(*[public_jwk(rsa_key("a"), f"k{i}") for i in range(5)])
    with pytest.raises(JWKSError, match="more than 3"):
        JWKS(jwks_server.url, max_keys=3).get_key("k1", "RS256")


def test_known_keys_stay_in_use_while_the_provider_is_down(
    jwks_server: JWKSServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    strategy = strategy_for(JWKS(jwks_server.url, ttl=300, max_stale=3600, clock=clock))
    run_strategy(strategy, request=bearer(rs("a")))
    jwks_server.mode, jwks_server.status = "status", 500
    clock.advance(301)
    with caplog.at_level(logging.WARNING, logger="passport.strategies.jwt"):
        assert run_strategy(strategy, request=bearer(rs("a"))).action == "success"
    assert "status 500" in caplog.text
    assert jwks_server.hits == 2
    for _ in range(10):  # further tries are rate-limited
        run_strategy(strategy, request=bearer(rs("a")))
    assert jwks_server.hits == 2
    clock.advance(3600)
    result = run_strategy(strategy, request=bearer(rs("a")))
    assert result.action == "error" and "stale" in str(result.error)


def test_a_failed_first_fetch_is_retried_only_after_the_interval(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.mode = "not-json"
    keys = JWKS(jwks_server.url, clock=clock)
    for _ in range(5):
        with pytest.raises(JWKSError, match="not a usable key set"):
            keys.get_key("a", "RS256")
    assert jwks_server.hits == 1
    jwks_server.mode = "ok"
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    clock.advance(10)
    assert keys.get_key("a", "RS256").key_id == "a"


def test_concurrent_threads_share_one_fetch(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    jwks_server.mode = "slow"
    strategy = strategy_for(JWKS(jwks_server.url))
    results: list[str] = []
    value = rs("a")

    def one() -> None:
        results.append(run_strategy(strategy, request=bearer(value)).action)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for thread in threads:
        thread.start()
    while jwks_server.hits == 0:
        threading.Event().wait(0.01)
    jwks_server.gate.set()
    for thread in threads:
        thread.join()
    assert results == ["success"] * 16
    assert jwks_server.hits == 1
    assert jwks_server.gate_opened == [True]


async def test_concurrent_tasks_share_one_fetch_and_the_loop_stays_free(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    jwks_server.mode = "slow"
    strategy = strategy_for(JWKS(jwks_server.url))
    value = rs("a")
    tasks = [asyncio.create_task(arun_strategy(strategy, request=bearer(value))) for _ in range(32)]
    while jwks_server.hits == 0:  # the loop keeps running while the fetch is blocked in a thread
        await asyncio.sleep(0.01)
    jwks_server.gate.set()
    results = await asyncio.gather(*tasks)
    assert [r.action for r in results] == ["success"] * 32
    assert jwks_server.hits == 1
    assert jwks_server.gate_opened == [True]  # opened by this loop while the fetch was in flight


async def test_an_async_transport_is_awaited() -> None:
    calls: list[str] = []

    async def fetch(url: str) -> bytes:
        calls.append(url)
        await asyncio.sleep(0)
        import json

        return json.dumps({"keys": [public_jwk(rsa_key("a"), "a")]}).encode()

    keys = JWKS("https://issuer.test/jwks", fetch=fetch)
    assert (await keys.aget_key("a", "RS256")).key_id == "a"
    assert (await arun_strategy(strategy_for(keys), request=bearer(rs("a")))).action == "success"
    assert calls == ["https://issuer.test/jwks"]


def test_an_async_transport_works_from_sync_code() -> None:
    async def fetch(url: str) -> bytes:
        import json

        return json.dumps({"keys": [public_jwk(rsa_key("a"), "a")]}).encode()

    keys = JWKS("https://issuer.test/jwks", fetch=fetch)
    assert run_strategy(strategy_for(keys), request=bearer(rs("a"))).action == "success"
    assert keys.get_key("a", "RS256").key_id == "a"


def test_a_failing_custom_transport_is_reported_by_type_only() -> None:
    def fetch(url: str) -> bytes:
        raise RuntimeError("secret-internal-detail")

    result = run_strategy(strategy_for(JWKS("https://issuer.test/jwks", fetch=fetch)), request=bearer(rs("a")))
    assert isinstance(result.error, JWKSError)
    assert "RuntimeError" in str(result.error) and "secret-internal-detail" not in str(result.error)


def test_a_transport_returning_no_bytes_is_an_error() -> None:
    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(JWKSError, match="TypeError"):
        keys.get_key("a", "RS256")


async def test_get_key_refuses_to_block_a_running_loop() -> None:
    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: b'{"keys": []}')
    with pytest.raises(RuntimeError, match="aget_key"):
        keys.get_key("a", "RS256")


def test_refresh_fetches_unless_a_fetch_just_ran(jwks_server: JWKSServer, clock: FakeClock) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    keys = JWKS(jwks_server.url, clock=clock)
    keys.refresh()
    keys.refresh()
    assert jwks_server.hits == 1
    clock.advance(10)
    keys.refresh()
    assert jwks_server.hits == 2


async def test_arefresh_is_the_async_twin(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    keys = JWKS(jwks_server.url)
    await keys.arefresh()
    assert keys.cached_key("a", "RS256") is not None and jwks_server.hits == 1


def test_the_returned_key_is_bound_to_the_algorithm() -> None:
    import json

    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: json.dumps({"keys": [public_jwk(rsa_key(), "a")]}))
    key = keys.get_key("a", "PS256")
    assert isinstance(key, jwt.PyJWK) and isinstance(key.Algorithm, jwt.algorithms.RSAPSSAlgorithm)


@pytest.mark.parametrize(
    ("option", "value"), [("ttl", -1), ("min_refetch_interval", "10"), ("max_stale", True), ("max_keys", 0)]
)
def test_bad_jwks_options_are_refused(option: str, value: Any) -> None:
    with pytest.raises(ValueError):
        JWKS("https://issuer.test/jwks", **{option: value})


def test_repr_names_the_set_without_its_query() -> None:
    assert repr(JWKS("https://issuer.test/jwks?tenant=x")) == (
        "JWKS('https://issuer.test/jwks', ttl=300.0, min_refetch_interval=10.0)"
    )


def test_a_huge_document_from_a_custom_transport_is_refused() -> None:
    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: b" " * (2 * 1024 * 1024))
    with pytest.raises(JWKSError, match="larger than"):
        keys.get_key("a", "RS256")


def test_an_unknown_key_error_shortens_a_long_kid_in_its_message() -> None:
    error = UnknownKeyError("k" * 10000, "RS256")
    assert len(str(error)) < 200 and error.kid == "k" * 10000


def test_two_keys_with_the_same_kid_and_family_are_ambiguous(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "same"), public_jwk(rsa_key("b"), "same"))
    with pytest.raises(UnknownKeyError):
        JWKS(jwks_server.url).get_key("same", "RS256")


def test_a_jwk_whose_alg_contradicts_its_curve_is_not_used(jwks_server: JWKSServer) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    p384 = ec.generate_private_key(ec.SECP384R1())
    jwks_server.publish(public_jwk(p384, "e", alg="ES256"))
    with pytest.raises(UnknownKeyError):
        JWKS(jwks_server.url).get_key("e", "ES256")


@pytest.mark.parametrize(
    "document",
    [b"[" * 100_000, b'{"keys": {"a": 1}}', b"[]", b'"keys"', b"\xff\xfe"],
    ids=["deep nesting", "keys not a list", "a list", "a string", "not utf-8"],
)
def test_a_document_that_is_not_a_jwks_is_refused(document: bytes) -> None:
    keys = JWKS("https://issuer.test/jwks", fetch=lambda url: document)
    with pytest.raises(JWKSError, match="not a usable key set"):
        keys.get_key("a", "RS256")


def test_entries_that_are_not_objects_are_skipped() -> None:
    import json

    document = json.dumps({"keys": [1, "x", None, [], public_jwk(rsa_key("a"), "a")]})
    assert JWKS("https://issuer.test/jwks", fetch=lambda url: document).get_key("a", "RS256").key_id == "a"


async def test_a_cancelled_fetch_releases_the_lookups_waiting_for_it(jwks_server: JWKSServer) -> None:
    jwks_server.publish(public_jwk(rsa_key("a"), "a"))
    jwks_server.mode = "slow"
    keys = JWKS(jwks_server.url)
    fetcher = asyncio.create_task(keys.aget_key("a", "RS256"))
    while jwks_server.hits == 0:
        await asyncio.sleep(0.01)
    waiter = asyncio.create_task(keys.aget_key("a", "RS256"))
    await asyncio.sleep(0.05)
    fetcher.cancel()
    with pytest.raises(JWKSError, match="has not been fetched yet"):  # released, not timed out
        await waiter
    with pytest.raises(asyncio.CancelledError):
        await fetcher
    jwks_server.gate.set()
