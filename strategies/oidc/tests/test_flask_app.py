"""A real Flask app with passport.flask signs a user in with the real OpenID provider."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import Flask

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user


def test_sign_in_with_openid_connect_in_a_flask_app(make_oidc, op):
    accounts = {}

    def verify(claims, userinfo, tokens):
        key = (claims["iss"], claims["sub"])
        return accounts.setdefault(key, {"id": claims["sub"], "name": userinfo["name"]})

    passport = Passport()
    passport.use(make_oidc(verify, userinfo=True))
    passport.serializer(lambda user: user["id"])
    passport.deserializer(lambda user_id: next((u for u in accounts.values() if u["id"] == user_id), None))
    app = Flask(__name__)
    app.secret_key = "test-secret-key"
    auth = PassportFlask(passport, app)

    @app.get("/auth/oidc")
    @auth.authenticate("oidc")
    def oidc_login(): ...

    @app.get("/auth/oidc/callback")
    @auth.authenticate("oidc", failure_redirect="/login", success_redirect="/")
    def oidc_callback(): ...

    @app.get("/")
    def home():
        return f"Hello {current_user['name']}" if current_user else "anonymous"

    client = app.test_client()
    first = client.get("/auth/oidc")
    assert first.status_code == 302
    back = urlsplit(requests.get(first.headers["Location"], allow_redirects=False, timeout=5).headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    assert client.get("/").get_data(as_text=True) == "Hello Jane Doe"
