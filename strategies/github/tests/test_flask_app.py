"""A real Flask app with passport.flask signs a user in with GitHub (the fake one on 127.0.0.1)."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import Flask

from passport.core import Passport
from passport.flask import PassportFlask
from passport.flask import current_user


def build_app(make_github):
    accounts = {}

    def verify(access_token, refresh_token, profile):
        return accounts.setdefault((profile.provider, profile.id), {"id": profile.id, "name": profile.display_name})

    passport = Passport()
    passport.use(make_github(verify))

    @passport.serializer
    def serialize(user):
        return user["id"]

    @passport.deserializer
    def deserialize(user_id):
        return next((u for u in accounts.values() if u["id"] == user_id), None)

    app = Flask(__name__)
    app.secret_key = "test-secret-key"
    auth = PassportFlask(passport, app)

    @app.get("/auth/github")
    @auth.authenticate("github")
    def github_login(): ...

    @app.get("/auth/github/callback")
    @auth.authenticate("github", failure_redirect="/login", success_redirect="/")
    def github_callback(): ...

    @app.get("/")
    def home():
        return f"Hello {current_user['name']}" if current_user else "anonymous"

    return app


def test_sign_in_with_github_in_a_flask_app(make_github, github):
    client = build_app(make_github).test_client()
    first = client.get("/auth/github")
    assert first.status_code == 302
    consent = requests.get(first.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(consent.headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    assert done.headers["Location"] == "/"
    assert client.get("/").get_data(as_text=True) == "Hello The Octocat"


def test_a_replayed_callback_is_refused_in_the_flask_app(make_github, github):
    client = build_app(make_github).test_client()
    first = client.get("/auth/github")
    consent = requests.get(first.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(consent.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/"
    replay = client.get(f"{back.path}?{back.query}")
    assert replay.headers["Location"] == "/login"
