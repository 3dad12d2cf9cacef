"""Serializer, deserializer and auth-info transformer chains (Passport's authenticator.test.js)."""

from __future__ import annotations

import pytest

from passport.core import PASS
from passport.core import Passport
from passport.core import SessionError
from passport.core import Strategy
from passport.strategy_runner import make_request

ANN = {"id": "ann"}


def stored(passport, user=ANN):
    request = make_request()
    passport.login(request, user)
    return request.session["passport"]["user"]


def restored(passport, value="ann"):
    request = make_request(session={"passport": {"user": value}})
    passport.session().run(request)
    return request.user


def auth_info(passport, info):
    passport.use("ok", _Succeeding(info))
    request = make_request()
    passport.authenticate("ok", session=False).run(request)
    return request.auth_info


class _Succeeding(Strategy):
    name = "ok"

    def __init__(self, info):
        super().__init__()
        self._info = info

    def authenticate(self, request, options):
        self.success(ANN, self._info)


# -- serializers -------------------------------------------------------------------------------


def test_without_serializers_login_raises_failed_to_serialize():
    with pytest.raises(SessionError, match="^Failed to serialize user into session$"):
        stored(Passport())


@pytest.mark.parametrize("value", ["1", 0, "", [], {"id": 1}])
def test_a_serializer_result_other_than_none_false_or_pass_is_stored(value):
    passport = Passport()
    passport.serializer(lambda user: value)
    assert stored(passport) == value


@pytest.mark.parametrize("declined", [None, False, PASS])
def test_a_single_serializer_declining_raises_failed_to_serialize(declined):
    passport = Passport()
    passport.serializer(lambda user: declined)
    with pytest.raises(SessionError, match="Failed to serialize user into session"):
        stored(passport)


@pytest.mark.parametrize("declined", [None, False, PASS])
def test_a_declining_serializer_hands_over_to_the_next(declined):
    passport = Passport()
    passport.serializer(lambda user: declined)
    passport.serializer(lambda user: "second")
    assert stored(passport) == "second"


def test_serializers_run_in_registration_order_and_the_first_answer_wins():
    passport = Passport()
    passport.serializer(lambda user: "first")
    passport.serializer(lambda user: pytest.fail("must not run"))
    assert stored(passport) == "first"


def test_a_serializer_taking_the_request_receives_it_first():
    passport = Passport()
    passport.serializer(lambda request, user: f"{request.path}:{user['id']}")
    request = make_request(path="/login")
    passport.login(request, ANN)
    assert request.session["passport"]["user"] == "/login:ann"


def test_an_async_serializer_works_from_sync_login():
    passport = Passport()

    @passport.serializer
    async def serialize(user):
        return user["id"]

    assert stored(passport) == "ann"


@pytest.mark.parametrize("failure", ["raise", "raise_after_pass"])
def test_a_serializer_error_propagates_unchanged(failure):
    passport = Passport()
    if failure == "raise_after_pass":
        passport.serializer(lambda user: PASS)

    @passport.serializer
    def broken(user):
        raise LookupError("no such table")

    with pytest.raises(LookupError, match="no such table"):
        stored(passport)


def test_a_serializer_returning_the_decorated_function_is_the_decorator_result():
    passport = Passport()

    def serialize(user):
        return user["id"]

    assert passport.serializer(serialize) is serialize


@pytest.mark.parametrize("fn", [lambda: 1, lambda a, b, c: 1], ids=["no-params", "three-params"])
def test_a_layer_with_the_wrong_parameters_is_refused_at_registration(fn):
    with pytest.raises(TypeError, match=r"\(value\) or \(request, value\)"):
        Passport().serializer(fn)


def test_a_layer_with_an_optional_third_parameter_takes_the_value_only():
    passport = Passport()
    passport.serializer(lambda user, extra=None: user["id"])
    assert stored(passport) == "ann"


# -- deserializers -----------------------------------------------------------------------------


def test_without_deserializers_restoring_raises_failed_to_deserialize():
    with pytest.raises(SessionError, match="^Failed to deserialize user out of session$"):
        restored(Passport())


def test_a_deserializer_result_becomes_the_user():
    passport = Passport()
    passport.deserializer(lambda value: {"id": value})
    assert restored(passport) == {"id": "ann"}


def test_a_single_deserializer_passing_raises_failed_to_deserialize():
    passport = Passport()
    passport.deserializer(lambda value: PASS)
    with pytest.raises(SessionError, match="Failed to deserialize user out of session"):
        restored(passport)


def test_a_passing_deserializer_hands_over_to_the_next():
    passport = Passport()
    passport.deserializer(lambda value: PASS)
    passport.deserializer(lambda value: {"id": value})
    assert restored(passport) == {"id": "ann"}


@pytest.mark.parametrize("gone", [None, False])
def test_none_or_false_ends_the_chain_as_user_gone_also_after_a_pass(gone):
    passport = Passport()
    passport.deserializer(lambda value: PASS)
    passport.deserializer(lambda value: gone)
    passport.deserializer(lambda value: pytest.fail("must not run"))
    assert restored(passport) is None


