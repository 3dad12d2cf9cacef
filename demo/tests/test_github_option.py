""" "Sign in with GitHub" is offered only when the demo is configured with a GitHub OAuth App."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from passport_demo import Settings
from passport_demo import create_app


def test_without_configuration_there_is_no_github_button_nor_route(settings: Settings) -> None:
    client = create_app(settings).test_client()
    assert "Sign in with GitHub" not in client.get("/").get_data(as_text=True)
    assert client.get("/auth/github").status_code == 404


def test_with_configuration_the_button_leads_to_github(settings: Settings) -> None:
    configured = dataclasses.replace(settings, github_client_id="Iv1.demo", github_client_secret="gh-demo-secret")
    assert "gh-demo-secret" not in repr(configured)
    client = create_app(configured).test_client()
    assert "Sign in with GitHub" in client.get("/").get_data(as_text=True)
    answer = client.get("/auth/github")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("https://github.com/login/oauth/authorize?")
    sent = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert sent["client_id"] == "Iv1.demo"
    assert sent["redirect_uri"] == "http://localhost/auth/github/callback"
    assert "gh-demo-secret" not in location


def test_the_demo_provider_stays_the_default(settings: Settings) -> None:
    configured = dataclasses.replace(settings, github_client_id="Iv1.demo", github_client_secret="s")
    page = create_app(configured).test_client().get("/").get_data(as_text=True)
    assert page.index("Sign in with the demo provider") < page.index("Sign in with GitHub")
