""" "Sign in with OpenID Connect": the demo's provider speaks OIDC, and the demo app uses it."""

from __future__ import annotations

import requests
from passport_demo import RunningDemo
from passport_demo._provider import openid_configuration


def test_the_provider_serves_the_configuration_the_app_uses(demo: RunningDemo) -> None:
    served = requests.get(demo.provider_url + "/.well-known/openid-configuration", timeout=5).json()
    assert served == openid_configuration(demo.provider_url)
    keys = requests.get(served["jwks_uri"], timeout=5).json()["keys"]
    assert [(k["kty"], k["kid"]) for k in keys] == [("RSA", "demo-1")] and "d" not in keys[0]


def test_sign_in_with_openid_connect(demo: RunningDemo) -> None:
    browser = requests.Session()
    assert "Sign in with OpenID Connect" in browser.get(demo.url + "/", timeout=5).text
    to_provider = browser.get(demo.url + "/auth/oidc", allow_redirects=False, timeout=5)
    assert to_provider.status_code == 302 and "nonce=" in to_provider.headers["Location"]
    back = browser.get(to_provider.headers["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    done = browser.get(back.headers["Location"], allow_redirects=False, timeout=5)
    assert (done.status_code, done.headers["Location"]) == (302, "/profile")
    profile = browser.get(demo.url + "/profile", timeout=5).text
    assert "Ada Lovelace" in profile and "OpenID Connect" in profile
