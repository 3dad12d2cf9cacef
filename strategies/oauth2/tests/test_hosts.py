"""Security item 25 through a real Flask app: a relative callback_url never trusts the Host header."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import flask
import pytest

from passport.core import Passport
from passport.flask import PassportFlask
from passport.strategies.oauth2 import OAuth2Strategy


@pytest.fixture
def client():
    strategy = OAuth2Strategy(
        lambda *args: {"id": "ann"},
        authorization_url="https://provider.example/authorize",
        token_url="https://provider.example/token",
        client_id="ABC123",
        callback_url="/auth/provider/callback",
        allowed_hosts=["app.example", "app.example:8443"],
    )
    app = flask.Flask(__name__)
    app.secret_key = "test"
    app.testing = True
    auth = PassportFlask(Passport().use("provider", strategy), app)

    @app.get("/auth/provider")
    @auth.authenticate("provider")
    def start():
        return "not reached"

    return app.test_client()


@pytest.mark.parametrize("host", ["app.example", "app.example:8443"])
def test_25_an_allowed_host_gets_its_own_redirect_uri(client, host):
    response = client.get("/auth/provider", headers={"Host": host})
    assert response.status_code == 302
    redirect_uri = parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"]
    assert redirect_uri == [f"http://{host}/auth/provider/callback"]


@pytest.mark.parametrize("host", ["evil.test", "app.example.evil.test", "app.example:9999"])
def test_25_a_forged_host_is_a_400_and_nothing_is_sent_to_the_provider(client, host):
    response = client.get("/auth/provider", headers={"Host": host})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "evil" not in response.get_data(as_text=True)
