"""docs/authoring.md's HMAC strategy, client and tests, run exactly as printed.

The strategy goes through the runner (sync and async app functions), the guide's own tests (in
a pytester run), the conformance kit with the custom-scheme hook, and real Flask and FastAPI
apps with ``session=False`` routes and no session set-up: ``raw_body``, the ``path`` contract and
chained ``call_verify(...).then(...)`` behave as the guide says on each.
"""

from __future__ import annotations

import gc
import pathlib
import re
import warnings
from typing import Any

import pytest

from passport.core import Passport
from passport.core import StrategyError
from passport.core import call_verify
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

GUIDE = pathlib.Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
SECRETS = {"k1": b"k1-shared-secret-for-tests"}
USERS = {"k1": {"id": "ann"}}
BODY = b'{"amount": 10}'


def example(name: str) -> str:
    if not GUIDE.exists():
        pytest.skip("docs/authoring.md is not part of this checkout")
    match = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert match, f"the {name} example is missing from docs/authoring.md"
    return match.group(1)


@pytest.fixture(scope="module")
def guide() -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "hmac_example"}
    exec(compile(example("hmac-strategy") + example("hmac-sign"), str(GUIDE), "exec"), namespace)
    return namespace


def signed(
    guide: dict[str, Any], path: str = "/payments", url: str | None = None, body: bytes = BODY
) -> dict[str, Any]:
    header = guide["sign"](SECRETS["k1"], "k1", "POST", path, body)
    return {
        "method": "POST",
        "url": url or path,
        "headers": {"Content-Type": "application/json", "Authorization": header},
        "raw_body": body,
    }


def test_the_guides_own_tests_pass_as_printed(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_guide="\n".join([example("hmac-strategy"), example("hmac-sign"), example("hmac-tests")]))
    pytester.runpytest("-q", "-W", "error").assert_outcomes(passed=5)


def test_the_runner_takes_raw_body_from_a_dict_and_from_make_request(guide: dict[str, Any]) -> None:
    strategy = guide["HMACStrategy"](SECRETS.get, USERS.get)
    for request in (signed(guide), make_request(**signed(guide))):
        result = run_strategy(strategy, request)
        assert (result.action, result.user) == ("success", {"id": "ann"})
        assert result.request.raw_body == BODY
        assert result.request.body == {"amount": 10}


def test_the_signed_path_is_the_percent_decoded_one(guide: dict[str, Any]) -> None:
    strategy = guide["HMACStrategy"](SECRETS.get, USERS.get)
    result = run_strategy(strategy, signed(guide, path="/pay now", url="/pay%20now"))
    assert result.request.path == "/pay now"
    assert result.request.url == "http://testserver/pay%20now"
    assert result.action == "success"


@pytest.mark.parametrize("kind", ["def", "async def", "mixed"])
async def test_the_chained_app_functions_run_in_async_mode(guide: dict[str, Any], kind: str) -> None:
    calls: list[str] = []

    def secret_for(key_id: str) -> Any:
        calls.append("secret")
        return SECRETS.get(key_id)

    def user_for(key_id: str) -> Any:
        calls.append("user")
        return USERS.get(key_id)

    async def asecret_for(key_id: str) -> Any:
        return secret_for(key_id)

    async def auser_for(key_id: str) -> Any:
        return user_for(key_id)

    functions = {"def": (secret_for, user_for), "async def": (asecret_for, auser_for), "mixed": (asecret_for, user_for)}
    result = await arun_strategy(guide["HMACStrategy"](*functions[kind]), signed(guide))
    assert (result.action, result.user) == ("success", {"id": "ann"})
    assert calls == ["secret", "user"]


def test_a_second_step_is_not_reached_when_the_first_fails(guide: dict[str, Any]) -> None:
    def user_for(key_id: str) -> Any:
        raise AssertionError("the user must not be looked up for a bad signature")

    tampered = signed(guide)
    tampered["raw_body"] = b'{"amount": 99}'  # signed for BODY
    result = run_strategy(guide["HMACStrategy"](SECRETS.get, user_for), tampered)
    assert result.challenge == 'HMAC realm="api", error="invalid_signature"'


async def test_a_chain_that_is_called_but_not_returned_is_reported_in_async_mode() -> None:
    from passport.core import Strategy

    class Forgetful(Strategy):
        name = "forgetful"

        def authenticate(self, request, options):  # type: ignore[no-untyped-def]
            return call_verify(lambda: "k1").then(self._next)

        def _next(self, found):  # type: ignore[no-untyped-def]
            call_verify(lambda: {"id": "ann"}).then(lambda result: self.success(result[0]))  # not returned

    with warnings.catch_warnings(record=True):  # the dropped coroutine's "never awaited"
        warnings.simplefilter("always")
        result = await arun_strategy(Forgetful())
        gc.collect()
    assert result.action == "error"
    assert isinstance(result.error, StrategyError)


def flask_app(guide: dict[str, Any]) -> Any:
    from flask import Flask

    from passport.flask import PassportFlask
    from passport.flask import current_user

    passport = Passport().use(guide["HMACStrategy"](SECRETS.get, USERS.get))
    app = Flask(__name__)  # no secret key: session=False routes need no session
    app.testing = False  # production settings: the insecure-cookie warning would fire here
    auth = PassportFlask(passport, app)

    @app.post("/pay now")
    @auth.authenticate("hmac", session=False)
    def pay() -> Any:
        return {"user": current_user["id"]}

    return app


