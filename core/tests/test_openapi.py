"""FastAPI's OpenAPI document: a guard declares its strategies' ``openapi_scheme`` as security schemes.

Real FastAPI apps, read through ``/openapi.json``; every document is also validated as OpenAPI.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from typing import Any

import pytest
from _testclient import TestClient
from fastapi import APIRouter
from fastapi import Depends
from fastapi import FastAPI
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from passport.core import Passport
from passport.core import Strategy
from passport.starlette import PassportMiddleware
from passport.starlette import PassportStarlette
from passport.starlette import StarletteGuard
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategies.local import LocalStrategy

KEYS = {"key-ann": {"name": "Ann"}}
TOKENS = {"token-bob": {"name": "Bob"}}

# The shapes passport.strategies.jwt, .oauth2 and an OpenID Connect strategy declare; the core's
# test environment installs only the local and apikey strategies.
JWT_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
OAUTH2_SCHEME = {
    "type": "oauth2",
    "flows": {
        "authorizationCode": {
            "authorizationUrl": "https://id.example/authorize",
            "tokenUrl": "https://id.example/token",
            "scopes": {"read:user": "", "user:email": ""},
        }
    },
}
OIDC_SCHEME = {"type": "openIdConnect", "openIdConnectUrl": "https://id.example/.well-known/openid-configuration"}


class Described(Strategy):
    """A third-party strategy declaring its scheme; it fails every request with a challenge."""

    def __init__(self, name: str, scheme: Any) -> None:
        super().__init__()
        self.name = name
        self.openapi_scheme = scheme

    def authenticate(self, request: Any, options: Mapping[str, Any]) -> None:
        self.fail(f'{self.name.title()} realm="api"')


def make_passport() -> Passport:
    passport = Passport()
    passport.use(APIKeyStrategy(KEYS.get))
    passport.use("query-key", APIKeyStrategy(KEYS.get, header=None, query="api_key"))
    passport.use(BearerStrategy(TOKENS.get, realm="api"))
    passport.use(LocalStrategy(lambda username, password: None))
    passport.use(Described("jwt", JWT_SCHEME))
    passport.use(Described("oauth2", OAUTH2_SCHEME))
    passport.use(Described("oidc", OIDC_SCHEME))
    return passport


def app_with(*routes: tuple[str, Any], passport: Passport | None = None) -> tuple[FastAPI, PassportStarlette]:
    """An app with one GET route per ``(path, guard factory)``, in order; the factory gets ``auth``."""
    passport = passport or make_passport()
    app = FastAPI()
    app.add_middleware(PassportMiddleware, passport=passport, session=False)
    auth = PassportStarlette(passport, app)
    for path, guard in routes:
        dependency = Depends(guard(auth))

        async def endpoint(user: Any = dependency) -> Any:
            return {"user": user["name"]}

        app.get(path)(endpoint)
    return app, auth


def document(app: FastAPI) -> dict[str, Any]:
    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    validate(spec)  # a valid OpenAPI document, whatever the schemes
    return spec


def security(spec: dict[str, Any], path: str) -> Any:
    return spec["paths"][path]["get"].get("security")


def schemes(spec: dict[str, Any]) -> Any:
    return spec.get("components", {}).get("securitySchemes")


# (Route parameters take their dependency as a default: with postponed annotations FastAPI cannot
# resolve an ``Annotated[...]`` naming a local.)


# -- one strategy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "scheme"),
    [
        ("apikey", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
        ("query-key", {"type": "apiKey", "in": "query", "name": "api_key"}),
        ("bearer", {"type": "http", "scheme": "bearer"}),
        ("jwt", JWT_SCHEME),
        ("oauth2", OAUTH2_SCHEME),
        ("oidc", OIDC_SCHEME),
    ],
)
def test_a_guard_declares_its_strategys_scheme_under_the_registered_name(strategy: str, scheme: Any) -> None:
    app, _ = app_with(("/me", lambda auth: auth.authenticate(strategy, session=False)))
    spec = document(app)
    assert schemes(spec) == {strategy: scheme}
    scopes = ["read:user", "user:email"] if strategy == "oauth2" else []
    assert security(spec, "/me") == [{strategy: scopes}]


def test_a_chain_is_a_list_of_alternatives_in_chain_order() -> None:
    app, _ = app_with(("/me", lambda auth: auth.authenticate(["bearer", "apikey", "oauth2"], session=False)))
    spec = document(app)
    # One requirement object per strategy: any one of them (a single object would mean all).
    assert security(spec, "/me") == [{"bearer": []}, {"apikey": []}, {"oauth2": ["read:user", "user:email"]}]
    assert set(schemes(spec)) == {"bearer", "apikey", "oauth2"}


def test_a_strategy_without_a_scheme_is_left_out() -> None:
    app, _ = app_with(
        ("/both", lambda auth: auth.authenticate(["local", "apikey"], session=False)),
        ("/local", lambda auth: auth.authenticate("local", session=False)),
    )
    spec = document(app)
    assert security(spec, "/both") == [{"apikey": []}]
    assert security(spec, "/local") is None
    assert schemes(spec) == {"apikey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}


def test_openapi_false_declares_nothing_for_that_guard_only() -> None:
    app, _ = app_with(
        ("/hot", lambda auth: auth.authenticate(["bearer", "apikey"], session=False, openapi=False)),
        ("/me", lambda auth: auth.authorize("apikey", openapi=False)),
        ("/documented", lambda auth: auth.authenticate("bearer", session=False)),
    )
    spec = document(app)
    assert security(spec, "/hot") is None
    assert security(spec, "/me") is None
    assert security(spec, "/documented") == [{"bearer": []}]
    assert schemes(spec) == {"bearer": {"type": "http", "scheme": "bearer"}}


def test_a_guard_without_openapi_authenticates_the_same() -> None:
    app, _ = app_with(("/hot", lambda auth: auth.authenticate(["bearer", "apikey"], session=False, openapi=False)))
    with TestClient(app) as client:
        assert client.get("/hot", headers={"X-API-Key": "key-ann"}).json() == {"user": "Ann"}
        assert client.get("/hot", headers={"Authorization": "Bearer token-bob"}).json() == {"user": "Bob"}
        refused = client.get("/hot")
    assert refused.status_code == 401
    assert refused.headers.get_list("www-authenticate")[0] == 'Bearer realm="api"'


def test_the_openapi_flag_is_checked_and_is_not_a_route_option() -> None:
    auth = PassportStarlette(make_passport())
    with pytest.raises(TypeError, match="openapi must be True or False"):
        auth.authenticate("bearer", openapi="no")  # type: ignore[arg-type]
    guard = auth.authenticate("bearer", session=False, openapi=False)
    assert "openapi" not in guard.guard.options  # strategies never see it
    assert list(inspect.signature(guard).parameters) == ["request"]


def test_a_scheme_of_none_is_no_scheme() -> None:
    passport = make_passport()
    passport.use(Described("opaque", None))
    app, _ = app_with(("/me", lambda auth: auth.authenticate(["opaque", "bearer"], session=False)), passport=passport)
    assert security(document(app), "/me") == [{"bearer": []}]


def test_an_unprotected_route_and_the_session_helpers_declare_nothing() -> None:
    passport = make_passport()
    app = FastAPI()
    auth = PassportStarlette(passport, app)

    @app.get("/open")
    async def open_route() -> Any:
        return {}

    @app.get("/current")
    async def current(user: Any = Depends(auth.current_user)) -> Any:  # noqa: B008
        return {}

    spec = document(app)
    assert security(spec, "/open") is None and security(spec, "/current") is None
    assert schemes(spec) is None


def test_a_strategy_instance_in_the_list_declares_its_scheme_under_its_name() -> None:
    instance = Described("partner", {"type": "apiKey", "in": "cookie", "name": "partner"})
    app, _ = app_with(("/me", lambda auth: auth.authenticate([instance, "bearer"], session=False)))
    spec = document(app)
    assert security(spec, "/me") == [{"partner": []}, {"bearer": []}]
    assert schemes(spec)["partner"] == {"type": "apiKey", "in": "cookie", "name": "partner"}


def test_authorize_guards_and_router_dependencies_declare_too() -> None:
    passport = make_passport()
    app = FastAPI()
    auth = PassportStarlette(passport, app)
    router = APIRouter(dependencies=[Depends(auth.authenticate("apikey", session=False))])

    @router.get("/keyed")
    async def keyed() -> Any:
        return {}

    @app.get("/link")
    async def link(account: Any = Depends(auth.authorize("bearer"))) -> Any:  # noqa: B008
        return {}

    app.include_router(router)
    spec = document(app)
    assert security(spec, "/keyed") == [{"apikey": []}]
    assert security(spec, "/link") == [{"bearer": []}]


# -- scopes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "scopes"),
    [
        ({}, ["read:user", "user:email"]),
        ({"required_scope": "read:user"}, ["read:user"]),
        ({"required_scope": ["read:user", "admin"]}, ["read:user", "admin"]),
        ({"scope": "read:user repo"}, ["read:user", "repo"]),
        ({"scope": ["repo"], "required_scope": "admin"}, ["admin"]),
    ],
)
def test_an_oauth2_requirement_lists_the_routes_scopes_else_the_declared_ones(
    options: dict[str, Any], scopes: list[str]
) -> None:
    app, _ = app_with(("/me", lambda auth: auth.authenticate("oauth2", session=False, **options)))
    assert security(document(app), "/me") == [{"oauth2": scopes}]


def test_an_openid_connect_requirement_lists_the_routes_scopes_only() -> None:
    app, _ = app_with(
        ("/plain", lambda auth: auth.authenticate("oidc", session=False)),
        ("/scoped", lambda auth: auth.authenticate("oidc", session=False, scope="openid profile")),
    )
    spec = document(app)
    assert security(spec, "/plain") == [{"oidc": []}]
    assert security(spec, "/scoped") == [{"oidc": ["openid", "profile"]}]


def test_other_schemes_list_no_scopes_even_when_the_route_requires_some() -> None:
    app, _ = app_with(("/me", lambda auth: auth.authenticate(["bearer", "oauth2"], required_scope="admin")))
    assert security(document(app), "/me") == [{"bearer": []}, {"oauth2": ["admin"]}]


def test_a_malformed_scope_option_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="'required_scope'"):
        app_with(("/me", lambda auth: auth.authenticate("oauth2", required_scope=3)))


# -- names ---------------------------------------------------------------------------------------


def test_different_schemes_under_one_name_get_numbered_in_declaration_order() -> None:
    first = APIKeyStrategy(KEYS.get, header="X-Tenant-Key")
    second = APIKeyStrategy(KEYS.get, header="X-Partner-Key")
    app, _ = app_with(
        ("/a", lambda auth: auth.authenticate("apikey", session=False)),
        ("/b", lambda auth: auth.authenticate(first, session=False)),
        ("/c", lambda auth: auth.authenticate(second, session=False)),
        ("/d", lambda auth: auth.authenticate(first, session=False)),
    )
    spec = document(app)
    assert [security(spec, path) for path in ("/a", "/b", "/c", "/d")] == [
        [{"apikey": []}],
        [{"apikey_2": []}],
        [{"apikey_3": []}],
        [{"apikey_2": []}],  # the same scheme again: the same name
    ]
    assert {name: scheme["name"] for name, scheme in schemes(spec).items()} == {
        "apikey": "X-API-Key",
        "apikey_2": "X-Tenant-Key",
        "apikey_3": "X-Partner-Key",
    }


def test_a_numbered_name_skips_one_a_strategy_already_holds() -> None:
    passport = make_passport()
    passport.use("apikey_2", APIKeyStrategy(KEYS.get, header="X-Second"))
    third = APIKeyStrategy(KEYS.get, header="X-Third")
    app, _ = app_with(
        ("/a", lambda auth: auth.authenticate(["apikey", "apikey_2"], session=False)),
        ("/b", lambda auth: auth.authenticate(third, session=False)),
        passport=passport,
    )
    spec = document(app)
    assert security(spec, "/b") == [{"apikey_3": []}]
    assert schemes(spec)["apikey_2"]["name"] == "X-Second"


def test_the_same_scheme_on_many_routes_is_one_component() -> None:
    app, _ = app_with(
        ("/a", lambda auth: auth.authenticate("bearer", session=False)),
        ("/b", lambda auth: auth.authenticate(["apikey", "bearer"], session=False)),
    )
    assert schemes(document(app)) == {
        "bearer": {"type": "http", "scheme": "bearer"},
        "apikey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    }


# -- bad schemes, late strategies ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "error", "message"),
    [
        ("bearer", TypeError, "'broken': openapi_scheme must be a dict"),
        ({"type": "basic"}, ValueError, "type must be one of"),
        ({"type": "apiKey", "name": "X-Key"}, ValueError, "not a valid apiKey scheme .*in"),
        ({"type": "apiKey", "in": "body", "name": "key"}, ValueError, "not a valid apiKey scheme"),
        ({"type": "oauth2"}, ValueError, "not a valid oauth2 scheme .*flows"),
    ],
)
def test_a_malformed_scheme_fails_when_the_route_is_declared(scheme: Any, error: type, message: str) -> None:
    passport = make_passport()
    passport.use(Described("broken", scheme))
    with pytest.raises(error, match=message):
        app_with(("/me", lambda auth: auth.authenticate("broken", session=False)), passport=passport)


def test_a_strategy_registered_after_the_route_is_not_declared_but_still_runs() -> None:
    passport = Passport()
    app, _ = app_with(("/me", lambda auth: auth.authenticate("apikey", session=False)), passport=passport)
    passport.use(APIKeyStrategy(KEYS.get))
    assert security(document(app), "/me") is None
    with TestClient(app) as client:
        assert client.get("/me", headers={"X-API-Key": "key-ann"}).json() == {"user": "Ann"}


def test_the_scheme_is_read_once_per_guard() -> None:
    reads = []

    class Counting(Described):
        @property
        def openapi_scheme(self) -> Any:
            reads.append(1)
            return JWT_SCHEME

        @openapi_scheme.setter
        def openapi_scheme(self, value: Any) -> None:
            pass

    passport = make_passport()
    passport.use(Counting("counted", None))
    guard = PassportStarlette(passport).authenticate("counted", session=False)
    app = FastAPI()
    for path in ("/a", "/b", "/c"):
        app.get(path)(lambda user=Depends(guard): {})  # noqa: B008
    document(app)
    assert reads == [1]


# -- requests behave as before -------------------------------------------------------------------


@pytest.fixture
def api() -> Any:
    app, _ = app_with(
        ("/me", lambda auth: auth.authenticate(["bearer", "apikey", "jwt"], session=False)),
        ("/oauth", lambda auth: auth.authenticate("oauth2", session=False, required_scope="admin")),
        ("/query", lambda auth: auth.authenticate("query-key", session=False)),
    )
    with TestClient(app) as client:
        yield client


def test_each_alternative_authenticates_as_before(api: Any) -> None:
    assert api.get("/me", headers={"Authorization": "Bearer token-bob"}).json() == {"user": "Bob"}
    assert api.get("/me", headers={"X-API-Key": "key-ann"}).json() == {"user": "Ann"}


def test_no_credentials_is_passports_401_with_every_challenge_not_fastapis_403(api: Any) -> None:
    response = api.get("/me")
    assert response.status_code == 401
    assert response.headers.get_list("www-authenticate") == ['Bearer realm="api"', 'Jwt realm="api"']
    assert response.text == "Unauthorized"
    # FastAPI's own OAuth2 class would answer these itself (401 "Not authenticated"); ours reads nothing.
    for headers in ({}, {"Authorization": "Bearer whatever"}):
        response = api.get("/oauth", headers=headers)
        assert (response.status_code, response.headers["www-authenticate"]) == (401, 'Oauth2 realm="api"')
        assert response.text == "Unauthorized"


def test_a_key_in_the_query_as_swagger_ui_sends_it_authenticates(api: Any) -> None:
    assert api.get("/query", params={"api_key": "key-ann"}).json() == {"user": "Ann"}
    assert api.get("/query").status_code == 401


def test_a_rejected_token_and_an_ambiguous_request_are_answered_by_passport(api: Any) -> None:
    response = api.get("/me", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    both = api.get("/me", headers={"Authorization": "Bearer token-bob", "X-API-Key": "key-ann"})
    assert both.status_code == 400  # two credentials at once (security item 51), as without schemes


def test_swagger_ui_is_served_and_points_at_the_document(api: Any) -> None:
    page = api.get("/docs")
    assert page.status_code == 200
    assert "swagger-ui" in page.text and "/openapi.json" in page.text
    assert api.get("/openapi.json").status_code == 200


# -- the signature, and Starlette without FastAPI ------------------------------------------------


def test_the_guard_signature_adds_keyword_only_security_parameters() -> None:
    guard = PassportStarlette(make_passport()).authenticate(["local", "bearer", "apikey"])
    parameters = list(inspect.signature(guard).parameters.values())
    assert [p.name for p in parameters] == ["request", "passport_scheme_0", "passport_scheme_1"]
    assert parameters[0].annotation is Request
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:])
    # The class itself still has its constructor's signature.
    assert list(inspect.signature(StarletteGuard).parameters) == ["guard", "security"]


def test_a_guard_made_without_the_extension_declares_nothing() -> None:
    passport = make_passport()
    guard = StarletteGuard(passport.authenticate("bearer", session=False))
    assert list(inspect.signature(guard).parameters) == ["request"]


def test_without_fastapi_the_starlette_adapter_works_and_declares_nothing() -> None:
    # A fresh interpreter in which FastAPI cannot be imported (None in sys.modules blocks it).
    script = textwrap.dedent(
        """
        import inspect, sys, warnings
        sys.modules["fastapi"] = None
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route
        from starlette.testclient import TestClient
        from passport.core import Passport
        from passport.starlette import PassportMiddleware, PassportStarlette
        from passport.strategies.apikey import BearerStrategy

        passport = Passport().use(BearerStrategy({"t": {"name": "Bob"}}.get))
        guard = PassportStarlette(passport).authenticate("bearer", session=False)
        assert list(inspect.signature(guard).parameters) == ["request"]

        async def me(request):
            return JSONResponse({"user": request.user.name if hasattr(request.user, "name") else "?"})

        app = Starlette(routes=[Route("/me", guard.protect(me))])
        app.add_middleware(PassportMiddleware, passport=passport, session=False)
        with TestClient(app) as client:
            assert client.get("/me").status_code == 401
            assert client.get("/me", headers={"Authorization": "Bearer t"}).status_code == 200
        assert "fastapi" not in [m for m in sys.modules if sys.modules[m] is not None]
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_starlette_endpoint_guard_is_unchanged_in_a_fastapi_environment() -> None:
    passport = make_passport()
    guard = PassportStarlette(passport).authenticate(["bearer", "apikey"], session=False)

    async def me(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/me", guard.protect(me))])
    app.add_middleware(PassportMiddleware, passport=passport, session=False)
    with TestClient(app) as client:
        assert client.get("/me", headers={"X-API-Key": "key-ann"}).json() == {"ok": True}
        assert client.get("/me").status_code == 401