def test_a_deserializer_taking_the_request_receives_it_first():
    passport = Passport()
    passport.deserializer(lambda request, value: {"id": value, "method": request.method})
    assert restored(passport) == {"id": "ann", "method": "GET"}


def test_an_async_deserializer_works_from_a_sync_guard():
    passport = Passport()

    @passport.deserializer
    async def deserialize(request, value):
        return {"id": value}

    assert restored(passport) == {"id": "ann"}


def test_a_deserializer_error_propagates_unchanged_also_after_a_pass():
    passport = Passport()
    passport.deserializer(lambda value: PASS)

    @passport.deserializer
    def broken(value):
        raise LookupError("no such table")

    with pytest.raises(LookupError, match="no such table"):
        restored(passport)


# -- auth info transformers --------------------------------------------------------------------


def test_without_transformers_auth_info_is_the_same_info_object():
    info = {"scope": "read"}
    assert auth_info(Passport(), info) is info


def test_a_sync_transformer_replaces_the_info():
    passport = Passport()
    passport.auth_info_transformer(lambda info: {"scopes": info["scope"].split()})
    assert auth_info(passport, {"scope": "read write"}) == {"scopes": ["read", "write"]}


def test_an_async_transformer_replaces_the_info():
    passport = Passport()

    @passport.auth_info_transformer
    async def transform(info):
        return {"async": info}

    assert auth_info(passport, "x") == {"async": "x"}


def test_a_transformer_taking_the_request_receives_it_first():
    passport = Passport()
    passport.auth_info_transformer(lambda request, info: {"path": request.path, **info})
    assert auth_info(passport, {"a": 1}) == {"path": "/", "a": 1}


@pytest.mark.parametrize("declined", [None, False, PASS])
def test_a_declining_transformer_hands_over_to_the_next(declined):
    passport = Passport()
    passport.auth_info_transformer(lambda info: declined)
    passport.auth_info_transformer(lambda info: "second")
    assert auth_info(passport, {}) == "second"


def test_when_every_transformer_declines_the_original_info_is_kept():
    passport = Passport()
    passport.auth_info_transformer(lambda info: PASS)
    info = {"scope": "read"}
    assert auth_info(passport, info) is info


def test_a_transformer_error_propagates_unchanged_also_after_a_pass():
    passport = Passport()
    passport.auth_info_transformer(lambda info: PASS)

    @passport.auth_info_transformer
    def broken(info):
        raise LookupError("no such table")

    with pytest.raises(LookupError, match="no such table"):
        auth_info(passport, {})


def test_pass_is_a_named_singleton():
    import copy
    import pickle

    assert repr(PASS) == "PASS"
    assert copy.deepcopy(PASS) is PASS
    assert pickle.loads(pickle.dumps(PASS)) is PASS


def test_a_layer_whose_parameters_cannot_be_inspected_is_refused():
    class Opaque:
        __signature__ = "not a signature"

        def __call__(self, value):
            return value

    with pytest.raises(TypeError, match="cannot inspect"):
        Passport().serializer(Opaque())


async def test_async_partials_and_async_callable_objects_are_awaited_in_async_mode():
    import functools

    async def tagged(tag, value):
        return f"{tag}:{value['id'] if isinstance(value, dict) else value}"

    class Deserializer:
        async def __call__(self, value):
            return {"id": value}

    passport = Passport()
    passport.serializer(functools.partial(tagged, "s"))
    passport.deserializer(Deserializer())
    request = make_request()
    await passport.alogin(request, ANN)
    assert request.session["passport"]["user"] == "s:ann"
    follow_up = make_request(session={"passport": {"user": "ann"}})
    await passport.session().arun(follow_up)
    assert follow_up.user == {"id": "ann"}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_plain_def_returning_an_awaitable_is_awaited(mode):
    async def lookup(value):
        return {"id": value}

    passport = Passport()
    passport.serializer(lambda user: lookup(user["id"]))
    passport.deserializer(lambda value: lookup(value))
    if mode == "async":
        request = make_request()
        await passport.alogin(request, ANN)
        assert request.session["passport"]["user"] == {"id": "ann"}
        follow_up = make_request(session={"passport": {"user": "ann"}})
        await passport.session().arun(follow_up)
        assert follow_up.user == {"id": "ann"}
    else:
        import asyncio

        def sync_part():
            request = make_request()
            passport.login(request, ANN)
            follow_up = make_request(session={"passport": {"user": "ann"}})
            passport.session().run(follow_up)
            return request.session["passport"]["user"], follow_up.user

        assert await asyncio.to_thread(sync_part) == ({"id": "ann"}, {"id": "ann"})


async def test_alogin_with_a_failing_serializer_raises_and_clears_the_user():
    passport = Passport()

    @passport.serializer
    async def broken(user):
        raise LookupError("no such table")

    request = make_request()
    with pytest.raises(LookupError):
        await passport.alogin(request, ANN)
    assert request.user is None
    assert request.session == {}
    assert request.session_regenerations == 0
