"""The demo in a real browser: headless Chromium from the system packages, driven by Playwright.

Playwright's own browser builds are never downloaded: the tests launch ``/usr/bin/chromium``.
When it is missing, ``apt-get install -y chromium`` is tried once; without it the tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from passport_demo import RunningDemo

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _install_chromium() -> str | None:
    """Try the system package once; return why it failed, or None."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing it needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        try:
            subprocess.run(command, env=env, check=True, capture_output=True, timeout=900)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"`{' '.join(command)}` failed ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    if not os.path.exists(CHROMIUM):
        reason = _install_chromium()
        if not os.path.exists(CHROMIUM):
            pytest.skip(f"no system Chromium at {CHROMIUM}: {reason or 'the chromium package did not provide it'}")
    return CHROMIUM


@pytest.fixture(scope="module")  # Playwright's sync API keeps a loop running in this thread while it lives
def browser(chromium: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()  # a fresh cookie jar for every test
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, demo: RunningDemo, password: str) -> None:
    page.goto(demo.url + "/")
    page.fill("#username", demo.settings.username)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")


def test_password_login_shows_the_profile_and_logout_signs_out(page: Any, demo: RunningDemo) -> None:
    sign_in(page, demo, demo.settings.password)
    page.wait_for_url(demo.url + "/profile")
    assert page.text_content("#name") == "Alice Liddell"
    assert page.is_visible("text=Signed in with your password.")

    page.click("button:has-text('Sign out')")
    page.wait_for_url(demo.url + "/")
    assert page.is_visible("text=Signed out.")
    page.goto(demo.url + "/profile")
    assert page.url == demo.url + "/"  # anonymous again: sent back to the login form


def test_a_wrong_password_shows_the_failure_flash(page: Any, demo: RunningDemo) -> None:
    sign_in(page, demo, "not the password")
    page.wait_for_url(demo.url + "/")
    assert page.text_content(".flash.error") == "Invalid username or password."
    page.goto(demo.url + "/profile")
    assert page.url == demo.url + "/"


def test_sign_in_with_the_demo_provider(page: Any, demo: RunningDemo) -> None:
    page.goto(demo.url + "/")
    page.click("text=Sign in with the demo provider")
    page.wait_for_url(demo.url + "/profile")  # app -> provider (auto-approves) -> callback -> profile
    assert page.text_content("#name") == "Ada Lovelace"
    assert page.is_visible("text=Signed in with the demo provider.")
    assert "demo-provider:ada-1815" in page.text_content("body")


def test_sign_in_with_openid_connect(page: Any, demo: RunningDemo) -> None:
    page.goto(demo.url + "/")
    page.click("text=Sign in with OpenID Connect")
    page.wait_for_url(demo.url + "/profile")  # app -> provider -> callback: ID token checked -> profile
    assert page.text_content("#name") == "Ada Lovelace"
    assert page.is_visible("text=Signed in with OpenID Connect.")
    assert f"oidc:{demo.provider_url}:ada-1815" in page.text_content("body")
