"""The demo app: Flask with every shipped strategy, wired through ``passport.flask``."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final
from typing import TypeVar

from flask import Flask
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user
from passport.plugins.throttle import LoginThrottle
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategies.apikey import KeyStore
from passport.strategies.github import GitHubStrategy
from passport.strategies.local import LocalStrategy
from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategies.oauth2 import OAuthError
from passport.strategies.oidc import OIDCStrategy

from ._provider import openid_configuration
from ._users import User
from ._users import UserStore

F = TypeVar("F", bound=Callable[..., Any])

# Embedded demo credentials (printed at start-up). Never ship fixed credentials in a real app.
DEMO_USERNAME: Final = "alice"
DEMO_NAME: Final = "Alice Liddell"
DEMO_PASSWORD: Final = "correct horse battery staple"
DEMO_API_KEY: Final = "demo-api-key-7Qk2Lr9xWm4Tz8Vb"
DEMO_BEARER_TOKEN: Final = "demo-bearer-token-Hc3Nf6Jp1Ys5Ud0G"


@dataclass(frozen=True)
class Settings:
    """Where the app and its provider listen, and the demo's credentials."""

    base_url: str
    provider_url: str
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD
    api_key: str = DEMO_API_KEY
    bearer_token: str = DEMO_BEARER_TOKEN
    client_id: str = "passport-demo"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    # "Sign in with GitHub" appears only when both are set (GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET).
    github_client_id: str | None = None
    github_client_secret: str | None = field(default=None, repr=False)

    @property
    def callback_url(self) -> str:
        return f"{self.base_url}/auth/provider/callback"

    @property
    def github_enabled(self) -> bool:
        return bool(self.github_client_id and self.github_client_secret)


class DemoProviderStrategy(OAuth2Strategy):
    """``OAuth2Strategy`` for the demo provider: its profile comes from ``/userinfo``."""

    name = "provider"

    def __init__(self, verify: Callable[..., Any], *, userinfo_url: str, **options: Any) -> None:
        super().__init__(verify, **options)
        self.userinfo_url = userinfo_url

    def user_profile(self, access_token: str) -> Any:
        return self.fetch_json(self.userinfo_url, access_token)


def _csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_protected(view: F) -> F:
    """Refuse a POST whose ``csrf_token`` field does not match the session's token (403)."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        expected = session.get("csrf")
        sent = request.form.get("csrf_token", "")
        if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(403)
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def create_app(settings: Settings) -> Flask:
    """Build the demo app for ``settings`` (the provider must listen at ``settings.provider_url``)."""
    users = UserStore()
    alice = users.add_local(settings.username, DEMO_NAME, settings.password)

    passport = Passport()
    passport.use(LocalStrategy(users.verify_password))
    # The throttle with its embedded memory default: the sixth wrong password in five minutes for
    # one account from one client is refused (429 with Retry-After; a flash on the form).
    passport.register_plugin(LoginThrottle(strategies={"local"}))
    passport.use(APIKeyStrategy(KeyStore([(settings.api_key, alice)])))  # digests only, constant-time lookup
    passport.use(BearerStrategy(KeyStore([(settings.bearer_token, alice)]), realm="passport-demo"))
    passport.use(
        DemoProviderStrategy(
            users.from_provider,
            authorization_url=f"{settings.provider_url}/authorize",
            token_url=f"{settings.provider_url}/token",
            userinfo_url=f"{settings.provider_url}/userinfo",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            callback_url=settings.callback_url,
            scope=["profile"],
        )
    )

    passport.use(
        OIDCStrategy(
            users.from_oidc,
            issuer=settings.provider_url,
            # The demo knows its own provider's configuration (the same document it serves at
            # /.well-known/openid-configuration), so the app starts even before the provider.
            metadata=openid_configuration(settings.provider_url),
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            callback_url=f"{settings.base_url}/auth/oidc/callback",
        )
    )

    @passport.serializer
    def serialize(user: User) -> str:
        return user.id

    @passport.deserializer
    def deserialize(user_id: str) -> User | None:
        return users.get(user_id)

    app = Flask("passport_demo")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="passport_demo_session",
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would drop the cookie on the provider's redirect back
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=False,  # plain http on 127.0.0.1 only; set True behind https
    )
    app.jinja_env.globals["csrf_token"] = _csrf_token
    auth = PassportFlask(passport, app, login_url="/")

    @app.after_request
    def no_store(response: Any) -> Any:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'unsafe-inline'"
        return response

    @app.errorhandler(OAuthError)
    def provider_failed(error: OAuthError) -> Any:
        flash("Sign-in with the demo provider failed. Please try again.", "error")
        return redirect("/")

    @app.get("/")
    def home() -> str:
        return render_template("home.html", user=current_user, settings=settings)

    @app.get("/login")
    def login_form() -> Any:
        return redirect("/")  # the sign-in forms live on the home page

    @app.post("/login")
    @csrf_protected
    @auth.authenticate(
        "local",
        success_return_to_or_redirect="/profile",
        failure_redirect="/",
        failure_flash=True,
        success_flash="Signed in with your password.",
    )
    def login() -> Any:
        return redirect("/profile")

    @app.get("/auth/provider")
    @auth.authenticate("provider")
    def provider_login() -> Any:
        return redirect("/")  # not reached: the strategy redirects to the provider

    @app.get("/auth/provider/callback")
    @auth.authenticate(
        "provider",
        success_return_to_or_redirect="/profile",
        failure_redirect="/",
        failure_flash=True,
        success_flash="Signed in with the demo provider.",
    )
    def provider_callback() -> Any:
        return redirect("/profile")

    @app.get("/auth/oidc")
    @auth.authenticate("oidc")
    def oidc_login() -> Any:
        return redirect("/")  # not reached: the strategy redirects to the provider

    @app.get("/auth/oidc/callback")
    @auth.authenticate(
        "oidc",
        success_return_to_or_redirect="/profile",
        failure_redirect="/",
        failure_flash=True,
        success_flash="Signed in with OpenID Connect.",
    )
    def oidc_callback() -> Any:
        return redirect("/profile")

    if settings.github_enabled:  # a real GitHub OAuth App, configured by the environment
        passport.use(
            GitHubStrategy(
                users.from_github,
                client_id=str(settings.github_client_id),
                client_secret=settings.github_client_secret,
                callback_url=f"{settings.base_url}/auth/github/callback",
            )
        )

        @app.get("/auth/github")
        @auth.authenticate("github")
        def github_login() -> Any:
            return redirect("/")  # not reached: the strategy redirects to GitHub

        @app.get("/auth/github/callback")
        @auth.authenticate(
            "github",
            success_return_to_or_redirect="/profile",
            failure_redirect="/",
            failure_flash=True,
            success_flash="Signed in with GitHub.",
        )
        def github_callback() -> Any:
            return redirect("/profile")

    @app.get("/profile")
    @auth.login_required
    def profile() -> str:
        return render_template("profile.html", user=current_user)

    @app.post("/logout")
    @csrf_protected
    def logout() -> Any:
        auth.logout_user()
        flash("Signed out.", "success")
        return redirect("/")

    @app.get("/api/me")
    @auth.authenticate(["bearer", "apikey"], session=False)
    def api_me() -> Any:
        return {"id": current_user.id, "name": current_user.name}

    @app.post("/api/login")  # a password check without a session: 401, then 429 from the throttle
    @auth.authenticate("local", session=False)
    def api_login() -> Any:
        return {"id": current_user.id, "name": current_user.name}

    return app