def fastapi_app(guide: dict[str, Any], secret_for: Any = SECRETS.get, user_for: Any = USERS.get) -> Any:
    from fastapi import Depends
    from fastapi import FastAPI

    from passport.starlette import PassportStarlette

    passport = Passport().use(guide["HMACStrategy"](secret_for, user_for))
    app = FastAPI()  # neither PassportMiddleware nor SessionMiddleware
    auth = PassportStarlette(passport, app)

    signed_user = Depends(auth.authenticate("hmac", session=False))

    @app.post("/pay now")
    async def pay(user: Any = signed_user) -> Any:
        return {"user": user["id"]}

    return app


def send(client: Any, guide: dict[str, Any], body: bytes = BODY, signed_body: bytes = BODY) -> Any:
    header = guide["sign"](SECRETS["k1"], "k1", "POST", "/pay now", signed_body)
    return client.post(
        "/pay%20now", content=body, headers={"Content-Type": "application/json", "Authorization": header}
    )


def test_flask_session_false_route_with_the_guides_strategy(
    guide: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    client = flask_app(guide).test_client()
    header = guide["sign"](SECRETS["k1"], "k1", "POST", "/pay now", BODY)
    ok = client.post("/pay%20now", data=BODY, headers={"Content-Type": "application/json", "Authorization": header})
    assert (ok.status_code, ok.get_json()) == (200, {"user": "ann"})
    tampered = client.post(
        "/pay%20now", data=b'{"amount": 99}', headers={"Content-Type": "application/json", "Authorization": header}
    )
    assert tampered.status_code == 401
    assert tampered.headers["WWW-Authenticate"] == 'HMAC realm="api", error="invalid_signature"'
    malformed = client.post("/pay%20now", data=BODY, headers={"Authorization": "HMAC nope"})
    assert malformed.status_code == 400
    assert "Malformed" not in malformed.get_data(as_text=True)  # as the guide says: the message is not sent
    assert "Set-Cookie" not in ok.headers
    assert "session cookie" not in caplog.text


@pytest.fixture
def test_client() -> Any:
    with warnings.catch_warnings():
        # Starlette 1.x warns when its TestClient falls back to httpx (which works), as in the core's tests.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient
    return TestClient


def test_fastapi_session_false_route_needs_no_middleware(guide: dict[str, Any], test_client: Any) -> None:
    with test_client(fastapi_app(guide)) as client:
        ok = send(client, guide)
        assert (ok.status_code, ok.json()) == (200, {"user": "ann"})
        tampered = send(client, guide, body=b'{"amount": 99}')
        assert tampered.status_code == 401
        assert tampered.headers["WWW-Authenticate"] == 'HMAC realm="api", error="invalid_signature"'
        malformed = client.post("/pay%20now", content=BODY, headers={"Authorization": "HMAC nope"})
        assert malformed.status_code == 400
        assert "Malformed" not in malformed.text


def test_fastapi_chains_async_app_functions(guide: dict[str, Any], test_client: Any) -> None:
    async def secret_for(key_id: str) -> Any:
        return SECRETS.get(key_id)

    async def user_for(key_id: str) -> Any:
        return USERS.get(key_id)

    with test_client(fastapi_app(guide, secret_for, user_for)) as client:
        ok = send(client, guide)
        assert (ok.status_code, ok.json()) == (200, {"user": "ann"})


urlpatterns: list[Any] = []  # the Django test's URLconf (ROOT_URLCONF names this module)


def django_client(guide: dict[str, Any]) -> Any:
    """A Django project of one view guarded with the guide's strategy (no session, no database)."""
    import django
    from django.conf import settings
    from django.http import JsonResponse
    from django.test import Client
    from django.urls import path

    passport = Passport().use(guide["HMACStrategy"](SECRETS.get, USERS.get))
    if not settings.configured:
        settings.configure(
            SECRET_KEY="authoring-guide-tests",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=["passport.django.PassportMiddleware"],
            INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
            DATABASES={},
        )
        django.setup()
    settings.PASSPORT = passport
    from passport.django import authenticate

    @authenticate("hmac", session=False)
    def pay(request: Any) -> Any:
        return JsonResponse({"user": request.user["id"]})

    urlpatterns[:] = [path("pay now", pay)]
    return Client()


def test_django_session_false_view_with_the_guides_strategy(guide: dict[str, Any]) -> None:
    client = django_client(guide)
    header = guide["sign"](SECRETS["k1"], "k1", "POST", "/pay now", BODY)
    ok = client.post("/pay%20now", data=BODY, content_type="application/json", HTTP_AUTHORIZATION=header)
    assert (ok.status_code, ok.json()) == (200, {"user": "ann"})
    tampered = client.post(
        "/pay%20now", data=b'{"amount": 99}', content_type="application/json", HTTP_AUTHORIZATION=header
    )
    assert tampered.status_code == 401
    assert tampered["WWW-Authenticate"] == 'HMAC realm="api", error="invalid_signature"'
    malformed = client.post("/pay%20now", data=BODY, content_type="application/json", HTTP_AUTHORIZATION="HMAC nope")
    assert malformed.status_code == 400
    assert "Malformed" not in malformed.content.decode()
    assert "sessionid" not in ok.cookies
